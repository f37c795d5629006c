"""Real FFmpeg and Whisper: a 9-block video made of tails and kept parts, spliced in one pass."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services

from demo_providers.instant import CLIP_SECONDS, InstantVideoModel
from demo_providers.render import STYLE_COLOURS, extend_video, render_block_clip
from demo_providers.script_writer import DemoScriptWriter
from shortvideo.media.ffmpeg import probe
from shortvideo.media.splice import FfmpegEditor
from shortvideo.models import Style
from shortvideo.ports import VideoStep
from shortvideo.stages import intake
from shortvideo.stages.assemble_stage import handle_assemble
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")), reason="needs ffmpeg, espeak-ng"
)
STYLES = list(Style)


class LightVeo(ScriptedVideoModel):
    """Veo's semantics with real files: a plain-colour clip per block (its colour tells the
    blocks apart) speaking the block's line; an extension returns its input, then the clip."""

    def __init__(self, blobs, workdir: Path) -> None:
        super().__init__(blobs)
        self.workdir = workdir

    def output_for(self, step: VideoStep) -> bytes:
        with tempfile.TemporaryDirectory(dir=self.workdir) as tmp:
            work = Path(tmp)
            clip = work / "clip.mp4"
            render_block_clip(
                out_path=clip, seconds=step.seconds, style=STYLES[step.block_index % 7],
                block_index=step.block_index, visual=step.visual, dialogue=step.dialogue,
                language=step.language, workdir=work, light=True,
            )  # fmt: skip
            if not step.previous_video_uri:
                return clip.read_bytes()
            tail = work / "tail.mp4"
            self.blobs.download_file(self.blobs.name_from_uri(step.previous_video_uri), tail)
            extend_video(tail, clip, work / "out.mp4", work)
            return (work / "out.mp4").read_bytes()


def run_stage(handler, svc, video_id: str, until: str) -> dict:
    for _ in range(60):
        doc = svc.jobs.get_job(video_id)
        if doc["status"] in (until, "failed"):
            return doc
        if doc.get("wake_at"):
            svc.jobs.jobs[video_id]["wake_at"] = utcnow() - timedelta(seconds=1)
        handler(svc, video_id)
    raise AssertionError(f"{handler.__name__} did not reach {until}")


def colour_at(video: Path, seconds: float) -> tuple[int, int, int]:
    """The mean RGB of a central 40x40 patch of the frame at `seconds`."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
         "-vf", "crop=40:40:340:400,scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24",
         "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return raw[0], raw[1], raw[2]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour, 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def cue_starts(srt: str) -> list[float]:
    starts = []
    for h, m, s, ms in re.findall(r"(\d+):(\d+):(\d+),(\d+) -->", srt):
        starts.append(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
    return starts


def test_a_nine_block_video_is_spliced_from_tails_and_kept_parts(tmp_path):
    svc = memory_services(
        tmp_path, X264_PRESET="ultrafast", VIDEO_POLL_SECONDS="1", VEO_EXTENSION_INPUT_SECONDS="5"
    )
    svc._lazy["editor"] = FfmpegEditor()
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    (tmp_path / "veo").mkdir()
    svc._lazy["video"] = LightVeo(svc.blobs, tmp_path / "veo")
    video_id = intake.create_job(svc, {"theme": "How bridges stand up"})["video_id"]
    handle_script(svc, video_id)
    doc = run_stage(handle_video, svc, video_id, "video_generated")
    assert doc["status"] == "video_generated", doc.get("error")
    parts = doc["parts"]
    # Every extension got a real 5 s tail (24 fps, 720x1280) and its new part starts there.
    for step in svc.video_model.submitted[1:]:
        tail = tmp_path / "tail.mp4"
        svc.blobs.download_file(svc.blobs.name_from_uri(step.previous_video_uri), tail)
        info = probe(tail)
        assert (info.width, info.height, info.frame_rate) == (720, 1280, 24.0)
        assert info.video_duration == pytest.approx(5.0, abs=0.05)
    assert all(p["start"] == pytest.approx(5.0, abs=0.05) for p in parts[1:])
    assert sum(p["seconds"] for p in parts) == pytest.approx(64, abs=0.1)

    doc = run_stage(handle_assemble, svc, video_id, "completed")
    assert doc["status"] == "completed", doc.get("error")
    final = tmp_path / "final.mp4"
    svc.blobs.download_file(svc.blobs.name_from_uri(doc["final_video_uri"]), final)
    info = probe(final)
    assert info.duration == pytest.approx(64, abs=0.15) and (info.width, info.height) == (720, 1280)
    assert info.audio_duration == pytest.approx(64, abs=0.15)
    starts = [sum(p["seconds"] for p in parts[:i]) for i in range(len(parts))]
    # One continuous video: inside each block's real range the picture is that block's own
    # (a kept tail would show the block before), and it changes exactly at the boundaries.
    for index, start in enumerate(starts):
        expected = rgb(STYLE_COLOURS[STYLES[index % 7]])
        for at in (start + 0.3, start + parts[index]["seconds"] - 0.3):
            got = colour_at(final, at)
            assert all(abs(g - e) <= 24 for g, e in zip(got, expected, strict=True)), (index, at)
    # Subtitles follow the real boundaries: each block's speech (0.25 s after its start) opens
    # a cue within its own range.
    srt = svc.blobs.download_bytes(svc.blobs.name_from_uri(doc["subtitles_uri"])).decode()
    cues = cue_starts(srt)
    for index, start in enumerate(starts):
        assert any(start - 0.3 <= c < start + 1.5 for c in cues), (index, start, cues)


def test_the_instant_model_extends_its_input_and_the_stage_keeps_only_the_new_clip(tmp_path):
    svc = memory_services(
        tmp_path, DEMO_VIDEO_MODE="instant", WHISPER_ENGINE="instant",
        DEMO_VIDEO_LATENCY_SECONDS="0", VEO_EXTENSION_INPUT_SECONDS="1",
    )  # fmt: skip
    svc._lazy["editor"] = FfmpegEditor()
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    assert isinstance(svc.video_model, InstantVideoModel)
    video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]
    handle_script(svc, video_id)
    assert handle_video(svc, video_id) == {"outcome": "done"}  # no poll was needed
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "video_generated" and doc["cost"]["billed_seconds"] == 64
    ops = doc["video_operations"]
    assert [op["block"] for op in ops] == list(range(9))
    for op in ops[1:]:  # output = the 1 s input + the 4 s clip; only the clip is kept
        assert op["input_seconds"] == pytest.approx(1.0, abs=0.05)
        assert op["output_seconds"] == pytest.approx(1.0 + CLIP_SECONDS, abs=0.1)
        assert op["keep_seconds"] == pytest.approx(CLIP_SECONDS, abs=0.1)
    assert doc["video_seconds"] == pytest.approx(9 * CLIP_SECONDS, abs=0.3)
