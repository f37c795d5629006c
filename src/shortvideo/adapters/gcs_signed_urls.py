"""MediaUrls on Cloud Storage: V4 signed URLs, cached until shortly before they expire.

On Cloud Run there is no private key: the runtime's credentials give an access token and the
SDK signs through the IAM Credentials signBlob API as `service_account_email` (one network call
per URL, hence the cache). With a service-account key (MEDIA_SIGNING_KEY_FILE: tests, tools)
the SDK signs locally. See google-cloud-storage Blob.generate_signed_url.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from google.cloud import storage  # type: ignore[attr-defined]

from shortvideo.adapters.signed_url_cache import CachedSigner, SignedUrlCache


class GcsSignedUrls(CachedSigner):
    def __init__(
        self,
        client: storage.Client,
        bucket: str,
        lifetime_seconds: int,
        *,
        key_credentials: Any = None,
        service_account_email: str = "",
        runtime_credentials: Any = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bucket = client.bucket(bucket)
        self._lifetime = lifetime_seconds
        self._key = key_credentials
        self._email = service_account_email
        self._runtime = runtime_credentials
        self._cache = SignedUrlCache(lifetime_seconds, clock)

    def _sign(self, object_name: str, _expires_at: float) -> str:
        blob = self._bucket.blob(object_name)
        expiration = timedelta(seconds=self._lifetime)
        if self._key is not None:
            url: str = blob.generate_signed_url(
                version="v4", expiration=expiration, method="GET", credentials=self._key
            )
            return url
        credentials = self._runtime
        if credentials is None:
            import google.auth

            credentials, _ = google.auth.default()
            self._runtime = credentials
        if not credentials.valid:
            import google.auth.transport.requests

            credentials.refresh(google.auth.transport.requests.Request())
        email = self._email or getattr(credentials, "service_account_email", "")
        url = blob.generate_signed_url(
            version="v4",
            expiration=expiration,
            method="GET",
            service_account_email=email,
            access_token=credentials.token,
        )
        return url
