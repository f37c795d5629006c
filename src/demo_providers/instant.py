"""Instant demo providers for measuring orchestration: a video block costs one object copy.

For measuring orchestration (the bench's part 3) without paying for rendering: every block,
opening clip or extension, is a server-side copy of one short pre-rendered clip (4 s, 720x1280,
24 fps, H.264/AAC with a spoken line, the demo renderer's light look) into the job's output
prefix. The clip is rendered once and kept in the bucket (`CLIP_OBJECT`); a process renders it
only if it is not there yet. Operations carry their answer in their name (the object and the
moment they are done), so polling costs nothing either.

Veo's semantics are kept, with the clip as the unit: an extension's output is its input (the
tail the video agent sends) followed by the clip, joined by stream copy (no encode); an opening
or image-to-video block is the clip itself. So the video agent keeps 4 s per block, and the final
of a 9-block job is 36 s. Fault injection (DEMO_VIDEO_FAIL_BLOCKS) is the render mode's; this
mode has none.

`InstantTranscriber` (WHISPER_ENGINE=instant, only with DEMO_VIDEO_MODE=instant) stands in for
Whisper the same way: it hears nothing and returns the clip's known line, evenly timed. With it
the assembler's own work is FFmpeg only (audio out, one encode with subtitles, thumbnail,
probe): Whisper's fixed cost (a 30 s window, beam search) is 2 s a job on an idle 2-core machine
and 10 s under load, and the local Cloud Tasks emulator runs the assembler queue one task at a
time, so with N jobs it would dominate the run's wall time.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from pathlib import Path

from demo_providers.render import extend_video, render_block_clip
from shortvideo.models import Language, Style, Word
from shortvideo.ports import BlobStore, OperationStatus, VideoStep

PROVIDER = "demo-instant"
CLIP_SECONDS = 4
CLIP_LINE = "This short clip stands in for every block of the video."
SPEECH_START, SPEECH_END = 0.25, 3.5  # where the clip's line is spoken, about
# Bump the version when the clip's rendering changes, so no stale clip is reused.
CLIP_OBJECT = "demo_instant/clip-v1.mp4"
_OPERATION_PREFIX = "demo-instant-op"


def operation_name(object_name: str, done_at: float) -> str:
    """The name of an operation whose video is `object_name`, done at `done_at` (epoch s)."""
    return f"{_OPERATION_PREFIX}/{int(done_at * 1000)}/{object_name}"


def parse_operation_name(name: str) -> tuple[str, float]:
    """(object name, done at in epoch seconds); ValueError for a name this model did not make."""
    prefix, done_ms, object_name = [*name.split("/", 2), "", ""][:3]
    if prefix != _OPERATION_PREFIX or not done_ms.isdigit() or not object_name:
        raise ValueError(f"not an instant demo operation: {name!r}")
    return object_name, int(done_ms) / 1000


class InstantVideoModel:
    provider = PROVIDER
    model = "demo-veo-instant"

    def __init__(self, blobs: BlobStore, workdir: Path, latency_seconds: float = 0.0) -> None:
        self._blobs = blobs
        self._workdir = workdir
        self._latency = latency_seconds
        self._clip_ready = False
        self._lock = threading.Lock()

    def submit(self, step: VideoStep) -> str:
        self.ensure_clip()
        name = f"{step.output_prefix}block-{step.block_index:02d}-{uuid.uuid4().hex[:8]}.mp4"
        if step.previous_video_uri:  # an extension: its input, then the new clip
            with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
                tail, out = Path(tmp) / "input.mp4", Path(tmp) / "extended.mp4"
                self._blobs.download_file(self._blobs.name_from_uri(step.previous_video_uri), tail)
                extend_video(tail, self._local_clip(), out, Path(tmp))
                self._blobs.upload_file(name, out, "video/mp4")
        else:
            self._blobs.copy(CLIP_OBJECT, name)
        return operation_name(name, time.time() + self._latency)

    def poll(self, operation_name: str) -> OperationStatus:
        object_name, done_at = parse_operation_name(operation_name)
        if time.time() < done_at:
            return OperationStatus(done=False)
        return OperationStatus(done=True, video_uri=self._blobs.uri(object_name))

    def ensure_clip(self) -> None:
        """Render and upload the clip unless the bucket has it (once per process)."""
        with self._lock:
            if self._clip_ready:
                return
            if not self._blobs.exists(CLIP_OBJECT):
                self._blobs.upload_file(CLIP_OBJECT, self.render_clip(), "video/mp4")
            self._clip_ready = True

    def _local_clip(self) -> Path:
        """The clip on local disk: fetched from the bucket rather than rendered again."""
        clip = self._workdir / Path(CLIP_OBJECT).name
        if not clip.is_file():
            self._workdir.mkdir(parents=True, exist_ok=True)
            partial = clip.with_name(f".{clip.name}.{uuid.uuid4().hex[:8]}")
            self._blobs.download_file(CLIP_OBJECT, partial)
            partial.replace(clip)
        return clip

    def render_clip(self) -> Path:
        """The clip, rendered into this model's workdir (kept there for the next process)."""
        self._workdir.mkdir(parents=True, exist_ok=True)
        clip = self._workdir / Path(CLIP_OBJECT).name
        if not clip.is_file():
            with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
                partial = Path(tmp) / "clip.mp4"
                render_block_clip(
                    out_path=partial,
                    seconds=CLIP_SECONDS,
                    style=Style.CINEMATIC,
                    block_index=0,
                    visual="instant demo clip",
                    dialogue=CLIP_LINE,
                    language=Language.EN,
                    workdir=Path(tmp),
                    light=True,
                )
                partial.replace(clip)
        return clip


class InstantTranscriber:
    """Whisper's stand-in for instant videos: the clip's line, its words evenly timed."""

    engine = "instant"

    def load(self) -> None:
        """Nothing to load."""

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]:
        words = CLIP_LINE.split()
        step = (SPEECH_END - SPEECH_START) / len(words)
        return [
            Word(text=word, start=round(SPEECH_START + i * step, 3),
                 end=round(SPEECH_START + (i + 1) * step, 3))
            for i, word in enumerate(words)
        ]  # fmt: skip
