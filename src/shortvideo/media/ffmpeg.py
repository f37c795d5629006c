"""FFmpeg argument builders (pure, unit-testable) and the thin runners that execute them.

Builders return the arguments that follow the global options; `ffmpeg_command` adds the binary
and the options every run shares.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shortvideo.errors import MediaError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shortvideo.media.splice import Span

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
FFPROBE = shutil.which("ffprobe") or "ffprobe"
GLOBAL_OPTIONS = ("-hide_banner", "-nostdin", "-y", "-loglevel", "error")
STDERR_TAIL_CHARS = 2000
OUTPUT_WIDTH, OUTPUT_HEIGHT = 720, 1280


def escape_filter_value(value: str | Path) -> str:
    """Escape a value (a path, a text) for an option inside a -filter_complex graph.

    Two levels, as the FFmpeg filtergraph docs describe: first the option value, then the graph.
    """
    text = str(value)
    for char in ("\\", "'", ":"):
        text = text.replace(char, "\\" + char)
    for char in ("\\", "'", "[", "]", ",", ";"):
        text = text.replace(char, "\\" + char)
    return text


def extract_audio_args(src: Path, dst_wav: Path) -> list[str]:
    """Mono 16 kHz 16-bit PCM: what Whisper wants; -vn skips decoding the video."""
    return ["-i", str(src), "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(dst_wav)]


def assemble_args(
    *,
    video: Path | Sequence[Span],
    subtitles_ass: Path,
    out: Path,
    music: Path | None,
    music_volume: float = 0.2,
    narration: Path | None = None,
    native_volume: float = 0.35,
    preset: str = "fast",
) -> list[str]:
    """One encode pass: the parts spliced, subtitles burned in, music looped under the native
    audio, faststart.

    `video` is one file, or the spans the final is cut from (the opening clip and each block's
    kept part, decision 0010): they are trimmed and joined inside this same filter graph, video
    and audio, so splicing costs no extra lossy pass. Each carries its own audio track (Veo and
    the demo renderer both do). With a narration track, the native audio is lowered to
    `native_volume` under it.
    """
    from shortvideo.media.splice import Span, span_inputs, splice_graph

    spans = [Span(video)] if isinstance(video, Path) else list(video)
    if not spans:
        raise ValueError("assembly needs at least one video span")
    inputs = span_inputs(spans)
    if len(spans) == 1 and spans[0].whole:  # one untrimmed file: nothing to splice
        graph, picture, native = [], "[0:v]", "[0:a]"
    else:
        graph, picture, native = splice_graph(spans), "[vcat]", "[acat]"
    # Scale/pad is a no-op for 720x1280 input, and guarantees the ASS PlayRes matches the frame.
    graph.append(
        f"{picture}scale={OUTPUT_WIDTH}:{OUTPUT_HEIGHT}:force_original_aspect_ratio=decrease,"
        f"pad={OUTPUT_WIDTH}:{OUTPUT_HEIGHT}:(ow-iw)/2:(oh-ih)/2,setsar=1,"
        f"subtitles=filename={escape_filter_value(subtitles_ass)}[vout]"
    )
    mix_inputs = [native]
    if narration is not None:
        inputs += ["-i", str(narration)]
        graph.append(f"{native}volume={native_volume:g}[native]")
        mix_inputs = ["[native]", f"[{inputs.count('-i') - 1}:a]"]
    if music is not None:
        inputs += ["-stream_loop", "-1", "-i", str(music)]
        graph.append(f"[{inputs.count('-i') - 1}:a]volume={music_volume:g}[music]")
        mix_inputs.append("[music]")
    if len(mix_inputs) > 1:
        # normalize=0 keeps the voice at full level; duration=first ends with the video's audio.
        graph.append(
            f"{''.join(mix_inputs)}amix=inputs={len(mix_inputs)}:duration=first:normalize=0[aout]"
        )
        audio_map = "[aout]"
    elif native == "[acat]":
        audio_map = "[acat]"
    else:
        audio_map = "0:a?"
    return [
        *inputs,
        "-filter_complex", ";".join(graph),
        "-map", "[vout]", "-map", audio_map,
        "-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
        "-movflags", "+faststart",
        str(out),
    ]  # fmt: skip


def thumbnail_args(
    src: Path, dst_jpg: Path, at_seconds: float = 2.0, width: int = 540, height: int = 960
) -> list[str]:
    """-ss before -i seeks the input quickly; the frame is scaled and cropped to fill."""
    scale = (
        f"scale={width}:{height}:force_original_aspect_ratio=increase,"
        f"crop={width}:{height},setsar=1"
    )
    return [
        "-ss", f"{at_seconds:g}", "-i", str(src),
        "-frames:v", "1", "-vf", scale, "-q:v", "3", "-update", "1",
        str(dst_jpg),
    ]  # fmt: skip


def ffmpeg_command(args: list[str]) -> list[str]:
    return [FFMPEG, *GLOBAL_OPTIONS, *args]


def run_ffmpeg(args: list[str], timeout: float | None = 900) -> None:
    """Run ffmpeg with the shared global options; MediaError carries the tail of stderr."""
    command = ffmpeg_command(args)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(f"ffmpeg did not finish: {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.strip()[-STDERR_TAIL_CHARS:]
        raise MediaError(f"ffmpeg exited with {done.returncode}: {tail}")


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    size_bytes: int
    video_codec: str | None
    audio_codec: str | None
    frame_rate: float
    faststart: bool
    video_duration: float | None = None
    audio_duration: float | None = None


def probe(path: Path) -> ProbeResult:
    command = [FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    try:
        done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(f"ffprobe did not finish: {exc}") from exc
    if done.returncode != 0:
        raise MediaError(f"ffprobe failed on {path.name}: {done.stderr.strip()[-500:]}")
    info: dict[str, Any] = json.loads(done.stdout)
    streams: list[dict[str, Any]] = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), {})
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    fmt: dict[str, Any] = info.get("format", {})
    return ProbeResult(
        duration=float(fmt.get("duration", 0.0)),
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        size_bytes=path.stat().st_size,
        video_codec=video.get("codec_name"),
        audio_codec=audio.get("codec_name"),
        frame_rate=_rate(video.get("avg_frame_rate") or video.get("r_frame_rate")),
        faststart=moov_before_mdat(path),
        video_duration=_optional_float(video.get("duration")),
        audio_duration=_optional_float(audio.get("duration")),
    )


def _rate(text: str | None) -> float:
    try:
        return float(Fraction(text)) if text else 0.0
    except (ValueError, ZeroDivisionError):
        return 0.0


def _optional_float(value: object) -> float | None:
    return float(value) if isinstance(value, str | int | float) else None


def top_level_atoms(path: Path) -> list[str]:
    """The types of the top-level MP4 boxes, in file order (box payloads are skipped)."""
    atoms: list[str] = []
    size_total = path.stat().st_size
    with path.open("rb") as handle:
        offset = 0
        while offset + 8 <= size_total:
            handle.seek(offset)
            header = handle.read(16)
            size = int.from_bytes(header[:4], "big")
            atoms.append(header[4:8].decode("latin-1"))
            if size == 1:  # 64-bit size follows the type
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:  # box runs to the end of the file
                break
            if size < 8:
                break
            offset += size
    return atoms


def moov_before_mdat(path: Path) -> bool:
    atoms = top_level_atoms(path)
    return "moov" in atoms and "mdat" in atoms and atoms.index("moov") < atoms.index("mdat")
