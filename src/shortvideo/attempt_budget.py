"""The attempt budget: which failures spend an attempt, and when a stage gives up (decision 0014).

Three kinds of failure, told apart by the error's type (`PipelineError.retryable`/`transient`):
- *deterministic* (not retryable: a refusal, a bad request, a cost ceiling): the job fails;
- *counted* (retryable, but the fault may be ours: an internal error, FFmpeg, a script that
  does not validate): spends an attempt; `MAX_ATTEMPTS` in a row without progress fail the job;
- *transient* (the provider's 5xx, an operation that failed or never finished, a lost answer,
  and a lease that expired because the function died): spends no attempt. Retries back off
  along `RETRY_BACKOFF_SECONDS` (its last value repeated) and are bounded by time, not count:
  once the stage has gone `STAGE_STALL_SECONDS` without progress, the next transient fault
  fails the job. Throttles (quota, rate limits) are bounded by the same clock.

A stage's progress clock (`progress_at[stage]`) starts at its first claim and restarts at each
finished video block, as the counted budget (`attempt_base`) does. This module only computes;
`shortvideo.lifecycle` writes what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shortvideo.models import JobDoc, Stage

DEFAULT_DELAY_SECONDS = 60


class _RetrySettings(Protocol):
    retry_backoff_seconds: tuple[int, ...]
    max_attempts: int
    stage_stall_seconds: float


@dataclass(frozen=True)
class RetryPolicy:
    backoff: tuple[int, ...]
    max_attempts: int
    stall_seconds: float

    @classmethod
    def from_settings(cls, settings: _RetrySettings) -> RetryPolicy:
        return cls(
            settings.retry_backoff_seconds, settings.max_attempts, settings.stage_stall_seconds
        )

    def delay(self, failures_in_a_row: int) -> int:
        if not self.backoff:
            return DEFAULT_DELAY_SECONDS
        return self.backoff[min(max(failures_in_a_row, 1), len(self.backoff)) - 1]


@dataclass(frozen=True)
class Verdict:
    """Retry after `retry_in` seconds (None: give up, saying `reason`); `fields` to write."""

    retry_in: int | None
    reason: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def progress_clock(doc: JobDoc, stage: Stage, now: datetime) -> datetime:
    """When the stage last moved forward: its last finished block, or else its first claim."""
    marked = (doc.get("progress_at") or {}).get(stage.name)
    if isinstance(marked, datetime):
        return marked
    started = (doc.get("stage_timings") or {}).get(stage.name, {}).get("started_at")
    return started if isinstance(started, datetime) else now


def stalled_seconds(doc: JobDoc, stage: Stage, now: datetime) -> float:
    return max((now - progress_clock(doc, stage, now)).total_seconds(), 0.0)


def restarted(doc: JobDoc, stage: Stage, now: datetime) -> dict[str, Any]:
    """The fields that restart both budgets once the stage made progress."""
    used = doc.get("attempts", {}).get(stage.name, 0)
    return {
        "attempt_base": {**doc.get("attempt_base", {}), stage.name: max(used - 1, 0)},
        "progress_at": {**(doc.get("progress_at") or {}), stage.name: now},
        "transient_faults": {**(doc.get("transient_faults") or {}), stage.name: 0},
    }


def judge_failure(
    doc: JobDoc, stage: Stage, now: datetime, policy: RetryPolicy, *, transient: bool
) -> Verdict:
    """A retryable failure of the stage's current attempt: retry when, or give up why."""
    if transient:
        return _judge_transient(doc, stage, now, policy)
    attempts = doc.get("attempts", {}).get(stage.name, 0)
    in_a_row = attempts - doc.get("attempt_base", {}).get(stage.name, 0)
    if in_a_row < policy.max_attempts:
        return Verdict(policy.delay(in_a_row))
    return Verdict(None, f"{stage.name} failed {in_a_row} times in a row")


def _judge_transient(doc: JobDoc, stage: Stage, now: datetime, policy: RetryPolicy) -> Verdict:
    faults = int((doc.get("transient_faults") or {}).get(stage.name, 0)) + 1
    stalled = stalled_seconds(doc, stage, now)
    if stalled >= policy.stall_seconds:
        return Verdict(None, _stall_reason(stage, stalled, faults))
    # This attempt is free: move the counted budget's base past it. (After a throttle, the
    # claim spent nothing: the attempt freed is the one the throttle interrupted.)
    base = doc.get("attempt_base", {}).get(stage.name, 0)
    return Verdict(
        policy.delay(faults),
        fields={
            "attempt_base": {**doc.get("attempt_base", {}), stage.name: base + 1},
            "transient_faults": {**(doc.get("transient_faults") or {}), stage.name: faults},
        },
    )


def judge_throttle(doc: JobDoc, stage: Stage, now: datetime, stall_seconds: float) -> str | None:
    """None while the stage may keep waiting out throttles; the reason it gives up after that."""
    stalled = stalled_seconds(doc, stage, now)
    if stalled < stall_seconds:
        return None
    throttles = int((doc.get("throttles") or {}).get(stage.name, 0)) + 1
    return (
        f"{stage.name} made no progress for {stalled / 60:.0f} min while throttled "
        f"({throttles} throttles)"
    )


def _stall_reason(stage: Stage, stalled: float, faults: int) -> str:
    return (
        f"{stage.name} made no progress for {stalled / 60:.0f} min through {faults} "
        "transient faults in a row"
    )
