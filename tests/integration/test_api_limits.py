"""Per-creator limits and cancel with the real Firestore emulator (shared across instances)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from google.cloud import firestore

from devstack import Stack
from devstack.creators import add_creator
from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
from shortvideo.api import create_app
from shortvideo.settings import settings_from
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services, build_services

pytestmark = pytest.mark.integration


def services(**overrides: str) -> Services:
    return build_services(settings_from({**os.environ, **overrides}))


def token_of(svc: Services, name: str) -> dict[str, str]:
    _, token = add_creator(os.environ, name)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services()  # the product's defaults: 5 a minute, 30 an hour, 3 unfinished


def reserved(month: str) -> float:
    doc = firestore.Client().collection("budgets").document(month).get().to_dict() or {}
    return float(doc.get("reserved_usd", 0.0))


def test_200_quick_posts_from_one_creator_cannot_starve_another(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    instances = [create_app(svc), create_app(services())]  # two API instances, one Firestore

    def post(i: int) -> int:
        with TestClient(instances[i % 2]) as client:
            return client.post("/videos", json={"theme": f"t{i}"}, headers=ada).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(post, range(200)))
    # The running cap (3) is counted before each admission, so requests in flight together may
    # pass it; the per-minute window (5) is one transaction per creator and always holds.
    assert 1 <= statuses[202] <= svc.settings.create_video_per_minute
    assert statuses[429] == 200 - statuses[202] and set(statuses) == {202, 429}  # no 500
    month = f"{utcnow():%Y-%m}"
    assert reserved(month) == pytest.approx(statuses[202] * 25.6)
    with TestClient(instances[1]) as client:
        other = client.post("/videos", json={"theme": "mine"}, headers=bob)
        assert other.status_code == 202, other.text
        if statuses[202] >= svc.settings.max_running_jobs_per_creator:  # ada is at her cap
            refused = client.post("/videos", json={"theme": "more"}, headers=ada)
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] in ("too_many_running_jobs", "rate_limited")


def test_the_rate_limit_holds_across_instances_and_says_when(clean_emulators: Stack) -> None:
    svc = services(MAX_RUNNING_JOBS_PER_CREATOR="0", CREATE_VIDEO_PER_MINUTE="4")
    ada = token_of(svc, "ada")
    answers = []
    for i in range(6):  # alternate between two instances
        with TestClient(create_app(services(MAX_RUNNING_JOBS_PER_CREATOR="0",
                                            CREATE_VIDEO_PER_MINUTE="4"))) as client:  # fmt: skip
            answers.append(client.post("/videos", json={"theme": f"t{i}"}, headers=ada))
    assert [a.status_code for a in answers] == [202, 202, 202, 202, 429, 429]
    limited = answers[-1]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited.json()["error"]["field"] is None
    assert 1 <= int(limited.headers["retry-after"]) <= 61


def test_an_hourly_window_beside_the_minute(clean_emulators: Stack) -> None:
    limiter = FirestoreRateLimiter(firestore.Client())
    assert [limiter.acquire("k", 0, per_hour=2) for _ in range(2)] == [0.0, 0.0]
    assert 3500 < limiter.acquire("k", 0, per_hour=2) <= 3600.1
    assert limiter.acquire("k", 5, per_hour=3) == 0.0
    assert limiter.acquire("k", 5, per_hour=3) > 3500


def test_cancel_releases_the_reservation_in_firestore(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    month = f"{utcnow():%Y-%m}"
    with TestClient(create_app(svc)) as client:
        video_id = client.post("/videos", json={"theme": "Bees"}, headers=ada).json()["video_id"]
        assert reserved(month) == pytest.approx(25.6)
        assert client.post(f"/videos/{video_id}/cancel", headers=bob).status_code == 404
        answer: Any = client.post(f"/videos/{video_id}/cancel", headers=ada)
        assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
        assert reserved(month) == pytest.approx(0.0)
        assert client.post(f"/videos/{video_id}/cancel", headers=ada).status_code == 409
        assert reserved(month) == pytest.approx(0.0)
        listed = client.get("/videos/my-videos", headers=ada).json()["videos"]
        assert listed[0]["status"] == "cancelled"
