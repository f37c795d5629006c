"""Stripe through its real SDK, pinned to one API version (decision 0017).

Only this module calls Stripe. The SDK talks to STRIPE_API_BASE when set (the local fake; the
startup check refuses it outside local). A Stripe failure reaches the creator as a 503
`billing_unavailable`; what Stripe said goes to the log only.
"""

from __future__ import annotations

import uuid
from typing import Any

import stripe

from shortvideo.billing.plans import Offer
from shortvideo.errors import BillingUnavailable, ConfigError
from shortvideo.logs import get_logger
from shortvideo.settings import Settings

# The version the code and the fake are written for; a new one is a code change, not a setting.
STRIPE_API_VERSION = "2026-10-28.endive"


def client(settings: Settings) -> stripe.StripeClient:
    if not settings.stripe_secret_key:
        raise ConfigError("STRIPE_SECRET_KEY is not set: billing cannot reach Stripe")
    bases: Any = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_secret_key,
        stripe_version=STRIPE_API_VERSION,
        base_addresses=bases,
        max_network_retries=2,  # the SDK retries with the same idempotency key
    )


def _unavailable(what: str, exc: stripe.StripeError) -> BillingUnavailable:
    get_logger(component="stripe").error(
        "stripe_call_failed", call=what, error_type=type(exc).__name__, error=str(exc)
    )
    return BillingUnavailable("billing is unavailable right now: try again in a minute")


def create_customer(settings: Settings, creator_id: str) -> str:
    """The creator's Customer; one key per creator, so concurrent checkouts make one."""
    try:
        customer = client(settings).v1.customers.create(
            params={"metadata": {"creator_id": creator_id}},
            options={"idempotency_key": f"customer-{creator_id}"},
        )
    except stripe.StripeError as exc:
        raise _unavailable("customers.create", exc) from exc
    return str(customer.id)


def create_checkout(settings: Settings, creator_id: str, customer_id: str, offer: Offer) -> str:
    """A Checkout Session for `offer` (payment for a pack, subscription for the plan): its URL."""
    purchase = uuid.uuid4().hex
    metadata = {"creator_id": creator_id, "product": offer.name, "purchase": purchase}
    back = settings.billing_return_url
    params: dict[str, Any] = {
        "mode": "subscription" if offer.recurring else "payment",
        "customer": customer_id,
        "client_reference_id": creator_id,
        "line_items": [{"price": offer.price_id, "quantity": 1}],
        "success_url": f"{back}?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{back}?checkout=cancelled",
        "metadata": metadata,
    }
    # The purchase rides on what the later events carry: the charge (refunds) or the
    # subscription (its invoices).
    params["subscription_data" if offer.recurring else "payment_intent_data"] = {
        "metadata": metadata
    }
    try:
        session = client(settings).v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]  # a TypedDict; built field by field here
            options={"idempotency_key": f"checkout-{purchase}"}
        )
    except stripe.StripeError as exc:
        raise _unavailable("checkout.sessions.create", exc) from exc
    return str(session.url)


def create_portal(settings: Settings, customer_id: str) -> str:
    try:
        portal = client(settings).v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": settings.billing_return_url}
        )
    except stripe.StripeError as exc:
        raise _unavailable("billing_portal.sessions.create", exc) from exc
    return str(portal.url)


def invoice_of_payment(settings: Settings, payment_intent: str) -> str | None:
    """The invoice a PaymentIntent paid, or None (a pack's, or no invoice's).

    Since 2025-03-31.basil a Charge no longer names its invoice: the link is an InvoicePayment
    (https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-
    payments-on-invoices; GET /v1/invoice_payments?payment[type]=payment_intent&...).
    """
    try:
        page = client(settings).v1.invoice_payments.list(
            params={
                "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                "limit": 10,
            }
        )
    except stripe.StripeError as exc:
        raise _unavailable("invoice_payments.list", exc) from exc
    paid = [p for p in page.data if p.status == "paid"] or list(page.data)
    return str(paid[0].invoice) if paid else None


def verified_event(settings: Settings, payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event if Stripe signed exactly these bytes within the SDK's tolerance (5 min).

    Raises stripe.SignatureVerificationError (bad or stale signature, body changed) or
    ValueError (not JSON).
    """
    if not settings.stripe_webhook_secret:
        raise ConfigError("STRIPE_WEBHOOK_SECRET is not set")
    event = stripe.Webhook.construct_event(payload, signature, settings.stripe_webhook_secret)
    result: dict[str, Any] = event.to_dict()
    return result
