"""The job's state machine: which status may follow which, and the transitions that are not a
stage's own (a new job, a creator's cancel). Every terminal transition settles the job's bill.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shortvideo import settlement
from shortvideo.models import EXTENSION_SECONDS, OPENING_SECONDS, JobDoc, Status, VideoRequest
from shortvideo.ports import Mutation

# Every non-terminal status may fail or be cancelled by its creator; terminal ones are final.
_ENDINGS = frozenset({Status.FAILED, Status.CANCELLED})
ALLOWED: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.SCRIPTING}) | _ENDINGS,
    Status.SCRIPTING: frozenset({Status.SCRIPT_GENERATED, Status.QUEUED}) | _ENDINGS,
    Status.SCRIPT_GENERATED: frozenset({Status.GENERATING_VIDEO}) | _ENDINGS,
    Status.GENERATING_VIDEO: frozenset({Status.VIDEO_GENERATED, Status.SCRIPT_GENERATED})
    | _ENDINGS,
    Status.VIDEO_GENERATED: frozenset({Status.ASSEMBLING}) | _ENDINGS,
    Status.ASSEMBLING: frozenset({Status.COMPLETED, Status.VIDEO_GENERATED}) | _ENDINGS,
    Status.COMPLETED: frozenset(),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class Skip(Exception):
    """Nothing to do: the job is not in a state this call may change. Not an error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransition(Exception):
    pass


def transition(doc: JobDoc, to: Status, now: datetime, **fields: Any) -> dict[str, Any]:
    current = Status(doc["status"])
    if to not in ALLOWED[current]:
        raise IllegalTransition(f"{current} -> {to}")
    if to.terminal:  # settled once, in the transaction that ends the job (shortvideo.settlement)
        in_flight = in_flight_video_seconds({**doc, **fields})
        fields = {**fields, **settlement.settle(doc, to, now, fields, in_flight)}
    return {"status": to.value, "updated_at": now, **fields}


def new_job(
    video_id: str,
    request: VideoRequest,
    *,
    block_count: int,
    provider: str,
    video_model: str,
    estimated_cost: float,
    now: datetime,
) -> JobDoc:
    return {
        "video_id": video_id,
        "status": Status.QUEUED.value,
        "created_by": request.created_by,
        "theme": request.theme,
        "style": request.style.value,
        "language": request.language.value,
        "character_id": request.character_id,
        "music": request.music,
        "voice": request.voice,
        "target_seconds": request.target_seconds,
        "block_count": block_count,
        "total_blocks": block_count,
        "completed_blocks": 0,
        "provider": provider,
        "video_model": video_model,
        "cost": {"estimated_usd": round(estimated_cost, 2), "actual_usd": 0.0, "billed_seconds": 0},
        "attempts": {},
        "stage_timings": {},
        "veo_operation": None,
        "lease_owner": None,
        "lease_expires_at": None,
        "next_retry_at": None,
        "last_retry_at": None,
        "error": None,
        "created_at": now,
        "updated_at": now,
    }


def in_flight_video_seconds(doc: JobDoc) -> int:
    """Seconds of a video operation submitted (or maybe submitted) but not yet recorded as
    billed: the provider bills it even if nobody polls it again."""
    pending = doc.get("veo_operation") or doc.get("veo_submit_intent")
    if not isinstance(pending, dict) or "block" not in pending:
        return 0
    return OPENING_SECONDS if pending["block"] == 0 else EXTENSION_SECONDS


def cancel(now: datetime, *, by: str, unbilled_usd: Callable[[JobDoc], float]) -> Mutation:
    """The creator stops a queued or running job: `cancelled`, lease taken away at once.

    A stage holding the lease loses it at its next write (`_require_owner`: the status is no
    longer its active one), so it submits no new video operation; no claim takes a cancelled
    job and the monitor lists non-terminal jobs only. `cost.released_usd` records what the
    caller gives back to the month's budget: the estimate less what was or will be billed.
    """

    def mutate(doc: JobDoc) -> dict[str, Any]:
        if Status(doc["status"]).terminal:
            raise Skip(f"job is already {doc['status']}")
        cost = {**doc.get("cost", {}), "released_usd": round(max(unbilled_usd(doc), 0.0), 4)}
        return transition(
            doc,
            Status.CANCELLED,
            now,
            cancelled_at=now,
            cancelled_by=by,
            cost=cost,
            lease_owner=None,
            lease_expires_at=None,
            wake_at=None,
            next_retry_at=None,
        )

    return mutate
