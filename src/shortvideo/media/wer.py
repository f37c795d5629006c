"""Word error rate, used to check that transcription matches what was said."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Lowercase, punctuation to spaces (accents kept), whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = (" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join("".join(kept).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, on normalized text."""
    ref = normalize(reference).split()
    hyp = normalize(hypothesis).split()
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,  # deletion
                    current[j - 1] + 1,  # insertion
                    previous[j - 1] + (ref_word != hyp_word),  # substitution or match
                )
            )
        previous = current
    return previous[-1] / len(ref)
