"""Who may call a function: a Google-signed OIDC ID token from an allowed service account.

In production Cloud Run's IAM checks the invoker first; with OIDC_VERIFY=true each function
checks again before it reads the body: the signature (Google's certificates), the issuer, the
expiry, audience == OIDC_AUDIENCE (the function's own URL) and the caller's email in
OIDC_ALLOWED_SERVICE_ACCOUNTS (the Cloud Tasks or Cloud Scheduler identity). The local stack
signs its doorbells with a key of its own and names its certificate in OIDC_CERTS_FILE, which
only ENVIRONMENT=local honours. See docs/decisions/0012-private-functions-and-fail-closed.md.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from shortvideo.errors import Forbidden, Unauthorized
from shortvideo.logs import get_logger
from shortvideo.settings import Settings

# Google's OAuth 2.0 certificates, {key id: PEM certificate}: what google.oauth2.id_token uses.
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = frozenset({"https://accounts.google.com", "accounts.google.com"})
CLOCK_SKEW_SECONDS = 10
CERTS_MAX_AGE_SECONDS = 3600.0
# A token naming an unknown key refetches at most this often (keys rotate about daily; an
# attacker must not be able to make every request fetch).
UNKNOWN_KEY_REFETCH_SECONDS = 60.0
MAX_TOKEN_CHARS = 4096

Certificates = Mapping[str, str]


class CertificateCache:
    """Certificates from `fetch`, kept an hour, refetched early (rarely) for an unknown key id."""

    def __init__(
        self, fetch: Callable[[], Certificates], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._certs: Certificates = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def for_key(self, key_id: str | None) -> Certificates:
        with self._lock:
            age = self._clock() - self._fetched_at
            unknown = bool(key_id) and key_id not in self._certs
            if age > CERTS_MAX_AGE_SECONDS or (unknown and age > UNKNOWN_KEY_REFETCH_SECONDS):
                self._certs = dict(self._fetch())
                self._fetched_at = self._clock()
            return self._certs


def _fetch_google_certs() -> Certificates:
    response = requests.get(GOOGLE_CERTS_URL, timeout=10)
    response.raise_for_status()
    certs: dict[str, str] = response.json()
    return certs


def _certs_file_reader(path: str) -> Callable[[], Certificates]:
    def read() -> Certificates:
        with open(path, encoding="utf-8") as handle:
            certs: dict[str, str] = json.load(handle)
        return certs

    return read


_caches: dict[str, CertificateCache] = {}
_caches_lock = threading.Lock()


def certificates_for(settings: Settings) -> CertificateCache:
    """Google's certificates; a local certificates file only where ENVIRONMENT=local."""
    local = settings.environment == "local" and settings.oidc_certs_file is not None
    source = str(settings.oidc_certs_file) if local else GOOGLE_CERTS_URL
    with _caches_lock:
        if source not in _caches:
            fetch = _certs_file_reader(source) if local else _fetch_google_certs
            _caches[source] = CertificateCache(fetch)
        return _caches[source]


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized(
            "send Authorization: Bearer <Google-signed ID token>", field="authorization"
        )
    return token


def verify_caller(authorization: str | None, settings: Settings, certs: CertificateCache) -> str:
    """The caller's service account email, or Unauthorized (401) / Forbidden (403)."""
    token = _bearer(authorization)
    log = get_logger(component="oidc")
    try:
        key_id = jwt.decode_header(token).get("kid")  # type: ignore[no-untyped-call]
        claims: Mapping[str, Any] = jwt.decode(  # type: ignore[no-untyped-call]
            token,
            certs=certs.for_key(key_id if isinstance(key_id, str) else None),
            audience=settings.oidc_audience or [],
            clock_skew_in_seconds=CLOCK_SKEW_SECONDS,
        )
    except (ValueError, TypeError, auth_exceptions.GoogleAuthError) as exc:
        # The reason (expired, wrong audience, bad signature...) is logged, not explained.
        log.warning("caller_token_refused", reason=str(exc)[:200])
        raise Unauthorized(
            "the identity token is invalid, expired or not meant for this function",
            field="authorization",
        ) from exc
    if claims.get("iss") not in GOOGLE_ISSUERS:
        log.warning("caller_token_refused", reason="issuer", issuer=str(claims.get("iss"))[:100])
        raise Unauthorized("the identity token is not Google's", field="authorization")
    email = claims.get("email")
    if (
        not isinstance(email, str)
        or claims.get("email_verified") is not True
        or email not in settings.oidc_allowed_service_accounts
    ):
        log.warning("caller_forbidden", email=str(email)[:200])
        raise Forbidden("this identity may not call this function", field="authorization")
    return email


def authorize_call(authorization: str | None, settings: Settings) -> str | None:
    """The verified caller when OIDC_VERIFY is on; None (nobody checked) when it is off."""
    if not settings.oidc_verify:
        return None
    return verify_caller(authorization, settings, certificates_for(settings))
