"""A stage's failed attempt, a throttle, and the monitor's recovery of a stage that died: each
judged by the attempt budget (decision 0014) to a retry or to `failed`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shortvideo.attempt_budget import RetryPolicy, judge_failure, judge_throttle
from shortvideo.lifecycle.leases import WAITING, require_owner
from shortvideo.lifecycle.states import Skip, transition
from shortvideo.models import JobDoc, Stage, Status, stage_for_status
from shortvideo.ports import Mutation


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
        require_owner(doc, stage, owner)
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
        require_owner(doc, stage, owner)
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
