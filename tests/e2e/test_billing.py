"""Billing end to end: the real stripe SDK against the local Stripe fake, whose hosted pages
and signed webhooks reach the creator API over HTTP, on the Firestore emulator."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe
import uvicorn

from devstack import Stack
from devstack.creators import add_creator
from shortvideo.api import create_app
from shortvideo.billing.gateway import STRIPE_API_VERSION
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services
from tests.fake_stripe.server import FakeStripeServer, serve

pytestmark = pytest.mark.e2e
KEY, SECRET = "sk_test_local_e2e", "whsec_local_e2e"
PRICES = ["price_pack_5:4900:usd:one_time", "price_pack_20:17900:usd:one_time",
          "price_monthly:8900:usd:recurring"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    """The creator API over real HTTP (uvicorn in a thread), so the fake can deliver to it."""

    def __init__(self, svc: Services, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(create_app(svc), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def call(self, method: str, path: str, token: str, body: dict[str, Any] | None = None,
             ) -> tuple[int, dict[str, Any]]:  # fmt: skip
        import json

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return int(answer.status), json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return int(exc.code), json.loads(exc.read())


@pytest.fixture
def billing(clean_emulators: Stack) -> Iterator[tuple[Api, FakeStripeServer, Services]]:
    api_port = free_port()
    fake = serve(0, KEY, f"http://127.0.0.1:{api_port}/billing/webhook", SECRET, PRICES)
    env = {**os.environ, "BILLING_ENFORCED": "true", "FREE_VIDEOS_PER_MONTH": "1",
           "CREATE_VIDEO_PER_MINUTE": "0", "CREATE_VIDEO_PER_HOUR": "0",
           "MAX_RUNNING_JOBS_PER_CREATOR": "0", "STRIPE_API_BASE": fake.stripe.base_url,
           "STRIPE_SECRET_KEY": KEY, "STRIPE_WEBHOOK_SECRET": SECRET,
           "BILLING_RETURN_URL": "http://127.0.0.1:9/billing"}  # fmt: skip
    svc = build_services(settings_from(env))
    api = Api(svc, api_port)
    try:
        yield api, fake, svc
    finally:
        api.server.should_exit = True
        api.thread.join(timeout=10)
        fake.shutdown()


def token(svc: Services) -> str:
    _, secret = add_creator(os.environ, "ada")  # a verified Firebase user and a token
    return secret


def pay_on_hosted_page(url: str, form: str = "") -> str:
    """What a browser does on the fake's checkout or portal page: open it, press the button."""
    with urllib.request.urlopen(url, timeout=10) as page:
        html = page.read().decode()
    action = re.search(r'<form method="post" action="([^"]+)">', html)
    assert action, html
    base = re.match(r"^(https?://[^/]+)", url)
    assert base
    request = urllib.request.Request(base.group(1) + action.group(1), data=form.encode(),
                                     method="POST")  # fmt: skip

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        return str(exc.headers["Location"])
    raise AssertionError("no redirect after paying")


def until(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("not reached in time")


def test_free_video_then_402_then_a_pack_bought_on_the_page_pays_the_next(billing) -> None:
    api, fake, svc = billing
    ada = token(svc)
    assert api.call("POST", "/videos", ada, {"theme": "Bees"})[0] == 202  # the free one
    status, refused = api.call("POST", "/videos", ada, {"theme": "More bees"})
    assert status == 402 and refused["error"]["code"] == "payment_required"
    assert "pack_5" in {b["product"] for b in refused["error"]["buy"]}
    status, session = api.call("POST", "/billing/checkout", ada, {"product": "pack_5"})
    assert status == 200 and session["url"].startswith(fake.stripe.base_url + "/pay/cs_test_")
    back = pay_on_hosted_page(session["url"])
    assert back.startswith("http://127.0.0.1:9/billing?checkout=success&session_id=cs_test_")
    until(lambda: api.call("GET", "/billing/status", ada)[1]["credits"] == 5)
    assert api.call("POST", "/videos", ada, {"theme": "Paid bees"})[0] == 202
    status, now = api.call("GET", "/billing/status", ada)
    assert now["credits"] == 4 and now["free_left_this_month"] == 0
    reasons = [e["reason"] for e in api.call("GET", "/billing/history", ada)[1]["entries"]]
    assert reasons == ["video", "pack:pack_5", "free_video"]
    status, bad = api.call("POST", "/billing/checkout", ada, {"product": "pack_500"})
    assert status == 422 and bad["error"]["field"] == "product"


def test_a_subscription_renews_on_the_clock_once_per_period_and_cancels(billing) -> None:
    api, fake, svc = billing
    ada = token(svc)
    status, session = api.call("POST", "/billing/checkout", ada, {"product": "monthly"})
    assert status == 200
    pay_on_hosted_page(session["url"])
    until(lambda: api.call("GET", "/billing/status", ada)[1]["credits"] == 10)
    until(lambda: (api.call("GET", "/billing/status", ada)[1]["plan"] or {}).get("status")
          == "active")  # fmt: skip
    assert api.call("GET", "/billing/status", ada)[1]["renews_at"]
    client = stripe.StripeClient(KEY, stripe_version=STRIPE_API_VERSION,
                                 base_addresses={"api": fake.stripe.base_url})  # fmt: skip
    checkout = client.v1.checkout.sessions.retrieve(session["url"].rsplit("/", 1)[1])
    sub = client.v1.subscriptions.retrieve(str(checkout.subscription))
    clock = client.v1.test_helpers.test_clocks.retrieve(str(sub.test_clock))
    month = 30 * 24 * 3600
    client.v1.test_helpers.test_clocks.advance(
        str(clock.id), params={"frozen_time": clock.frozen_time + month + 60}
    )
    until(lambda: api.call("GET", "/billing/status", ada)[1]["credits"] == 20)
    time.sleep(1.5)  # deliveries are over: one period, one grant
    assert api.call("GET", "/billing/status", ada)[1]["credits"] == 20
    status, portal = api.call("POST", "/billing/portal", ada)
    assert status == 200
    pay_on_hosted_page(portal["url"])  # "Cancel plan at the end of the period"
    until(lambda: api.call("GET", "/billing/status", ada)[1]["plan"]["cancel_at_period_end"])
    client.v1.test_helpers.test_clocks.advance(
        str(clock.id), params={"frozen_time": clock.frozen_time + 2 * month + 120}
    )
    until(lambda: api.call("GET", "/billing/status", ada)[1]["plan"]["status"] == "canceled")
    final = api.call("GET", "/billing/status", ada)[1]
    assert final["credits"] == 20 and final["renews_at"] is None  # credits kept, none granted
    grants = [e for e in api.call("GET", "/billing/history", ada)[1]["entries"]
              if e["reason"] == "subscription:monthly"]  # fmt: skip
    assert len(grants) == 2
