"""Private media: short-lived URLs for one object, and serving them with HTTP Range.

"api" mode (the local stack: the GCS emulator cannot check a signature): the API signs
/media/{object}?expires=..&signature=.. with an HMAC under a key derived from API_TOKEN_SECRET
and serves the object itself, with Range support so that a player can seek. "gcs" mode: V4
signed URLs of the bucket (adapters.gcs_signed_urls). Either way a URL names one object, is
given only to its owner, and expires (decision 0016).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from shortvideo.errors import PipelineError

OBJECT_PATTERN = re.compile(
    r"^(final|thumbnails|subtitles|characters|job_inputs|music)/[\w./-]{1,200}$"
)  # music: the catalogue's previews (GET /music)
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
}


class MediaLinkInvalid(PipelineError):
    """A media URL that this API did not sign, was altered, or has expired."""

    code = "media_link_invalid"
    http_status = 403


class RangeNotSatisfiable(PipelineError):
    code = "range_not_satisfiable"
    http_status = 416

    def __init__(self, message: str, *, size: int) -> None:
        super().__init__(message, field="range")
        self.size = size


def content_type(name: str) -> str:
    for ext, kind in CONTENT_TYPES.items():
        if name.endswith(ext):
            return kind
    return "application/octet-stream"


def _media_key(secret: str) -> bytes:
    # A key of its own: a media signature can never pass for an API token's HMAC.
    return hmac.new(secret.encode(), b"shortvideo media urls v1", hashlib.sha256).digest()


class ApiSignedUrls:
    """MediaUrls for "api" mode: HMAC-signed, expiring /media/... paths of this API."""

    def __init__(
        self, secret: str, lifetime_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = _media_key(secret)
        self._lifetime = lifetime_seconds
        self._clock = clock

    def _signature(self, name: str, expires: int) -> str:
        return hmac.new(self._key, f"{name}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def signed_url(self, object_name: str) -> str:
        # Rounded to the minute: the same card keeps one URL for a while (browser caching).
        expires = (int(self._clock()) // 60 + 1) * 60 + self._lifetime
        return (
            f"/media/{quote(object_name)}?expires={expires}"
            f"&signature={self._signature(object_name, expires)}"
        )

    def verify(self, object_name: str, expires: str, signature: str) -> None:
        if not OBJECT_PATTERN.match(object_name) or ".." in object_name:
            raise MediaLinkInvalid("no such media", field="path")
        if not expires.isdigit() or len(expires) > 12:
            raise MediaLinkInvalid("the media link is malformed", field="expires")
        if not hmac.compare_digest(signature, self._signature(object_name, int(expires))):
            raise MediaLinkInvalid("the media link's signature is wrong", field="signature")
        if int(expires) < self._clock():
            raise MediaLinkInvalid("the media link has expired: ask the API again", field="expires")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """One range of RFC 9110 ("bytes=a-b", "bytes=a-", "bytes=-n"); None: the whole object.

    A header of another unit or several ranges is ignored (200 with everything, as the RFC
    allows); a range that starts past the end is 416.
    """
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header)
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable("the range asks for no bytes", size=size)
        return ByteRange(max(size - n, 0), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(f"the object has {size} bytes", size=size)
    return ByteRange(start, end)
