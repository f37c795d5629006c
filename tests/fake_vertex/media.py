"""FFmpeg and espeak-ng for the fake: probing, speech, PNGs, and joining clips like Veo's extend.

The fake's own helpers (it imports nothing from the product): a wrong assumption in the
product's media code must not be mirrored by the fake that checks it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
FFPROBE = shutil.which("ffprobe") or "ffprobe"
ESPEAK = shutil.which("espeak-ng") or "espeak-ng"
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
# Every clip the fake writes shares these, so an extension joins its input by stream copy.
WIDTH, HEIGHT, FPS = 720, 1280, 24
VIDEO_TIMESCALE = 12288
AUDIO_RATE = 48000
ENCODE = [
    "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "26",
    "-pix_fmt", "yuv420p", "-g", str(FPS * 2), "-r", str(FPS),
    "-video_track_timescale", str(VIDEO_TIMESCALE),
    "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2",
]  # fmt: skip
ESPEAK_VOICES = {"en": "en-us", "fr": "fr+m2", "es": "es"}
SPEECH_WPM = {"en": 160, "fr": 145, "es": 160}
MAX_WPM = 400


class MediaFailed(Exception):
    """FFmpeg, ffprobe or espeak-ng failed (a broken input, a missing tool)."""


def run(args: list[str], timeout: float = 300) -> bytes:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MediaFailed(f"{Path(args[0]).name} did not finish: {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-600:]
        raise MediaFailed(f"{Path(args[0]).name} failed: {tail}")
    return done.stdout


def ffmpeg(args: list[str], timeout: float = 300) -> bytes:
    return run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args], timeout)


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe reads in a file: the facts Vertex checks, whatever the request claims."""

    width: int
    height: int
    fps: float
    seconds: float  # the video stream's own duration
    codec: str
    pix_fmt: str
    timescale: int
    audio_codec: str | None
    audio_rate: int | None
    audio_channels: int | None


def probe(path: Path) -> VideoInfo:
    out = run([FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
              timeout=60)  # fmt: skip
    data = json.loads(out)
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        raise MediaFailed(f"{path.name} has no video stream")
    rate = Fraction(video.get("avg_frame_rate") or video.get("r_frame_rate") or "0/1")
    seconds = float(video.get("duration") or (data.get("format") or {}).get("duration") or 0)
    timebase = Fraction(video.get("time_base") or "1/1")
    return VideoInfo(
        width=int(video["width"]), height=int(video["height"]),
        fps=float(rate) if rate.denominator else 0.0, seconds=seconds,
        codec=str(video.get("codec_name")), pix_fmt=str(video.get("pix_fmt")),
        timescale=timebase.denominator,
        audio_codec=audio.get("codec_name") if audio else None,
        audio_rate=int(audio["sample_rate"]) if audio and audio.get("sample_rate") else None,
        audio_channels=int(audio["channels"]) if audio and audio.get("channels") else None,
    )  # fmt: skip


def joins_by_copy(info: VideoInfo) -> bool:
    """Whether a file has the fake's codec parameters (then concat needs no re-encode)."""
    video = (info.codec, info.pix_fmt, info.width, info.height, info.timescale, round(info.fps, 3))
    audio = (info.audio_codec, info.audio_rate, info.audio_channels)
    return video == ("h264", "yuv420p", WIDTH, HEIGHT, VIDEO_TIMESCALE, FPS) and audio == (
        "aac", AUDIO_RATE, 2)


def normalise(src: Path, dst: Path) -> None:
    """Re-encode `src` with the fake's parameters (with silence when it has no audio)."""
    silence = [] if probe(src).audio_codec else [
        "-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo", "-shortest"]
    ffmpeg(["-i", str(src), *silence, "-vf", f"fps={FPS},scale={WIDTH}:{HEIGHT},setsar=1",
            *ENCODE, "-movflags", "+faststart", str(dst)])  # fmt: skip


def concat(first: Path, second: Path, out: Path, workdir: Path) -> None:
    """Veo's extend: `first` then `second`, joined without re-encoding `second`."""
    if not joins_by_copy(probe(first)):
        fixed = workdir / "input-normalised.mp4"
        normalise(first, fixed)
        first = fixed
    listing = workdir / f"concat-{os.getpid()}-{out.stem}.txt"
    listing.write_text("ffconcat version 1.0\n" + "".join(
        "file '" + str(p.resolve()).replace("'", "'\\''") + "'\n" for p in (first, second)
    ), encoding="utf-8")  # fmt: skip
    ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0", "-c", "copy",
            "-movflags", "+faststart", str(out)])  # fmt: skip


def speak(text: str, language: str, wav: Path, room_seconds: float, variant: str = "") -> float:
    """espeak-ng reads `text` into `wav`, faster when it would not fit; returns its length."""
    voice = ESPEAK_VOICES.get(language, "en-us")
    if variant:
        voice = f"{voice.split('+', 1)[0]}+{variant}"
    text_file = wav.with_suffix(".txt")
    text_file.write_text(" ".join(text.split()), encoding="utf-8")
    wpm, length = SPEECH_WPM.get(language, 160), 0.0
    for _ in range(3):
        run([ESPEAK, "-v", voice, "-s", str(wpm), "-w", str(wav), "-f", str(text_file)], 60)
        with wave.open(str(wav), "rb") as handle:
            length = handle.getnframes() / handle.getframerate()
        if length <= room_seconds or wpm >= MAX_WPM:
            break
        wpm = min(MAX_WPM, int(wpm * length / room_seconds) + 5)
    return length


def pcm_24k(wav: Path, raw: Path) -> bytes:
    ffmpeg(["-i", str(wav), "-ac", "1", "-ar", "24000", "-f", "s16le", "-c:a", "pcm_s16le",
            str(raw)], timeout=60)  # fmt: skip
    return raw.read_bytes()


def png(width: int, height: int, label_file: Path, out: Path) -> bytes:
    font = FONT_FILE.replace(":", "\\:")
    label = str(label_file).replace(":", "\\:")
    ffmpeg([
        "-f", "lavfi", "-i", f"gradients=s={width}x{height}:c0=0x1b3a5c:c1=0x7ee8fa",
        "-vf", f"drawtext=fontfile={font}:textfile={label}:fontsize=64:fontcolor=white"
        ":x=(w-text_w)/2:y=(h-text_h)/2",
        "-frames:v", "1", "-update", "1", str(out),
    ], timeout=60)  # fmt: skip
    return out.read_bytes()
