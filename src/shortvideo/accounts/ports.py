"""What accounts talk to: an identity provider (Firebase Auth) and an account store (Firestore)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol


@dataclass(frozen=True)
class Identity:
    """A verified Firebase ID token or session cookie."""

    uid: str
    email: str | None
    email_verified: bool
    name: str | None
    admin: bool  # the custom claim {"admin": true}
    auth_time: int  # when the user last signed in, seconds since the epoch
    issued_at: int  # the token's iat


@dataclass(frozen=True)
class ApiToken:
    """api_tokens/{token_id}: a personal token's metadata; only its SHA-256 is stored."""

    token_id: str
    owner: str
    name: str
    prefix: str  # the first characters, so a person can tell tokens apart
    sha256: str
    created_at: datetime
    last_used_at: datetime | None = None


class IdentityProvider(Protocol):
    def verify_id_token(self, id_token: str) -> Identity:
        """Unauthorized unless valid (signature, audience, issuer, expiry) and not revoked."""
        ...

    def create_session_cookie(self, id_token: str, lifetime: timedelta) -> str: ...

    def verify_session_cookie(self, cookie: str) -> Identity:
        """Unauthorized unless valid, not revoked (sign-out everywhere) and its user enabled."""
        ...

    def revoke_sessions(self, uid: str) -> None:
        """Revoke every refresh token and session cookie of the user issued before now."""
        ...

    def delete_user(self, uid: str) -> None:
        """Delete the Firebase user; nothing happens when there is none."""
        ...

    def set_admin(self, email: str, admin: bool) -> str:
        """Set or clear the admin custom claim of the user with this email; returns its uid."""
        ...


class AccountStore(Protocol):
    def ensure_user(self, identity: Identity, now: datetime, locale: str) -> dict[str, Any]:
        """users/{uid}: created on first sign-in; email, verification and roles refreshed."""
        ...

    def get_user(self, uid: str) -> dict[str, Any] | None: ...
    def list_users(self, limit: int) -> list[dict[str, Any]]: ...
    def set_roles(self, uid: str, roles: list[str]) -> None: ...

    def add_token(self, token: ApiToken, max_tokens: int) -> bool:
        """Store the token unless the owner already has `max_tokens`; False then."""
        ...

    def find_token(self, sha256: str) -> ApiToken | None: ...
    def list_tokens(self, owner: str) -> list[ApiToken]: ...
    def revoke_token(self, owner: str, token_id: str) -> bool:
        """Delete the owner's token; False when the owner has no such token."""
        ...

    def touch_token(self, token_id: str, now: datetime) -> None: ...

    def owned_documents(self, uid: str) -> dict[str, list[dict[str, Any]]]:
        """Every document of the creator, by collection (the registry's), for an export."""
        ...

    def delete_owned(self, uid: str) -> dict[str, int]:
        """Delete every document of the creator (the registry's collections); counts."""
        ...
