"""The Stripe webhook: the real SDK's signature check, once per event, out of order, refunds."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from google.cloud import firestore

from devstack import Stack
from devstack.creators import add_creator
from shortvideo.api import create_app
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services
from tests.fake_stripe.server import signature_header
from tests.fake_stripe.state import API_VERSION

pytestmark = pytest.mark.integration
SECRET = "whsec_test_local"


@pytest.fixture
def svc(clean_emulators: Stack) -> Services:
    env = {**os.environ, "BILLING_ENFORCED": "true", "STRIPE_WEBHOOK_SECRET": SECRET,
           "STRIPE_SECRET_KEY": "sk_test_local"}  # fmt: skip
    return build_services(settings_from(env))


@pytest.fixture
def client(svc: Services) -> Iterator[TestClient]:
    with TestClient(create_app(svc)) as c:
        yield c


def creator_id(svc: Services) -> str:
    made, _ = add_creator(os.environ, "ada")
    return made.creator_id


def event(type_: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    return {"id": f"evt_{os.urandom(8).hex()}", "object": "event", "api_version": API_VERSION,
            "created": created or int(time.time()), "type": type_, "livemode": False,
            "data": {"object": obj}, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}}  # fmt: skip


def pack_paid(who: str, purchase: str = "p1", status: str = "paid") -> dict[str, Any]:
    return event("checkout.session.completed", {
        "id": f"cs_test_{purchase}", "object": "checkout.session", "mode": "payment",
        "payment_status": status, "client_reference_id": who,
        "metadata": {"creator_id": who, "product": "pack_5", "purchase": purchase}})  # fmt: skip


def post(client: TestClient, body: dict[str, Any] | bytes, signature: str | None = None,
         secret: str = SECRET, timestamp: int | None = None) -> Any:  # fmt: skip
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = signature or signature_header(raw, secret, timestamp)
    return client.post("/billing/webhook", content=raw, headers=headers)


def credits(who: str) -> int:
    doc = firestore.Client().collection("billing_accounts").document(who).get()
    return int((doc.to_dict() or {}).get("credits", 0)) if doc.exists else 0


def test_nothing_grants_without_stripes_exact_signature(svc: Services, client: TestClient) -> None:
    who = creator_id(svc)
    paid = pack_paid(who)
    raw = json.dumps(paid).encode()
    bad_secret = post(client, paid, secret="whsec_someone_else")
    stale = post(client, paid, timestamp=int(time.time()) - 301)  # the SDK's tolerance: 300 s
    changed = post(client, raw.replace(b'"pack_5"', b'"pack_20"'),
                   signature=signature_header(raw, SECRET))  # fmt: skip
    unsigned = client.post("/billing/webhook", content=raw)
    for answer in (bad_secret, stale, changed, unsigned):
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "webhook_rejected"
    assert credits(who) == 0
    unpaid = post(client, pack_paid(who, "p2", status="unpaid"))
    unknown = post(client, event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"}))
    assert unpaid.status_code == unknown.status_code == 200
    assert unknown.json() == {"received": True, "handled": False}
    assert credits(who) == 0
    ok = post(client, paid)
    assert ok.status_code == 200 and ok.json() == {"received": True, "handled": True}
    assert credits(who) == 5


def test_a_replayed_or_doubled_event_grants_once(svc: Services, client: TestClient) -> None:
    who = creator_id(svc)
    paid = pack_paid(who)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: post(client, paid), range(6)))
    # 200, or 503 (Stripe delivers again) when the account stayed busy on a loaded machine.
    assert {a.status_code for a in answers} <= {200, 503}
    assert sum(a.status_code == 200 and a.json()["handled"] for a in answers) == 1
    assert credits(who) == 5
    # The same purchase in another event (async success after completed) grants nothing more.
    again = pack_paid(who)
    again["type"] = "checkout.session.async_payment_succeeded"
    assert post(client, again).status_code == 200
    assert credits(who) == 5
    rows = [r.to_dict() for r in firestore.Client().collection("billing_ledger").stream()]
    assert [(r["reason"], r["delta"], r["balance_after"]) for r in rows] == [("pack:pack_5", 5, 5)]
    assert rows[0]["stripe_event_id"] == paid["id"]


def subscription(who: str, type_: str, created: int, **fields: Any) -> dict[str, Any]:
    obj = {"id": "sub_test_1", "object": "subscription", "customer": "cus_1", "status": "active",
           "cancel_at_period_end": False, "metadata": {"creator_id": who},
           "items": {"object": "list", "data": [{"current_period_end": created + 2592000}]},
           **fields}  # fmt: skip
    return event(type_, obj, created=created)


def test_plan_state_copes_with_events_out_of_order(svc: Services, client: TestClient) -> None:
    who = creator_id(svc)
    t = int(time.time())
    deleted = subscription(who, "customer.subscription.deleted", t + 20, status="canceled")
    updated = subscription(who, "customer.subscription.updated", t + 10,
                           cancel_at_period_end=True)  # fmt: skip
    created = subscription(who, "customer.subscription.created", t)
    for e in (deleted, updated, created):  # newest first
        assert post(client, e).status_code == 200
    plan = (firestore.Client().collection("billing_accounts").document(who).get().to_dict()
            or {})["plan"]  # fmt: skip
    assert plan["status"] == "canceled" and plan["event_created"] == t + 20


def test_invoice_paid_grants_once_per_invoice(svc: Services, client: TestClient) -> None:
    who = creator_id(svc)

    def invoice(invoice_id: str) -> dict[str, Any]:
        return event("invoice.paid", {"id": invoice_id, "object": "invoice", "status": "paid",
                     "parent": {"type": "subscription_details", "subscription_details": {
                         "subscription": "sub_1", "metadata": {"creator_id": who}}}})  # fmt: skip

    first = invoice("in_1")
    assert post(client, first).status_code == 200
    assert post(client, {**first, "id": "evt_other_delivery"}).status_code == 200  # same invoice
    assert credits(who) == 10
    assert post(client, invoice("in_2")).status_code == 200
    assert credits(who) == 20


def test_a_refund_takes_back_unused_credits_never_below_zero(
    svc: Services, client: TestClient
) -> None:
    who = creator_id(svc)
    assert post(client, pack_paid(who, "p9")).status_code == 200
    firestore.Client().collection("billing_accounts").document(who).update(
        {"credits": firestore.Increment(-4)}
    )  # four of the five were spent
    charge = {"id": "ch_1", "object": "charge", "amount": 4900, "amount_refunded": 4900,
              "refunded": True, "payment_intent": "pi_1",
              "metadata": {"creator_id": who, "product": "pack_5", "purchase": "p9"}}  # fmt: skip
    refunded = event("charge.refunded", charge)
    assert post(client, refunded).status_code == 200
    assert credits(who) == 0
    rows = [r.to_dict() for r in firestore.Client().collection("billing_ledger").stream()]
    spent = [r for r in rows if r["reason"] == "refund_after_spent"]
    assert len(spent) == 1 and spent[0]["delta"] == -1 and spent[0]["not_recovered"] == "4"
    assert post(client, {**refunded, "id": "evt_again"}).status_code == 200
    assert credits(who) == 0
