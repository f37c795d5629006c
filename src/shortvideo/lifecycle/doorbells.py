"""The monitor's doorbells: when a job waiting in a ready status is due to be rung (again)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shortvideo.lifecycle.states import Skip
from shortvideo.models import JobDoc, Status, stage_for_status
from shortvideo.ports import Mutation


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
