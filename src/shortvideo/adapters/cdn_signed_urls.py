"""MediaUrls through Cloud CDN: URLs signed with a Cloud CDN signed-URL key (not GCS V4).

Cloud CDN "Use signed URLs": the URL gets `Expires` (Unix seconds), `KeyName` (the key's name on
the backend bucket) and last `Signature`, the base64url HMAC-SHA1, under the base64url-decoded
16-byte key, of the whole URL up to and including `KeyName=...`. The CDN answers 403 unless the
method is GET/HEAD, Expires is in the future and the signature matches the named key. Signing is
local (no network call), but URLs are still cached per object so that a card keeps one URL and
the CDN and the browser can cache its bytes (decision 0016).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote

from shortvideo.adapters.signed_url_cache import CachedSigner, SignedUrlCache
from shortvideo.errors import ConfigError

KEY_BYTES = 16  # Cloud CDN keys are 128-bit


def decode_cdn_key(text: str) -> bytes:
    """The raw key of MEDIA_CDN_KEY (RFC 4648 section 5 base64url, as gcloud's key file)."""
    value = text.strip()
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("MEDIA_CDN_KEY is not base64url", field="MEDIA_CDN_KEY") from exc
    if len(key) != KEY_BYTES or "+" in value or "/" in value:
        raise ConfigError(
            f"MEDIA_CDN_KEY must be the base64url of a {KEY_BYTES}-byte key",
            field="MEDIA_CDN_KEY",
        )
    return key


def sign_cdn_url(url: str, key_name: str, key: bytes, expires: int) -> str:
    """`url` with Expires, KeyName and Signature appended, as Cloud CDN checks them."""
    separator = "&" if "?" in url else "?"
    to_sign = f"{url}{separator}Expires={expires}&KeyName={key_name}"
    digest = hmac.new(key, to_sign.encode(), hashlib.sha1).digest()
    return f"{to_sign}&Signature={base64.urlsafe_b64encode(digest).decode()}"


class CdnSignedUrls(CachedSigner):
    def __init__(
        self,
        base_url: str,
        key_name: str,
        key: str,
        lifetime_seconds: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not base_url or not key_name or not key:
            missing = [n for n, v in (("MEDIA_CDN_BASE_URL", base_url),
                                      ("MEDIA_CDN_KEY_NAME", key_name),
                                      ("MEDIA_CDN_KEY", key)) if not v]  # fmt: skip
            raise ConfigError(f"MEDIA_URL_MODE=cdn needs {', '.join(missing)}", field=missing[0])
        self._base = base_url.rstrip("/")
        self._key_name = key_name
        self._key = decode_cdn_key(key)
        self._cache = SignedUrlCache(lifetime_seconds, clock)

    def _sign(self, object_name: str, expires_at: float) -> str:
        # The backend bucket serves an object at /{its name}.
        url = f"{self._base}/{quote(object_name, safe='/')}"
        return sign_cdn_url(url, self._key_name, self._key, int(expires_at))
