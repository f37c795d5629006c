"""Shared counters on Firestore: a sliding-window rate limiter and the monthly budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shortvideo import metering
from shortvideo.errors import BUDGET_REFUSAL, BudgetExceeded
from shortvideo.logs import get_logger

RATE_LIMITS = "rate_limits"
BUDGETS = "budgets"
WINDOW = timedelta(minutes=1)
HOUR = timedelta(hours=1)
CONTENDED_WAIT_SECONDS = 1.0


class FirestoreRateLimiter:
    """Sliding windows on one document per key, so a limit holds across all instances."""

    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def acquire(self, key: str, per_minute: int, *, per_hour: int = 0) -> float:
        """Take one slot if both windows have room (in one transaction); else seconds to wait."""
        if per_minute <= 0 and per_hour <= 0:
            return 0.0
        windows = [(n, w) for n, w in ((per_minute, WINDOW), (per_hour, HOUR)) if n > 0]
        longest = max(w for _, w in windows)
        ref = self._client.collection(RATE_LIMITS).document(key)
        with metering.firestore_call() as counts:

            @firestore.transactional  # type: ignore[misc]
            def take(transaction: firestore.Transaction) -> float:
                now = datetime.now(UTC)
                counts["reads"] += 1
                snapshot = ref.get(transaction=transaction)
                data: dict[str, Any] = (snapshot.to_dict() or {}) if snapshot.exists else {}
                recent = sorted(t for t in data.get("recent", []) if t > now - longest)
                waits = []
                for limit, window in windows:
                    inside = [t for t in recent if t > now - window]
                    if len(inside) >= limit:  # the slot frees when the oldest counted one leaves
                        waits.append((inside[-limit] + window - now).total_seconds() + 0.05)
                if waits:
                    return float(max(waits))
                transaction.set(ref, {"recent": [*recent, now], "per_minute": per_minute})
                return 0.0

            try:
                wait: float = take(self._client.transaction())
            except (gexc.Aborted, ValueError):
                # The client gave up after its retries ("Failed to commit transaction"): the
                # key is hammered right now. Not granted, and not a 500: come back shortly.
                return CONTENDED_WAIT_SECONDS
            if wait == 0.0:  # granted: the window was written
                counts["writes"] += 1
        return wait


def reserve_budget(
    client: firestore.Client, month: str, amount_usd: float, budget_usd: float
) -> None:
    """Add this job's estimate to the month with one atomic increment, or refuse.

    No transaction and no read: the increment's result (the new total) comes back with the
    write, so concurrent job creations never lock each other out on this one hot document. A
    total over the budget takes the increment back and refuses. Two requests near the limit
    may then both be refused where one would have fit; none is ever accepted over it.
    """
    ref = client.collection(BUDGETS).document(month)
    result = ref.set({"reserved_usd": firestore.Increment(amount_usd), "month": month}, merge=True)
    total = number(result.transform_results[0]) if result.transform_results else amount_usd
    if budget_usd > 0 and total > budget_usd + 1e-9:
        release_budget(client, month, amount_usd)
        # The amounts are the operator's business (the log), not any creator's.
        get_logger(component="budget").warning(
            "monthly_budget_refused",
            month=month,
            committed_usd=round(total - amount_usd, 2),
            requested_usd=amount_usd,
            budget_usd=budget_usd,
        )
        raise BudgetExceeded(BUDGET_REFUSAL, field="budget")


def release_budget(client: firestore.Client, month: str, amount_usd: float) -> None:
    """Give back a reservation whose job was never written."""
    ref = client.collection(BUDGETS).document(month)
    ref.set({"reserved_usd": firestore.Increment(-amount_usd)}, merge=True)


def number(value: Any) -> float:
    """A Firestore Value proto (double or integer) as a float."""
    kind = value._pb.WhichOneof("value_type") if hasattr(value, "_pb") else None
    if kind == "integer_value":
        return float(value.integer_value)
    return float(value.double_value)
