"""Subtitle cues from word timestamps, written as SRT (kept) and styled ASS (burned in)."""

from __future__ import annotations

from dataclasses import dataclass

from shortvideo.models import Word

SENTENCE_END = (".", "!", "?", "…", ";")
MAX_GAP_SECONDS = 0.6
MIN_DISPLAY_SECONDS = 0.5
FONT_NAME = "DejaVu Sans"


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def build_cues(
    words: list[Word], max_words: int = 5, max_seconds: float = 2.6, max_chars: int = 28
) -> list[Cue]:
    """Group words into short phone-sized cues; break at sentence ends and at pauses."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        text = word.text.strip()
        if not text:
            continue
        word = Word(text=text, start=word.start, end=max(word.end, word.start))
        if current and _must_break(current, word, max_words, max_seconds, max_chars):
            groups.append(current)
            current = []
        current.append(word)
        if text.endswith(SENTENCE_END):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return _timed(groups)


def _must_break(
    current: list[Word], word: Word, max_words: int, max_seconds: float, max_chars: int
) -> bool:
    joined = " ".join(w.text for w in [*current, word])
    return (
        word.start - current[-1].end > MAX_GAP_SECONDS
        or len(current) >= max_words
        or word.end - current[0].start > max_seconds
        or len(joined) > max_chars
    )


def _timed(groups: list[list[Word]]) -> list[Cue]:
    """Stretch short cues to the minimum display time without ever overlapping the next one."""
    cues: list[Cue] = []
    previous_end = 0.0
    for index, group in enumerate(groups):
        start = max(group[0].start, previous_end)
        end = max(group[-1].end, start + MIN_DISPLAY_SECONDS)
        if index + 1 < len(groups):
            end = min(end, max(groups[index + 1][0].start, start))
        if end <= start:  # squeezed out by the next cue: keep it visible for an instant
            end = start + 0.01
        cues.append(Cue(start=round(start, 3), end=round(end, 3), text=_join(group)))
        previous_end = end
    return cues


def _join(group: list[Word]) -> str:
    return " ".join(w.text for w in group)


def _srt_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{number}\n{_srt_time(cue.start)} --> {_srt_time(cue.end)}\n{cue.text}\n"
        for number, cue in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def _ass_time(seconds: float) -> str:
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6000)
    secs, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{secs:02d}.{centis:02d}"


def escape_ass_text(text: str) -> str:
    """Make user text literal: no override blocks, no stray \\n or \\N tags."""
    # A word joiner after a backslash stops libass reading it as \n, \N, \h or \{.
    text = text.replace("\\", "\\\u2060")
    text = text.replace("{", "\\{").replace("}", "\\}")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\N")


def ass_style_line(width: int = 720, height: int = 1280) -> str:
    """Bold white DejaVu Sans, black outline and shadow, bottom-centre inside the safe area."""
    scale = height / 1280
    font_size = round(58 * scale)
    # Phone apps cover roughly the bottom 20 %; sit the baseline at ~ 27 % from the bottom.
    margin_v = round(height * 0.27)
    margin_side = round(60 * width / 720)
    fields = [
        "Default", FONT_NAME, str(font_size),
        "&H00FFFFFF", "&H000000FF", "&H00000000", "&H96000000",  # primary, 2nd, outline, shadow
        "-1", "0", "0", "0",  # bold, italic, underline, strikeout
        "100", "100", "0", "0",  # scale x/y, spacing, angle
        "1", str(round(4 * scale)), str(round(2 * scale)),  # border style, outline, shadow
        "2", str(margin_side), str(margin_side), str(margin_v), "1",  # alignment, margins, enc
    ]  # fmt: skip
    return "Style: " + ",".join(fields)


def to_ass(cues: list[Cue], width: int = 720, height: int = 1280) -> str:
    header = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        ass_style_line(width, height),
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = [
        f"Dialogue: 0,{_ass_time(c.start)},{_ass_time(c.end)},Default,,0,0,0,,"
        f"{escape_ass_text(c.text)}"
        for c in cues
    ]
    return "\n".join([*header, *events]) + "\n"
