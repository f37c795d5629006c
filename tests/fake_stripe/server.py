"""The fake's HTTP side: Stripe's REST API under /v1, the hosted checkout and portal pages,
and webhook delivery signed exactly as Stripe signs (`Stripe-Signature: t=...,v1=...`).

    python -m tests.fake_stripe.server --port 12111 --api-key sk_test_x \\
        --webhook-url http://127.0.0.1:8080/billing/webhook --webhook-secret whsec_x \\
        --price price_pack_5:4900:usd:one_time --price price_monthly:8900:usd:recurring
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import queue
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.fake_stripe.forms import StripeError, parse_form, public
from tests.fake_stripe.state import API_VERSION, Stripe


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's scheme: v1 = hex HMAC-SHA256 of "{t}.{payload}" under the endpoint secret."""
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


class Deliverer:
    """One worker delivering events in the order made; a refused delivery is retried."""

    def __init__(self, url: str | None, secret: str) -> None:
        self.url, self.secret = url, secret
        self.log: list[dict[str, Any]] = []
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def __call__(self, event: dict[str, Any]) -> None:
        if self.url:
            self._queue.put(event)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            payload = json.dumps(event).encode()
            for attempt in range(5):
                status = self._post(payload)
                self.log.append({"event": event["id"], "type": event["type"], "status": status})
                if 200 <= status < 300:
                    break
                time.sleep(0.5 * (attempt + 1))

    def _post(self, payload: bytes) -> int:
        assert self.url is not None
        request = urllib.request.Request(self.url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature_header(payload, self.secret),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        })  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(f"^{p}$"), name)
    for m, p, name in [
        ("POST", r"/v1/customers", "create_customer"),
        ("GET", r"/v1/customers/(?P<id>[\w]+)", "get_customer"),
        ("GET", r"/v1/prices/(?P<id>[\w]+)", "get_price"),
        ("POST", r"/v1/checkout/sessions", "create_session"),
        ("GET", r"/v1/checkout/sessions/(?P<id>[\w]+)", "get_session"),
        ("POST", r"/v1/billing_portal/sessions", "create_portal"),
        ("GET", r"/v1/subscriptions/(?P<id>[\w]+)", "get_subscription"),
        ("POST", r"/v1/subscriptions/(?P<id>[\w]+)", "update_subscription"),
        ("POST", r"/v1/refunds", "create_refund"),
        ("GET", r"/v1/invoice_payments", "list_invoice_payments"),
        ("POST", r"/v1/test_helpers/test_clocks", "create_clock"),
        ("GET", r"/v1/test_helpers/test_clocks/(?P<id>[\w]+)", "get_clock"),
        ("POST", r"/v1/test_helpers/test_clocks/(?P<id>[\w]+)/advance", "advance_clock"),
    ]
]


class FakeStripeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, api_key: str, webhook_url: str | None, secret: str) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.api_key = api_key
        self.deliverer = Deliverer(webhook_url, secret)
        self.stripe = Stripe(f"http://127.0.0.1:{self.server_address[1]}", self.deliverer)


class Handler(BaseHTTPRequestHandler):
    server: FakeStripeServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        try:
            if path.startswith("/v1/"):
                # The SDK sends a GET's parameters in the query, a POST's in the body.
                self._api(method, path, body if method == "POST" else url.query)
            else:
                self._page(method, path, body)
        except StripeError as exc:
            self._json(exc.status, exc.body)

    # --- the API --------------------------------------------------------------------------

    def _api(self, method: str, path: str, body: str) -> None:
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {self.server.api_key}":
            key = auth.removeprefix("Bearer ")
            shown = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if key else ""
            raise StripeError(401, f"Invalid API Key provided: {shown}"
                              if key else "You did not provide an API key.")  # fmt: skip
        version = self.headers.get("Stripe-Version")
        if version and version != API_VERSION:
            raise StripeError(400, f"This fake serves API version {API_VERSION} only, not "
                              f"{version!r}.")  # fmt: skip
        params = parse_form(body)
        for route_method, pattern, name in ROUTES:
            match = pattern.match(path)
            if match and route_method == method:
                answer = self._call(name, match.groupdict().get("id", ""), params, body)
                self._json(200, public(answer))
                return
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _call(self, name: str, object_id: str, params: dict[str, Any], body: str) -> Any:
        s = self.server.stripe
        key = self.headers.get("Idempotency-Key")
        with s.lock:
            if name == "create_customer":
                return s.idempotent(key, body, lambda: s.create_customer(params))
            if name == "create_session":
                return s.idempotent(key, body, lambda: s.create_session(params))
            if name == "create_portal":
                return s.idempotent(key, body, lambda: s.portal(params))
            if name == "create_refund":
                return s.idempotent(key, body, lambda: s.refund(params))
            if name == "create_clock":
                return s.create_clock(params)
            if name == "list_invoice_payments":
                return s.list_invoice_payments(params)
            if name == "advance_clock":
                return s.advance(object_id, params)
            if name == "update_subscription":
                flag = params.get("cancel_at_period_end")
                return s.cancel_at_period_end(object_id, flag == "true")
            kinds = {"get_customer": "customer", "get_price": "price",
                     "get_session": "checkout.session", "get_subscription": "subscription",
                     "get_clock": "test_helpers.test_clock"}  # fmt: skip
            return s.get(kinds[name], object_id)

    # --- hosted pages (what the creator's browser sees) -----------------------------------

    def _page(self, method: str, path: str, body: str) -> None:
        s = self.server.stripe
        if match := re.match(r"^/pay/(\w+)$", path):
            session = s.get("checkout.session", match.group(1))
            if method == "GET":
                self._html(_checkout_page(session))
                return
            paid = s.pay(session["id"], settle_later="settle_later" in parse_form(body))
            self._redirect(paid["success_url"].replace("{CHECKOUT_SESSION_ID}", paid["id"]))
            return
        if match := re.match(r"^/portal/(\w+)$", path):
            portal = s.get("billing_portal.session", match.group(1))
            subs = [o for o in s.objects.values() if o["object"] == "subscription"
                    and o["customer"] == portal["customer"]
                    and o["status"] == "active"]  # fmt: skip
            if method == "GET":
                self._html(_portal_page(portal, subs))
                return
            for sub in subs:
                s.cancel_at_period_end(sub["id"], True)
            self._redirect(portal["return_url"] or "/")
            return
        if match := re.match(r"^/_fake/settle/(\w+)$", path):
            s.settle(match.group(1))
            self._json(200, {"settled": match.group(1)})
            return
        if path == "/_fake/deliveries":
            self._json(200, {"deliveries": self.server.deliverer.log})
            return
        if path == "/health":
            self._json(200, {"status": "ok"})
            return
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{int(time.time() * 1000)}")
        self.end_headers()
        self.wfile.write(data)

    def _html(self, text: str) -> None:
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, url: str) -> None:
        self.send_response(303)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _checkout_page(session: dict[str, Any]) -> str:
    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    what = "per month" if session["mode"] == "subscription" else "once"
    state = "" if session["status"] == "open" else "<p>This session is already paid.</p>"
    return (
        "<!doctype html><title>Local Stripe Checkout (test mode)</title>"
        f"<h1>Pay {html.escape(amount)} {what}</h1>{state}"
        f'<form method="post" action="/pay/{session["id"]}">'
        '<button type="submit" id="pay">Pay</button></form>'
        f'<form method="post" action="/pay/{session["id"]}">'
        '<input type="hidden" name="settle_later" value="1">'
        '<button type="submit" id="pay-later">Pay by bank debit (settles later)</button></form>'
    )


def _portal_page(portal: dict[str, Any], subs: list[dict[str, Any]]) -> str:
    rows = "".join(f"<li>{html.escape(s['id'])}: renews unless cancelled</li>" for s in subs)
    return (
        "<!doctype html><title>Local Stripe customer portal (test mode)</title>"
        f"<h1>Your plan</h1><ul>{rows or '<li>no active subscription</li>'}</ul>"
        f'<form method="post" action="/portal/{portal["id"]}">'
        '<button type="submit" id="cancel">Cancel plan at the end of the period</button></form>'
    )


def serve(port: int, api_key: str, webhook_url: str | None, secret: str,
          prices: list[str]) -> FakeStripeServer:  # fmt: skip
    server = FakeStripeServer(port, api_key, webhook_url, secret)
    for spec in prices:
        price_id, amount, currency, kind = spec.split(":")
        server.stripe.add_price(price_id, int(amount), currency, kind == "recurring")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret", required=True)
    parser.add_argument("--price", action="append", default=[])
    args = parser.parse_args()
    server = serve(args.port, args.api_key, args.webhook_url, args.webhook_secret, args.price)
    print(f"fake Stripe on {server.stripe.base_url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
