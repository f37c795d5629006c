"""Credits, the running cap and settlement under concurrency, on the Firestore emulator."""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from google.cloud import firestore

from devstack import Stack
from devstack.creators import add_creator
from shortvideo import lifecycle
from shortvideo.api import create_app
from shortvideo.attempt_budget import RetryPolicy
from shortvideo.billing import account
from shortvideo.models import SCRIPT
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services

pytestmark = pytest.mark.integration

BILLING = {
    "BILLING_ENFORCED": "true",
    "FREE_VIDEOS_PER_MONTH": "0",
    "CREATE_VIDEO_PER_MINUTE": "0",
    "CREATE_VIDEO_PER_HOUR": "0",
    "MAX_RUNNING_JOBS_PER_CREATOR": "0",
}


def services(**overrides: str) -> Services:
    return build_services(settings_from({**os.environ, **BILLING, **overrides}))


def creator(svc: Services, name: str, credits: int) -> dict[str, str]:
    made, token = add_creator(os.environ, name)
    if credits:
        assert svc.billing is not None
        svc.billing.change(
            made.creator_id,
            lambda acc: account.grant(acc, made.creator_id, credits, "test", datetime.now(UTC), {}),
        )
    return {"Authorization": f"Bearer {token}"}


def budget(month: str) -> float:
    doc = firestore.Client().collection("budgets").document(month).get().to_dict() or {}
    return float(doc.get("reserved_usd", 0.0))


def account_of(creator_id: str) -> dict:
    return firestore.Client().collection("billing_accounts").document(creator_id).get().to_dict()


def ledger_of(creator_id: str) -> list[dict]:
    rows = firestore.Client().collection("billing_ledger").stream()
    return [r.to_dict() for r in rows if r.to_dict()["creator_id"] == creator_id]


def test_20_concurrent_creations_with_1_credit_make_1_job_and_19_answers_of_402(
    clean_emulators: Stack,
) -> None:
    svc = services()
    ada = creator(svc, "ada", 1)
    apps = [create_app(svc), create_app(services())]  # two API instances, one Firestore

    def post(i: int) -> tuple[int, str]:
        with TestClient(apps[i % 2]) as client:
            answer = client.post("/videos", json={"theme": f"t{i}"}, headers=ada)
            return answer.status_code, answer.json().get("error", {}).get("code", "")

    with ThreadPoolExecutor(20) as pool:
        answers = Counter(pool.map(post, range(20)))
    assert answers == {(202, ""): 1, (402, "payment_required"): 19}, answers
    jobs = [d.to_dict() for d in firestore.Client().collection("video_status").stream()]
    assert len(jobs) == 1 and jobs[0]["billing"]["credits"] == 1
    # Every refused request's reservation went back: only the one job's estimate is reserved.
    assert budget(f"{jobs[0]['created_at']:%Y-%m}") == pytest.approx(25.6)
    ada_id = jobs[0]["created_by"]
    assert account_of(ada_id)["credits"] == 0 and account_of(ada_id)["running_jobs"] == 1
    assert [row["delta"] for row in ledger_of(ada_id)] == [1, -1] or sorted(
        row["delta"] for row in ledger_of(ada_id)
    ) == [-1, 1]


def test_the_running_cap_holds_exactly_under_concurrency(clean_emulators: Stack) -> None:
    svc = services(MAX_RUNNING_JOBS_PER_CREATOR="3", BILLING_ENFORCED="false")
    bob = creator(svc, "bob", 0)
    app = create_app(svc)

    def post(i: int) -> int:
        with TestClient(app) as client:
            return client.post("/videos", json={"theme": f"t{i}"}, headers=bob).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = Counter(pool.map(post, range(12)))
    assert statuses == {202: 3, 429: 9}, statuses  # the pre-count let extra ones through


def test_a_failed_jobs_credit_comes_back_once_when_the_monitor_and_a_stage_both_fail_it(
    clean_emulators: Stack,
) -> None:
    svc = services(MAX_ATTEMPTS="1")
    cy = creator(svc, "cy", 4)
    with TestClient(create_app(svc)) as client:
        ids = [client.post("/videos", json={"theme": f"t{i}"}, headers=cy).json()["video_id"]
               for i in range(4)]  # fmt: skip
    creator_id = svc.jobs.get_job(ids[0])["created_by"]  # type: ignore[index]
    assert account_of(creator_id)["credits"] == 0
    now = datetime.now(UTC)
    for video_id in ids:  # each claimed by a stage whose lease already ran out
        svc.jobs.mutate_job(video_id, lifecycle.claim(SCRIPT, "stage", now, 1))
    later = now + timedelta(seconds=5)
    stage_fails = lifecycle.fail(SCRIPT, "stage", later, code="provider_error", message="boom",
                                 retryable=True, policy=RetryPolicy((1,), 1, 3600))  # fmt: skip
    # no stall allowed: the monitor's expired-lease recovery ends the job too
    monitor_fails = lifecycle.recover_expired(later, RetryPolicy((1,), 1, 0), 15)

    def end(args: tuple[str, object]) -> str:
        video_id, mutation = args
        try:
            return str(svc.jobs.mutate_job(video_id, mutation)["status"])  # type: ignore[arg-type]
        except lifecycle.Skip:
            return "skipped"

    work = [(v, m) for v in ids for m in (stage_fails, monitor_fails)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = Counter(pool.map(end, work))
    # Seen failing (7 credits back for 4 jobs) with the job and the account read outside
    # the ending transaction: both writers then end and settle the same job.
    assert account_of(creator_id)["credits"] == 4  # each credit back exactly once
    assert outcomes == {"failed": 4, "skipped": 4}, outcomes
    assert account_of(creator_id)["running_jobs"] == 0
    refunds = [r for r in ledger_of(creator_id) if r["reason"] == "refund_failed"]
    assert sorted(r["video_id"] for r in refunds) == sorted(ids)
    assert budget(f"{now:%Y-%m}") == pytest.approx(0.0)  # nothing billed: all released
