"""The billing routes' domain calls: checkout, portal, status, history, admin, webhook."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stripe

from shortvideo.billing import account, events, gateway, plans
from shortvideo.errors import ConfigError, InvalidRequest, PipelineError
from shortvideo.logs import get_logger
from shortvideo.ports import BillingStore
from shortvideo.wiring import Services


class WebhookRejected(PipelineError):
    """Not a delivery Stripe signed (bad or stale signature, changed body) or not an event."""

    code = "webhook_rejected"
    http_status = 400


class NoCustomer(PipelineError):
    code = "no_billing_account"
    http_status = 409


def store(svc: Services) -> BillingStore:
    if svc.billing is None:
        raise ConfigError("this process has no billing store")
    return svc.billing


def customer_of(svc: Services, creator_id: str) -> str:
    """The creator's Stripe Customer, made on first need (an idempotent create)."""
    found = (store(svc).get_account(creator_id) or {}).get("stripe_customer_id")
    if found:
        return str(found)
    customer_id = gateway.create_customer(svc.settings, creator_id)
    store(svc).set_customer(creator_id, customer_id)
    return customer_id


def checkout(svc: Services, creator_id: str, product: Any) -> str:
    offer = plans.offer_named(svc.settings, product) if isinstance(product, str) else None
    if offer is None:
        names = ", ".join(o.name for o in plans.offers(svc.settings))
        raise InvalidRequest(f"product must be one of {names}", field="product")
    return gateway.create_checkout(svc.settings, creator_id, customer_of(svc, creator_id), offer)


def portal(svc: Services, creator_id: str) -> str:
    found = (store(svc).get_account(creator_id) or {}).get("stripe_customer_id")
    if not found:
        raise NoCustomer("you have bought nothing yet: there is no billing account to manage")
    return gateway.create_portal(svc.settings, str(found))


def status(svc: Services, creator_id: str) -> dict[str, Any]:
    acc = {**account.blank(creator_id), **(store(svc).get_account(creator_id) or {})}
    month = plans.month_of(svc.clock())
    allowance = svc.settings.free_videos_per_month
    plan: dict[str, Any] = acc.get("plan") or {}
    renews = plan.get("current_period_end")
    active = plan.get("status") in ("active", "trialing")
    return {
        "plan": {
            "product": getattr(plans.subscription(svc.settings), "name", None),
            "status": plan.get("status"),
            "cancel_at_period_end": plan.get("cancel_at_period_end"),
        } if plan else None,
        "free_left_this_month": max(allowance - account.free_used(acc, month), 0),
        "free_allowance": allowance,
        "credits": int(acc.get("credits", 0)),
        "renews_at": (datetime.fromtimestamp(int(renews), UTC).isoformat()
                      if renews and active and not plan.get("cancel_at_period_end")
                      else None),
        "offers": [o.view() for o in plans.offers(svc.settings)],
    }  # fmt: skip


def history(svc: Services, creator_id: str, limit: int) -> list[dict[str, Any]]:
    rows = store(svc).history(creator_id, limit)
    keep = ("at", "reason", "delta", "balance_after", "kind", "video_id", "stripe_event_id")
    return [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items() if k in keep}
        for row in rows
    ]


def admin_adjust(svc: Services, admin_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    creator_id, delta, reason = (payload.get(k) for k in ("creator_id", "credits", "reason"))
    if not isinstance(creator_id, str) or not creator_id:
        raise InvalidRequest("creator_id is required", field="creator_id")
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > 1000:
        raise InvalidRequest("credits must be a non-zero integer of at most 1000", field="credits")
    if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= 200:
        raise InvalidRequest("reason is required (3 to 200 characters)", field="reason")
    now = svc.clock()
    label = "admin_grant" if delta > 0 else "admin_remove"
    refs = {"admin_id": admin_id, "note": reason.strip()}
    change = store(svc).change(
        creator_id, lambda acc: account.grant(acc, creator_id, delta, label, now, refs)
    )
    assert change is not None
    entry = change.entries[0]
    return {"creator_id": creator_id, "applied": entry.delta, "credits": entry.balance_after}


def receive_webhook(svc: Services, payload: bytes, signature: str | None) -> dict[str, Any]:
    """Verify, then handle once. Answers what happened (Stripe only reads the status)."""
    log = get_logger(component="stripe_webhook")
    try:
        event = gateway.verified_event(svc.settings, payload, signature)
    except stripe.SignatureVerificationError as exc:
        log.warning("webhook_rejected", reason="signature")
        # No field: a 400 (what Stripe expects of a refused delivery), not a field's 422.
        raise WebhookRejected("the Stripe-Signature header does not match this body") from exc
    except ValueError as exc:
        raise WebhookRejected("the body is not a Stripe event") from exc
    received_at = svc.clock()
    record = {
        "id": str(event["id"]),
        "type": str(event["type"]),
        "created": int(event["created"]),
        "received_at": received_at,
    }
    if store(svc).has_event(str(event["id"])):
        # A redelivery: answered before any Stripe call. A replay racing the first delivery
        # past this read is still refused by the event's create in the transaction.
        log.info("webhook_replayed", event_id=record["id"], type=record["type"])
        return {"received": True, "handled": False}
    creator_id = events.creator_of(event) if event["type"] in events.HANDLED else None
    invoice_id = None
    if events.is_subscription_refund(event):
        # Asked before the transaction; a Stripe failure is a 503 and Stripe delivers again.
        invoice_id = gateway.invoice_of_payment(
            svc.settings, str(event["data"]["object"]["payment_intent"])
        )
    if (event["type"] in events.SUBSCRIPTION_STATE or invoice_id) and not creator_id:
        customer = event["data"]["object"].get("customer")
        creator_id = store(svc).creator_of_customer(str(customer)) if customer else None
    if creator_id is None:
        fresh = store(svc).record_event({**record, "outcome": "ignored"})
        log.info("webhook_ignored", event_id=record["id"], type=record["type"], replay=not fresh)
        return {"received": True, "handled": False}
    outcome: dict[str, Any] = {"granted": 0}

    def change(acc: dict[str, Any] | None) -> account.Change:
        result = events.apply(svc.settings, event, acc, creator_id, received_at,
                              invoice_id=invoice_id)  # fmt: skip
        if result is None:
            return account.Change({**account.blank(creator_id), **(acc or {})})
        outcome["granted"] = sum(e.delta for e in result.entries)
        return result

    done = store(svc).change(creator_id, change, event={**record, "outcome": "handled"})
    log.info("webhook_handled", event_id=record["id"], type=record["type"],
             replay=done is None, credits=outcome["granted"] if done else 0)  # fmt: skip
    return {"received": True, "handled": done is not None}
