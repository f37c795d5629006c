"""What happens once when a job ends (completed, failed, cancelled): its settlement record.

`lifecycle.transition` adds the record to every terminal transition, so it is written in the
same transaction as the status, and only once: a terminal status has no way out, so a second
writer (the monitor and a stage both seeing the failure) finds the job ended and changes
nothing. The job store applies the record in that same transaction: the month's budget gets
back the unbilled part of the job's reservation, the creator's running slot is freed, and
credits (or the free video) come back when the rules below say so (decision 0017).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shortvideo.models import JobDoc, Status

CONTENT_REFUSAL_PREFIX = "content_filtered"


def billed_usd(job: JobDoc, in_flight_seconds: int) -> float:
    """What Veo billed or will bill: recorded cost plus an operation that may still run."""
    cost = job.get("cost") or {}
    prices: dict[str, float] = cost.get("prices") or {}
    pending = job.get("veo_operation") or job.get("veo_submit_intent") or {}
    model = pending.get("model") if isinstance(pending, dict) else None
    price = prices.get(str(model), max(prices.values(), default=0.0))
    return float(cost.get("actual_usd") or 0.0) + in_flight_seconds * price


def _refund(job: JobDoc, to: Status, billed: float) -> tuple[bool, str]:
    """Whether the creator gets the job's credits (or free video) back, and why."""
    nothing_billed = billed <= 0 and not (job.get("cost") or {}).get("billed_seconds")
    if to == Status.COMPLETED:
        return False, "completed"
    if to == Status.CANCELLED:
        # The creator's choice: back only while nothing was billed.
        return nothing_billed, "cancelled before any block was billed" if nothing_billed else (
            "cancelled after Veo billed"
        )
    code = str((job.get("error") or {}).get("code") or "")
    if code.startswith(CONTENT_REFUSAL_PREFIX):
        # Refused for its content (after the rephrase): the creator's prompt, not our fault.
        return nothing_billed, "refused for its content" + (
            " before any block was billed" if nothing_billed else " after Veo billed"
        )
    return True, f"failed on our or the provider's side ({code or 'unknown'})"


def settle(
    doc: JobDoc, to: Status, now: datetime, fields: dict[str, Any], in_flight_seconds: int
) -> dict[str, Any]:
    """The `settlement` field of a terminal transition of `doc` (with `fields` applied)."""
    job = {**doc, **fields}
    cost = job.get("cost") or {}
    billed = billed_usd(job, in_flight_seconds)
    reserved = float(cost.get("reserved_usd", cost.get("estimated_usd")) or 0.0)
    release = max(reserved - billed, 0.0)
    if "released_usd" in cost:  # cancel priced the unbilled part with the live settings
        release = min(release, float(cost["released_usd"]))
    refund, why = _refund(job, to, billed)
    created_at = job.get("created_at") or now
    return {
        "settlement": {
            "at": now,
            "outcome": to.value,
            "budget_month": f"{created_at:%Y-%m}",
            "release_usd": round(release, 4),
            "refund": refund and bool(job.get("billing")),
            "why": why,
        }
    }
