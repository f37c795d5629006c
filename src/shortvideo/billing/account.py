"""A creator's billing account, pure: what intake takes and what settlement gives back.

billing_accounts/{creator_id} holds the credits, this month's free use, the running-jobs count,
the plan and the Stripe customer. Every change of credits or free use is an `Entry` of the
ledger (billing_ledger, owner field `creator_id`). The stores run these functions inside the
Firestore transaction that also writes the job, so a check and its write are atomic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shortvideo.errors import PaymentRequired, TooManyRunningJobs
from shortvideo.models import JobDoc

ACCOUNTS = "billing_accounts"
LEDGER = "billing_ledger"
FREE, CREDITS, UNMETERED = "free", "credits", "unmetered"
COUNTERS = ("credits", "running_jobs", "free_used")  # written as increments, never as copies


@dataclass(frozen=True)
class Payer:
    """Who pays for a job created through the API (the signed-in creator)."""

    creator_id: str
    email_verified: bool


@dataclass(frozen=True)
class Admission:
    """What intake asks of the creator's account; decided inside the job's transaction."""

    creator_id: str
    now: datetime
    month: str
    running_cap: int  # 0: no cap
    enforced: bool  # False: the job takes no allowance or credits (test stacks only)
    free_allowance: int  # this request's allowance: 0 when unverified or not the free length
    credits_needed: int
    free_job_fields: dict[str, Any]  # what a free job becomes (the fast model, its estimate)
    buy: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One ledger row: a grant or use of credits (or of the free allowance)."""

    creator_id: str
    at: datetime
    reason: str
    delta: int
    balance_after: int
    kind: str = CREDITS
    refs: dict[str, str] = field(default_factory=dict)  # video_id, stripe_event_id, admin_id

    def doc(self) -> dict[str, Any]:
        return {
            "creator_id": self.creator_id,
            "at": self.at,
            "reason": self.reason,
            "delta": self.delta,
            "balance_after": self.balance_after,
            "kind": self.kind,
            **self.refs,
        }


@dataclass
class Change:
    """The account after an operation, the job fields it implies, and its ledger rows."""

    account: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)
    job_fields: dict[str, Any] = field(default_factory=dict)
    # The same change as increments {field path: by}, for stores that write without reading.
    deltas: dict[tuple[str, ...], int] = field(default_factory=dict)


def blank(creator_id: str) -> dict[str, Any]:
    return {
        "creator_id": creator_id,
        "credits": 0,
        "running_jobs": 0,
        "free_used": {},  # {"YYYY-MM": videos}: a new month starts at none, without a cron
        "plan": None,
        "stripe_customer_id": None,
    }


def free_used(account: dict[str, Any], month: str) -> int:
    """This month's free videos: a count of an earlier month is that month's, not this one's."""
    used = account.get("free_used")
    return int(used.get(month, 0)) if isinstance(used, dict) else 0


def too_many(running: int, cap: int) -> TooManyRunningJobs:
    return TooManyRunningJobs(
        f"you already have {running} unfinished videos (at most {cap}): wait until one "
        "finishes, or cancel one"
    )


def payment_required(adm: Admission, balance: int) -> PaymentRequired:
    return PaymentRequired(
        f"this video needs {adm.credits_needed} credit(s) and you have {max(balance, 0)}"
        + (" and no free video left this month" if adm.free_allowance else "")
        + ": buy a pack or subscribe",
        needed=adm.credits_needed,
        balance=max(balance, 0),
        buy=adm.buy,
    )


def _billing(adm: Admission, kind: str, **more: Any) -> dict[str, Any]:
    return {"creator_id": adm.creator_id, "running_slot": True, "kind": kind, **more}


def paid_with_free(adm: Admission, used_after: int) -> tuple[dict[str, Any], Entry]:
    """The job fields and ledger row of a free video, the month's `used_after`-th."""
    billing = _billing(adm, FREE, credits=0, month=adm.month, free_allowance=adm.free_allowance)
    left = adm.free_allowance - used_after
    entry = Entry(adm.creator_id, adm.now, "free_video", -1, left, FREE)
    return {**adm.free_job_fields, "billing": billing}, entry


def paid_with_credits(adm: Admission, balance_after: int) -> tuple[dict[str, Any], Entry]:
    billing = _billing(adm, CREDITS, credits=adm.credits_needed, month=adm.month)
    entry = Entry(adm.creator_id, adm.now, "video", -adm.credits_needed, balance_after)
    return {"billing": billing}, entry


def admit(account: dict[str, Any] | None, adm: Admission) -> Change:
    """Take a running slot and pay for the job (free first, then credits), or refuse."""
    acc = {**blank(adm.creator_id), **(account or {}), "updated_at": adm.now}
    running = int(acc.get("running_jobs", 0))
    if adm.running_cap and running >= adm.running_cap:
        raise too_many(running, adm.running_cap)
    acc["running_jobs"] = running + 1
    change = Change(acc, deltas={("running_jobs",): 1})
    used = free_used(acc, adm.month)
    balance = int(acc.get("credits", 0))
    if not adm.enforced:
        change.job_fields["billing"] = _billing(adm, UNMETERED, credits=0)
        return change
    if adm.free_allowance > used:
        acc["free_used"] = {adm.month: used + 1}
        change.deltas[("free_used", adm.month)] = 1
        fields, entry = paid_with_free(adm, used + 1)
    elif balance >= adm.credits_needed:
        acc["credits"] = balance - adm.credits_needed
        change.deltas[("credits",)] = -adm.credits_needed
        fields, entry = paid_with_credits(adm, acc["credits"])
    else:
        raise payment_required(adm, balance)
    change.job_fields.update(fields)
    change.entries.append(entry)
    return change


def needs_account(job: JobDoc) -> bool:
    """Whether settling `job` writes a ledger row (and so must read the balance first)."""
    return bool((job.get("settlement") or {}).get("refund")) and bool(job.get("billing"))


def settle(account: dict[str, Any] | None, job: JobDoc, now: datetime) -> Change:
    """A job ended (its `settlement` record is set): free its slot, give back what it says."""
    billing = job.get("billing") or {}
    creator_id = str(billing["creator_id"])
    acc = {**blank(creator_id), **(account or {}), "updated_at": now}
    change = Change(acc)
    if billing.get("running_slot"):
        acc["running_jobs"] = max(int(acc.get("running_jobs", 0)) - 1, 0)
        change.deltas[("running_jobs",)] = -1
    if not (job.get("settlement") or {}).get("refund"):
        return change
    refs = {"video_id": str(job["video_id"])}
    reason = f"refund_{job['status']}"
    if billing.get("kind") == CREDITS and billing.get("credits"):
        acc["credits"] = int(acc.get("credits", 0)) + int(billing["credits"])
        change.deltas[("credits",)] = int(billing["credits"])
        change.entries.append(
            Entry(creator_id, now, reason, int(billing["credits"]), acc["credits"], refs=refs)
        )
    elif billing.get("kind") == FREE and f"{now:%Y-%m}" == billing.get("month"):
        # A free video of a month already over is not given back: that allowance is gone.
        month = str(billing["month"])
        acc["free_used"] = {month: max(free_used(acc, month) - 1, 0)}
        change.deltas[("free_used", month)] = -1
        left = int(billing.get("free_allowance", 1)) - acc["free_used"][month]
        change.entries.append(Entry(creator_id, now, reason, 1, left, FREE, refs))
    return change


def grant(
    account: dict[str, Any] | None,
    creator_id: str,
    delta: int,
    reason: str,
    now: datetime,
    refs: dict[str, str],
) -> Change:
    """Add (or take back, delta < 0) credits; the balance never goes below zero.

    The entry records what was really applied; `wanted` (in refs) what was asked when less.
    """
    acc = {**blank(creator_id), **(account or {}), "updated_at": now}
    before = int(acc.get("credits", 0))
    after = max(before + delta, 0)
    acc["credits"] = after
    if after - before != delta:
        refs = {**refs, "wanted": str(delta)}
    entry = Entry(creator_id, now, reason, after - before, after, refs=refs)
    return Change(acc, [entry], deltas={("credits",): after - before})
