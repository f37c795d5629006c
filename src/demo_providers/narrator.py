"""The offline narrator: espeak-ng, one voice variant per Gemini voice name."""

from __future__ import annotations

from pathlib import Path

from demo_providers.speech import espeak_voice, speak_to_fit
from shortvideo.models import Language
from shortvideo.voices import espeak_variant

NO_LIMIT_SECONDS = 1e9  # the assembler fits each line to its block


class EspeakNarrator:
    provider = "espeak"

    def speak(self, text: str, language: Language, voice: str, out_wav: Path) -> None:
        chosen = espeak_voice(language, espeak_variant(voice))
        speak_to_fit(text, language, out_wav, NO_LIMIT_SECONDS, voice=chosen)
