"""Uploaded character images: only a PNG or JPEG that decodes, within bounds, re-encoded.

The bytes are decoded fully with Pillow (a truncated or forged file fails here, not in Veo),
the pixel count is checked from the header before decoding (a decompression bomb is a small
file that claims a huge canvas), and the pixels are written anew as PNG: EXIF, GPS, text
chunks and ICC profiles do not survive.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from shortvideo.errors import BodyTooLarge, InvalidRequest

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
MIN_SIDE = 64
FORMATS = ("PNG", "JPEG")
FIELD = "image"


def clean_png(data: bytes) -> bytes:
    """The upload re-encoded as a metadata-free PNG, or a 4xx naming the image field."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BodyTooLarge(f"the image is larger than {MAX_UPLOAD_BYTES} bytes", field=FIELD)
    if not data:
        raise InvalidRequest("the image is empty", field=FIELD)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InvalidRequest(
                        f"the image is {width}x{height}: at most {MAX_PIXELS} pixels",
                        field=FIELD,
                    )
                if min(width, height) < MIN_SIDE:
                    raise InvalidRequest(f"the image is smaller than {MIN_SIDE} px", field=FIELD)
                image.load()  # the whole decode: truncated data fails here
                pixels = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:  # fmt: skip
        raise InvalidRequest("the image is not a readable PNG or JPEG", field=FIELD) from exc
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=False)  # no exif=, no pnginfo=: nothing carried
    return out.getvalue()
