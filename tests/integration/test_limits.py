"""The Firestore rate limiter and the monthly budget, on the real emulator."""

import json
from pathlib import Path

import pytest
from functions_framework import create_app
from google.cloud import firestore

from shortvideo import wiring
from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
from shortvideo.settings import get_settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_rate_limiter_grants_per_minute_then_says_how_long(clean_emulators):
    limiter = FirestoreRateLimiter(firestore.Client())
    assert [limiter.acquire("submit-veo", 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.acquire("submit-veo", 3)
    assert 55 < wait <= 60.1
    assert limiter.acquire("submit-other", 3) == 0.0
    assert limiter.acquire("submit-veo", 0) == 0.0  # 0 = no limit


def test_monthly_budget_refuses_with_402_and_writes_no_job(clean_emulators, monkeypatch):
    monkeypatch.setenv("MONTHLY_BUDGET_USD", "40")
    get_settings.cache_clear()
    wiring.services.cache_clear()
    try:
        app = create_app("handle", str(ROOT / "functions/script_agent/main.py")).test_client()
        first = app.post("/", data=json.dumps({"theme": "one"}), content_type="application/json")
        assert first.status_code == 202
        second = app.post("/", data=json.dumps({"theme": "two"}), content_type="application/json")
        assert second.status_code == 402
        error = second.get_json()["error"]
        assert error["code"] == "monthly_budget_exceeded" and error["field"] == "budget"
        assert "$25.60 already committed" in error["message"]
        jobs = list(firestore.Client().collection("video_status").stream())
        assert len(jobs) == 1
        too_long = app.post("/", data=json.dumps({"theme": "x", "target_seconds": 90}),
                            content_type="application/json")
        assert too_long.status_code in (402, 422)
    finally:
        get_settings.cache_clear()
        wiring.services.cache_clear()
