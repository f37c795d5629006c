"""generateContent: a script (text), a character image (IMAGE) or speech (AUDIO, Gemini TTS).

Scriptable endings (behaviour keys): finish_reason SAFETY | PROHIBITED_CONTENT | IMAGE_SAFETY |
IMAGE_PROHIBITED_CONTENT | NO_IMAGE (a candidate with no parts), MAX_TOKENS (the text cut short),
STOP_TEXT_ONLY (an image request answered by text alone, finishReason STOP); text_before_image
(a text part, then the image); blocked (promptFeedback.blockReason, no candidates).
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from tests.fake_vertex.catalog import GEMINI_VOICES, IMAGE_SIZES, TTS_RATE, ApiError
from tests.fake_vertex.media import pcm_24k, png, speak
from tests.fake_vertex.script_answers import rewrite_for, script_for

EMPTY_ENDINGS = ("SAFETY", "PROHIBITED_CONTENT", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
                 "NO_IMAGE")  # fmt: skip
FINISH_REASONS = (*EMPTY_ENDINGS, "MAX_TOKENS", "STOP_TEXT_ONLY")
ESPEAK_VARIANTS = ("m3", "f2", "m1", "f3", "m4", "f1", "m5", "f4", "m6", "f5")
REFUSAL_TEXT = "I can't draw that character."
_LANGUAGES = {"English": "en", "French": "fr", "Spanish": "es"}


def prompt_text(body: dict[str, Any]) -> str:
    return "\n".join(
        str(part.get("text", ""))
        for content in body.get("contents") or []
        for part in (content.get("parts") or [])
        if isinstance(part, dict)
    )


def generate_content(
    model: str, body: dict[str, Any], behaviour: dict[str, Any], workdir: Path
) -> dict[str, Any]:
    prompt = prompt_text(body)
    config = body.get("generationConfig") or {}
    usage = {"promptTokenCount": len(prompt.split()), "totalTokenCount": 0}
    base = {"modelVersion": model, "responseId": uuid.uuid4().hex[:20],
            "createTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}  # fmt: skip
    if behaviour.get("blocked"):
        return {**base, "promptFeedback": {"blockReason": behaviour["blocked"]},
                "usageMetadata": usage}  # fmt: skip
    ending = str(behaviour.get("finish_reason") or "")
    if ending and ending not in FINISH_REASONS:
        raise ValueError(f"finish_reason must be one of {FINISH_REASONS}")
    if behaviour.get("no_image"):
        ending = "STOP_TEXT_ONLY"
    if ending in EMPTY_ENDINGS:
        candidate: dict[str, Any] = {"content": {"role": "model"}, "finishReason": ending}
        if ending == "SAFETY":
            candidate["safetyRatings"] = [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                                           "probability": "HIGH", "blocked": True}]  # fmt: skip
        return {**base, "candidates": [candidate], "usageMetadata": usage}
    modalities = [str(m).upper() for m in config.get("responseModalities") or []]
    finish = "MAX_TOKENS" if ending == "MAX_TOKENS" else "STOP"
    if "AUDIO" in modalities:
        pcm = base64.b64encode(_speech(prompt, config, workdir)).decode()
        mime = f"audio/L16;codec=pcm;rate={TTS_RATE}"
        parts: list[dict[str, Any]] = [{"inlineData": {"mimeType": mime, "data": pcm}}]
    elif "IMAGE" in modalities and ending == "STOP_TEXT_ONLY":
        parts = [{"text": REFUSAL_TEXT}]
    elif "IMAGE" in modalities:
        ratio = str((config.get("imageConfig") or {}).get("aspectRatio") or "1:1")
        if ratio not in IMAGE_SIZES:
            raise ApiError(400, f"Unsupported aspect ratio {ratio}.")
        image = {"inlineData": {"mimeType": "image/png",
                                "data": base64.b64encode(_png(prompt, ratio, workdir)).decode()}}
        parts = [{"text": "Here is the character."}, image] if behaviour.get(
            "text_before_image") else [image]  # fmt: skip
    else:
        text = behaviour.get("text")
        if text is None:
            text = rewrite_for(prompt)
        if text is None:
            text = json.dumps(script_for(prompt, behaviour.get("blocks")), ensure_ascii=False)
        if ending == "MAX_TOKENS":
            text = text[: max(1, len(text) // 2)]
        parts = [{"text": text}]
    candidate = {"content": {"role": "model", "parts": parts}, "finishReason": finish}
    return {**base, "candidates": [candidate], "usageMetadata": usage}


def _speech(prompt: str, config: dict[str, Any], workdir: Path) -> bytes:
    """Gemini TTS: 16-bit mono PCM at 24 kHz of the prompt's lines after the first."""
    prebuilt = (((config.get("speechConfig") or {}).get("voiceConfig") or {})
                .get("prebuiltVoiceConfig") or {})  # fmt: skip
    # Proto JSON accepts both spellings; google-genai sends "voice_name".
    voice = prebuilt.get("voiceName") or prebuilt.get("voice_name")
    if voice not in GEMINI_VOICES:
        raise ApiError(400, f"Voice name {voice} is not supported.")
    direction, _, text = prompt.partition("\n")
    found = re.search(r"aloud in (English|French|Spanish)", direction)
    language = _LANGUAGES[found[1]] if found else "en"
    variant = ESPEAK_VARIANTS[GEMINI_VOICES.index(voice) % len(ESPEAK_VARIANTS)]
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        wav = Path(tmp) / "speech.wav"
        speak(text or direction, language, wav, 1e9, variant=variant)
        return pcm_24k(wav, Path(tmp) / "speech.raw")


def _png(prompt: str, ratio: str, workdir: Path) -> bytes:
    found = re.search(r"named ([^:\n]+):", prompt)
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        label = Path(tmp) / "name.txt"
        label.write_text(found[1].strip() if found else "character", encoding="utf-8")
        width, height = IMAGE_SIZES[ratio]
        return png(width, height, label, Path(tmp) / "image.png")
