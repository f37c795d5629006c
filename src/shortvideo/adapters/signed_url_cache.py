"""A per-object cache of signed URLs, reused until a quarter of their life is left.

Signing may cost a network call (IAM signBlob on Cloud Run) and a fresh URL per request defeats
the browser's and the CDN's caches: both signers (gcs_signed_urls, cdn_signed_urls) keep one URL
per object while it has more than a quarter of its life ahead (decision 0016).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

CACHE_ENTRIES = 10_000


class SignedUrlCache:
    def __init__(self, lifetime_seconds: int, clock: Callable[[], float]) -> None:
        self._lifetime = lifetime_seconds
        self._margin = lifetime_seconds / 4
        self._clock = clock
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.signatures = 0  # how many URLs were signed (each one IAM call on Cloud Run)

    def get(self, object_name: str, sign: Callable[[str, float], str]) -> str:
        """The cached URL of `object_name`, or `sign(object_name, expires_at)`'s, kept."""
        now = self._clock()
        with self._lock:
            cached = self._entries.get(object_name)
            if cached is not None and cached[1] - now > self._margin:
                self._entries.move_to_end(object_name)
                return cached[0]
        expires_at = now + self._lifetime
        url = sign(object_name, expires_at)
        with self._lock:
            self._entries[object_name] = (url, expires_at)
            while len(self._entries) > CACHE_ENTRIES:
                self._entries.popitem(last=False)
            self.signatures += 1
        return url


class CachedSigner:
    """A MediaUrls whose URLs come from `_sign` and are kept in a SignedUrlCache."""

    _cache: SignedUrlCache

    @property
    def signatures(self) -> int:
        return self._cache.signatures

    def signed_url(self, object_name: str) -> str:
        return self._cache.get(object_name, self._sign)

    def _sign(self, object_name: str, expires_at: float) -> str:
        raise NotImplementedError
