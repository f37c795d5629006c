import pytest

from shortvideo.media.wer import normalize, word_error_rate


def test_normalize_keeps_accents_and_drops_punctuation() -> None:
    assert normalize("  Élodie   a DIT : « Ça va ? »  ") == "élodie a dit ça va"
    assert normalize("L'été, déjà!") == "l été déjà"


def test_identical_text_has_no_error() -> None:
    assert word_error_rate("Bonjour à tous.", "bonjour à tous") == 0.0


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("the cat sat", "the cat sat down", 1 / 3),  # insertion
        ("the cat sat", "the sat", 1 / 3),  # deletion
        ("the cat sat", "the dog sat", 1 / 3),  # substitution
        ("a b c d", "", 1.0),
        ("a b", "c d e f", 2.0),  # can exceed 1
    ],
)
def test_edit_distance_over_reference_words(
    reference: str, hypothesis: str, expected: float
) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(expected)


def test_empty_reference() -> None:
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("", "noise") == 1.0
