"""Creators and their API tokens. A token is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from shortvideo.errors import InvalidRequest
from shortvideo.models import CREATOR_ID_PATTERN, Creator
from shortvideo.ports import CreatorStore

TOKEN_PREFIX = "svt_"
_SLUG = re.compile(r"[^a-z0-9]+")


def hash_token(token: str) -> str:
    """Hex SHA-256. Tokens are 256 random bits, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def creator_id_for(name: str) -> str:
    """A readable id from a display name: "Ada Lovelace" -> "ada-lovelace"."""
    slug = _SLUG.sub("-", name.lower()).strip("-")[:64]
    if not slug:
        raise InvalidRequest("the name needs at least one letter or digit", field="name")
    return slug


def register_creator(
    store: CreatorStore, name: str, now: datetime, creator_id: str | None = None
) -> tuple[Creator, str]:
    """Store a new creator and return it with its token (the only time the token exists)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidRequest("name must be 1 to 100 characters", field="name")
    creator_id = creator_id or creator_id_for(name)
    if not re.match(CREATOR_ID_PATTERN, creator_id):
        raise InvalidRequest("creator id must be 1-64 letters, digits, - or _", field="creator_id")
    token = new_token()
    creator = Creator(
        creator_id=creator_id, name=name, token_sha256=hash_token(token), created_at=now
    )
    store.add_creator(creator)
    return creator, token
