"""Character images with Gemini image generation ("Nano Banana", google-genai, Vertex AI)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from shortvideo.adapters.genai_client import GenaiAdapter, call_api, inline_parts
from shortvideo.adapters.google_script import STYLE_LOOKS
from shortvideo.errors import MediaError, ProviderError
from shortvideo.media.ffmpeg import run_ffmpeg
from shortvideo.models import Style
from shortvideo.settings import Settings

if TYPE_CHECKING:
    from google.genai import types

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def character_prompt(name: str, description: str, style: Style) -> str:
    return "\n".join(
        [
            f"A reference image of one character named {name}: {description}.",
            f"Visual style: {style.value} - {STYLE_LOOKS[style]}.",
            "Full body, standing, facing the camera, centred, on a plain softly lit background.",
            "Vertical 9:16 frame. No text, no logo, no other people.",
        ]
    )


class NanoBananaImageModel(GenaiAdapter):
    kind = "image"

    def model_id(self, settings: Settings) -> str:
        return settings.image_model

    def make_character_image(self, name: str, description: str, style: Style) -> bytes:
        """A PNG of the character, 9:16."""
        from google.genai import types

        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio="9:16", output_mime_type="image/png"),
        )
        prompt = character_prompt(name, description, style)
        response = call_api(
            f"Gemini image {self.model}",
            lambda: self.client.models.generate_content(
                model=self.model, contents=prompt, config=config
            ),
        )
        data = _image_bytes(response, self.model)
        return data if data.startswith(PNG_SIGNATURE) else _to_png(data)


def _image_bytes(response: types.GenerateContentResponse, model: str) -> bytes:
    """The first image part (a text part before it is fine). A refusal (SAFETY, IMAGE_SAFETY,
    PROHIBITED_CONTENT, IMAGE_PROHIBITED_CONTENT) is ContentFiltered (inline_parts); no image for
    another reason (NO_IMAGE, MAX_TOKENS, STOP with only text) is a provider error that a new
    sample may not repeat."""
    parts = inline_parts(response, model, "character prompt")
    candidates = response.candidates or []
    for part in parts:
        blob = part.inline_data
        if blob is not None and blob.data and (blob.mime_type or "").startswith("image/"):
            return blob.data
    finish = candidates[0].finish_reason if candidates else None
    reason = finish.value if finish is not None else "none"
    said = " ".join(p.text for p in parts if p.text)[:200]
    raise ProviderError(
        f"{model} returned no image (finish reason {reason}){': ' + said if said else ''}"
    )


def _to_png(data: bytes) -> bytes:
    """Some deployments answer JPEG or WebP; the pipeline stores PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "image", Path(tmp) / "image.png"
        source.write_bytes(data)
        try:
            run_ffmpeg(["-i", str(source), "-frames:v", "1", str(target)], timeout=60)
        except MediaError as exc:
            raise ProviderError(f"the image model returned an unreadable image: {exc}") from exc
        return target.read_bytes()
