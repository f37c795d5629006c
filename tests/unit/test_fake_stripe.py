"""The local Stripe fake refuses what Stripe refuses, as the real SDK sees it."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import stripe

from shortvideo.billing import gateway, plans
from shortvideo.settings import settings_from
from tests.fake_stripe.server import FakeStripeServer, serve, signature_header

KEY, SECRET = "sk_test_unit", "whsec_unit"
PRICES = ["price_pack_5:4900:usd:one_time", "price_monthly:8900:usd:recurring"]


class Inbox:
    """A webhook endpoint that keeps what it was sent."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        inbox = self
        self.received: list[tuple[bytes, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                inbox.received.append((body, self.headers["Stripe-Signature"]))
                self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def fake() -> Iterator[tuple[FakeStripeServer, Inbox]]:
    inbox = Inbox()
    server = serve(0, KEY, inbox.url, SECRET, PRICES)
    yield server, inbox
    server.shutdown()
    inbox.server.shutdown()


def client(server: FakeStripeServer, key: str = KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, stripe_version=gateway.STRIPE_API_VERSION,
                               base_addresses={"api": server.stripe.base_url})  # fmt: skip


def session(c: stripe.StripeClient, **params: Any) -> Any:
    base = {"mode": "payment", "success_url": "https://x/ok", "customer": None,
            "line_items": [{"price": "price_pack_5", "quantity": 1}]}  # fmt: skip
    merged = {k: v for k, v in {**base, **params}.items() if v is not None}
    return c.v1.checkout.sessions.create(params=merged)  # type: ignore[arg-type]


def test_refusals_have_stripes_types_codes_and_params(fake) -> None:
    server, _ = fake
    c = client(server)
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        session(c, line_items=[{"price": "price_nope", "quantity": 1}])
    assert unknown.value.code == "resource_missing" and "No such price" in str(unknown.value)
    assert unknown.value.param == "line_items[0][price]"
    with pytest.raises(stripe.InvalidRequestError, match="passed a recurring price"):
        session(c, line_items=[{"price": "price_monthly", "quantity": 1}])
    with pytest.raises(stripe.InvalidRequestError, match="at least one recurring price"):
        session(c, mode="subscription")
    with pytest.raises(stripe.InvalidRequestError) as no_url:
        session(c, success_url="")
    assert no_url.value.code == "parameter_missing" and no_url.value.param == "success_url"
    with pytest.raises(stripe.AuthenticationError):
        client(server, "sk_test_wrong").v1.customers.create()
    assert session(c).url.startswith(server.stripe.base_url + "/pay/cs_test_")


def test_an_idempotency_key_replays_or_refuses_other_parameters(fake) -> None:
    server, _ = fake
    c = client(server)
    first = c.v1.customers.create(params={"metadata": {"creator_id": "ada"}},
                                  options={"idempotency_key": "k1"})  # fmt: skip
    again = c.v1.customers.create(params={"metadata": {"creator_id": "ada"}},
                                  options={"idempotency_key": "k1"})  # fmt: skip
    assert first.id == again.id
    with pytest.raises(stripe.IdempotencyError):
        c.v1.customers.create(params={"metadata": {"creator_id": "bob"}},
                              options={"idempotency_key": "k1"})  # fmt: skip


def test_concurrent_checkouts_make_one_customer(fake) -> None:
    server, _ = fake
    settings = settings_from({"STRIPE_API_BASE": server.stripe.base_url, "STRIPE_SECRET_KEY": KEY,
                              "BILLING_PACKS": "pack_5:price_pack_5:5:4900",
                              "BILLING_SUBSCRIPTION": "monthly:price_monthly:10:8900"})  # fmt: skip
    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(lambda _: gateway.create_customer(settings, "ada"), range(8)))
    assert len(ids) == 1
    offer = plans.offer_named(settings, "pack_5")
    assert offer is not None
    url = gateway.create_checkout(settings, "ada", ids.pop(), offer)
    assert "/pay/cs_test_" in url


def test_paying_sends_events_signed_as_stripe_signs(fake) -> None:
    server, inbox = fake
    made = session(client(server), metadata={"creator_id": "ada"})
    request = urllib.request.Request(f"{server.stripe.base_url}/pay/{made.id}", data=b"",
                                     method="POST")  # fmt: skip
    with contextlib.suppress(urllib.error.URLError):  # the redirect to success_url goes nowhere
        urllib.request.urlopen(request, timeout=5)
    deadline = time.monotonic() + 5
    while not inbox.received and time.monotonic() < deadline:
        time.sleep(0.05)
    body, header = inbox.received[0]
    event = stripe.Webhook.construct_event(body, header, SECRET)  # the SDK's own check
    assert event.type == "checkout.session.completed"
    assert event.data.object.payment_status == "paid"
    assert json.loads(body)["api_version"] == gateway.STRIPE_API_VERSION
    t = int(header.split(",")[0].removeprefix("t="))
    assert header == signature_header(body, SECRET, t)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body + b" ", header, SECRET)
