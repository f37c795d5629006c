"""Runs one stage invocation: claim with a lease, keep the lease alive, map failures to state.

Every invocation ends with one `stage_invocation_finished` log line: its outcome, its wall
time, the part of it that was the stage's own work (`work_ms`: the work function's wall time
minus its Firestore and Cloud Tasks calls), and its Firestore reads and writes and doorbells
(shortvideo.metering), so orchestration can be measured per job from the logs.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shortvideo import lifecycle, metering
from shortvideo.attempt_budget import RetryPolicy
from shortvideo.errors import PipelineError, QuotaExceeded, Throttled
from shortvideo.logs import get_logger
from shortvideo.models import JobDoc, Stage
from shortvideo.wiring import Services

INTERNAL_ERROR_CODE = "internal"


def internal_error_message(stage: Stage) -> str:
    return f"an internal error interrupted the {stage.name} stage"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _job_seconds(doc: JobDoc) -> float:
    elapsed: timedelta = doc["updated_at"] - doc["created_at"]
    return round(elapsed.total_seconds(), 1)


@dataclass
class StageContext:
    svc: Services
    stage: Stage
    video_id: str
    owner: str
    doc: JobDoc
    log: Any
    outcome: dict[str, Any] = field(default_factory=lambda: {"outcome": "done"})

    def progress(self, **fields: Any) -> None:
        self.doc = self.svc.jobs.mutate_job(
            self.video_id, lifecycle.progress(self.stage, self.owner, utcnow(), fields)
        )

    def made_progress(self, **fields: Any) -> None:
        self.doc = self.svc.jobs.mutate_job(
            self.video_id, lifecycle.made_progress(self.stage, self.owner, utcnow(), fields)
        )

    def complete(self, **fields: Any) -> None:
        self.doc = self.svc.jobs.mutate_job(
            self.video_id, lifecycle.complete(self.stage, self.owner, utcnow(), fields)
        )
        # The job's end also carries what the generation dashboard plots (infra observability):
        # created-to-completed seconds and the Veo cost billed for it.
        done = self.doc["status"] == "completed"
        self.log.info(
            "stage_completed",
            status=self.doc["status"],
            job_seconds=_job_seconds(self.doc) if done else None,
            cost_usd=self.doc.get("cost", {}).get("actual_usd", 0.0) if done else None,
        )

    def ring(self, stage: str, task_key: str, delay_seconds: float = 0) -> None:
        """Ring a doorbell after a commit; if it is lost, the monitor rings it again."""
        try:
            self.svc.tasks.ring(
                stage, self.video_id, task_key=task_key, delay_seconds=delay_seconds
            )
        except Exception as exc:
            self.log.warning("doorbell_failed", target=stage, error=str(exc))


class LeaseKeeper:
    """Renews the lease while the work runs, so a crash is noticed within one lease period."""

    def __init__(self, ctx: StageContext) -> None:
        self._ctx = ctx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        # Renewals run beside the work: their reads and writes join the invocation's counts,
        # their time does not (it is not time the work waited for).
        self._parent = metering.current()
        self._usage = metering.Usage()

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self._parent is not None:
            self._parent.add(reads=self._usage.reads, writes=self._usage.writes)

    def _run(self) -> None:
        with metering.meter(self._usage):
            self._renew_until_stopped()

    def _renew_until_stopped(self) -> None:
        lease = self._ctx.svc.settings.lease_seconds
        while not self._stop.wait(lease / 3):
            try:
                self._ctx.svc.jobs.mutate_job(
                    self._ctx.video_id,
                    lifecycle.renew(self._ctx.stage, self._ctx.owner, utcnow(), lease),
                )
            except lifecycle.Skip:
                self._ctx.log.warning("lease_lost")
                return
            except Exception as exc:  # a failed renewal must not kill the work; the next may pass
                self._ctx.log.warning("lease_renew_failed", error=str(exc))


def run_stage(
    svc: Services, stage: Stage, video_id: str, work: Callable[[StageContext], None]
) -> dict[str, Any]:
    owner = f"{stage.name}-{uuid.uuid4().hex[:12]}"
    log = get_logger(stage=stage.name, video_id=video_id, owner=owner)
    started = time.perf_counter()
    facts = _Invocation()
    with metering.meter() as usage:
        try:
            result = _claim_and_work(svc, stage, video_id, work, owner, log, facts)
            facts.outcome = str(result.get("outcome"))
            return result
        finally:
            due = facts.poll_due_at
            log.info(
                "stage_invocation_finished",
                outcome=facts.outcome,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                work_ms=round(facts.work_seconds * 1000, 1),
                **usage.fields(),
                **({"poll_due_at": due.isoformat()} if isinstance(due, datetime) else {}),
            )


@dataclass
class _Invocation:
    """What the invocation's closing log line reports beside the meter's counts."""

    outcome: str = "error"  # until an outcome is returned: an exception escaped
    work_seconds: float = 0.0
    poll_due_at: datetime | None = None  # the claim took a video stage waiting for this poll


def _claim_and_work(
    svc: Services,
    stage: Stage,
    video_id: str,
    work: Callable[[StageContext], None],
    owner: str,
    log: Any,
    facts: _Invocation,
) -> dict[str, Any]:
    try:
        doc = svc.jobs.mutate_job(
            video_id, lifecycle.claim(stage, owner, utcnow(), svc.settings.lease_seconds)
        )
    except lifecycle.Skip as skip:
        log.info("doorbell_ignored", reason=skip.reason)
        return {"outcome": "skipped", "reason": skip.reason}
    log.info("stage_claimed", attempt=doc.get("attempts", {}).get(stage.name))
    # Only a claim of a video stage waiting for its scheduled poll finds wake_at set.
    facts.poll_due_at = doc.get("wake_at")
    ctx = StageContext(svc, stage, video_id, owner, doc, log)
    usage = metering.current()
    coordination = usage.coordination_seconds if usage else 0.0
    work_started = time.perf_counter()
    try:
        try:
            with LeaseKeeper(ctx):
                work(ctx)
        finally:
            spent = time.perf_counter() - work_started
            if usage is not None:
                spent -= usage.coordination_seconds - coordination
            facts.work_seconds = max(spent, 0.0)
    except lifecycle.Skip as skip:
        log.warning("stage_abandoned", reason=skip.reason)
        return {"outcome": "abandoned", "reason": skip.reason}
    except (QuotaExceeded, Throttled) as exc:
        return _record_throttle(ctx, exc)
    except PipelineError as exc:
        return _record_failure(ctx, exc.code, exc.message, exc.retryable, exc.transient)
    except Exception as exc:
        # The job's error is shown to its creator: a stable code and a plain sentence. What went
        # wrong (type, message, trace) goes to the log only.
        log.exception("stage_crashed", error_type=type(exc).__name__)
        return _record_failure(
            ctx, INTERNAL_ERROR_CODE, internal_error_message(stage), True, transient=False
        )
    return ctx.outcome


def _record_failure(
    ctx: StageContext, code: str, message: str, retryable: bool, transient: bool
) -> dict[str, Any]:
    try:
        doc = ctx.svc.jobs.mutate_job(
            ctx.video_id,
            lifecycle.fail(
                ctx.stage,
                ctx.owner,
                utcnow(),
                code=code,
                message=message,
                retryable=retryable,
                policy=RetryPolicy.from_settings(ctx.svc.settings),
                transient=transient,
            ),
        )
    except lifecycle.Skip as skip:
        return {"outcome": "abandoned", "reason": skip.reason}
    ctx.log.warning(
        "stage_failed",
        code=code,
        message=message,
        status=doc["status"],
        next_retry_at=doc.get("next_retry_at"),
    )
    return {
        "outcome": "retry_scheduled" if doc["status"] != "failed" else "failed",
        "error": {"code": code, "message": message},
    }


def _record_throttle(ctx: StageContext, exc: QuotaExceeded | Throttled) -> dict[str, Any]:
    """Wait without spending an attempt: quota errors back off, rate limits say how long."""
    if isinstance(exc, Throttled):
        delay = exc.delay_seconds
    else:
        delay = ctx.svc.settings.quota_backoff_for(ctx.doc.get("consecutive_throttles", 0) + 1)
    try:
        doc = ctx.svc.jobs.mutate_job(
            ctx.video_id,
            lifecycle.throttle(
                ctx.stage,
                ctx.owner,
                utcnow(),
                delay_seconds=delay,
                reason=exc.message,
                stall_seconds=ctx.svc.settings.stage_stall_seconds,
                code=exc.code,
            ),
        )
    except lifecycle.Skip as skip:
        return {"outcome": "abandoned", "reason": skip.reason}
    if doc["status"] == "failed":  # throttled for longer than the stall clock allows
        reason = doc["error"]["message"]
        ctx.log.warning("stage_failed", code=exc.code, message=reason)
        return {"outcome": "failed", "error": {"code": exc.code, "message": reason}}
    count = doc["throttles"][ctx.stage.name]
    ctx.log.warning("stage_throttled", code=exc.code, message=exc.message, delay_seconds=delay)
    ctx.ring(ctx.stage.name, task_key=f"t{count}", delay_seconds=delay)
    return {"outcome": "throttled", "delay_seconds": delay, "code": exc.code}
