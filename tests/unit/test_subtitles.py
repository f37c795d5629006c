import itertools

from shortvideo.media.subtitles import (
    Cue,
    ass_style_line,
    build_cues,
    escape_ass_text,
    to_ass,
    to_srt,
)
from shortvideo.models import Word


def words(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(text, start, end) for text, start, end in spec]


def evenly(text: str, step: float = 0.3, start: float = 0.0) -> list[Word]:
    return [
        Word(w, round(start + i * step, 3), round(start + (i + 1) * step, 3))
        for i, w in enumerate(text.split())
    ]


def test_groups_at_most_five_words() -> None:
    cues = build_cues(evenly("one two three four five six seven"))
    assert [c.text for c in cues] == ["one two three four five", "six seven"]


def test_breaks_after_sentence_punctuation() -> None:
    cues = build_cues(evenly("Hi there. How are you? Fine!"))
    assert [c.text for c in cues] == ["Hi there.", "How are you?", "Fine!"]


def test_breaks_at_a_pause_longer_than_point_six_seconds() -> None:
    cues = build_cues(words(("wait", 0.0, 0.3), ("for", 0.3, 0.5), ("it", 1.2, 1.4)))
    assert [c.text for c in cues] == ["wait for", "it"]


def test_respects_character_and_duration_limits() -> None:
    long_words = evenly("extraordinary unbelievable magnificent")
    assert all(len(c.text) <= 28 for c in build_cues(long_words))
    slow = evenly("a b c d", step=1.0)
    assert [c.text for c in build_cues(slow)] == ["a b", "c d"]


def test_cues_never_overlap_and_last_at_least_half_a_second() -> None:
    spec = words(("Go.", 0.0, 0.1), ("Now!", 0.2, 0.3), ("Then", 2.0, 2.1), ("rest.", 2.1, 2.2))
    cues = build_cues(spec)
    for current, following in itertools.pairwise(cues):
        assert current.end <= following.start
    assert cues[0].end == 0.2  # stretched towards 0.5 s but stopped by the next cue
    assert cues[-1].end - cues[-1].start >= 0.5


def test_skips_blank_words_and_strips_whisper_spaces() -> None:
    cues = build_cues(words((" Hello", 0.0, 0.4), ("  ", 0.4, 0.5), (" world.", 0.5, 0.9)))
    assert cues == [Cue(0.0, 0.9, "Hello world.")]


def test_srt_format() -> None:
    srt = to_srt([Cue(1.25, 2.0, "Hello"), Cue(3661.5, 3662.0, "Later")])
    assert srt == (
        "1\n00:00:01,250 --> 00:00:02,000\nHello\n\n2\n01:01:01,500 --> 01:01:02,000\nLater\n"
    )


def test_ass_escapes_override_blocks_newlines_and_backslashes() -> None:
    escaped = escape_ass_text("{\\b1}bold\nnext \\N")
    assert "{" not in escaped.replace("\\{", "")
    assert "}" not in escaped.replace("\\}", "")
    assert escaped.count("\\N") == 1  # only the real newline becomes a line break
    assert "\\\u2060N" in escaped


def test_ass_document_and_phone_style() -> None:
    ass = to_ass([Cue(1.25, 2.5, "Salut {toi}")])
    assert "PlayResX: 720" in ass and "PlayResY: 1280" in ass
    assert "Dialogue: 0,0:00:01.25,0:00:02.50,Default,,0,0,0,,Salut \\{toi\\}" in ass
    fields = ass_style_line().removeprefix("Style: ").split(",")
    assert fields[1] == "DejaVu Sans" and fields[2] == "58"
    assert fields[3] == "&H00FFFFFF" and fields[5] == "&H00000000"  # white text, black outline
    assert fields[7] == "-1"  # bold
    assert fields[16:18] == ["4", "2"]  # outline, shadow
    alignment, margin_l, margin_r, margin_v = fields[18:22]
    assert alignment == "2" and margin_l == margin_r == "60"
    assert int(margin_v) > 0.2 * 1280  # above the bottom band that app UI covers
