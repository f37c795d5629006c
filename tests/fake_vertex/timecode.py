"""The fake Veo picture: a running timecode on a background that moves smoothly with time.

Every frame shows the video's running time as big text ("12.375") and as a strip of black and
white squares near the top: 16 bits of the frame number (least significant first), then a white
and a black guard square. Cells are 40x60 px, so H.264 at any sane quality keeps them readable;
they are decoded from the pixels (ffmpeg rawvideo), never from metadata a pipeline might drop.
An extension starts at the frame after its input's last one, so a continuous video reads
0, 1, 2, ... across every join, and the background (a hue turning with absolute time, a bar
going to and fro with it) has no jump there either.
"""

from __future__ import annotations

import math
from pathlib import Path

from tests.fake_vertex.media import ENCODE, FONT_FILE, FPS, HEIGHT, WIDTH, ffmpeg, speak

BITS = 16
CELL_W, CELL_H = 38, 60
STRIP_X, STRIP_Y = 0, 40
CELLS = BITS + 2  # the frame number, then a white and a black guard
STRIP_W = CELL_W * CELLS
SPEECH_LEAD = 0.25
STYLE_COLOURS = {
    "cinematic": "0x123f5a", "anime": "0xc04f8f", "realistic": "0x5d7a45",
    "sketch": "0x8a8478", "cyberpunk": "0x5a1a7a", "vintage": "0x704214", "fantasy": "0x3b1e6e",
}  # fmt: skip


def strip_filter(start_frame: int) -> str:
    """drawbox filters that paint frame (n + start_frame)'s strip."""
    parts = [f"drawbox=x={STRIP_X}:y={STRIP_Y - 10}:w={STRIP_W + 20}:h={CELL_H + 20}"
             ":color=black:t=fill"]  # fmt: skip
    for bit in range(BITS):
        parts.append(
            f"drawbox=x={STRIP_X + 10 + bit * CELL_W}:y={STRIP_Y}:w={CELL_W}:h={CELL_H}"
            f":color=white:t=fill:enable='eq(mod(floor((n+{start_frame})/{2**bit})\\,2)\\,1)'"
        )
    parts.append(f"drawbox=x={STRIP_X + 10 + BITS * CELL_W}:y={STRIP_Y}:w={CELL_W}:h={CELL_H}"
                 ":color=white:t=fill")  # fmt: skip
    return ",".join(parts)


def picture_filter(start_frame: int, seconds: float, style: str, light: bool) -> str:
    """The whole picture of a clip whose first frame is number `start_frame`."""
    t0 = start_frame / FPS
    colour = STYLE_COLOURS.get(style, STYLE_COLOURS["cinematic"])
    source = f"color=c={colour}:s={WIDTH}x{HEIGHT}:r={FPS}:d={seconds}"
    if light:  # many jobs on few cores: no moving background, same strip, same timecode
        return f"{source},{strip_filter(start_frame)},format=yuv420p"
    font = FONT_FILE.replace(":", "\\:")
    frame = f"(n+{start_frame})"
    text = (f"%{{eif\\:floor({frame}/{FPS})\\:d}}."
            f"%{{eif\\:mod({frame}*1000/{FPS}\\,1000)\\:d\\:3}}")  # fmt: skip
    # The bar is an overlay: overlay evaluates its x per frame, drawbox (FFmpeg 5) only once,
    # which left the bar standing still and the picture's motion invisible. It goes to and fro
    # (no wrap-around jump), so the only jump a video can show is a cut in it.
    travel = WIDTH - 40
    bar = f"color=c=white@0.45:s=40x{HEIGHT - 140}:r={FPS}:d={seconds},format=rgba"
    return (
        f"{bar}[bar];{source},hue=H=2*PI*(t+{t0})/40,format=yuv420p[bg];"
        f"[bg][bar]overlay=x='abs(mod((t+{t0})*90\\,{2 * travel})-{travel})':y=140"
        ":eval=frame:shortest=1,"
        f"{strip_filter(start_frame)},"
        f"drawtext=fontfile={font}:fontsize=120:fontcolor=white:borderw=4:bordercolor=black"
        f":x=(w-tw)/2:y=h*0.42:text='{text}',format=yuv420p"
    )


def render_clip(
    out: Path, *, seconds: int, start_frame: int, style: str, dialogue: str, language: str,
    light: bool, workdir: Path,
) -> None:  # fmt: skip
    """One Veo clip: the timecode picture, and `dialogue` spoken by espeak-ng (or ambience)."""
    if dialogue.strip():
        wav = workdir / "speech.wav"
        speak(dialogue, language, wav, seconds - SPEECH_LEAD - 0.3)
        audio_in = ["-i", str(wav)]
    else:  # "no speech": a soft ambience
        audio_in = ["-f", "lavfi", "-i", f"anoisesrc=color=brown:amplitude=0.02:d={seconds}"]
    video = picture_filter(start_frame, seconds, style, light)
    audio = (f"[0:a]adelay={round(SPEECH_LEAD * 1000)}:all=1,aresample=48000,"
             "aformat=sample_fmts=fltp:channel_layouts=stereo,apad[aout]")  # fmt: skip
    ffmpeg([*audio_in, "-filter_complex", f"{video}[vout];{audio}",
            "-map", "[vout]", "-map", "[aout]", "-t", str(seconds), *ENCODE,
            "-movflags", "+faststart", str(out)])  # fmt: skip


def frame_numbers(path: Path, last_seconds: float | None = None) -> list[int | None]:
    """Each frame's number read from its strip; None where no valid strip is seen."""
    seek = ["-sseof", f"-{last_seconds}"] if last_seconds else []
    raw = ffmpeg([*seek, "-i", str(path), "-an", "-vf",
                  f"scale={WIDTH}:{HEIGHT},crop={STRIP_W}:{CELL_H - 20}:{STRIP_X + 10}:"
                  f"{STRIP_Y + 10},scale={CELLS}:1:flags=area,format=gray",
                  "-fps_mode", "passthrough", "-f", "rawvideo", "-"], timeout=300)  # fmt: skip
    numbers: list[int | None] = []
    for start in range(0, len(raw) - CELLS + 1, CELLS):
        cells = raw[start : start + CELLS]
        bits = [value > 128 for value in cells]
        if not bits[BITS] or bits[BITS + 1]:
            numbers.append(None)  # guards wrong: not this fake's strip
            continue
        numbers.append(sum(1 << i for i, on in enumerate(bits[:BITS]) if on))
    return numbers


def read_timecodes(path: Path | str) -> list[float]:
    """Per-frame running time (s) decoded from the pixels; NaN where a frame has no strip."""
    return [n / FPS if n is not None else math.nan for n in frame_numbers(Path(path))]


def last_frame_number(path: Path) -> int | None:
    numbers = frame_numbers(path, last_seconds=1.0) or frame_numbers(path)
    return numbers[-1] if numbers else None


def carries_strip(path: Path) -> bool:
    """Whether every frame shows this fake's timecode strip (see 0007 on require_veo_input)."""
    numbers = frame_numbers(path)
    return bool(numbers) and all(n is not None for n in numbers)


