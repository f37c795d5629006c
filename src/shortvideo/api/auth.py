"""Bearer tokens: the SHA-256 of the presented token is looked up in creators/."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Header

from shortvideo.creators import hash_token
from shortvideo.errors import Unauthorized
from shortvideo.models import Creator
from shortvideo.ports import CreatorStore

MAX_TOKEN_CHARS = 256


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("send Authorization: Bearer <token>", field="authorization")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("the Authorization header must be Bearer <token>", field="authorization")
    return token


class TokenAuthenticator:
    """Finds the creator of a token; remembers verified tokens for `cache_seconds`.

    Only successes are cached, so a new creator works at once; a deleted creator's token keeps
    working for at most `cache_seconds` in a process that has already seen it.
    """

    def __init__(
        self,
        store: CreatorStore,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self._store = store
        self._ttl = cache_seconds
        self._clock = clock
        self._max = max_entries
        self._cache: dict[str, tuple[Creator, float]] = {}

    def creator_for(self, authorization: str | None) -> Creator:
        digest = hash_token(bearer_token(authorization))
        now = self._clock()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        creator = self._store.find_by_token_hash(digest)
        if creator is None:
            raise Unauthorized("unknown or revoked token", field="authorization")
        if self._ttl > 0:
            if len(self._cache) >= self._max:
                self._cache.clear()
            self._cache[digest] = (creator, now + self._ttl)
        return creator


def bearer_dependency(auth: TokenAuthenticator) -> Callable[..., Creator]:
    """A FastAPI dependency (run in the thread pool: the lookup may block on Firestore)."""

    def current_creator(authorization: str | None = Header(default=None)) -> Creator:
        return auth.creator_for(authorization)

    return current_creator
