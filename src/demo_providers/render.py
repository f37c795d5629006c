"""The offline demo video model's renderer: real H.264 clips with real espeak-ng speech.

Every clip shares one set of codec parameters (720x1280, 24 fps, yuv420p, timescale, AAC 48 kHz
stereo) so that extensions can be joined by stream copy, like Veo's extend.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from demo_providers.speech import speak_to_fit
from shortvideo.media.ffmpeg import escape_filter_value, run_ffmpeg
from shortvideo.models import Language, Style

WIDTH, HEIGHT, FPS = 720, 1280, 24
VIDEO_TIMESCALE = 12288  # fixed so every clip's video track has the same timebase
AUDIO_RATE = 48000
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SPEECH_LEAD_SECONDS = 0.25
WRAP_CHARS = 24
MAX_TEXT_LINES = 9

# Source and look run at quarter size (mandelbrot, edgedetect cost per pixel), then scale up.
_S = "s=360x640:r=24"
STYLE_LOOKS: dict[Style, tuple[str, str]] = {
    Style.CINEMATIC: (
        f"gradients={_S}:c0=0x0b2a40:c1=0x123f5a:c2=0xd98236:c3=0x3a1c10:nb_colors=4:speed=0.02",
        "eq=contrast=1.15:saturation=1.2,vignette=PI/4,"
        "drawbox=y=0:w=iw:h=ih*0.08:color=black:t=fill,"
        "drawbox=y=ih*0.92:w=iw:h=ih*0.08:color=black:t=fill",
    ),
    Style.ANIME: (
        f"gradients={_S}:c0=0xff9ad5:c1=0x7ee8fa:c2=0xfff275:nb_colors=3:speed=0.05",
        "hue=h=20*t,eq=saturation=1.6:brightness=0.05",
    ),
    Style.REALISTIC: (
        f"gradients={_S}:c0=0x9cc7ec:c1=0xe8d9b0:c2=0x5d7a45:nb_colors=3"
        ":x0=180:y0=0:x1=180:y1=640:speed=0.0005",
        "noise=alls=3:allf=t,eq=contrast=1.05:saturation=0.9",
    ),
    Style.SKETCH: (
        f"cellauto={_S}:rule=110:scroll=1:start_full=1:random_fill_ratio=0.5",
        "edgedetect=low=0.1:high=0.3,negate,colorchannelmixer=rr=0.9:gg=0.88:bb=0.8,"
        "noise=alls=6:allf=t",
    ),
    Style.CYBERPUNK: (
        f"life={_S}:life_color=0xff2bd6:death_color=0x0a0018:ratio=0.45",
        "gblur=sigma=1,drawgrid=w=40:h=40:t=1:color=0x00e5ff@0.7,"
        "eq=contrast=1.3:saturation=1.5,hue=h=15*sin(t)",
    ),
    Style.VINTAGE: (
        f"testsrc2={_S}",
        "colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131,"
        "noise=alls=25:allf=t,eq=contrast=0.9:brightness=-0.05,vignette=PI/3",
    ),
    Style.FANTASY: (
        "mandelbrot=s=360x640:r=24:maxiter=64:start_scale=2.5:end_scale=0.6:end_pts=30"
        ":start_x=-0.743643887:start_y=0.131825904",
        "hue=h=280+30*t:s=1.3,eq=brightness=0.04,gblur=sigma=0.8",
    ),
}
# Light mode (many jobs at once, e.g. chaos runs): one plain colour per style, no text.
STYLE_COLOURS: dict[Style, str] = {
    Style.CINEMATIC: "0x123f5a",
    Style.ANIME: "0xff9ad5",
    Style.REALISTIC: "0x5d7a45",
    Style.SKETCH: "0xd8d4c8",
    Style.CYBERPUNK: "0x2a0a3a",
    Style.VINTAGE: "0x704214",
    Style.FANTASY: "0x3b1e6e",
}


def render_block_clip(
    *,
    out_path: Path,
    seconds: int,
    style: Style,
    block_index: int,
    visual: str,
    dialogue: str,
    language: Language,
    workdir: Path,
    light: bool = False,
) -> None:
    """Render one block: the style's moving picture, its description, and the spoken line.

    `light` renders a plain colour instead (no pattern, no text) with the same speech and the
    same codec parameters, so light and full clips still join by stream copy.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    stem = f"block{block_index:02d}"
    speech = workdir / f"{stem}-speech.wav"
    if dialogue.strip():
        speak_to_fit(dialogue, language, speech, seconds - SPEECH_LEAD_SECONDS - 0.3)
        voice_input = ["-i", str(speech)]
    else:  # a narrated video: Veo is asked for ambience only; here a soft brown noise
        voice_input = ["-f", "lavfi", "-i", f"anoisesrc=color=brown:amplitude=0.02:d={seconds}"]
    if light:
        video = (
            f"color=c={STYLE_COLOURS[style]}:s={WIDTH}x{HEIGHT}:r={FPS},"
            f"trim=duration={seconds},format=yuv420p[vout]"
        )
    else:
        video = _full_picture(workdir, stem, seconds, style, block_index, visual)
    lead_ms = round(SPEECH_LEAD_SECONDS * 1000)
    audio = (
        f"[0:a]adelay={lead_ms}:all=1,aresample={AUDIO_RATE},"
        f"aformat=sample_fmts=fltp:channel_layouts=stereo,apad[aout]"
    )
    run_ffmpeg([
        *voice_input,
        "-filter_complex", f"{video};{audio}",
        "-map", "[vout]", "-map", "[aout]", "-t", str(seconds),
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "26",
        "-g", str(FPS * 2), "-r", str(FPS), "-video_track_timescale", str(VIDEO_TIMESCALE),
        "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2",
        "-movflags", "+faststart",
        str(out_path),
    ])  # fmt: skip


def _full_picture(
    workdir: Path, stem: str, seconds: int, style: Style, block_index: int, visual: str
) -> str:
    """The filter graph of a full block picture: the style's pattern and look, with text."""
    text_file = workdir / f"{stem}-visual.txt"
    text_file.write_text(_wrap(visual), encoding="utf-8")
    label_file = workdir / f"{stem}-label.txt"
    label_file.write_text(f"DEMO · block {block_index} · {style.value}", encoding="utf-8")
    source, look = STYLE_LOOKS[style]
    font = escape_filter_value(FONT_FILE)
    video = (
        f"{source},trim=duration={seconds},format=yuv420p,{look},scale={WIDTH}:{HEIGHT}:flags=bicubic,"
        f"drawtext=fontfile={font}:textfile={escape_filter_value(text_file)}:expansion=none"
        ":fontsize=40:fontcolor=white:line_spacing=10:box=1:boxcolor=black@0.5:boxborderw=24"
        ":x=(w-text_w)/2:y=h*0.22,"
        f"drawtext=fontfile={font}:textfile={escape_filter_value(label_file)}:expansion=none"
        ":fontsize=28:fontcolor=white@0.9:box=1:boxcolor=black@0.6:boxborderw=10:x=24:y=h*0.1,"
        "format=yuv420p[vout]"
    )
    return video


def _wrap(visual: str) -> str:
    lines = textwrap.wrap(" ".join(visual.split()), WRAP_CHARS) or [""]
    if len(lines) > MAX_TEXT_LINES:
        lines = [*lines[: MAX_TEXT_LINES - 1], lines[MAX_TEXT_LINES - 1][: WRAP_CHARS - 1] + "…"]
    return "\n".join(lines)


def extend_video(previous: Path, clip: Path, out: Path, workdir: Path) -> None:
    """Veo's extend: `previous` then `clip`, joined by the concat demuxer without re-encoding.

    `out` may be `previous` itself: the result is written beside it and then moved into place.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    listing = workdir / f"concat-{os.getpid()}-{out.stem}.txt"
    listing.write_text(
        "ffconcat version 1.0\n"
        + "".join(f"file {_concat_quote(p.resolve())}\n" for p in (previous, clip)),
        encoding="utf-8",
    )
    partial = out.with_name(f".{out.stem}.partial{out.suffix}")
    try:
        run_ffmpeg([
            "-f", "concat", "-safe", "0", "-i", str(listing),
            "-map", "0", "-c", "copy", "-movflags", "+faststart",
            str(partial),
        ])  # fmt: skip
        os.replace(partial, out)
    finally:
        listing.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


def _concat_quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"
