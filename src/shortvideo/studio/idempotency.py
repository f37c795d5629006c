"""Idempotency-Key on POST /videos: a retried creation gets the first answer, not a second job.

The key (per creator) is reserved with the video id the job will have before the job exists,
so two racing requests with one key can only ever write that one job (create() of an existing
id fails). A key lives IDEMPOTENCY_KEY_SECONDS (24 h) from its first use: its document's
`expires_at` (a Firestore TTL policy deletes it some time later) and, until then, an expired key
replays nothing: it is reserved afresh. The same key with another body is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from shortvideo.errors import PipelineError
from shortvideo.models import JobDoc
from shortvideo.wiring import Services

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


class IdempotencyKeyInvalid(PipelineError):
    code = "invalid_idempotency_key"
    http_status = 422


class IdempotencyKeyReused(PipelineError):
    """The key was first used with another body."""

    code = "idempotency_key_reused"
    http_status = 422


def key_id(creator_id: str, key: str) -> str:
    return hashlib.sha256(f"{creator_id}\n{key}".encode()).hexdigest()


def body_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_once(
    svc: Services,
    creator_id: str,
    key: str,
    payload: dict[str, Any],
    create: Callable[[str], JobDoc],
    answer: Callable[[JobDoc], dict[str, Any]],
) -> dict[str, Any]:
    """The answer of the first creation with this key; `create(video_id)` makes the job."""
    if not KEY_PATTERN.match(key):
        raise IdempotencyKeyInvalid(
            f"{HEADER} must be 1 to 255 printable ASCII characters", field=HEADER
        )
    kid, digest, now = key_id(creator_id, key), body_hash(payload), svc.clock()
    fresh = {
        "created_by": creator_id,
        "body_sha256": digest,
        "video_id": uuid.uuid4().hex,
        "created_at": now,
        "expires_at": now + timedelta(seconds=svc.settings.idempotency_key_seconds),
        "response": None,
    }
    # Atomic: of racing requests one reserves; an expired record is replaced in a transaction,
    # so racing retries of an expired key still make one job.
    record = svc.library.reserve_idempotency_key(kid, fresh, now)
    if record.get("body_sha256") != digest:
        raise IdempotencyKeyReused(
            f"this {HEADER} was first used with another request body: use a new key",
            field=HEADER,
        )
    if record.get("response"):
        return dict(record["response"])
    video_id = record["video_id"]
    existing = svc.jobs.get_job(video_id)
    if existing is None:
        try:
            existing = create(video_id)
        except Exception:
            # A racing twin wrote the job first (create() refused the id): answer with it.
            existing = svc.jobs.get_job(video_id)
            if existing is None:
                raise
    response = answer(existing)
    svc.library.update_idempotency_key(kid, {"response": response})
    return response
