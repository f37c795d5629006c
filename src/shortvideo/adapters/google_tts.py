"""Narration with Gemini TTS (google-genai, Vertex AI): one prebuilt voice reads a line."""

from __future__ import annotations

import re
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from shortvideo.adapters.genai_client import GenaiAdapter, call_api, inline_parts
from shortvideo.errors import ProviderError
from shortvideo.models import Language
from shortvideo.settings import Settings
from shortvideo.voices import canonical_voice

if TYPE_CHECKING:
    from google.genai import types

LANGUAGE_NAMES = {Language.EN: "English", Language.FR: "French", Language.ES: "Spanish"}
DEFAULT_PCM_RATE = 24000  # Gemini TTS answers audio/L16;codec=pcm;rate=24000


def tts_prompt(text: str, language: Language) -> str:
    """The direction on the first line, the words to say after it."""
    return (
        f"Read the following aloud in {LANGUAGE_NAMES[language]}, as a warm, clear "
        f"documentary narrator, without adding anything:\n{text}"
    )


class GeminiNarrator(GenaiAdapter):
    kind = "tts"

    def model_id(self, settings: Settings) -> str:
        return settings.tts_model

    def speak(self, text: str, language: Language, voice: str, out_wav: Path) -> None:
        from google.genai import types

        config = types.GenerateContentConfig(
            response_modalities=["AUDIO"],
            speech_config=types.SpeechConfig(
                voice_config=types.VoiceConfig(
                    prebuilt_voice_config=types.PrebuiltVoiceConfig(
                        voice_name=canonical_voice(voice)
                    )
                )
            ),
        )
        response = call_api(
            f"Gemini TTS {self.model}",
            lambda: self.client.models.generate_content(
                model=self.model, contents=tts_prompt(text, language), config=config
            ),
        )
        pcm, rate = _pcm(response, self.model)
        with wave.open(str(out_wav), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(rate)
            handle.writeframes(pcm)


def _pcm(response: types.GenerateContentResponse, model: str) -> tuple[bytes, int]:
    """16-bit little-endian mono PCM and its rate, from the first audio part."""
    for part in inline_parts(response, model, "narration"):
        blob = part.inline_data
        mime = (blob.mime_type or "") if blob is not None else ""
        if blob is not None and blob.data and mime.startswith("audio/"):
            if "L16" not in mime and "pcm" not in mime.lower():
                raise ProviderError(f"{model} answered {mime}, not 16-bit PCM")
            found = re.search(r"rate=(\d+)", mime)
            return blob.data, int(found[1]) if found else DEFAULT_PCM_RATE
    raise ProviderError(f"{model} returned no audio")
