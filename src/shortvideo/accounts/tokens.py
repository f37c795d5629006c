"""Personal API tokens of a signed-in creator. A token is shown once; only its SHA-256 is stored.

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
from datetime import datetime, timedelta

from shortvideo.accounts.ports import AccountStore, ApiToken
from shortvideo.errors import InvalidRequest, RateLimited, TooManyTokens, UnknownToken
from shortvideo.ports import RateLimiter

TOKEN_PREFIX = "svt1_"
_PART_CHARS = 43  # 32 bytes, base64url without padding
TOKEN_CHARS = len(TOKEN_PREFIX) + 2 * _PART_CHARS
PREFIX_CHARS = len(TOKEN_PREFIX) + 8  # what the list shows of a token
# last_used_at is written at most this often per token: a minute's precision, not a write per call.
TOUCH_EVERY = timedelta(minutes=1)
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


def token_rate_key(uid: str) -> str:
    return f"create-token-{uid}"


def create_token(
    store: AccountStore,
    limiter: RateLimiter,
    owner: str,
    name: str,
    now: datetime,
    *,
    secret: str,
    per_hour: int,
    max_tokens: int,
) -> tuple[ApiToken, str]:
    """Store a new token of `owner`; returns its record and the token (the only time it exists)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidRequest("name must be 1 to 100 characters", field="name")
    wait = limiter.acquire(token_rate_key(owner), 0, per_hour=per_hour)
    if wait > 0:
        raise RateLimited(
            f"too many new tokens: at most {per_hour} an hour", retry_after_seconds=wait
        )
    token = new_token(secret)
    record = ApiToken(
        token_id=secrets.token_hex(8),
        owner=owner,
        name=name,
        prefix=token[:PREFIX_CHARS],
        sha256=hash_token(token),
        created_at=now,
    )
    if not store.add_token(record, max_tokens):
        raise TooManyTokens(f"you have {max_tokens} tokens already: revoke one first")
    return record, token


def revoke_token(store: AccountStore, owner: str, token_id: str) -> None:
    if not store.revoke_token(owner, token_id):
        # Someone else's token is answered exactly like a missing one.
        raise UnknownToken(f"you have no token {token_id!r}", field="token_id")


def token_owner(store: AccountStore, token: str, secret: str, now: datetime) -> ApiToken | None:
    """The live token record of `token`; None when malformed, not ours, unknown or revoked.

    Nothing is cached: every call reads Firestore, so a revoked token stops at once everywhere.
    """
    if not is_signed_token(token, secret):
        return None
    record = store.find_token(hash_token(token))
    if record is None:
        return None
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
        store.touch_token(record.token_id, now)
    return record
