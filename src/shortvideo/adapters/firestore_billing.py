"""Billing writes inside the job's Firestore transactions: intake's taking, settlement's giving.

Reads come first (Firestore transactions refuse a read after a write), then the writes: the
account, its ledger rows, the month's budget and the job, committed together or not at all.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.adapters.firestore_limits import BUDGETS, number
from shortvideo.billing import account
from shortvideo.errors import BillingUnavailable
from shortvideo.models import JobDoc


def account_ref(client: firestore.Client, creator_id: str) -> Any:
    return client.collection(account.ACCOUNTS).document(creator_id)


def read_account(
    client: firestore.Client, creator_id: str, transaction: Any = None
) -> dict[str, Any] | None:
    snapshot = account_ref(client, creator_id).get(transaction=transaction)
    return (snapshot.to_dict() or {}) if snapshot.exists else None


def write_change(
    transaction: Any, client: firestore.Client, creator_id: str, change: account.Change
) -> int:
    """Write the account and its ledger rows; the number of documents written.

    Counters go as increments and the rest as fields (merged): the intake's blind increments
    on the same document can never be overwritten by a stale copy.
    """
    fields = {k: v for k, v in change.account.items() if k not in account.COUNTERS}
    transaction.set(
        account_ref(client, creator_id), {**fields, **nested(change.deltas)}, merge=True
    )
    for entry in change.entries:
        transaction.create(client.collection(account.LEDGER).document(), entry.doc())
    return 1 + len(change.entries)


def nested(deltas: dict[tuple[str, ...], int]) -> dict[str, Any]:
    """{("free_used", "2026-11"): 1} as {"free_used": {"2026-11": Increment(1)}}."""
    out: dict[str, Any] = {}
    for path, by in deltas.items():
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = firestore.Increment(by)
    return out


def increment(client: firestore.Client, creator_id: str, path: tuple[str, ...], by: int) -> int:
    """One atomic increment without a read; the field's new value."""
    result = account_ref(client, creator_id).set(nested({path: by}), merge=True)
    return int(number(result.transform_results[0]))


def release_settled_budget(client: firestore.Client, job: JobDoc) -> None:
    """Give back the unbilled part of an ended job's reservation: called once, by the writer
    whose transaction ended the job. A crash before it keeps the reservation (never over
    budget), as a cancel always did."""
    record = job["settlement"]
    release = float(record.get("release_usd") or 0.0)
    if release > 0:
        budget = client.collection(BUDGETS).document(record["budget_month"])
        budget.set({"reserved_usd": firestore.Increment(-release)}, merge=True)


class Taking:
    """Intake's take from the account as atomic increments, each given back if refused.

    No transaction: concurrent creations by one creator would lock each other out on the
    account document (the emulator serialised 20 of them for minutes). The increment's own
    result says whether it fit; one that did not is given back at once, so none is ever
    accepted past the balance, the allowance or the cap (two near the limit may both be
    refused). A crash between a take and the job's write keeps the take: the creator may lose
    one credit, the product never gives one away (decision 0017).
    """

    def __init__(self, client: firestore.Client, adm: account.Admission) -> None:
        self._client, self._adm = client, adm
        self._taken: list[tuple[tuple[str, ...], int]] = []

    def _inc(self, path: tuple[str, ...], by: int) -> int:
        value = increment(self._client, self._adm.creator_id, path, by)
        self._taken.append((path, by))
        return value

    def give_back(self) -> None:
        while self._taken:
            path, by = self._taken.pop()
            increment(self._client, self._adm.creator_id, path, -by)

    def take(self, quote: account.Change) -> tuple[dict[str, Any], list[account.Entry]]:
        """The job fields and ledger rows of what was taken; raises (having given back)."""
        adm = self._adm
        try:
            running = self._inc(("running_jobs",), 1)
            if adm.running_cap and running > adm.running_cap:
                raise account.too_many(running - 1, adm.running_cap)
            kind = quote.job_fields["billing"]["kind"]
            if kind == account.FREE:
                used = self._inc(("free_used", adm.month), 1)
                if used <= adm.free_allowance:
                    fields, entry = account.paid_with_free(adm, used)
                    return fields, [entry]
                self._undo_last()  # someone took it meanwhile: pay with credits instead
                kind = account.CREDITS
            if kind == account.CREDITS:
                balance = self._inc(("credits",), -adm.credits_needed)
                if balance < 0:
                    raise account.payment_required(adm, balance + adm.credits_needed)
                fields, entry = account.paid_with_credits(adm, balance)
                return fields, [entry]
            return dict(quote.job_fields), []
        except BaseException:
            self.give_back()
            raise

    def _undo_last(self) -> None:
        path, by = self._taken.pop()
        increment(self._client, self._adm.creator_id, path, -by)


def settlement_reads(client: firestore.Client, job: JobDoc, transaction: Any) -> dict[str, Any]:
    """What applying the job's settlement must read first: the balance, when it writes a
    ledger row (a refund); otherwise nothing (blind increments lock nothing)."""
    if not account.needs_account(job):
        return {}
    creator_id = str(job["billing"]["creator_id"])
    return {"account": read_account(client, creator_id, transaction)}


def apply_settlement(
    transaction: Any, client: firestore.Client, job: JobDoc, reads: dict[str, Any], now: datetime
) -> int:
    """Free the running slot and give back credits, in the job's transaction: writes made.

    The budget is released after the commit (`release_settled_budget`): the month's document is
    shared by every job, and holding it in each ending job's transaction made them time out.
    """
    writes = 0
    billing = job.get("billing") or {}
    if billing.get("creator_id"):
        creator_id = str(billing["creator_id"])
        change = account.settle(reads.get("account"), job, now)
        if change.deltas:
            transaction.set(account_ref(client, creator_id), nested(change.deltas), merge=True)
            writes += 1
        for entry in change.entries:
            transaction.create(client.collection(account.LEDGER).document(), entry.doc())
            writes += 1
    return writes


EVENTS = "stripe_events"
CUSTOMERS = "billing_customers"  # {stripe customer id: creator_id}, for events without metadata
_RETRIES = 8


class FirestoreBillingStore:
    """Accounts, the ledger and Stripe events: each change of an account with its ledger rows
    (and the event that caused it) in one transaction."""

    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def get_account(self, creator_id: str) -> dict[str, Any] | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            return read_account(self._client, creator_id)

    def history(self, creator_id: str, limit: int) -> list[dict[str, Any]]:
        query = (
            self._client.collection(account.LEDGER)
            .where(filter=FieldFilter("creator_id", "==", creator_id))
            .order_by("at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        with metering.firestore_call() as counts:
            rows = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(rows))
        return rows

    def creator_of_customer(self, customer_id: str) -> str | None:
        snapshot = self._client.collection(CUSTOMERS).document(customer_id).get()
        return str((snapshot.to_dict() or {})["creator_id"]) if snapshot.exists else None

    def set_customer(self, creator_id: str, customer_id: str) -> None:
        batch = self._client.batch()
        batch.set(account_ref(self._client, creator_id), {"stripe_customer_id": customer_id},
                  merge=True)  # fmt: skip
        batch.set(self._client.collection(CUSTOMERS).document(customer_id),
                  {"creator_id": creator_id})  # fmt: skip
        batch.commit()

    def change(
        self,
        creator_id: str,
        apply: Callable[[dict[str, Any] | None], account.Change],
        event: dict[str, Any] | None = None,
    ) -> account.Change | None:
        """Run `apply` on the account and write its result; with `event` ({"id", ...}) only
        once per event id: None when that event was already handled (a replay)."""
        event_ref = self._client.collection(EVENTS).document(event["id"]) if event else None

        @firestore.transactional  # type: ignore[misc]
        def run(transaction: firestore.Transaction) -> account.Change | None:
            if event_ref is not None and event_ref.get(transaction=transaction).exists:
                return None
            result = apply(read_account(self._client, creator_id, transaction))
            write_change(transaction, self._client, creator_id, result)
            if event_ref is not None and event is not None:
                transaction.create(event_ref, {**event, "creator_id": creator_id})
            return result

        with metering.firestore_call() as counts:
            for attempt in range(_RETRIES):
                try:
                    outcome: account.Change | None = run(self._client.transaction())
                    counts["writes"] += 0 if outcome is None else 2 + len(outcome.entries)
                    return outcome
                except (gexc.Aborted, gexc.Conflict, ValueError) as exc:
                    if attempt == _RETRIES - 1:
                        # A 503: Stripe delivers the event again later; nothing was written.
                        raise BillingUnavailable("the account is busy: try again") from exc
                    time.sleep(0.05 * 2 ** min(attempt, 4) + random.random() * 0.1)
        raise AssertionError("unreachable")

    def record_event(self, event: dict[str, Any]) -> bool:
        """Store an event that changes no account (unknown type, unpaid): False if known."""
        try:
            self._client.collection(EVENTS).document(event["id"]).create(event)
        except gexc.Conflict:
            return False
        return True

    def has_event(self, event_id: str) -> bool:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            return bool(self._client.collection(EVENTS).document(event_id).get().exists)
