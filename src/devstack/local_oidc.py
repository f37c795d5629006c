"""Locally signed OIDC ID tokens: how the local stack proves the functions' caller check.

Real Cloud Tasks and Cloud Scheduler mint a Google-signed ID token for their service account
(oidc_token); the Cloud Tasks emulator ignores oidc_token but passes http_request headers
through. So the stack makes one RSA key and a self-signed certificate (.devstack/oidc/), the
functions verify against that certificate (OIDC_CERTS_FILE, local only), and the local doorbells
and the scheduler loop carry `Authorization: Bearer <token signed with that key>`. The claims
are those of a Google ID token: iss, aud, exp, iat, sub, email, email_verified.

The product finds `task_signer` by entry point (shortvideo.token_signers), never imports it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

GOOGLE_ISSUER = "https://accounts.google.com"
LIFETIME_SECONDS = 3600  # Google's ID tokens live one hour
# The identities of the local stack: Cloud Tasks rings the stages, Cloud Scheduler the monitor
# and the series dispatcher.
TASKS_SERVICE_ACCOUNT = "tasks-invoker@local-stack.iam.gserviceaccount.com"
SCHEDULER_SERVICE_ACCOUNT = "scheduler-invoker@local-stack.iam.gserviceaccount.com"
SCHEDULED_FUNCTIONS = ("monitor", "series_dispatcher")


@dataclass(frozen=True)
class LocalKeys:
    directory: Path
    key_file: Path  # PKCS#8 PEM private key
    certs_file: Path  # {key id: PEM certificate}, the format of Google's certificates URL

    @classmethod
    def at(cls, directory: Path) -> LocalKeys:
        return cls(directory, directory / "signing-key.pem", directory / "certs.json")


def caller_of(function_name: str) -> str:
    """Cloud Scheduler calls the monitor and the series dispatcher; Cloud Tasks the stages."""
    scheduled = function_name in SCHEDULED_FUNCTIONS
    return SCHEDULER_SERVICE_ACCOUNT if scheduled else TASKS_SERVICE_ACCOUNT


def caller_check_env(function_name: str, url: str) -> dict[str, str]:
    """A function's caller check: its own URL as audience, its one calling identity."""
    return {"OIDC_VERIFY": "true", "OIDC_AUDIENCE": url,
            "OIDC_ALLOWED_SERVICE_ACCOUNTS": caller_of(function_name)}


def ensure_local_keys(directory: Path) -> LocalKeys:
    """Make the key and its certificate once (atomically: stacks may start side by side)."""
    keys = LocalKeys.at(directory)
    if keys.key_file.exists() and keys.certs_file.exists():
        return keys
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}-{os.getpid()}-{time.monotonic_ns()}"
    staging.mkdir()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shortvideo local stack")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (staging / keys.key_file.name).write_bytes(pem)
    (staging / keys.key_file.name).chmod(0o600)
    certificate = cert.public_bytes(serialization.Encoding.PEM).decode()
    (staging / keys.certs_file.name).write_text(json.dumps({key_id_of(pem): certificate}))
    try:
        staging.rename(directory)
    except OSError:  # another stack made them first: use those
        shutil.rmtree(staging, ignore_errors=True)
    return keys


def key_id_of(pem: bytes) -> str:
    return hashlib.sha256(pem).hexdigest()[:20]


@functools.cache
def _signer(key_file: Path) -> crypt.RSASigner:
    pem = key_file.read_bytes()
    signer: crypt.RSASigner = crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
        pem, key_id=key_id_of(pem)
    )
    return signer


def sign_id_token(
    key_file: Path, *, audience: str, email: str, lifetime_seconds: float = LIFETIME_SECONDS,
    now: float | None = None, extra: Mapping[str, Any] | None = None,
) -> str:
    """An ID token like Google's for `email`, meant for `audience`."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": GOOGLE_ISSUER, "aud": audience, "sub": hashlib.sha256(email.encode()).hexdigest(),
        "email": email, "email_verified": True,
        "iat": issued, "exp": issued + int(lifetime_seconds),
        **(extra or {}),
    }  # fmt: skip
    token: bytes = jwt.encode(_signer(Path(key_file)), claims)  # type: ignore[no-untyped-call]
    return token.decode()


def task_signer(settings: Any) -> Callable[[str, float], str]:
    """Entry point: (audience, lifetime) -> a token for the settings' TASKS_SERVICE_ACCOUNT."""
    key_file = Path(settings.oidc_signing_key_file)
    email = str(settings.tasks_service_account or TASKS_SERVICE_ACCOUNT)

    def sign(audience: str, lifetime_seconds: float) -> str:
        return sign_id_token(
            key_file, audience=audience, email=email, lifetime_seconds=lifetime_seconds
        )

    return sign
