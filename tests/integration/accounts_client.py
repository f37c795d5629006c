"""An in-process API on the emulators (Firestore, GCS, Firebase Auth) and creators signing in."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from fastapi.testclient import TestClient

from devstack.auth_emulator import AuthEmulator, SignedIn
from shortvideo.accounts.wiring import build_accounts
from shortvideo.api import create_app
from shortvideo.api.auth import SESSION_COOKIE
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services

ORIGIN = "http://testserver"  # the TestClient's own origin: APP_ORIGIN of these apps


def app_client(**overrides: str) -> tuple[TestClient, Services]:
    env = {**os.environ, "APP_ORIGIN": ORIGIN, **overrides}
    settings = settings_from(env)
    svc = build_services(settings)
    return TestClient(create_app(svc, build_accounts(settings))), svc


@dataclass
class Browser:
    """A creator's browser: the session cookie it holds and the Origin it sends."""

    http: TestClient
    cookie: str | None = None
    origin: str | None = ORIGIN

    def headers(self) -> dict[str, str]:
        # Secure cookies are not sent over http by httpx's jar: the cookie goes by hand.
        values = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else {}
        if self.origin:
            values["Origin"] = self.origin
        return values

    def request(self, method: str, url: str, headers: dict[str, str] | None = None,
                **kwargs: object):  # type: ignore[no-untyped-def]
        self.http.cookies.clear()
        return self.http.request(method, url, headers={**self.headers(), **(headers or {})},
                                 **kwargs)  # type: ignore[arg-type]

    def sign_in(self, signed_in: SignedIn):  # type: ignore[no-untyped-def]
        answer = self.request("POST", "/session", json={"id_token": signed_in.id_token})
        if answer.status_code == 200:
            self.cookie = answer.cookies.get(SESSION_COOKIE) or _set_cookie(answer)
        return answer


def _set_cookie(answer) -> str:  # type: ignore[no-untyped-def]
    header = answer.headers["set-cookie"]
    return header.split(";", 1)[0].split("=", 1)[1]


def new_user(auth: AuthEmulator, verified: bool = True) -> tuple[SignedIn, str]:
    """Sign up (and verify) as a creator would; returns a fresh sign-in and the password."""
    email = f"c-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(10)
    signed_in = auth.sign_up(email, password, display_name="Creator")
    if verified:
        auth.verify_email(signed_in)
        signed_in = auth.sign_in(email, password)  # a token that says email_verified
    return signed_in, password
