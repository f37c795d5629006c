"""What each Stripe event does to a creator's account, pure (decision 0017).

The webhook is the only thing that grants credits or a plan. Each function takes the account
as read in the transaction and the event, and answers the Change to write (ledger rows
included). Events can come twice or out of order: grants are keyed by purchase (a pack's
purchase id, a subscription's invoice id), plan state keeps the newest event's view.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from shortvideo.billing import account, plans
from shortvideo.settings import Settings

PACK_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SUBSCRIPTION_STATE = (
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
)
HANDLED = (*PACK_PAID, "invoice.paid", *SUBSCRIPTION_STATE, "charge.refunded")


def creator_of(event: dict[str, Any]) -> str | None:
    """The creator an event is about, from the metadata our checkout put on it."""
    obj = event["data"]["object"]
    metadata = obj.get("metadata") or {}
    if obj.get("object") == "invoice":
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        metadata = details.get("metadata") or {}
    creator = metadata.get("creator_id") or obj.get("client_reference_id")
    return str(creator) if creator else None


def _purchase(acc: dict[str, Any], key: str) -> dict[str, Any]:
    purchases = acc.setdefault("purchases", {})
    found: dict[str, Any] = purchases.setdefault(key, {"granted": 0, "refunded": 0})
    return found


def _grant_purchase(
    acc: dict[str, Any] | None,
    creator_id: str,
    key: str,
    credits: int,
    reason: str,
    now: datetime,
    refs: dict[str, str],
) -> account.Change:
    """Grant a purchase's credits once; less what a refund seen earlier already took back."""
    base = {**account.blank(creator_id), **(acc or {})}
    base["purchases"] = dict(base.get("purchases") or {})
    purchase = dict(_purchase(base, key))
    if purchase["granted"]:
        return account.Change(base)  # the same purchase seen again: nothing more
    owed = max(credits - int(purchase["refunded"]), 0)
    change = account.grant(base, creator_id, owed, reason, now, refs)
    purchase["granted"] = credits
    change.account["purchases"] = {**base["purchases"], key: purchase}
    return change


def is_subscription_refund(event: dict[str, Any]) -> bool:
    """A refund of a charge our checkout did not label: a subscription invoice's payment (its
    invoice is found through Stripe, gateway.invoice_of_payment)."""
    obj = event["data"]["object"]
    return (event["type"] == "charge.refunded" and not (obj.get("metadata") or {}).get("purchase")
            and bool(obj.get("payment_intent")))  # fmt: skip


def apply(
    settings: Settings,
    event: dict[str, Any],
    acc: dict[str, Any] | None,
    creator_id: str,
    now: datetime,
    *,
    invoice_id: str | None = None,
) -> account.Change | None:
    """The change `event` makes, recorded at `now` (when it arrived: the ledger's order); None
    when it grants nothing (e.g. a checkout not yet paid). `invoice_id`: the invoice a refunded
    charge paid, when it paid one."""
    kind = event["type"]
    obj = event["data"]["object"]
    refs = {"stripe_event_id": str(event["id"])}
    if kind in PACK_PAID:
        if obj.get("mode") != "payment" or obj.get("payment_status") != "paid":
            return None  # subscriptions are granted by invoice.paid; unpaid grants nothing
        offer = plans.offer_named(settings, str((obj.get("metadata") or {}).get("product")))
        if offer is None or offer.recurring:
            return None
        key = str(obj["metadata"].get("purchase") or obj["id"])
        return _grant_purchase(acc, creator_id, key, offer.credits, f"pack:{offer.name}", now,
                               {**refs, "purchase": key})  # fmt: skip
    if kind == "invoice.paid":
        plan = plans.subscription(settings)
        if plan is None:
            return None
        return _grant_purchase(acc, creator_id, f"invoice:{obj['id']}", plan.credits,
                               f"subscription:{plan.name}", now,
                               {**refs, "invoice": str(obj["id"])})  # fmt: skip
    if kind in SUBSCRIPTION_STATE:
        return _plan_state(acc, creator_id, event, now)
    if kind == "charge.refunded":
        return _refund(settings, acc, creator_id, obj, now, refs, invoice_id)
    return None


def _plan_state(
    acc: dict[str, Any] | None, creator_id: str, event: dict[str, Any], now: datetime
) -> account.Change | None:
    sub = event["data"]["object"]
    base = {**account.blank(creator_id), **(acc or {}), "updated_at": now}
    current = base.get("plan") or {}
    same = current.get("subscription_id") == sub["id"]
    if same and current.get("status") == "canceled":
        return None  # deleted is final: an older update arriving late changes nothing
    if same and int(current.get("event_created", 0)) > int(event["created"]):
        return None  # older than what we have
    items = (sub.get("items") or {}).get("data") or [{}]
    deleted = event["type"] == "customer.subscription.deleted"
    base["plan"] = {
        "subscription_id": sub["id"],
        "status": "canceled" if deleted else str(sub.get("status")),
        "cancel_at_period_end": bool(sub.get("cancel_at_period_end")),
        "current_period_end": items[0].get("current_period_end"),
        "event_created": int(event["created"]),
    }
    return account.Change(base)


def _refund(
    settings: Settings,
    acc: dict[str, Any] | None,
    creator_id: str,
    charge: dict[str, Any],
    now: datetime,
    refs: dict[str, str],
    invoice_id: str | None,
) -> account.Change | None:
    """Take back the unused credits of the refunded part of a purchase (a pack, or a
    subscription invoice's period grant), never below zero."""
    metadata = charge.get("metadata") or {}
    offer = (plans.subscription(settings) if invoice_id
             else plans.offer_named(settings, str(metadata.get("product"))))  # fmt: skip
    # The keys the grants used: a pack's purchase id, a subscription invoice's id.
    key = f"invoice:{invoice_id}" if invoice_id else metadata.get("purchase")
    if offer is None or not key or not charge.get("amount"):
        return None
    share = int(charge.get("amount_refunded", 0)) / int(charge["amount"])
    refunded_total = min(math.ceil(offer.credits * share - 1e-9), offer.credits)
    base = {**account.blank(creator_id), **(acc or {})}
    purchases = dict(base.get("purchases") or {})
    purchase = dict(purchases.get(key) or {"granted": 0, "refunded": 0})
    more = refunded_total - int(purchase["refunded"])
    if more <= 0:
        return None
    purchase["refunded"] = refunded_total
    if not purchase["granted"]:  # refund seen before the grant: the grant will be smaller
        change = account.Change({**base, "purchases": {**purchases, key: purchase}})
        return change
    change = account.grant(base, creator_id, -more, "refund", now, {**refs, "purchase": key})
    applied = -change.entries[0].delta
    if applied < more:  # credits already spent: an admin decides (the ledger row says so)
        change.entries[0] = account.Entry(
            creator_id, now, "refund_after_spent", -applied, change.entries[0].balance_after,
            refs={**refs, "purchase": key, "not_recovered": str(more - applied)},
        )  # fmt: skip
    change.account["purchases"] = {**purchases, key: purchase}
    return change
