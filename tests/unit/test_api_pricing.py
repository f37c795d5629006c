"""GET /pricing: the offers, the free allowance and the credits per length, for anyone."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shortvideo.api import create_app
from tests.fakes import memory_services


def test_pricing_is_public_and_follows_the_billing_settings(tmp_path) -> None:
    svc = memory_services(tmp_path, BILLING_ENFORCED="true", FREE_VIDEOS_PER_MONTH="2",
                          CREDITS_PER_LENGTH="64:1,71:2,78:3,85:4",
                          BILLING_PACKS="pack_5:price_secret_a:5:4900",
                          BILLING_SUBSCRIPTION="monthly:price_secret_b:10:8900",
                          BILLING_CURRENCY="eur")  # fmt: skip
    answer = TestClient(create_app(svc)).get("/pricing")  # no cookie, no token
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert answer.json() == {
        "free_videos_per_month": 2,
        "free_lengths": [64],
        "credits_per_length": {"64": 1, "71": 2, "78": 3, "85": 4},
        "offers": [
            {"product": "pack_5", "credits": 5, "amount": 4900, "currency": "eur", "kind": "pack"},
            {"product": "monthly", "credits": 10, "amount": 8900, "currency": "eur",
             "kind": "subscription"},
        ],
        "billing_enforced": True,
    }
    assert "price_secret" not in answer.text  # Stripe's price ids stay on the server


def test_pricing_changes_nothing_and_refuses_other_methods(tmp_path) -> None:
    client = TestClient(create_app(memory_services(tmp_path)))
    refused = client.post("/pricing", json={})
    assert refused.status_code == 405
    assert refused.json()["error"]["code"] == "method_not_allowed"
