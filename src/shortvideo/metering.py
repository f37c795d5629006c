"""Per-invocation counts of the coordination a handler did: Firestore reads and writes (as
Firestore bills them) and Cloud Tasks doorbells, with the time spent in them.

The adapters record into the meter of the current context (a `ContextVar`, so concurrent
requests in one process keep separate counts); outside a `meter()` scope nothing is recorded.
Handlers log the counts with their invocation (`stage_invocation_finished`, `job_created`,
`monitor_summary`), so figures per job come from the logs of the function processes.

Counting rules (Firestore pricing): a document read is one read, also inside a transaction and
also when the document does not exist; a query costs one read per document returned and at
least one; each document created, set or updated by a committed write or transaction is one
write. A transaction body that the client runs again after a contention abort reads again (it
is billed again); writes count only once committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Usage:
    """What one invocation spent on coordination."""

    reads: int = 0
    writes: int = 0
    firestore_seconds: float = 0.0
    rings: int = 0
    tasks_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, reads: int = 0, writes: int = 0, firestore_seconds: float = 0.0,
            rings: int = 0, tasks_seconds: float = 0.0) -> None:  # fmt: skip
        with self._lock:
            self.reads += reads
            self.writes += writes
            self.firestore_seconds += firestore_seconds
            self.rings += rings
            self.tasks_seconds += tasks_seconds

    @property
    def coordination_seconds(self) -> float:
        """Time spent waiting on Firestore and Cloud Tasks calls."""
        return self.firestore_seconds + self.tasks_seconds

    def fields(self) -> dict[str, Any]:
        """The log fields: reads, writes, firestore_ms, rings, tasks_ms."""
        return {
            "reads": self.reads,
            "writes": self.writes,
            "firestore_ms": round(self.firestore_seconds * 1000, 1),
            "rings": self.rings,
            "tasks_ms": round(self.tasks_seconds * 1000, 1),
        }


_current: ContextVar[Usage | None] = ContextVar("shortvideo_usage", default=None)


def current() -> Usage | None:
    return _current.get()


@contextmanager
def meter(usage: Usage | None = None) -> Iterator[Usage]:
    """Record into `usage` (a new one by default) until the block ends."""
    usage = usage if usage is not None else Usage()
    token = _current.set(usage)
    try:
        yield usage
    finally:
        _current.reset(token)


def record(**counts: Any) -> None:
    """Add to the current meter, if any (see `Usage.add` for the names)."""
    usage = _current.get()
    if usage is not None:
        usage.add(**counts)


@contextmanager
def firestore_call() -> Iterator[dict[str, int]]:
    """Time a Firestore adapter call; the caller fills in {"reads": n, "writes": m}."""
    counts = {"reads": 0, "writes": 0}
    started = time.perf_counter()
    try:
        yield counts
    finally:
        record(firestore_seconds=time.perf_counter() - started, **counts)
