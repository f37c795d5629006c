"""Narration voices: Gemini TTS's prebuilt voices, and the product plan's names for some of them.

A job's `voice` is stored as the Gemini voice name; the offline narrator maps each name to an
espeak-ng variant so that different voices still sound different.
"""

from __future__ import annotations

GEMINI_VOICES = (
    "Achernar", "Achird", "Algenib", "Algieba", "Alnilam", "Aoede", "Autonoe", "Callirrhoe",
    "Charon", "Despina", "Enceladus", "Erinome", "Fenrir", "Gacrux", "Iapetus", "Kore",
    "Laomedeia", "Leda", "Orus", "Pulcherrima", "Puck", "Rasalgethi", "Sadachbia", "Sadaltager",
    "Schedar", "Sulafat", "Umbriel", "Vindemiatrix", "Zephyr", "Zubenelgenubi",
)  # fmt: skip
# The product plan names "Sabik" and the Cloud TTS Wavenet voices, which Gemini TTS does not
# have; each is given the closest Gemini voice (docs/decisions/0004). The plan is French: its
# Wavenet-A..D are fr-FR-Wavenet-A..D (female, male, female, male), and so are their Gemini
# stand-ins. Another language's Wavenet-A..D is another voice (en-US-Wavenet-A is male): those
# names are refused rather than mapped by letter (decision 0011).
VOICE_ALIASES = {
    "sabik": "Sadaltager",
    "wavenet-a": "Aoede",
    "wavenet-b": "Charon",
    "wavenet-c": "Kore",
    "wavenet-d": "Orus",
}
_BY_LOWER = {name.lower(): name for name in GEMINI_VOICES}
# espeak-ng variants, male and female, so neighbouring voices differ.
ESPEAK_VARIANTS = ("m3", "f2", "m1", "f3", "m4", "f1", "m5", "f4", "m6", "f5")


_PREFIXES = ("fr-fr-", "en-us-", "es-es-")
_PLAN_PREFIXES = ("", "fr-fr-")  # the product plan's Wavenet voices are French


def canonical_voice(name: str) -> str:
    """The Gemini voice for a name or alias, any case; ValueError when there is none."""
    full = name.strip().lower()
    prefix = next((p for p in _PREFIXES if full.startswith(p)), "")
    key = full.removeprefix(prefix)
    if key.startswith("wavenet-") and prefix not in _PLAN_PREFIXES:
        raise ValueError(
            f"{name!r} is a Cloud TTS voice, which Gemini TTS does not have: use a Gemini TTS "
            "voice (e.g. Rasalgethi, Kore, Puck) or the product plan's Wavenet-A..D"
        )
    found = _BY_LOWER.get(key) or VOICE_ALIASES.get(key)
    if found is None:
        raise ValueError(
            f"unknown voice {name!r}: use a Gemini TTS voice (e.g. Rasalgethi, Kore, Puck) "
            f"or one of {', '.join(sorted(VOICE_ALIASES))}"
        )
    return found


def espeak_variant(voice: str) -> str:
    return ESPEAK_VARIANTS[GEMINI_VOICES.index(canonical_voice(voice)) % len(ESPEAK_VARIANTS)]
