"""monitor: the safety net. Recovers expired leases, re-rings due retries and lost doorbells."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Any

from shortvideo import lifecycle, metering
from shortvideo.attempt_budget import RetryPolicy
from shortvideo.logs import get_logger
from shortvideo.models import STAGES, Status, stage_for_status
from shortvideo.stages.runner import utcnow
from shortvideo.studio.videos import purge_deleted
from shortvideo.wiring import Services

NON_TERMINAL = [s.value for s in Status if not s.terminal]


def _recover(svc: Services, doc: dict[str, Any], now: datetime, summary: dict[str, Any]) -> None:
    settings = svc.settings
    try:
        after = svc.jobs.mutate_job(
            doc["video_id"],
            lifecycle.recover_expired(
                now, RetryPolicy.from_settings(settings), settings.lease_seconds
            ),
        )
    except lifecycle.Skip:
        return
    if after.get("lease_owner") == lifecycle.WAITING:  # a late poll doorbell: ring it again
        attempt = after.get("attempts", {}).get("video", 1)
        svc.tasks.ring("video", doc["video_id"], task_key=f"a{attempt}-w{after['late_polls']}")
        summary["rung"].append({"video_id": doc["video_id"], "stage": "video", "late_poll": True})
        return
    entry = {
        "video_id": doc["video_id"],
        "stage": after["error"]["stage"],
        "reason": after["error"]["message"],
    }
    summary["failed" if after["status"] == Status.FAILED else "recovered"].append(entry)


def _ring_due(svc: Services, doc: dict[str, Any], now: datetime, summary: dict[str, Any]) -> None:
    grace = svc.settings.lease_seconds
    if not lifecycle.doorbell_due(doc, now, grace):
        return
    try:
        after = svc.jobs.mutate_job(doc["video_id"], lifecycle.mark_retry_rung(now, grace))
    except lifecycle.Skip:
        return
    stage = stage_for_status(Status(after["status"]))
    assert stage is not None
    attempt = after.get("attempts", {}).get(stage.name, 0) + 1
    svc.tasks.ring(stage.name, doc["video_id"], task_key=f"a{attempt}-m{int(now.timestamp())}")
    summary["rung"].append({"video_id": doc["video_id"], "stage": stage.name, "attempt": attempt})


def run_monitor(svc: Services, now: datetime | None = None) -> dict[str, Any]:
    with metering.meter() as usage:  # monitor_summary reports the Firestore reads and writes
        return _run_monitor(svc, now, usage)


def _run_monitor(svc: Services, now: datetime | None, usage: metering.Usage) -> dict[str, Any]:
    started = time.perf_counter()
    now = now or utcnow()
    log = get_logger(stage="monitor")
    summary: dict[str, Any] = {"recovered": [], "rung": [], "failed": []}
    jobs = svc.jobs.list_jobs(NON_TERMINAL, limit=500)
    active = {stage.active.value for stage in STAGES}
    for doc in jobs:
        if doc["status"] in active:
            expires = doc.get("lease_expires_at")
            if expires is not None and expires <= now:
                _recover(svc, doc, now, summary)
        else:
            _ring_due(svc, doc, now, summary)
    summary["checked"] = len(jobs)
    summary["deleted_videos"] = purge_deleted(svc, now)
    summary["by_status"] = dict(Counter(doc["status"] for doc in jobs))
    log.info(
        "monitor_summary",
        checked=len(jobs),
        recovered=len(summary["recovered"]),
        rung=len(summary["rung"]),
        failed=len(summary["failed"]),
        by_status=summary["by_status"],
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        **usage.fields(),
    )
    return summary
