"""IdentityProvider on Firebase Authentication (Identity Platform) with firebase-admin.

With FIREBASE_AUTH_EMULATOR_HOST set (local only: shortvideo.startup refuses it elsewhere),
firebase-admin talks to the Auth emulator and skips signature checks; without it, tokens are
verified against Google's published certificates (tests/integration/test_token_signatures.py
runs that path against a local key).
"""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta
from typing import Any

import firebase_admin
from firebase_admin import auth, exceptions

from shortvideo.accounts.ports import Identity
from shortvideo.errors import InvalidRequest, ProviderError, Unauthorized
from shortvideo.logs import get_logger

# A verified token whose exp has passed is refused here too: the emulator skips that check.
_CLOCK_SKEW_SECONDS = 5


def _identity(claims: dict[str, Any]) -> Identity:
    if int(claims.get("exp", 0)) + _CLOCK_SKEW_SECONDS < time.time():
        raise Unauthorized("the sign-in has expired: sign in again", field="authorization")
    return Identity(
        uid=str(claims["uid"]),
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified", False)),
        name=claims.get("name"),
        admin=claims.get("admin") is True,
        auth_time=int(claims.get("auth_time", 0)),
        issued_at=int(claims.get("iat", 0)),
    )


class FirebaseIdentity:
    def __init__(self, app: firebase_admin.App) -> None:
        self.app = app

    @classmethod
    def for_project(cls, project: str) -> FirebaseIdentity:
        """One firebase-admin app per project in this process (its default credentials)."""
        name = f"shortvideo-{project}"
        try:
            return cls(firebase_admin.get_app(name))
        except ValueError:
            return cls(firebase_admin.initialize_app(options={"projectId": project}, name=name))

    def verify_id_token(self, id_token: str) -> Identity:
        try:
            claims = auth.verify_id_token(id_token, app=self.app, check_revoked=True)
        except (auth.RevokedIdTokenError, auth.UserDisabledError, auth.ExpiredIdTokenError,
                auth.InvalidIdTokenError, auth.UserNotFoundError, ValueError) as exc:
            get_logger(component="accounts").info("id_token_refused", reason=type(exc).__name__)
            raise Unauthorized("invalid, expired or revoked ID token: sign in again",
                               field="id_token") from exc
        except (auth.CertificateFetchError, exceptions.FirebaseError) as exc:
            raise ProviderError("Firebase Authentication is unreachable") from exc
        return _identity(claims)

    def create_session_cookie(self, id_token: str, lifetime: timedelta) -> str:
        try:
            cookie: bytes | str = auth.create_session_cookie(id_token, lifetime, app=self.app)
        except exceptions.InvalidArgumentError as exc:
            raise Unauthorized("invalid ID token: sign in again", field="id_token") from exc
        except exceptions.FirebaseError as exc:
            raise ProviderError("Firebase Authentication is unreachable") from exc
        return cookie.decode() if isinstance(cookie, bytes) else cookie

    def verify_session_cookie(self, cookie: str) -> Identity:
        try:
            # check_revoked: one Auth API read per request, so "sign out everywhere", a disabled
            # or a deleted user take effect at once (decision 0015).
            claims = auth.verify_session_cookie(cookie, check_revoked=True, app=self.app)
        except (auth.RevokedSessionCookieError, auth.UserDisabledError,
                auth.ExpiredSessionCookieError, auth.InvalidSessionCookieError,
                auth.UserNotFoundError, ValueError) as exc:
            get_logger(component="accounts").info("session_refused", reason=type(exc).__name__)
            raise Unauthorized("invalid, expired or revoked session: sign in again",
                               field="__session") from exc
        except (auth.CertificateFetchError, exceptions.FirebaseError) as exc:
            raise ProviderError("Firebase Authentication is unreachable") from exc
        return _identity(claims)

    def revoke_sessions(self, uid: str) -> None:
        auth.revoke_refresh_tokens(uid, app=self.app)

    def delete_user(self, uid: str) -> None:
        with contextlib.suppress(auth.UserNotFoundError):  # gone: a repeated account deletion
            auth.delete_user(uid, app=self.app)

    def set_admin(self, email: str, admin: bool) -> str:
        try:
            user = auth.get_user_by_email(email, app=self.app)
        except auth.UserNotFoundError as exc:
            raise InvalidRequest(f"no user with email {email!r}", field="email") from exc
        claims = {k: v for k, v in (user.custom_claims or {}).items() if k != "admin"}
        if admin:
            claims["admin"] = True
        auth.set_custom_user_claims(user.uid, claims or None, app=self.app)
        if not admin:
            # Sessions carry the claims of their sign-in: end them all, so the role goes now.
            # A grant reaches the next sign-in (decision 0015).
            auth.revoke_refresh_tokens(user.uid, app=self.app)
        return str(user.uid)
