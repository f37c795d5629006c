"""Watching chaos jobs: when each is due to move on by design, and which ones outlived it.

A job is never judged by a fixed stopwatch. Its document says what it waits for (a lease, a
scheduled retry, a Veo operation or a lost submit's video, a quota back-off), and the configured
clocks say how long that wait may last. `Design.due_at` turns both into one instant: the job is
*overdue* after it, and a job still unfinished and overdue when the run ends is lost.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devstack.clients import firestore_client

TERMINAL = ("completed", "failed")
MAX_BLOCKS = 12  # 85 s: the longest job the product makes
# What a shared 2-core machine adds to any designed wait: the Cloud Tasks emulator dispatches
# each queue serially (bench: p95 28 s from a commit to the next claim with 50 jobs at once) and
# a stage's own work (an 85 s assembly under load) shows no progress until it commits.
DEFAULT_SLACK_SECONDS = 180.0


def _seconds(overrides: Mapping[str, str], key: str, default: str) -> float:
    return float(overrides.get(key, default))


def _series(overrides: Mapping[str, str], key: str, default: str) -> tuple[float, ...]:
    raw = overrides.get(key, default)
    return tuple(float(part) for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Design:
    """The clocks the functions run with (their settings' defaults when not overridden)."""

    lease: float
    poll: float
    operation_timeout: float
    retry_backoffs: tuple[float, ...]
    quota_backoffs: tuple[float, ...]
    max_attempts: int
    monitor_interval: float
    slack: float = DEFAULT_SLACK_SECONDS
    stall: float = 3600.0  # STAGE_STALL_SECONDS: transient faults' bound (decision 0014)

    @classmethod
    def from_overrides(
        cls, overrides: Mapping[str, str], monitor_interval: float, slack: float
    ) -> Design:
        # Defaults as in shortvideo.settings (README's settings table).
        return cls(
            lease=_seconds(overrides, "LEASE_SECONDS", "90"),
            poll=_seconds(overrides, "VIDEO_POLL_SECONDS", "10"),
            operation_timeout=_seconds(overrides, "VIDEO_OPERATION_TIMEOUT_SECONDS", "900"),
            retry_backoffs=_series(overrides, "RETRY_BACKOFF_SECONDS", "60,180,600"),
            quota_backoffs=_series(overrides, "QUOTA_BACKOFF_SECONDS", "15,30,60,120,240"),
            max_attempts=int(overrides.get("MAX_ATTEMPTS", "3")),
            monitor_interval=monitor_interval,
            slack=slack,
            stall=_seconds(overrides, "STAGE_STALL_SECONDS", "3600"),
        )

    @property
    def allowance(self) -> float:
        """After a wait ends: the monitor's next round, one lease of work, a poll, the slack."""
        return self.monitor_interval + self.lease + self.poll + self.slack

    def due_at(self, doc: Mapping[str, Any]) -> datetime | None:
        """When this unfinished job must have moved on, by its own timers; None: no clue."""
        waits = [_when(doc.get(k)) for k in ("updated_at", "lease_expires_at",
                                               "next_retry_at", "wake_at")]  # fmt: skip
        timeout = timedelta(seconds=self.operation_timeout)
        for key, at in (("veo_operation", "submitted_at"), ("veo_submit_intent", "at")):
            started = _when((doc.get(key) or {}).get(at))
            if started is not None:  # abandoned at the first poll after the timeout
                waits.append(started + timeout)
        known = [w for w in waits if w is not None]
        return max(known) + timedelta(seconds=self.allowance) if known else None

    def worst_case_seconds(self, blocks: int = MAX_BLOCKS) -> float:
        """The longest one job may take by design: at each step, transient faults for the whole
        stall window, the wait that ends after it, then every counted attempt used up."""
        attempts = self.max_attempts
        backoffs = sum(self.retry_backoffs[: max(0, attempts - 1)])
        window = self.stall + max(self.retry_backoffs, default=0) + self.allowance
        stage = window + attempts * (self.lease + self.allowance) + backoffs
        block = (window + self.operation_timeout
                 + attempts * (self.operation_timeout + self.allowance) + backoffs)  # fmt: skip
        return 2 * stage + blocks * block


def _when(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def seconds_since(value: Any) -> float | None:
    when = _when(value)
    return None if when is None else (datetime.now(UTC) - when).total_seconds()


def iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def progress_signature(doc: Mapping[str, Any]) -> str:
    """What changes when a job really moves on (not a mere poll of the same operation)."""
    op = doc.get("veo_operation") or {}
    error = doc.get("error") or {}
    return json.dumps([
        doc.get("status"), doc.get("completed_blocks"), doc.get("attempts"),
        doc.get("throttles"), op.get("name"), error.get("code"), error.get("attempt"),
        sorted((doc.get("rephrases") or {}).items()),
    ], sort_keys=True, default=str)  # fmt: skip


@dataclass
class Watch:
    """Reads every job every few seconds; remembers when each last moved and when it is due."""

    env: Mapping[str, str]
    video_ids: list[str]
    design: Design
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    moved_at: dict[str, float] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    overdue_flags: list[dict[str, Any]] = field(default_factory=list)
    _flagged: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        db = firestore_client(self.env)
        self._refs = [db.collection("video_status").document(v) for v in self.video_ids]
        self._db = db

    def refresh(self) -> None:
        now = time.monotonic()
        for snapshot in self._db.get_all(self._refs):
            if not snapshot.exists:
                continue
            doc = snapshot.to_dict() or {}
            video_id = snapshot.id
            signature = progress_signature(doc)
            if self.signatures.get(video_id) != signature:
                self.signatures[video_id] = signature
                self.moved_at[video_id] = now
            self.docs[video_id] = doc
            self._flag_overdue(video_id, doc)

    def _flag_overdue(self, video_id: str, doc: Mapping[str, Any]) -> None:
        """Note (once per episode) a job past its designed deadline; it may still recover."""
        if not self.is_overdue(video_id):
            self._flagged.discard(video_id)
            return
        if video_id not in self._flagged:
            self._flagged.add(video_id)
            self.overdue_flags.append({
                "video_id": video_id, "status": doc.get("status"),
                "due_at": iso(self.design.due_at(doc)),
                "seconds_since_update": _round(seconds_since(doc.get("updated_at"))),
                "completed_blocks": doc.get("completed_blocks"),
                "lease_owner": doc.get("lease_owner"),
                "next_retry_at": iso(doc.get("next_retry_at")),
            })  # fmt: skip

    def unfinished(self) -> list[str]:
        return [v for v in self.video_ids if self.docs.get(v, {}).get("status") not in TERMINAL]

    def is_overdue(self, video_id: str) -> bool:
        doc = self.docs.get(video_id)
        if doc is None or doc.get("status") in TERMINAL:
            return False
        due = self.design.due_at(doc)
        return due is not None and datetime.now(UTC) > due

    def overdue(self) -> list[str]:
        return [v for v in self.unfinished() if self.is_overdue(v)]

    def quiet_for(self, video_id: str) -> float:
        return time.monotonic() - self.moved_at.get(video_id, time.monotonic())

    def quiet_seconds(self) -> float:
        """Since any job last moved (ending included)."""
        now = time.monotonic()
        return now - max(self.moved_at.values(), default=now)

    def status_line(self, elapsed: float, kills: int) -> str:
        counts = Counter(str(self.docs.get(v, {}).get("status", "unknown")) for v in self.video_ids)
        done = sum(int(d.get("completed_blocks") or 0) for d in self.docs.values())
        total = sum(int(d.get("total_blocks") or 0) for d in self.docs.values())
        order = ("queued", "scripting", "script_generated", "generating_video",
                 "video_generated", "assembling", "completed", "failed")  # fmt: skip
        parts = [f"{s} {counts[s]}" for s in order if counts.get(s)]
        late = len(self.overdue())
        return (f"[chaos {elapsed:5.0f}s] {' · '.join(parts)} · blocks {done}/{total}"
                f" · kills {kills}{f' · overdue {late}' if late else ''}")  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value)


def unfinished_docs(
    docs: Mapping[str, Mapping[str, Any]], video_ids: Sequence[str]
) -> list[str]:
    return [v for v in video_ids if docs.get(v, {}).get("status") not in TERMINAL]
