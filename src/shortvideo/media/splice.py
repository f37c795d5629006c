"""Splicing: the tail an extension gets as input, the timeline the final is cut from.

Pure argument builders (as in ffmpeg.py) and one thin adapter, `FfmpegEditor`, that the video
agent uses through the `VideoEditor` port. A `Span` is a range of a local file; a span without
`seconds` runs to the file's end and is used whole (no trim).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shortvideo.media.ffmpeg import OUTPUT_HEIGHT, OUTPUT_WIDTH, probe, run_ffmpeg

VEO_FPS = 24  # Vertex: an extension's input is 24 fps
TAIL_CRF = 18  # the tail is Veo's input: keep it close to what Veo made
FIT_720P = (
    f"scale={OUTPUT_WIDTH}:{OUTPUT_HEIGHT}:force_original_aspect_ratio=decrease,"
    f"pad={OUTPUT_WIDTH}:{OUTPUT_HEIGHT}:(ow-iw)/2:(oh-ih)/2,setsar=1"
)


@dataclass(frozen=True)
class Span:
    path: Path
    start: float = 0.0
    seconds: float | None = None  # None: to the end of the file, untrimmed

    @property
    def whole(self) -> bool:
        return self.seconds is None and self.start == 0.0


def splice_graph(spans: Sequence[Span], *, video: bool = True, first_input: int = 0) -> list[str]:
    """Filter-graph chains that trim each input to its span and join them in order.

    The outputs are labelled [vcat] (when `video`) and [acat]. Timestamps restart at 0 in each
    span (setpts/asetpts), so the concat filter lays them end to end: no gap, no overlap.
    """
    chains: list[str] = []
    labels = ""
    for offset, span in enumerate(spans):
        i = first_input + offset
        trim = f"start={span.start:.6f}"
        if span.seconds is not None:
            trim += f":duration={span.seconds:.6f}"
        if video:
            chains.append(f"[{i}:v]trim={trim},setpts=PTS-STARTPTS[v{offset}]")
            labels += f"[v{offset}]"
        chains.append(f"[{i}:a]atrim={trim},asetpts=PTS-STARTPTS[a{offset}]")
        labels += f"[a{offset}]"
    outputs = "[vcat][acat]" if video else "[acat]"
    chains.append(f"{labels}concat=n={len(spans)}:v={int(video)}:a=1{outputs}")
    return chains


def span_inputs(spans: Sequence[Span]) -> list[str]:
    return [arg for span in spans for arg in ("-i", str(span.path))]


def tail_args(spans: Sequence[Span], out: Path, preset: str = "veryfast") -> list[str]:
    """An extension's input: the spans joined, 24 fps, 720x1280, H.264/AAC, faststart."""
    graph = [
        *splice_graph(spans),
        f"[vcat]fps={VEO_FPS},{FIT_720P},format=yuv420p[vout]",
        "[acat]aresample=48000[aout]",
    ]
    return [
        *span_inputs(spans),
        "-filter_complex", ";".join(graph),
        "-map", "[vout]", "-map", "[aout]",
        "-c:v", "libx264", "-preset", preset, "-crf", str(TAIL_CRF), "-pix_fmt", "yuv420p",
        "-r", str(VEO_FPS),
        "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2",
        "-movflags", "+faststart",
        str(out),
    ]  # fmt: skip


def spliced_audio_args(spans: Sequence[Span], dst_wav: Path) -> list[str]:
    """The spliced timeline's audio as Whisper wants it (mono 16 kHz PCM), no video decoded."""
    graph = [*splice_graph(spans, video=False), "[acat]aresample=16000[aout]"]
    return [
        *span_inputs(spans),
        "-filter_complex", ";".join(graph),
        "-map", "[aout]", "-ac", "1", "-c:a", "pcm_s16le",
        str(dst_wav),
    ]  # fmt: skip


def last_frame_args(src: Path, dst_png: Path) -> list[str]:
    """The last frame as a 720x1280 PNG: each frame of the last second overwrites the image."""
    return [
        "-sseof", "-1", "-i", str(src), "-an",
        "-vf", FIT_720P, "-update", "1", "-c:v", "png",
        str(dst_png),
    ]  # fmt: skip


class FfmpegEditor:
    """The video agent's media work, with FFmpeg (the `VideoEditor` port)."""

    def duration(self, path: Path) -> float:
        """The video stream's length (the container's when the stream does not say)."""
        info = probe(path)
        return info.video_duration or info.duration

    def make_tail(self, spans: Sequence[Span], out: Path) -> None:
        run_ffmpeg(tail_args(spans, out))

    def last_frame(self, src: Path, out: Path) -> None:
        run_ffmpeg(last_frame_args(src, out))
