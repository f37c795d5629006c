"""What a finished video shows and sounds like: its style's colours, music in the pauses.

These read the final MP4 itself (FFmpeg), so a check passes only when the request really shaped
the render, not when the job document merely repeats the request.
"""

from __future__ import annotations

import re
import subprocess
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from shortvideo.models import Style

# Rows below the subtitles (~860-960) and above the cinematic letterbox (from 1178): picture only.
STYLE_BAND = (1000, 1170)
TOP_BAR, BOTTOM_BAR = (0, 90), (1190, 1280)  # inside the cinematic letterbox (8 % each)
STYLE_AT_SECONDS = 0.5  # inside block 0
# The band's colour at 0.5 s in demo renders of the styles whose picture does not depend on a
# random seed (ffmpeg's gradients source picks a random seed: cinematic and anime vary; two
# renders of each style were measured, these differed by at most 3 per channel).
REFERENCE_BAND = {
    Style.CYBERPUNK: (31, 0, 63), Style.FANTASY: (115, 145, 84), Style.SKETCH: (198, 192, 175),
    Style.VINTAGE: (40, 36, 23), Style.REALISTIC: (91, 120, 69),
}  # fmt: skip
BAND_TOLERANCE = 45  # sum of channel differences; the nearest other style is >= 50 away
SRT_TIME = re.compile(r"(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})")


def band_colour(video: Path, at_seconds: float, rows: tuple[int, int]) -> tuple[int, int, int]:
    """The mean RGB colour of rows [top, bottom) of the frame shown at `at_seconds`."""
    top, bottom = rows
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at_seconds), "-i", str(video), "-frames:v", "1",
         "-vf", f"crop=iw:{bottom - top}:0:{top},scale=1:1:flags=area",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    red, green, blue = done.stdout[:3]
    return red, green, blue


def style_evidence(final: Path) -> dict[str, Any]:
    """What the opening frame shows: letterbox bars or not, the picture band's colour."""
    bars = [band_colour(final, STYLE_AT_SECONDS, rows) for rows in (TOP_BAR, BOTTOM_BAR)]
    band = band_colour(final, STYLE_AT_SECONDS, STYLE_BAND)
    return {"letterboxed": max(max(c) for c in bars) <= 8, "band": band, "bars": bars}


def style_mismatches(style: Style, evidence: dict[str, Any]) -> list[str]:
    """Why the frame does not look like `style`'s demo render; empty when it does."""
    problems = []
    if style is Style.CINEMATIC and not evidence["letterboxed"]:
        problems.append("cinematic without its letterbox bars")
    if style not in (Style.CINEMATIC, Style.VINTAGE) and evidence["letterboxed"]:
        problems.append(f"{style.value} with cinematic letterbox bars")
    band = evidence["band"]
    reference = REFERENCE_BAND.get(style)
    if reference is not None:
        distance = sum(abs(a - b) for a, b in zip(band, reference, strict=True))
        if distance > BAND_TOLERANCE:
            problems.append(f"band colour {band} is {distance} away from {style.value}'s")
    if style is Style.ANIME and sum(band) < 400:  # pastel gradients: bright whatever the seed
        problems.append(f"band colour {band} too dark for anime")
    return problems


def cue_gaps(srt: str, min_seconds: float = 0.8, trim: float = 0.2) -> list[tuple[float, float]]:
    """Stretches between subtitle cues (Whisper heard nobody there), trimmed at both ends."""
    spans = []
    for match in SRT_TIME.finditer(srt):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(x) for x in match.groups())
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        spans.append((start, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000))
    gaps = []
    for (_, end), (start, _) in pairwise(spans):
        if start - end >= min_seconds:
            gaps.append((end + trim, start - trim))
    return gaps


def mean_volume_db(video: Path, start: float, end: float) -> float:
    """ffmpeg volumedetect's mean volume (dBFS) of the audio between two times."""
    done = subprocess.run(
        ["ffmpeg", "-v", "info", "-nostats", "-ss", f"{start:.3f}", "-t", f"{end - start:.3f}",
         "-i", str(video), "-map", "0:a", "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"mean_volume: (-?[\d.]+|-inf) dB", done.stderr)
    assert found, done.stderr[-500:]
    return float(found.group(1))


def pause_level_db(final: Path, srt: str) -> tuple[float, int]:
    """The median mean volume of the final where no subtitle is shown, and how many pauses."""
    gaps = cue_gaps(srt)
    assert gaps, "a 60-90 s video has pauses between its lines"
    return median(mean_volume_db(final, start, end) for start, end in gaps), len(gaps)
