"""Free allowance, credits, the running cap and settlement, on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shortvideo import lifecycle
from shortvideo.attempt_budget import RetryPolicy
from shortvideo.billing import account
from shortvideo.billing.account import Payer
from shortvideo.errors import PaymentRequired, TooManyRunningJobs
from shortvideo.models import ASSEMBLE, SCRIPT, Status
from shortvideo.stages import intake
from shortvideo.stages.cancel import cancel_job
from tests.fakes import memory_services

NOV = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
ADA = Payer("ada", email_verified=True)


@pytest.fixture
def svc(tmp_path):
    services = memory_services(
        tmp_path,
        BILLING_ENFORCED="true",
        CREATE_VIDEO_PER_MINUTE="0",
        MAX_RUNNING_JOBS_PER_CREATOR="0",
    )
    clock = {"now": NOV}
    services.clock = lambda: clock["now"]
    services.test_clock = clock  # type: ignore[attr-defined]
    return services


def make(svc, payer=ADA, **payload):
    return intake.create_job(svc, {"theme": "Bees", "created_by": payer.creator_id, **payload},
                             payer=payer)  # fmt: skip


def give(svc, creator_id, credits):
    change = account.grant(svc.jobs.accounts.get(creator_id), creator_id, credits, "test", NOV, {})
    svc.jobs._apply(creator_id, change)


def fail(svc, video_id, code="provider_error", **cost):
    svc.jobs.mutate_job(video_id, lifecycle.claim(SCRIPT, "o", svc.clock(), 90))
    if cost:
        svc.jobs.mutate_job(video_id, lambda d: {"cost": {**d["cost"], **cost}})
    return svc.jobs.mutate_job(video_id, lifecycle.fail(
        SCRIPT, "o", svc.clock(), code=code, message="x", retryable=False,
        policy=RetryPolicy((1,), 1, 3600)))  # fmt: skip


def test_the_free_video_is_fast_and_shortest_then_402_says_what_to_buy(svc):
    job = make(svc)
    assert job["billing"]["kind"] == "free"
    assert job["video_model"] == svc.settings.veo_fallback_model
    assert job["cost"]["estimated_usd"] == pytest.approx(64 * 0.15)
    assert job["cost"]["reserved_usd"] == pytest.approx(64 * 0.40)  # the worst case, reconciled
    with pytest.raises(PaymentRequired) as refused:
        make(svc)
    body = refused.value.to_json()["error"]
    assert body["code"] == "payment_required" and body["credits_needed"] == 1
    assert {b["product"] for b in body["buy"]} == {"pack_5", "pack_20", "monthly"}
    assert len(svc.jobs.jobs) == 1
    assert svc.jobs.budgets["2026-11"] == pytest.approx(25.6)  # the refusal reserved nothing


def test_unverified_or_longer_videos_are_never_free(svc):
    with pytest.raises(PaymentRequired):
        make(svc, Payer("bob", email_verified=False))
    with pytest.raises(PaymentRequired) as refused:
        make(svc, target_seconds=85)
    assert refused.value.needed == 2
    give(svc, "ada", 3)
    job = make(svc, target_seconds=85)
    assert job["billing"] == {"creator_id": "ada", "running_slot": True, "kind": "credits",
                              "credits": 2, "month": "2026-11"}  # fmt: skip
    assert job["video_model"] == svc.video_model.model
    assert svc.jobs.accounts["ada"]["credits"] == 1
    assert svc.jobs.ledger[-1]["delta"] == -2 and svc.jobs.ledger[-1]["balance_after"] == 1


def test_the_month_rolls_over_with_the_clock(svc):
    make(svc)
    with pytest.raises(PaymentRequired):
        make(svc)
    svc.test_clock["now"] = NOV + timedelta(hours=1, minutes=1)  # 1 December, 00:01 UTC
    assert make(svc)["billing"]["month"] == "2026-12"
    with pytest.raises(PaymentRequired):
        make(svc)


def test_a_failed_job_gives_its_credit_back_once(svc):
    give(svc, "ada", 1)
    svc.settings = svc.settings.model_copy(update={"free_videos_per_month": 0})
    video_id = make(svc)["video_id"]
    assert svc.jobs.accounts["ada"]["credits"] == 0
    doc = fail(svc, video_id)
    assert doc["settlement"]["refund"] is True
    assert svc.jobs.accounts["ada"]["credits"] == 1
    with pytest.raises(lifecycle.Skip):  # a late second writer finds the job ended
        svc.jobs.mutate_job(video_id, lifecycle.fail(
            SCRIPT, "o", NOV, code="x", message="x", retryable=False,
            policy=RetryPolicy((1,), 1, 3600)))  # fmt: skip
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.transition(doc, Status.FAILED, NOV)
    assert svc.jobs.accounts["ada"]["credits"] == 1
    refunds = [e for e in svc.jobs.ledger if e["reason"] == "refund_failed"]
    assert len(refunds) == 1 and refunds[0]["video_id"] == video_id
    assert svc.jobs.accounts["ada"]["running_jobs"] == 0


def test_a_content_refusal_keeps_the_credits_once_veo_billed(svc):
    give(svc, "ada", 2)
    svc.settings = svc.settings.model_copy(update={"free_videos_per_month": 0})
    billed = make(svc)["video_id"]
    unbilled = make(svc)["video_id"]
    fail(svc, billed, "content_filtered.violence", actual_usd=3.2, billed_seconds=8)
    assert svc.jobs.accounts["ada"]["credits"] == 0
    fail(svc, unbilled, "content_filtered.violence")
    assert svc.jobs.accounts["ada"]["credits"] == 1


def test_a_failed_free_video_comes_back_in_its_month_only(svc):
    video_id = make(svc)["video_id"]
    fail(svc, video_id)
    assert make(svc)["billing"]["kind"] == "free"  # given back: usable again
    later = make(svc, Payer("cy", True))["video_id"]
    svc.test_clock["now"] = NOV + timedelta(days=2)
    fail(svc, later)
    assert account.free_used(svc.jobs.accounts["cy"], "2026-12") == 0
    assert svc.jobs.accounts["cy"]["free_used"] == {"2026-11": 1}  # November's use stays spent


def test_completion_settles_the_budget_to_the_actual_cost(svc):
    video_id = make(svc)["video_id"]
    running = {"status": "assembling", "lease_owner": "o"}
    svc.jobs.mutate_job(video_id, lambda d: {**running, "cost": {**d["cost"], "actual_usd": 9.6}})
    done = svc.jobs.mutate_job(video_id, lifecycle.complete(ASSEMBLE, "o", NOV, {}))
    assert done["settlement"]["release_usd"] == pytest.approx(25.6 - 9.6)
    assert done["settlement"]["refund"] is False
    assert svc.jobs.budgets["2026-11"] == pytest.approx(9.6)
    assert svc.jobs.accounts["ada"]["running_jobs"] == 0


def test_the_running_cap_is_a_counter_freed_when_a_job_ends(svc):
    svc.settings = svc.settings.model_copy(update={"max_running_jobs_per_creator": 2,
                                                   "billing_enforced": False})  # fmt: skip
    first = make(svc)["video_id"]
    make(svc)
    with pytest.raises(TooManyRunningJobs):
        make(svc)
    assert svc.jobs.accounts["ada"]["running_jobs"] == 2
    cancel_job(svc, first, "ada")
    assert svc.jobs.accounts["ada"]["running_jobs"] == 1
    assert make(svc)["billing"]["kind"] == "unmetered"


def test_cancel_before_billing_gives_back_and_releases_the_reservation(svc):
    video_id = make(svc)["video_id"]
    doc = cancel_job(svc, video_id, "ada")
    assert doc["settlement"]["refund"] is True
    assert svc.jobs.budgets["2026-11"] == pytest.approx(0.0)
    assert make(svc)["billing"]["kind"] == "free"
