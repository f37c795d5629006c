"""The production path of token verification: firebase-admin without the Auth emulator checks
RS256 signatures against published certificates. Here the certificates are a local key's,
served on 127.0.0.1 in place of Google's URL; expired, wrong-audience, wrong-issuer, tampered
and unknown-key tokens are refused (the emulator skips all of that, so this test is separate).
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import firebase_admin
import pytest
from firebase_admin import auth, credentials

from devstack.local_oidc import ensure_local_keys
from shortvideo.adapters.firebase_identity import FirebaseIdentity
from shortvideo.errors import Unauthorized

PROJECT = "prod-like-project"
ID_ISSUER = f"https://securetoken.google.com/{PROJECT}"
COOKIE_ISSUER = f"https://session.firebase.google.com/{PROJECT}"


@pytest.fixture
def certs_url(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    keys = ensure_local_keys(tmp_path / "keys")
    body = keys.certs_file.read_bytes()

    class Certs(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "max-age=60")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Certs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/certs", keys.key_file
    server.shutdown()


@pytest.fixture
def identity(certs_url: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> FirebaseIdentity:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    # A service account of its own (no Application Default Credentials here); never used online.
    account = credentials.Certificate({
        "type": "service_account", "project_id": PROJECT, "private_key_id": "local",
        "private_key": certs_url[1].read_text(), "token_uri": "http://127.0.0.1:9/token",
        "client_email": f"firebase-adminsdk@{PROJECT}.iam.gserviceaccount.com"})
    name = f"signatures-{time.monotonic_ns()}"
    firebase = FirebaseIdentity(firebase_admin.initialize_app(
        account, options={"projectId": PROJECT}, name=name))
    # firebase-admin's own verifier, pointed at the local certificates instead of Google's.
    verifier = auth._get_client(firebase.app)._token_verifier
    verifier.id_token_verifier.cert_url = certs_url[0]
    verifier.cookie_verifier.cert_url = certs_url[0]
    return firebase


def sign(key_file: Path, **overrides: Any) -> str:
    from google.auth import jwt

    from devstack.local_oidc import _signer

    now = int(time.time())
    claims = {"iss": ID_ISSUER, "aud": PROJECT, "sub": "uid-1", "auth_time": now, "iat": now,
              "exp": now + 3600, "email": "a@example.com", "email_verified": True}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    token: bytes = jwt.encode(_signer(key_file), claims)
    return token.decode()


def test_a_token_signed_by_the_published_key_is_accepted(identity, certs_url) -> None:
    good = sign(certs_url[1])
    # The signature check passes (revocation needs the Auth API, which is not here).
    claims = auth.verify_id_token(good, app=identity.app, check_revoked=False)
    assert claims["uid"] == "uid-1" and claims["email_verified"] is True
    cookie = sign(certs_url[1], iss=COOKIE_ISSUER)
    assert auth.verify_session_cookie(cookie, app=identity.app)["uid"] == "uid-1"


@pytest.mark.parametrize("case", ["expired", "wrong_audience", "wrong_issuer", "tampered",
                                  "unknown_key", "unsigned", "no_subject", "cookie_as_id_token"])
def test_bad_id_tokens_are_refused(identity, certs_url, tmp_path, case) -> None:
    key_file = certs_url[1]
    now = int(time.time())
    token = {
        "expired": lambda: sign(key_file, iat=now - 7200, exp=now - 3600),
        "wrong_audience": lambda: sign(key_file, aud="another-project"),
        "wrong_issuer": lambda: sign(key_file, iss="https://securetoken.google.com/another"),
        "tampered": lambda: _tamper(sign(key_file)),
        "unknown_key": lambda: sign(ensure_local_keys(tmp_path / "other").key_file),
        "unsigned": lambda: _unsigned(sign(key_file)),
        "no_subject": lambda: sign(key_file, sub=None),
        "cookie_as_id_token": lambda: sign(key_file, iss=COOKIE_ISSUER),
    }[case]()
    with pytest.raises(Unauthorized):
        identity.verify_id_token(token)


@pytest.mark.parametrize("case", ["expired", "id_token_as_cookie", "tampered"])
def test_bad_session_cookies_are_refused(identity, certs_url, case) -> None:
    key_file = certs_url[1]
    now = int(time.time())
    cookie = {
        "expired": lambda: sign(key_file, iss=COOKIE_ISSUER, iat=now - 7200, exp=now - 3600),
        "id_token_as_cookie": lambda: sign(key_file),
        "tampered": lambda: _tamper(sign(key_file, iss=COOKIE_ISSUER)),
    }[case]()
    with pytest.raises(Unauthorized):
        identity.verify_session_cookie(cookie)


def _tamper(token: str) -> str:
    """The same signature over a payload that says someone else."""
    import base64
    import json

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "uid-2"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _unsigned(token: str) -> str:
    import base64
    import json

    _, payload, _ = token.split(".")
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=")
    return f"{header.decode()}.{payload}."
