"""Who a request is: a session cookie or a personal API token, turned into one `Creator`."""

from __future__ import annotations

from datetime import datetime

from shortvideo.accounts.ports import AccountStore, Identity, IdentityProvider
from shortvideo.accounts.tokens import token_owner
from shortvideo.errors import Unauthorized
from shortvideo.models import Creator

ADMIN = "admin"
_UNKNOWN_TOKEN = "unknown or revoked token"


def roles_of(identity: Identity) -> frozenset[str]:
    return frozenset({ADMIN}) if identity.admin else frozenset()


def creator_of(identity: Identity) -> Creator:
    return Creator(
        creator_id=identity.uid,
        name=(identity.name or "")[:100],
        email=identity.email,
        email_verified=identity.email_verified,
        roles=roles_of(identity),
        auth="session",
    )


def session_creator(identity_provider: IdentityProvider, cookie: str) -> Creator:
    """The creator of a session cookie; verified and checked for revocation on every call."""
    return creator_of(identity_provider.verify_session_cookie(cookie))


def token_creator(store: AccountStore, token: str, secret: str, now: datetime) -> Creator:
    """The creator of a personal API token: two reads (the token, then users/{uid}), no cache.

    A token acts as its creator, never as an admin: admin routes need a signed-in session.
    Email verification comes from users/{uid}, refreshed at every sign-in.
    """
    record = token_owner(store, token, secret, now)
    if record is None:
        raise Unauthorized(_UNKNOWN_TOKEN, field="authorization")
    user = store.get_user(record.owner)
    if user is None:  # the account is being deleted
        raise Unauthorized(_UNKNOWN_TOKEN, field="authorization")
    return Creator(
        creator_id=record.owner,
        name=str(user.get("display_name") or "")[:100],
        email=user.get("email"),
        email_verified=bool(user.get("email_verified")),
        roles=frozenset(),
        auth="token",
    )
