"""The video agent's media work around each block (decision 0010).

Before a block past the opening clip: its input, made from the parts kept so far (the tail
of the video for an extension, the last frame for image-to-video), uploaded under the job's
prefix. After it: the part of its output that the final keeps, measured with ffprobe.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shortvideo.errors import ProviderError
from shortvideo.logs import timed
from shortvideo.media.splice import Span
from shortvideo.ports import BlobStore, VideoEditor
from shortvideo.segments import EXTEND, IMAGE_TO_VIDEO, Part, parts_of, tail_ranges, tail_seconds
from shortvideo.settings import Settings
from shortvideo.stages.runner import StageContext

MIN_NEW_SECONDS = 1.0  # an extension that adds less than this made no usable part


def tail_object(video_id: str, index: int) -> str:
    return f"veo31_videos/{video_id}/tails/b{index:02d}.mp4"


def frame_object(video_id: str, index: int) -> str:
    return f"veo31_videos/{video_id}/frames/b{index:02d}.png"


@dataclass(frozen=True)
class SegmentInput:
    """What a block is made from besides its prompt (nothing for the opening clip)."""

    video_uri: str | None = None  # extend: the tail
    video_seconds: float = 0.0  # the tail's measured length: where the new part starts
    first_frame_uri: str | None = None  # image_to_video: the last frame so far

    def to_doc(self) -> dict[str, Any]:
        """Fields recorded in the submit intent and the operation (see `from_doc`)."""
        doc: dict[str, Any] = {}
        if self.video_uri:
            doc.update(input_uri=self.video_uri, input_seconds=self.video_seconds)
        if self.first_frame_uri:
            doc["first_frame_uri"] = self.first_frame_uri
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> SegmentInput:
        return cls(
            doc.get("input_uri"), float(doc.get("input_seconds") or 0.0), doc.get("first_frame_uri")
        )


def _download(blobs: BlobStore, uri: str, path: Path) -> Path:
    blobs.download_file(blobs.name_from_uri(uri), path)
    return path


def make_input(
    blobs: BlobStore, editor: VideoEditor, settings: Settings, video_id: str,
    parts: list[Part], work: Path, log: Any,
) -> SegmentInput:  # fmt: skip
    """The input of the block after `parts`: the tail (extend) or the last frame, uploaded."""
    index = len(parts)
    if index == 0:
        return SegmentInput()
    if settings.veo_extension_route == IMAGE_TO_VIDEO:
        last = _download(blobs, parts[-1].uri, work / "last.mp4")
        frame = work / "frame.png"
        with timed(log, "last_frame_extracted", block=index):
            editor.last_frame(last, frame)
        return SegmentInput(
            first_frame_uri=blobs.upload_file(frame_object(video_id, index), frame, "image/png")
        )
    wanted = tail_seconds(settings, sum(p.seconds for p in parts))
    spans = [
        Span(_download(blobs, part.uri, work / f"part{n}.mp4"), start, seconds)
        for n, (part, start, seconds) in enumerate(tail_ranges(parts, wanted))
    ]
    tail = work / "tail.mp4"
    with timed(log, "extension_input_made", block=index, seconds=wanted) as extra:
        editor.make_tail(spans, tail)
        measured = round(editor.duration(tail), 3)
        extra["measured_seconds"] = measured
    uri = blobs.upload_file(tail_object(video_id, index), tail, "video/mp4")
    return SegmentInput(video_uri=uri, video_seconds=measured)


def measure_part(
    blobs: BlobStore, editor: VideoEditor, block: int, source: SegmentInput, video_uri: str,
    work: Path,
) -> tuple[Part, float]:  # fmt: skip
    """The part of a block's output that the final keeps, and the output's measured length."""
    length = round(editor.duration(_download(blobs, video_uri, work / "output.mp4")), 3)
    start = source.video_seconds if source.video_uri else 0.0
    new = round(length - start, 3)
    if new < MIN_NEW_SECONDS:
        route = EXTEND if source.video_uri else "clip"
        raise ProviderError(
            f"block {block} ({route}): the model returned {length:.2f} s for an input of "
            f"{start:.2f} s: nothing new to keep"
        )
    return Part(block, video_uri, start, new), length


def _workdir(ctx: StageContext) -> tempfile.TemporaryDirectory[str]:
    root = ctx.svc.settings.workdir
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f"video-{ctx.video_id[:8]}-", dir=root)


def prepare_input(ctx: StageContext, index: int) -> SegmentInput:
    """The input of block `index`, made from the parts the job has kept so far."""
    parts = parts_of(ctx.doc)
    if len(parts) != index:
        raise ProviderError(f"block {index}: the job has {len(parts)} parts, expected {index}")
    if index == 0:
        return SegmentInput()
    svc = ctx.svc
    with _workdir(ctx) as tmp:
        return make_input(
            svc.blobs, svc.editor, svc.settings, ctx.video_id, parts, Path(tmp), ctx.log
        )


def kept_part(ctx: StageContext, op: dict[str, Any], video_uri: str) -> tuple[Part, float]:
    """The part of a finished block's output that the final keeps, and the output's length."""
    with _workdir(ctx) as tmp:
        return measure_part(
            ctx.svc.blobs, ctx.svc.editor, int(op["block"]), SegmentInput.from_doc(op),
            video_uri, Path(tmp),
        )  # fmt: skip
