"""A stage's life under its lease: claim, renew, record progress, wait for a poll, complete.

A call whose lease was lost (another owner, a cancelled job) raises `Skip` and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shortvideo.attempt_budget import restarted
from shortvideo.lifecycle.states import IllegalTransition, Skip, transition
from shortvideo.models import JobDoc, Stage, Status
from shortvideo.ports import Mutation

WAITING = "waiting"  # lease_owner while the video stage waits for a scheduled poll


def require_owner(doc: JobDoc, stage: Stage, owner: str) -> None:
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
        require_owner(doc, stage, owner)
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
        require_owner(doc, stage, owner)
        return {**fields, "updated_at": now}

    return mutate


def wait(
    stage: Stage, owner: str, now: datetime, wake_at: datetime, grace_seconds: int
) -> Mutation:
    """Release the handler's lease until a scheduled poll; the monitor steps in if none comes."""

    def mutate(doc: JobDoc) -> dict[str, Any]:
        require_owner(doc, stage, owner)
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
        require_owner(doc, stage, owner)
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
