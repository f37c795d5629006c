"""The Google model adapters (google-genai in Vertex AI mode), in one import.

Script: Gemini (google_script). Video: Veo 3.1 (google_video). Character images: Gemini image,
"Nano Banana" (google_image). Narration: Gemini TTS (google_tts). Client and error mapping:
genai_client. Each module imports the SDK only when an adapter is first used, so importing this
one is cheap.
"""

from __future__ import annotations

from shortvideo.adapters.genai_client import make_genai_client
from shortvideo.adapters.google_image import NanoBananaImageModel
from shortvideo.adapters.google_script import GeminiScriptWriter
from shortvideo.adapters.google_tts import GeminiNarrator
from shortvideo.adapters.google_video import VeoVideoModel

__all__ = [
    "GeminiNarrator",
    "GeminiScriptWriter",
    "NanoBananaImageModel",
    "VeoVideoModel",
    "make_genai_client",
]
