"""A subscription invoice's refund takes back that period's unused credits (decision 0017).

The fake Stripe makes the objects (API version 2026-10-28.endive: a charge no longer names its
invoice, an InvoicePayment links them); its events are signed here and posted to the API, and
the API asks the fake which invoice a refunded charge paid, through the real SDK.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe
from fastapi.testclient import TestClient
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack import Stack
from devstack.creators import add_creator
from shortvideo.api import create_app
from shortvideo.billing import gateway, service
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services
from tests.fake_stripe.server import FakeStripeServer, serve, signature_header
from tests.fake_stripe.subscriptions import MONTH_SECONDS

pytestmark = pytest.mark.integration
KEY, SECRET = "sk_test_refunds", "whsec_test_refunds"
PRICES = ["price_pack_5:4900:usd:one_time", "price_monthly:8900:usd:recurring"]


@pytest.fixture
def fake() -> Iterator[FakeStripeServer]:
    server = serve(0, KEY, None, SECRET, PRICES)  # no delivery: the test posts each event
    yield server
    server.shutdown()


@pytest.fixture
def svc(clean_emulators: Stack, fake: FakeStripeServer) -> Services:
    env = {**os.environ, "BILLING_ENFORCED": "true", "STRIPE_WEBHOOK_SECRET": SECRET,
           "STRIPE_SECRET_KEY": KEY, "STRIPE_API_BASE": fake.stripe.base_url}  # fmt: skip
    return build_services(settings_from(env))


class Delivery:
    """Stripe's side of the webhook: every event the fake made since last time, signed."""

    def __init__(self, fake: FakeStripeServer, api: TestClient) -> None:
        self.fake, self.api, self.sent = fake, api, 0

    def deliver(self) -> list[dict[str, Any]]:
        fresh = self.fake.stripe.events[self.sent:]
        self.sent += len(fresh)
        for event in fresh:
            raw = json.dumps(event).encode()
            answer = self.api.post("/billing/webhook", content=raw, headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(raw, SECRET)})  # fmt: skip
            assert answer.status_code == 200, answer.text
        return fresh


def credits(who: str) -> int:
    doc = firestore.Client().collection("billing_accounts").document(who).get()
    return int((doc.to_dict() or {}).get("credits", 0))


def ledger(who: str) -> list[dict[str, Any]]:
    rows = firestore.Client().collection("billing_ledger").where(
        filter=FieldFilter("creator_id", "==", who)
    )
    return sorted((r.to_dict() or {} for r in rows.stream()), key=lambda r: r["at"])


def test_a_refunded_period_takes_back_its_unused_credits_once(
    svc: Services, fake: FakeStripeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made, _ = add_creator(os.environ, "ada")
    who = made.creator_id
    api = TestClient(create_app(svc))
    stripe_events = Delivery(fake, api)
    url = service.checkout(svc, who, "monthly")
    paid = httpx.post(url, follow_redirects=False)  # the Pay button of the hosted page
    assert paid.status_code == 303
    assert "invoice.paid" in [e["type"] for e in stripe_events.deliver()]
    assert credits(who) == 10
    firestore.Client().collection("billing_accounts").document(who).update(
        {"credits": firestore.Increment(-4)}
    )  # four of the period's ten were spent

    sdk = gateway.client(svc.settings)
    sub = next(o for o in fake.stripe.objects.values() if o["object"] == "subscription")
    first_invoice = next(e for e in fake.stripe.events if e["type"] == "invoice.paid")
    first_id = first_invoice["data"]["object"]["id"]
    payments = sdk.v1.invoice_payments.list(params={"invoice": first_id})
    intent = payments.data[0].payment.payment_intent
    sdk.v1.refunds.create(params={"payment_intent": intent})
    refunded = stripe_events.deliver()
    assert [e["type"] for e in refunded] == ["charge.refunded"]
    charge = refunded[0]["data"]["object"]
    assert "invoice" not in charge and charge["metadata"] == {}  # the pinned version's shape
    assert credits(who) == 0  # six taken back; the four spent are recorded for an admin
    spent = [r for r in ledger(who) if r["reason"] == "refund_after_spent"]
    assert len(spent) == 1 and spent[0]["delta"] == -6 and spent[0]["not_recovered"] == "4"
    assert spent[0]["purchase"] == f"invoice:{first_invoice['data']['object']['id']}"

    # The next period is granted, half of its invoice is refunded: half its credits go back.
    clock = fake.stripe.objects[sub["test_clock"]]
    sdk.v1.test_helpers.test_clocks.advance(
        clock["id"], params={"frozen_time": int(clock["frozen_time"]) + MONTH_SECONDS + 60}
    )
    renewal = [e for e in stripe_events.deliver() if e["type"] == "invoice.paid"]
    assert len(renewal) == 1 and credits(who) == 10
    second = sdk.v1.invoice_payments.list(params={
        "payment": {"type": "payment_intent"}, "invoice": renewal[0]["data"]["object"]["id"]})
    sdk.v1.refunds.create(params={"payment_intent": second.data[0].payment.payment_intent,
                                  "amount": 4450})  # fmt: skip
    half = stripe_events.deliver()
    assert credits(who) == 5
    # Delivered again with its id: answered from the stored event, before any Stripe call.
    def no_stripe(*_: Any) -> str:
        raise AssertionError("a replayed event called Stripe")

    with monkeypatch.context() as patched:
        patched.setattr(gateway, "invoice_of_payment", no_stripe)
        raw = json.dumps(half[0]).encode()
        replay = api.post("/billing/webhook", content=raw, headers={
            "Content-Type": "application/json", "Stripe-Signature": signature_header(raw, SECRET)})
    assert replay.status_code == 200 and replay.json() == {"received": True, "handled": False}
    assert credits(who) == 5
    # Delivered again (Stripe retries): nothing more.
    raw = json.dumps({**half[0], "id": "evt_redelivered"}).encode()
    again = api.post("/billing/webhook", content=raw, headers={
        "Content-Type": "application/json", "Stripe-Signature": signature_header(raw, SECRET)})
    assert again.status_code == 200 and credits(who) == 5
    assert [r["reason"] for r in ledger(who)] == [
        "subscription:monthly", "refund_after_spent", "subscription:monthly", "refund"]


def test_the_fake_refuses_an_invoice_payment_filter_without_its_type(
    fake: FakeStripeServer,
) -> None:
    sdk = stripe.StripeClient(KEY, stripe_version=gateway.STRIPE_API_VERSION,
                              base_addresses={"api": fake.stripe.base_url})  # fmt: skip
    with pytest.raises(stripe.InvalidRequestError) as refused:
        sdk.v1.invoice_payments.list(params={"payment": {"payment_intent": "pi_1"}})  # type: ignore[typeddict-item]
    assert refused.value.code == "parameter_missing" and refused.value.param == "payment[type]"
