"""Bearer tokens: the HMAC is checked first (no read), then the token's SHA-256 is looked up.

Nothing is cached: each request asks Firestore (one read), so a deleted creator's token stops
working at once on every instance. A token that is malformed or not signed with the server's
`API_TOKEN_SECRET` is refused before any database read.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shortvideo.creators import hash_token, is_signed_token
from shortvideo.errors import Unauthorized
from shortvideo.models import Creator
from shortvideo.ports import CreatorStore

MAX_TOKEN_CHARS = 256
_UNKNOWN = "unknown or revoked token"


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("send Authorization: Bearer <token>", field="authorization")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("the Authorization header must be Bearer <token>", field="authorization")
    return token


class TokenAuthenticator:
    """Finds the live creator of a correctly signed token."""

    def __init__(self, store: CreatorStore, token_secret: str) -> None:
        self._store = store
        self._secret = token_secret

    def creator_for(self, authorization: str | None) -> Creator:
        token = bearer_token(authorization)
        if not is_signed_token(token, self._secret):
            raise Unauthorized(_UNKNOWN, field="authorization")
        creator = self._store.find_by_token_hash(hash_token(token))
        if creator is None:
            raise Unauthorized(_UNKNOWN, field="authorization")
        return creator


# The OpenAPI document shows a bearer security scheme; errors are ours (auto_error off).
BEARER_SCHEME = HTTPBearer(auto_error=False, description="a creator's API token")


def bearer_dependency(auth: TokenAuthenticator) -> Callable[..., Creator]:
    """A FastAPI dependency (run in the thread pool: the lookup may block on Firestore)."""

    def current_creator(
        credentials: HTTPAuthorizationCredentials | None = Depends(BEARER_SCHEME),  # noqa: B008
    ) -> Creator:
        if credentials is None:
            raise Unauthorized("send Authorization: Bearer <token>", field="authorization")
        return auth.creator_for(f"{credentials.scheme} {credentials.credentials}")

    return current_creator
