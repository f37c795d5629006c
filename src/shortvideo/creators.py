"""Creators and their API tokens. A token is shown once; only its SHA-256 is stored.

A token is `svt1_` + 43 random characters + 43 characters of HMAC-SHA256 (base64url) of the
first part under the server secret `API_TOKEN_SECRET`. The API checks the HMAC before any
database read, so a made-up or mistyped token costs nothing but CPU.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from shortvideo.errors import InvalidRequest
from shortvideo.models import CREATOR_ID_PATTERN, Creator
from shortvideo.ports import CreatorStore

TOKEN_PREFIX = "svt1_"
_PART_CHARS = 43  # 32 bytes, base64url without padding
TOKEN_CHARS = len(TOKEN_PREFIX) + 2 * _PART_CHARS
_SLUG = re.compile(r"[^a-z0-9]+")
_URLSAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def hash_token(token: str) -> str:
    """Hex SHA-256. Tokens are 256 random bits, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def _signature(secret: str, random_part: str) -> str:
    digest = hmac.new(secret.encode(), (TOKEN_PREFIX + random_part).encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def new_token(secret: str) -> str:
    random_part = secrets.token_urlsafe(32)
    return TOKEN_PREFIX + random_part + _signature(secret, random_part)


def is_signed_token(token: str, secret: str) -> bool:
    """Well formed and signed with `secret`: only such tokens are worth a database read."""
    if len(token) != TOKEN_CHARS or not token.startswith(TOKEN_PREFIX):
        return False
    body = token[len(TOKEN_PREFIX) :]
    if not _URLSAFE.match(body):
        return False
    random_part, signature = body[:_PART_CHARS], body[_PART_CHARS:]
    return hmac.compare_digest(signature, _signature(secret, random_part))


def creator_id_for(name: str) -> str:
    """A readable id from a display name: "Ada Lovelace" -> "ada-lovelace"."""
    slug = _SLUG.sub("-", name.lower()).strip("-")[:64]
    if not slug:
        raise InvalidRequest("the name needs at least one letter or digit", field="name")
    return slug


def register_creator(
    store: CreatorStore,
    name: str,
    now: datetime,
    creator_id: str | None = None,
    *,
    token_secret: str,
) -> tuple[Creator, str]:
    """Store a new creator and return it with its token (the only time the token exists).

    An id is never given twice: a deleted creator leaves a tombstone (CreatorStore), so a new
    creator can never inherit an old one's videos.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidRequest("name must be 1 to 100 characters", field="name")
    creator_id = creator_id or creator_id_for(name)
    if not re.match(CREATOR_ID_PATTERN, creator_id):
        raise InvalidRequest("creator id must be 1-64 letters, digits, - or _", field="creator_id")
    token = new_token(token_secret)
    creator = Creator(
        creator_id=creator_id, name=name, token_sha256=hash_token(token), created_at=now
    )
    store.add_creator(creator)
    return creator, token
