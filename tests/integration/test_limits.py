"""The Firestore rate limiter and the monthly budget, on the real emulator."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from google.cloud import firestore

from devstack.creators import add_creator
from shortvideo import wiring
from shortvideo.adapters.firestore_jobs import FirestoreJobStore
from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
from shortvideo.api import create_app as create_api
from shortvideo.errors import BudgetExceeded
from shortvideo.ports import BudgetCharge
from shortvideo.settings import get_settings

pytestmark = pytest.mark.integration


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
        # Jobs are created through the creator API only (decision 0012).
        _, token = add_creator(clean_emulators.env(), "Budget", creator_id="budget")
        app = TestClient(create_api(wiring.services()))
        auth = {"Authorization": f"Bearer {token}"}
        first = app.post("/videos", json={"theme": "one"}, headers=auth)
        assert first.status_code == 202
        second = app.post("/videos", json={"theme": "two"}, headers=auth)
        assert second.status_code == 402
        error = second.json()["error"]
        assert error["code"] == "monthly_budget_exceeded" and error["field"] == "budget"
        assert "capacity" in error["message"] and "$" not in error["message"]  # no amounts
        jobs = list(firestore.Client().collection("video_status").stream())
        assert len(jobs) == 1
        too_long = app.post("/videos", json={"theme": "x", "target_seconds": 90}, headers=auth)
        assert too_long.status_code in (402, 422)
    finally:
        get_settings.cache_clear()
        wiring.services.cache_clear()


def test_concurrent_job_creations_share_the_budget_without_locking(clean_emulators):
    """Every creation writes the month's budget document: 16 at once must neither stall on it
    (as transactions that read it did) nor ever reserve past the budget."""
    db = firestore.Client()
    store = FirestoreJobStore(db)
    now = datetime.now(UTC)

    def create(month: str, budget: float, i: int) -> bool:
        doc = {"video_id": f"{month}-{i}", "status": "queued", "created_by": "x", "created_at": now}
        try:
            store.create_job(doc, BudgetCharge(month, 10.0, budget))
        except BudgetExceeded:
            return False
        return True

    def reserved(month: str) -> float:
        return float(
            (db.collection("budgets").document(month).get().to_dict() or {})["reserved_usd"]
        )

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        unlimited = list(pool.map(lambda i: create("2030-01", 0.0, i), range(16)))
        limited = list(pool.map(lambda i: create("2030-02", 100.0, i), range(16)))
    assert time.monotonic() - started < 8
    assert all(unlimited) and reserved("2030-01") == pytest.approx(160.0)
    accepted = sum(limited)
    assert 1 <= accepted <= 10
    assert reserved("2030-02") == pytest.approx(10.0 * accepted)  # refusals gave theirs back
    assert len(list(db.collection("video_status").stream())) == 16 + accepted
