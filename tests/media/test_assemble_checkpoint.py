"""Real FFmpeg: a retried assembly reuses the words its killed attempt heard, and only those."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from tests.fakes import DirBlobStore, FixedScriptModel, memory_services

from demo_providers.instant import CLIP_LINE, InstantTranscriber
from demo_providers.script_writer import DemoScriptWriter
from shortvideo.accounts.registry import job_media_prefixes
from shortvideo.errors import MediaError
from shortvideo.media.audio import wav_seconds
from shortvideo.media.splice import FfmpegEditor
from shortvideo.models import Language, Word
from shortvideo.settings import settings_from
from shortvideo.stages import intake
from shortvideo.stages.assemble_checkpoint import WordsCheckpoint
from shortvideo.stages.assemble_stage import assemble_local, handle_assemble
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video

pytestmark = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="needs ffmpeg")


class CountingTranscriber(InstantTranscriber):
    """The instant line for each chunk it hears; `dies_at`: the call that is killed, once."""

    def __init__(self, model_id: str = "m1", dies_at: int | None = None) -> None:
        self.heard: list[tuple[Language, float]] = []
        self.model_id = model_id
        self.dies_at = dies_at

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]:
        if self.dies_at is not None and len(self.heard) + 1 == self.dies_at:
            self.dies_at = None
            raise MediaError("the assembler was killed while Whisper ran")
        self.heard.append((language, round(wav_seconds(audio_path), 1)))
        return super().transcribe(audio_path, language)


def test_a_retried_assembly_hears_only_what_its_killed_attempt_did_not(tmp_path):
    svc = memory_services(
        tmp_path, DEMO_VIDEO_MODE="instant", DEMO_VIDEO_LATENCY_SECONDS="0",
        VEO_EXTENSION_INPUT_SECONDS="1", X264_PRESET="ultrafast",
    )  # fmt: skip
    svc._lazy["editor"] = FfmpegEditor()
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    transcriber = CountingTranscriber(dies_at=2)
    svc._lazy["transcriber"] = transcriber
    video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]
    handle_script(svc, video_id)
    handle_video(svc, video_id)
    assert svc.jobs.get_job(video_id)["status"] == "video_generated"

    handle_assemble(svc, video_id)  # nine 4 s parts: chunks of 28 s and 8 s; dies in the 2nd
    assert svc.jobs.get_job(video_id)["status"] == "video_generated"
    assert transcriber.heard == [(Language.EN, 28.0)]
    svc.jobs.jobs[video_id]["next_retry_at"] = utcnow() - timedelta(seconds=1)
    handle_assemble(svc, video_id)
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "completed", doc.get("error")
    # The first chunk was not heard again; the last runs to the audio's end (AAC's padding).
    assert transcriber.heard == [(Language.EN, 28.0), (Language.EN, pytest.approx(8.0, abs=0.3))]
    # Each chunk's words on the final's timeline (the instant model hears one line a chunk).
    srt = svc.blobs.download_bytes(svc.blobs.name_from_uri(doc["subtitles_uri"])).decode()
    assert doc["transcript"] == f"{CLIP_LINE} {CLIP_LINE}"
    assert "00:00:28,250 -->" in srt  # the 2nd chunk's line, 0.25 s into it
    kept = svc.blobs.list_names(f"subtitles/{video_id}.words-")
    assert len(kept) == 2 and all(name.startswith(job_media_prefixes(video_id)) for name in kept)


def tone_clip(path: Path, hertz: int) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=navy:s=720x1280:r=24:d=2",
         "-f", "lavfi", "-i", f"sine=frequency={hertz}:duration=2", "-c:v", "libx264",
         "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_other_audio_another_language_or_another_model_is_heard_again(tmp_path):
    low, high = tone_clip(tmp_path / "low.mp4", 300), tone_clip(tmp_path / "high.mp4", 900)
    checkpoint = WordsCheckpoint(DirBlobStore(tmp_path / "blobs"), "job_1")
    settings = settings_from({"X264_PRESET": "ultrafast"})
    transcriber = CountingTranscriber()

    def assemble(source: Path, language: Language, model: CountingTranscriber) -> str:
        work = tmp_path / f"work-{len(list(tmp_path.glob('work-*')))}"
        work.mkdir()
        return assemble_local(
            source, work, language, None, settings, model, checkpoint=checkpoint
        ).srt

    first = assemble(low, Language.FR, transcriber)
    assert assemble(low, Language.FR, transcriber) == first and len(transcriber.heard) == 1
    assert "Dialogue" in (tmp_path / "work-1" / "subtitles.ass").read_text()
    assemble(high, Language.FR, transcriber)  # a re-made part: other audio
    assert len(transcriber.heard) == 2
    assemble(low, Language.EN, transcriber)
    assert len(transcriber.heard) == 3
    other_model = CountingTranscriber(model_id="m2")
    assemble(low, Language.FR, other_model)
    assert len(other_model.heard) == 1
    assemble(high, Language.FR, transcriber)  # each input keeps its own words
    assert len(transcriber.heard) == 3
