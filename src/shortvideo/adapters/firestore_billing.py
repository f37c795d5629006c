"""Billing writes inside the job's Firestore transactions: intake's taking, settlement's giving.

Reads come first (Firestore transactions refuse a read after a write), then the writes: the
account, its ledger rows, the month's budget and the job, committed together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import firestore

from shortvideo.adapters.firestore_limits import BUDGETS
from shortvideo.billing import account
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
    """Write the account and its ledger rows; the number of documents written."""
    transaction.set(account_ref(client, creator_id), change.account)
    for entry in change.entries:
        transaction.create(client.collection(account.LEDGER).document(), entry.doc())
    return 1 + len(change.entries)


def settlement_reads(client: firestore.Client, job: JobDoc, transaction: Any) -> dict[str, Any]:
    """What applying the job's settlement needs to read first: the creator's account."""
    billing = job.get("billing") or {}
    if not billing.get("creator_id"):
        return {}
    return {"account": read_account(client, str(billing["creator_id"]), transaction)}


def apply_settlement(
    transaction: Any, client: firestore.Client, job: JobDoc, reads: dict[str, Any], now: datetime
) -> int:
    """Release the unbilled budget, free the running slot, give back credits: writes made."""
    record = job["settlement"]
    writes = 0
    release = float(record.get("release_usd") or 0.0)
    if release > 0:
        budget = client.collection(BUDGETS).document(record["budget_month"])
        transaction.set(budget, {"reserved_usd": firestore.Increment(-release)}, merge=True)
        writes += 1
    billing = job.get("billing") or {}
    if billing.get("creator_id"):
        change = account.settle(reads.get("account"), job, now)
        writes += write_change(transaction, client, str(billing["creator_id"]), change)
    return writes
