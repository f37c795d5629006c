"""The fake's objects and what Stripe does with them: checkout, subscriptions, test clocks.

Shapes follow API version 2026-10-28.endive (the stripe SDK 16.1.0's pin): since 2025-03-31.basil
an invoice names its subscription in `parent.subscription_details` and a subscription's period
is on its items (decision 0017 cites the changelog).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.fake_stripe.forms import StripeError, missing, new_id, no_such, public
from tests.fake_stripe.subscriptions import Subscriptions

API_VERSION = "2026-10-28.endive"


class Stripe(Subscriptions):
    """All state of one fake account; `emit` delivers an event (signed by the server)."""

    def __init__(self, base_url: str, emit: Callable[[dict[str, Any]], None]) -> None:
        self.base_url = base_url.rstrip("/")
        self._emit = emit
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, tuple[str, int, dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []

    # --- helpers --------------------------------------------------------------------------

    def _put(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id: str, param: str = "id") -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise no_such(kind.split(".")[-1], object_id, param)
        return obj

    def event(self, type_: str, obj: dict[str, Any], created: int | None = None) -> None:
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": created or int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        self.events.append(event)
        self._emit(event)

    def idempotent(
        self, key: str | None, fingerprint: str, make: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """Stripe keeps the first answer of a key and refuses the key with other parameters."""
        if not key:
            return make()
        with self.lock:
            if key in self.idempotency:
                seen, _, answer = self.idempotency[key]
                if seen != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        f"they were first used with. Try using a key other than '{key}' if you "
                        "meant to execute a different request.",
                        type_="idempotency_error",
                    )
                return answer
            answer = make()
            self.idempotency[key] = (fingerprint, 200, answer)
            return answer

    # --- prices, customers ----------------------------------------------------------------

    def add_price(self, price_id: str, amount: int, currency: str, recurring: bool) -> None:
        self._put({
            "id": price_id, "object": "price", "active": True, "currency": currency,
            "unit_amount": amount, "type": "recurring" if recurring else "one_time",
            "recurring": {"interval": "month", "interval_count": 1} if recurring else None,
            "product": new_id("prod"), "livemode": False, "metadata": {},
        })  # fmt: skip

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        clock = params.get("test_clock")
        if clock:
            self.get("test_helpers.test_clock", clock, "test_clock")
        return self._put({
            "id": new_id("cus"), "object": "customer", "created": int(time.time()),
            "email": params.get("email"), "name": params.get("name"),
            "metadata": params.get("metadata") or {}, "livemode": False, "test_clock": clock,
        })  # fmt: skip

    # --- checkout -------------------------------------------------------------------------

    def create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        mode = params.get("mode")
        if mode not in ("payment", "subscription"):
            raise missing("mode") if not mode else StripeError(
                400, "Invalid mode: must be one of payment, setup, or subscription", param="mode"
            )
        if not params.get("success_url"):
            raise missing("success_url")
        items = params.get("line_items") or []
        if not items:
            raise missing("line_items")
        prices = []
        for i, item in enumerate(items):
            price_id = item.get("price")
            if not price_id:
                raise missing(f"line_items[{i}][price]")
            prices.append(self.get("price", price_id, f"line_items[{i}][price]"))
        recurring = [p for p in prices if p["type"] == "recurring"]
        if mode == "payment" and recurring:
            raise StripeError(
                400,
                "You specified `payment` mode but passed a recurring price. Either switch to "
                "`subscription` mode or use only one-time prices.",
                param="line_items",
            )
        if mode == "subscription" and not recurring:
            raise StripeError(
                400,
                "You must provide at least one recurring price in `subscription` mode when "
                "using prices.",
                param="line_items",
            )
        if mode == "subscription" and params.get("payment_intent_data"):
            raise StripeError(
                400, "You can not pass `payment_intent_data` in `subscription` mode.",
                param="payment_intent_data",
            )  # fmt: skip
        customer = params.get("customer")
        if customer:
            self.get("customer", customer, "customer")
        session_id = new_id("cs")
        amount = sum(int(p["unit_amount"]) * int(it.get("quantity", 1))
                     for p, it in zip(prices, items, strict=True))  # fmt: skip
        return self._put({
            "id": session_id, "object": "checkout.session", "mode": mode, "status": "open",
            "payment_status": "unpaid", "customer": customer, "currency": prices[0]["currency"],
            "amount_total": amount, "metadata": params.get("metadata") or {},
            "client_reference_id": params.get("client_reference_id"),
            "success_url": params["success_url"], "cancel_url": params.get("cancel_url"),
            "url": f"{self.base_url}/pay/{session_id}", "payment_intent": None,
            "subscription": None, "invoice": None, "created": int(time.time()),
            "expires_at": int(time.time()) + 24 * 3600, "livemode": False,
            "_prices": [p["id"] for p in prices],
            "_payment_intent_metadata": (params.get("payment_intent_data") or {}).get(
                "metadata") or {},
            "_subscription_metadata": (params.get("subscription_data") or {}).get(
                "metadata") or {},
        })  # fmt: skip

    def pay(self, session_id: str, settle_later: bool = False) -> dict[str, Any]:
        """The hosted page's Pay button: what Stripe does when the customer pays."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer open.")
            session["status"] = "complete"
            if session["mode"] == "payment":
                intent = new_id("pi")
                session["payment_intent"] = intent
                session["payment_status"] = "unpaid" if settle_later else "paid"
                if not settle_later:
                    self._charge(session)
                self.event("checkout.session.completed", public(session))
            else:
                self._subscribe(session)
            return session

    def settle(self, session_id: str) -> None:
        """A delayed payment method (e.g. a bank debit) succeeded."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            session["payment_status"] = "paid"
            self._charge(session)
            self.event("checkout.session.async_payment_succeeded", public(session))

    def _charge(self, session: dict[str, Any]) -> dict[str, Any]:
        return self._put({
            "id": new_id("ch"), "object": "charge", "amount": session["amount_total"],
            "amount_refunded": 0, "refunded": False, "currency": session["currency"],
            "customer": session["customer"], "payment_intent": session["payment_intent"],
            "metadata": dict(session["_payment_intent_metadata"]), "paid": True,
            "status": "succeeded", "created": int(time.time()), "livemode": False,
        })  # fmt: skip

    def refund(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            intent = params.get("payment_intent")
            charge_id = params.get("charge")
            if not intent and not charge_id:
                raise missing("charge")
            charges = [c for c in self.objects.values() if c["object"] == "charge"]
            charge = next((c for c in charges if c["id"] == charge_id
                           or (intent and c["payment_intent"] == intent)), None)  # fmt: skip
            if charge is None:
                param = "charge" if charge_id else "payment_intent"
                raise no_such(param, str(charge_id or intent), param)
            left = charge["amount"] - charge["amount_refunded"]
            amount = int(params.get("amount") or left)
            if amount > left or amount <= 0:
                raise StripeError(400, f"Refund amount ({amount}) is greater than unrefunded "
                                  f"amount on charge ({left})", param="amount")  # fmt: skip
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            refund = self._put({
                "id": new_id("re"), "object": "refund", "amount": amount, "charge": charge["id"],
                "payment_intent": charge["payment_intent"], "status": "succeeded",
                "currency": charge["currency"], "created": int(time.time()),
            })  # fmt: skip
            self.event("charge.refunded", charge)
            return refund

    def portal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("customer"):
            raise missing("customer")
        self.get("customer", params["customer"], "customer")
        session_id = new_id("bps")
        return self._put({
            "id": session_id, "object": "billing_portal.session",
            "customer": params["customer"], "return_url": params.get("return_url"),
            "url": f"{self.base_url}/portal/{session_id}", "created": int(time.time()),
            "livemode": False,
        })  # fmt: skip
