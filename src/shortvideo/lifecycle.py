"""The one owner of job state transitions.

Every function here builds a mutation: it reads the current document and returns the fields to
write, or raises `Skip` when the call must not change anything (a doubled or late doorbell). The
job store runs mutations inside a Firestore transaction, so a check and its write are atomic.
No other module writes `status`, `lease_*`, `attempts` or `error`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shortvideo import settlement
from shortvideo.attempt_budget import RetryPolicy, judge_failure, judge_throttle, restarted
from shortvideo.models import (
    ASSEMBLE,
    EXTENSION_SECONDS,
    OPENING_SECONDS,
    SCRIPT,
    VIDEO,
    JobDoc,
    Stage,
    Status,
    VideoRequest,
    stage_for_status,
)
from shortvideo.ports import Mutation

WAITING = "waiting"  # lease_owner while the video stage waits for a scheduled poll

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


def _require_owner(doc: JobDoc, stage: Stage, owner: str) -> None:
    if doc["status"] != stage.active.value or doc.get("lease_owner") != owner:
        raise Skip(f"lease lost: status {doc['status']}, owner {doc.get('lease_owner')}")


def claim(stage: Stage, owner: str, now: datetime, lease_seconds: int) -> Mutation:
    """Take the stage from `ready` (a new attempt) or from a waiting video stage now due."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        status = Status(doc["status"])
        lease = {"lease_owner": owner, "lease_expires_at": now + timedelta(seconds=lease_seconds)}
        if status == stage.ready:
            due = doc.get("next_retry_at")
            if due is not None and due > now:
                raise Skip(f"retry not due before {due.isoformat()}")
            # A throttled stage (quota, rate limit) comes back without spending an attempt.
            spent = 0 if doc.get("throttled") else 1
            attempts = {
                **doc.get("attempts", {}),
                stage.name: doc.get("attempts", {}).get(stage.name, 0) + spent,
            }
            timings = dict(doc.get("stage_timings", {}))
            timings.setdefault(stage.name, {"started_at": now})
            return transition(
                doc,
                stage.active,
                now,
                **lease,
                attempts=attempts,
                stage_timings=timings,
                next_retry_at=None,
                throttled=False,
            )
        if status == stage.active and doc.get("lease_owner") == WAITING:
            wake_at = doc.get("wake_at")
            if wake_at is not None and wake_at > now + timedelta(seconds=1):
                raise Skip("poll not due yet")
            return {**lease, "updated_at": now}
        if status == stage.active:
            raise Skip("stage already running")
        raise Skip(f"job is {status}, not waiting for {stage.name}")

    return mutate


def renew(stage: Stage, owner: str, now: datetime, lease_seconds: int) -> Mutation:
    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        return {"lease_expires_at": now + timedelta(seconds=lease_seconds)}

    return mutate


def made_progress(stage: Stage, owner: str, now: datetime, fields: dict[str, Any]) -> Mutation:
    """Like `progress`, and the attempt budgets start afresh: the stage moved forward."""
    record = progress(stage, owner, now, fields)

    def mutate(doc: JobDoc) -> dict[str, Any]:
        patch = record(doc) or {}
        return {**patch, **restarted(doc, stage, now)}

    return mutate


def progress(stage: Stage, owner: str, now: datetime, fields: dict[str, Any]) -> Mutation:
    """Record work done inside a stage (never the status) while holding its lease."""
    forbidden = {"status", "lease_owner", "lease_expires_at", "attempts", "error"} & fields.keys()
    if forbidden:
        raise IllegalTransition(f"progress may not write {sorted(forbidden)}")

    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        return {**fields, "updated_at": now}

    return mutate


def wait(
    stage: Stage, owner: str, now: datetime, wake_at: datetime, grace_seconds: int
) -> Mutation:
    """Release the handler's lease until a scheduled poll; the monitor steps in if none comes."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        return {
            "lease_owner": WAITING,
            "wake_at": wake_at,
            "lease_expires_at": wake_at + timedelta(seconds=grace_seconds),
            "updated_at": now,
        }

    return mutate


def _finish_timing(doc: JobDoc, stage: Stage, now: datetime) -> dict[str, Any]:
    timings = {k: dict(v) for k, v in doc.get("stage_timings", {}).items()}
    entry = timings.setdefault(stage.name, {"started_at": now})
    entry["finished_at"] = now
    entry["seconds"] = round((now - entry["started_at"]).total_seconds(), 3)
    return timings


def complete(stage: Stage, owner: str, now: datetime, fields: dict[str, Any]) -> Mutation:
    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        return transition(
            doc,
            stage.done,
            now,
            **fields,
            lease_owner=None,
            lease_expires_at=None,
            wake_at=None,
            error=None,
            consecutive_throttles=0,
            stage_timings=_finish_timing(doc, stage, now),
        )

    return mutate


def _failure(
    doc: JobDoc,
    stage: Stage,
    now: datetime,
    error: dict[str, Any],
    retryable: bool,
    policy: RetryPolicy,
    transient: bool = False,
) -> dict[str, Any]:
    attempts = doc.get("attempts", {}).get(stage.name, 0)
    error = {**error, "stage": stage.name, "attempt": attempts, "at": now}
    cleared = {"lease_owner": None, "lease_expires_at": None, "wake_at": None}
    reason = error["message"]
    if retryable:
        # Budgets count since the stage last made progress (a finished video block), so a
        # 12-block video may meet many faults but never loops without progress (decision 0014).
        verdict = judge_failure(doc, stage, now, policy, transient=transient)
        if verdict.retry_in is not None:
            return transition(
                doc,
                stage.ready,
                now,
                **cleared,
                **verdict.fields,
                error=error,
                next_retry_at=now + timedelta(seconds=verdict.retry_in),
            )
        reason = f"{verdict.reason}; last error: {reason}"
    return transition(doc, Status.FAILED, now, **cleared, error={**error, "message": reason})


def fail(
    stage: Stage,
    owner: str,
    now: datetime,
    *,
    code: str,
    message: str,
    retryable: bool,
    policy: RetryPolicy,
    transient: bool = False,
) -> Mutation:
    """A failed attempt; `transient` ones (the provider's, not ours) spend no attempt."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        error = {"code": code, "message": message}
        return _failure(doc, stage, now, error, retryable, policy, transient)

    return mutate


def throttle(
    stage: Stage,
    owner: str,
    now: datetime,
    *,
    delay_seconds: float,
    reason: str,
    stall_seconds: float,
    code: str = "throttled",
) -> Mutation:
    """Back to `ready` until `delay_seconds` from now, keeping the attempt budget intact;
    `failed` once the stage has made no progress for `stall_seconds` (decision 0014)."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        _require_owner(doc, stage, owner)
        stuck = judge_throttle(doc, stage, now, stall_seconds)
        if stuck is not None:
            error = {"code": code, "message": f"{stuck}; last: {reason}", "stage": stage.name,
                     "attempt": doc.get("attempts", {}).get(stage.name, 0), "at": now}  # fmt: skip
            cleared = {"lease_owner": None, "lease_expires_at": None, "wake_at": None}
            return transition(doc, Status.FAILED, now, **cleared, error=error)
        counts = dict(doc.get("throttles", {}))
        counts[stage.name] = counts.get(stage.name, 0) + 1
        return transition(
            doc,
            stage.ready,
            now,
            lease_owner=None,
            lease_expires_at=None,
            wake_at=None,
            next_retry_at=now + timedelta(seconds=delay_seconds),
            throttled=True,
            throttles=counts,
            consecutive_throttles=doc.get("consecutive_throttles", 0) + 1,
            last_throttle={"stage": stage.name, "reason": reason, "at": now},
        )

    return mutate


def recover_expired(now: datetime, policy: RetryPolicy, grace_seconds: int) -> Mutation:
    """Monitor: a stage whose lease ran out stopped responding (its function died): a transient
    failure, retried without spending an attempt, bounded by the stage's stall clock.

    A video stage that was only waiting for its poll doorbell did not crash: the doorbell was
    late or lost. It is made due again (the monitor rings it) without spending an attempt.
    """

    def mutate(doc: JobDoc) -> dict[str, Any]:
        stage = stage_for_status(Status(doc["status"]))
        expires = doc.get("lease_expires_at")
        if stage is None or doc["status"] != stage.active.value or expires is None or expires > now:
            raise Skip("lease still valid")
        if doc.get("lease_owner") == WAITING:
            return {
                "wake_at": now,
                "lease_expires_at": now + timedelta(seconds=grace_seconds),
                "late_polls": doc.get("late_polls", 0) + 1,
                "updated_at": now,
            }
        message = f"the {stage.name} stage stopped responding (lease expired)"
        error = {"code": "lease_expired", "message": message}
        return _failure(doc, stage, now, error, True, policy, transient=True)

    return mutate


def mark_retry_rung(now: datetime, grace_seconds: int) -> Mutation:
    """Monitor: the job waits in a ready status and its doorbell is due (again)."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        if not doorbell_due(doc, now, grace_seconds):
            raise Skip("doorbell not due")
        return {"last_retry_at": now}

    return mutate


def doorbell_due(doc: JobDoc, now: datetime, grace_seconds: int) -> bool:
    stage = stage_for_status(Status(doc["status"]))
    if stage is None or doc["status"] != stage.ready.value:
        return False
    grace = timedelta(seconds=grace_seconds)
    last_rung = doc.get("last_retry_at")
    if last_rung is not None and now - last_rung < grace:
        return False
    due = doc.get("next_retry_at")
    if due is not None:
        return bool(due <= now)
    # A handoff whose doorbell was lost: nothing claimed it within the grace period.
    return bool(now - doc["updated_at"] >= grace)


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


__all__ = ["ASSEMBLE", "SCRIPT", "VIDEO", "Skip", "claim", "complete", "fail", "progress", "wait"]
