"""bench/chart.png: horizontal bars of the run's median seconds, drawn with Pillow (light)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devstack.bench.report import get

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BARS: tuple[tuple[str, str, str], ...] = (
    ("Assembly, 64 s video (wall s)", "Floor: 1 plain x264 encode",
     "assembler.floor.seconds.median"),
    ("", "Assembly (stage code, overlapped)", "assembler.assemble.seconds.median"),
    ("", "Assembly before optimisation", "assembler.assemble_before_optimisation.seconds.median"),
    ("", "Reference: 3 passes + openai-whisper", "assembler.reference.seconds.median"),
    ("Whisper base on the same audio (s)", "faster-whisper int8: transcribe",
     "whisper.engines.faster-whisper.transcribe_seconds.median"),
    ("", "openai-whisper: transcribe", "whisper.engines.openai-whisper.transcribe_seconds.median"),
    ("", "faster-whisper int8: cold load", "whisper.engines.faster-whisper.load_seconds.median"),
    ("", "openai-whisper: cold load", "whisper.engines.openai-whisper.load_seconds.median"),
)  # fmt: skip
COLOURS = ("#4c78a8", "#59a14f", "#f28e2b", "#e15759")


def chart_rows(results: Mapping[str, Any]) -> list[tuple[str, str, float]]:
    """(group title, label, seconds) for every bar whose figure exists."""
    rows: list[tuple[str, str, float]] = []
    title = ""
    for group, label, path in BARS:
        title = group or title
        value = get(results, path)
        if isinstance(value, int | float):
            rows.append((title, label, float(value)))
    return rows


def draw_chart(results: Mapping[str, Any], out: Path) -> Path | None:
    """Write the PNG; None when Pillow is missing or there is nothing to draw."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    rows = chart_rows(results)
    if not rows:
        return None
    width, bar_h, gap, left, right = 1000, 26, 10, 330, 90
    groups = list(dict.fromkeys(r[0] for r in rows))
    height = 60 + len(rows) * (bar_h + gap) + len(groups) * 34
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font: Any
    bold: Any
    try:
        font = ImageFont.truetype(FONT, 15)
        bold = ImageFont.truetype(FONT.replace("Sans.ttf", "Sans-Bold.ttf"), 16)
    except OSError:
        font = bold = ImageFont.load_default()
    draw.text((16, 14), f"bench {results.get('created_at', '')}", fill="#333", font=bold)
    y = 50
    for group in groups:
        draw.text((16, y), group, fill="#111", font=bold)
        y += 30
        members = [r for r in rows if r[0] == group]
        top = max(v for _, _, v in members) or 1.0
        for index, (_, label, value) in enumerate(members):
            length = int((width - left - right) * value / top)
            draw.text((16, y + 4), label, fill="#333", font=font)
            colour = COLOURS[index % len(COLOURS)]
            draw.rectangle((left, y, left + max(length, 1), y + bar_h), fill=colour)
            draw.text((left + length + 8, y + 4), f"{value:.1f} s", fill="#333", font=font)
            y += bar_h + gap
        y += 4
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, "PNG", optimize=True)
    return out
