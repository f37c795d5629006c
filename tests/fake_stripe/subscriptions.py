"""Subscriptions on test clocks: renewals (invoice.paid each period) and cancellations."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.fake_stripe.forms import StripeError, missing, new_id, public

MONTH_SECONDS = 30 * 24 * 3600  # the fake's monthly interval (a test clock moves by periods)


class Subscriptions:
    """The subscription half of the fake account (mixed into state.Stripe)."""

    objects: dict[str, dict[str, Any]]
    lock: threading.RLock

    def _put(self, obj: dict[str, Any]) -> dict[str, Any]: ...
    def get(self, kind: str, object_id: str, param: str = "id") -> dict[str, Any]: ...
    def event(self, type_: str, obj: dict[str, Any], created: int | None = None) -> None: ...

    def _subscribe(self, session: dict[str, Any]) -> None:
        customer = self.get("customer", session["customer"], "customer")
        if not customer.get("test_clock"):
            # Fake-only: every subscription runs on a test clock, so tests can move time.
            customer["test_clock"] = self.create_clock({"frozen_time": str(int(time.time()))})["id"]
        clock = self.objects[customer["test_clock"]]
        now = int(clock["frozen_time"])
        price = self.objects[session["_prices"][0]]
        sub_id = new_id("sub")
        sub = self._put({
            "id": sub_id, "object": "subscription", "status": "active",
            "customer": customer["id"], "cancel_at_period_end": False, "canceled_at": None,
            "created": now, "start_date": now, "test_clock": clock["id"],
            "metadata": dict(session["_subscription_metadata"]), "livemode": False,
            "items": {"object": "list", "data": [{
                "id": new_id("si"), "object": "subscription_item", "price": price,
                "quantity": 1, "current_period_start": now,
                "current_period_end": now + MONTH_SECONDS}]},
        })  # fmt: skip
        session["subscription"] = sub_id
        session["payment_status"] = "paid"
        invoice = self._invoice(sub, "subscription_create", now)
        session["invoice"] = invoice["id"]
        self.event("checkout.session.completed", public(session), now)
        self.event("customer.subscription.created", sub, now)
        self.event("invoice.paid", invoice, now)

    def _invoice(self, sub: dict[str, Any], reason: str, now: int) -> dict[str, Any]:
        item = sub["items"]["data"][0]
        invoice = self._put({
            "id": new_id("in"), "object": "invoice", "status": "paid",
            "billing_reason": reason, "customer": sub["customer"],
            "amount_paid": item["price"]["unit_amount"], "currency": item["price"]["currency"],
            "created": now, "period_start": item["current_period_start"],
            "period_end": item["current_period_end"], "livemode": False,
            "parent": {"type": "subscription_details", "quote_details": None,
                       "subscription_details": {"subscription": sub["id"],
                                                "metadata": dict(sub["metadata"])}},
            "lines": {"object": "list", "data": [{
                "id": new_id("il"), "object": "line_item", "amount": item["price"]["unit_amount"],
                "pricing": {"price_details": {"price": item["price"]["id"]}},
                "period": {"start": item["current_period_start"],
                           "end": item["current_period_end"]}}]},
        })  # fmt: skip
        self._pay_invoice(invoice, now)
        return invoice

    def _pay_invoice(self, invoice: dict[str, Any], now: int) -> None:
        """The invoice's payment: a PaymentIntent's charge, linked only by an InvoicePayment.

        Since 2025-03-31.basil a Charge has no `invoice` field (nor an Invoice `charge` or
        `payment_intent`): the link is GET /v1/invoice_payments. The charge carries no metadata:
        Stripe does not copy the subscription's onto its invoices' payments.
        """
        intent = new_id("pi")
        self._put({
            "id": new_id("ch"), "object": "charge", "amount": invoice["amount_paid"],
            "amount_refunded": 0, "refunded": False, "currency": invoice["currency"],
            "customer": invoice["customer"], "payment_intent": intent, "metadata": {},
            "paid": True, "status": "succeeded", "created": now, "livemode": False,
        })  # fmt: skip
        self._put({
            "id": new_id("inpay"), "object": "invoice_payment", "amount_paid":
            invoice["amount_paid"], "amount_requested": invoice["amount_paid"],
            "created": now, "currency": invoice["currency"], "invoice": invoice["id"],
            "is_default": True, "livemode": False, "status": "paid",
            "payment": {"type": "payment_intent", "payment_intent": intent},
            "status_transitions": {"canceled_at": None, "paid_at": now},
        })  # fmt: skip

    def list_invoice_payments(self, params: dict[str, Any]) -> dict[str, Any]:
        """GET /v1/invoice_payments, filtered by `invoice` and/or `payment[...]`."""
        payment = params.get("payment")
        if payment is not None:
            if not isinstance(payment, dict) or not payment.get("type"):
                raise missing("payment[type]")
            if payment["type"] not in ("payment_intent", "payment_record"):
                raise StripeError(400, "Invalid payment[type]: must be one of payment_intent "
                                  "or payment_record", param="payment[type]")  # fmt: skip
        limit = int(params.get("limit") or 10)
        if not 1 <= limit <= 100:
            raise StripeError(400, "This value must be between 1 and 100.", param="limit")
        found = [
            o for o in self.objects.values() if o["object"] == "invoice_payment"
            and (not params.get("invoice") or o["invoice"] == params["invoice"])
            and (payment is None or (o["payment"]["type"] == payment["type"] and (
                not payment.get("payment_intent")
                or o["payment"].get("payment_intent") == payment["payment_intent"])))
        ]  # fmt: skip
        return {"object": "list", "url": "/v1/invoice_payments",
                "has_more": len(found) > limit, "data": found[:limit]}  # fmt: skip

    def cancel_at_period_end(self, sub_id: str, cancel: bool) -> dict[str, Any]:
        with self.lock:
            sub = self.get("subscription", sub_id)
            if sub["status"] == "canceled":
                raise StripeError(400, "A canceled subscription can only update its metadata.")
            sub["cancel_at_period_end"] = cancel
            clock = self.objects.get(str(sub.get("test_clock")))
            # A subscription on a test clock lives in the clock's time.
            self.event("customer.subscription.updated", sub,
                       int(clock["frozen_time"]) if clock else None)  # fmt: skip
            return sub

    def create_clock(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("frozen_time"):
            raise missing("frozen_time")
        return self._put({
            "id": new_id("clock"), "object": "test_helpers.test_clock",
            "frozen_time": int(params["frozen_time"]), "status": "ready", "livemode": False,
            "created": int(time.time()), "name": params.get("name"),
        })  # fmt: skip

    def advance(self, clock_id: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            clock = self.get("test_helpers.test_clock", clock_id)
            target = int(params.get("frozen_time") or 0)
            if not target:
                raise missing("frozen_time")
            if target <= clock["frozen_time"]:
                raise StripeError(400, "The test clock can only be advanced to a time after its "
                                  "current frozen time.", param="frozen_time")  # fmt: skip
            clock["frozen_time"] = target
            subs = [o for o in list(self.objects.values()) if o["object"] == "subscription"
                    and o.get("test_clock") == clock_id and o["status"] == "active"]  # fmt: skip
            for sub in subs:
                self._run_periods(sub, target)
            return clock

    def _run_periods(self, sub: dict[str, Any], until: int) -> None:
        item = sub["items"]["data"][0]
        while item["current_period_end"] <= until and sub["status"] == "active":
            end = item["current_period_end"]
            if sub["cancel_at_period_end"]:
                sub.update(status="canceled", canceled_at=end, ended_at=end)
                self.event("customer.subscription.deleted", sub, end)
                return
            item["current_period_start"] = end
            item["current_period_end"] = end + MONTH_SECONDS
            self.event("customer.subscription.updated", sub, end)
            self.event("invoice.paid", self._invoice(sub, "subscription_cycle", end), end)


