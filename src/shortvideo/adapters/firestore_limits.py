"""Shared counters on Firestore: a sliding-window rate limiter and the monthly budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.cloud import firestore

from shortvideo import metering
from shortvideo.errors import BudgetExceeded

RATE_LIMITS = "rate_limits"
BUDGETS = "budgets"
WINDOW = timedelta(minutes=1)


class FirestoreRateLimiter:
    """All video agents share one window, so the limit holds across instances."""

    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def acquire(self, key: str, per_minute: int) -> float:
        if per_minute <= 0:
            return 0.0
        ref = self._client.collection(RATE_LIMITS).document(key)
        with metering.firestore_call() as counts:

            @firestore.transactional  # type: ignore[misc]
            def take(transaction: firestore.Transaction) -> float:
                now = datetime.now(UTC)
                counts["reads"] += 1
                snapshot = ref.get(transaction=transaction)
                data: dict[str, Any] = (snapshot.to_dict() or {}) if snapshot.exists else {}
                recent = sorted(t for t in data.get("recent", []) if t > now - WINDOW)
                if len(recent) >= per_minute:
                    return float((recent[0] + WINDOW - now).total_seconds()) + 0.05
                transaction.set(ref, {"recent": [*recent, now], "per_minute": per_minute})
                return 0.0

            wait: float = take(self._client.transaction())
            if wait == 0.0:  # granted: the window was written
                counts["writes"] += 1
        return wait


def reserve_budget(
    client: firestore.Client,
    transaction: firestore.Transaction,
    month: str,
    amount_usd: float,
    budget_usd: float,
) -> None:
    """Inside the job-creating transaction: add this job's estimate to the month, or refuse."""
    ref = client.collection(BUDGETS).document(month)
    snapshot = ref.get(transaction=transaction)
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    reserved = float(data.get("reserved_usd", 0.0))
    if budget_usd > 0 and reserved + amount_usd > budget_usd:
        raise BudgetExceeded(
            f"the monthly video budget of ${budget_usd:.2f} would be exceeded: "
            f"${reserved:.2f} already committed in {month}, this video needs ${amount_usd:.2f}",
            field="budget",
        )
    transaction.set(ref, {"reserved_usd": round(reserved + amount_usd, 4), "month": month})
