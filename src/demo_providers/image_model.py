"""The offline character image: a 720x1280 portrait card drawn with Pillow, no Gemini."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

from shortvideo.models import Style

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WIDTH, HEIGHT = 720, 1280


class DemoImageModel:
    provider = "demo-offline"
    model = "demo-portrait-card"

    def make_character_image(self, name: str, description: str, style: Style) -> bytes:
        """A vertical gradient in colours derived from the description, a figure, the name."""
        seed = hashlib.sha256(f"{name}|{description}|{style.value}".encode()).digest()
        top, bottom = seed[0:3], seed[3:6]
        image = Image.new("RGB", (WIDTH, HEIGHT))
        draw = ImageDraw.Draw(image)
        for y in range(HEIGHT):
            mix = y / (HEIGHT - 1)
            draw.line(
                [(0, y), (WIDTH, y)],
                fill=tuple(int(a * (1 - mix) + b * mix) for a, b in zip(top, bottom, strict=True)),
            )
        accent = tuple(255 - c for c in seed[6:9])
        draw.ellipse([260, 300, 460, 500], fill=accent)  # head
        draw.rounded_rectangle([210, 520, 510, 1000], radius=60, fill=accent)  # body
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont
        try:
            font = ImageFont.truetype(FONT, 64)
        except OSError:
            font = ImageFont.load_default()
        draw.text((WIDTH // 2, 1120), name[:20], fill="white", font=font, anchor="mm")
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
