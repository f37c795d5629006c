"""Users of the Firebase Auth emulator, as the dashboard's Firebase JS SDK would make them.

The emulator serves the Identity Toolkit REST API (accounts:signUp, accounts:signInWithPassword,
accounts:sendOobCode, accounts:update) under its own host, takes any API key, and lists the
email-verification codes it "sent" at /emulator/v1/projects/{project}/oobCodes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from devstack.clients import environ
from shortvideo.adapters.firebase_identity import FirebaseIdentity

API_KEY = "local-stack-any-key"  # the emulator accepts any key


class AuthEmulatorError(RuntimeError):
    pass


@dataclass(frozen=True)
class SignedIn:
    uid: str
    email: str
    id_token: str
    refresh_token: str


def _call(url: str, body: Mapping[str, Any] | None = None, method: str = "POST") -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise AuthEmulatorError(f"{url}: {exc.code} {exc.read().decode(errors='replace')}") from exc


class AuthEmulator:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.host = env["FIREBASE_AUTH_EMULATOR_HOST"]
        self.project = env["GOOGLE_CLOUD_PROJECT"]

    def _toolkit(self, method: str) -> str:
        return f"http://{self.host}/identitytoolkit.googleapis.com/v1/accounts:{method}?key={API_KEY}"

    @contextmanager
    def admin(self) -> Iterator[FirebaseIdentity]:
        """firebase-admin pointed at this emulator while the block runs."""
        with environ({"FIREBASE_AUTH_EMULATOR_HOST": self.host}):
            yield FirebaseIdentity.for_project(self.project)

    def sign_up(self, email: str, password: str, display_name: str = "") -> SignedIn:
        found = _call(self._toolkit("signUp"), {"email": email, "password": password,
                                                "returnSecureToken": True})
        if display_name:
            _call(self._toolkit("update"), {"idToken": found["idToken"],
                                            "displayName": display_name})
        return self.sign_in(email, password)

    def sign_in(self, email: str, password: str) -> SignedIn:
        found = _call(self._toolkit("signInWithPassword"),
                      {"email": email, "password": password, "returnSecureToken": True})
        return SignedIn(found["localId"], found["email"], found["idToken"], found["refreshToken"])

    def verify_email(self, signed_in: SignedIn) -> None:
        """Send the verification email and follow its link, as the creator would."""
        _call(self._toolkit("sendOobCode"), {"requestType": "VERIFY_EMAIL",
                                             "idToken": signed_in.id_token})
        codes = _call(f"http://{self.host}/emulator/v1/projects/{self.project}/oobCodes",
                      method="GET")["oobCodes"]
        mine = [c for c in codes if c["email"] == signed_in.email
                and c["requestType"] == "VERIFY_EMAIL"]
        if not mine:
            raise AuthEmulatorError(f"no verification code was sent to {signed_in.email}")
        _call(self._toolkit("update"), {"oobCode": mine[-1]["oobCode"]})
