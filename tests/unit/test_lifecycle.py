from datetime import UTC, datetime, timedelta

import pytest

from shortvideo import lifecycle
from shortvideo.models import ASSEMBLE, SCRIPT, VIDEO, Status, VideoRequest

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BACKOFF = (60, 180, 600)


def job(**fields):
    doc = lifecycle.new_job(
        "v1",
        VideoRequest(theme="octopus"),
        block_count=9,
        provider="demo",
        video_model="m",
        estimated_cost=1.0,
        now=T0,
    )
    doc.update(fields)
    return doc


def apply(doc, mutation):
    patch = mutation(doc)
    return {**doc, **(patch or {})}


def test_every_non_terminal_status_may_fail_and_terminal_ones_are_final():
    assert set(lifecycle.ALLOWED) == set(Status)  # every status has its row
    for status, targets in lifecycle.ALLOWED.items():
        assert (Status.FAILED in targets) != status.terminal
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.transition(job(status="completed"), Status.QUEUED, T0)
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.transition(job(status="queued"), Status.COMPLETED, T0)


def test_claim_takes_ready_stage_with_lease_and_counts_attempt():
    doc = apply(job(), lifecycle.claim(SCRIPT, "o1", T0, 90))
    assert doc["status"] == "scripting"
    assert doc["lease_owner"] == "o1"
    assert doc["lease_expires_at"] == T0 + timedelta(seconds=90)
    assert doc["attempts"] == {"script": 1}
    assert doc["stage_timings"]["script"]["started_at"] == T0


def test_second_delivery_is_a_noop():
    doc = apply(job(), lifecycle.claim(SCRIPT, "o1", T0, 90))
    with pytest.raises(lifecycle.Skip, match="already running"):
        lifecycle.claim(SCRIPT, "o2", T0, 90)(doc)
    done = apply(doc, lifecycle.complete(SCRIPT, "o1", T0, {"script_file": "gs://b/s"}))
    assert done["status"] == "script_generated"
    with pytest.raises(lifecycle.Skip, match="not waiting for script"):
        lifecycle.claim(SCRIPT, "o3", T0, 90)(done)


def test_complete_requires_the_lease_owner():
    doc = apply(job(), lifecycle.claim(SCRIPT, "o1", T0, 90))
    with pytest.raises(lifecycle.Skip, match="lease lost"):
        lifecycle.complete(SCRIPT, "intruder", T0, {})(doc)
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.progress(SCRIPT, "o1", T0, {"status": "completed"})


def test_failure_backs_off_then_fails_after_max_attempts():
    doc = job()
    for attempt, delay in enumerate(BACKOFF, start=1):
        now = T0 + timedelta(hours=attempt)
        doc = apply(doc, lifecycle.claim(SCRIPT, f"o{attempt}", now, 90))
        doc = apply(
            doc,
            lifecycle.fail(
                SCRIPT,
                f"o{attempt}",
                now,
                code="provider_error",
                message="503",
                retryable=True,
                backoff=BACKOFF,
                max_attempts=3,
            ),
        )
        if attempt < 3:
            assert doc["status"] == "queued"
            assert doc["next_retry_at"] == now + timedelta(seconds=delay)
            with pytest.raises(lifecycle.Skip, match="retry not due"):
                lifecycle.claim(SCRIPT, "early", now, 90)(doc)
    assert doc["status"] == "failed"
    assert doc["error"]["stage"] == "script"
    assert "failed 3 times" in doc["error"]["message"]


def test_non_retryable_failure_fails_at_once():
    doc = apply(job(), lifecycle.claim(SCRIPT, "o1", T0, 90))
    doc = apply(
        doc,
        lifecycle.fail(
            SCRIPT,
            "o1",
            T0,
            code="content_filtered",
            message="no",
            retryable=False,
            backoff=BACKOFF,
            max_attempts=3,
        ),
    )
    assert doc["status"] == "failed"
    assert doc["error"]["message"] == "no"


def test_waiting_video_stage_is_reclaimed_only_when_the_poll_is_due():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o1", T0, 90))
    wake = T0 + timedelta(seconds=10)
    doc = apply(doc, lifecycle.wait(VIDEO, "o1", T0, wake, 90))
    assert doc["lease_owner"] == lifecycle.WAITING
    assert doc["lease_expires_at"] == wake + timedelta(seconds=90)
    with pytest.raises(lifecycle.Skip, match="poll not due"):
        lifecycle.claim(VIDEO, "o2", T0 + timedelta(seconds=2), 90)(doc)
    doc = apply(doc, lifecycle.claim(VIDEO, "o2", wake, 90))
    assert doc["lease_owner"] == "o2"
    assert doc["attempts"] == {"video": 1}  # a poll is not a new attempt


def test_monitor_recovers_only_expired_leases():
    doc = apply(job(status="video_generated"), lifecycle.claim(ASSEMBLE, "o1", T0, 30))
    with pytest.raises(lifecycle.Skip):
        lifecycle.recover_expired(T0 + timedelta(seconds=29), BACKOFF, 3, 90)(doc)
    doc = apply(doc, lifecycle.recover_expired(T0 + timedelta(seconds=31), BACKOFF, 3, 90))
    assert doc["status"] == "video_generated"
    assert doc["error"]["code"] == "lease_expired"
    assert doc["lease_owner"] is None


def test_doorbell_due_for_retries_and_lost_handoffs():
    retry = job(next_retry_at=T0 + timedelta(seconds=60))
    assert not lifecycle.doorbell_due(retry, T0, 90)
    assert lifecycle.doorbell_due(retry, T0 + timedelta(seconds=60), 90)
    rung = apply(retry, lifecycle.mark_retry_rung(T0 + timedelta(seconds=60), 90))
    assert not lifecycle.doorbell_due(rung, T0 + timedelta(seconds=100), 90)
    assert lifecycle.doorbell_due(rung, T0 + timedelta(seconds=151), 90)
    fresh = job()
    assert not lifecycle.doorbell_due(fresh, T0 + timedelta(seconds=10), 90)
    assert lifecycle.doorbell_due(fresh, T0 + timedelta(seconds=90), 90)
    assert not lifecycle.doorbell_due(job(status="scripting"), T0 + timedelta(hours=1), 90)


def test_every_non_terminal_status_may_be_cancelled_and_terminal_ones_may_not():
    for status, targets in lifecycle.ALLOWED.items():
        assert (Status.CANCELLED in targets) != status.terminal
    assert Status.CANCELLED.terminal and not lifecycle.ALLOWED[Status.CANCELLED]


def cancel(doc, unbilled=1.0):
    return lifecycle.cancel(T0, by="ada", unbilled_usd=lambda d: unbilled)(doc)


@pytest.mark.parametrize("status", [s for s in Status if not s.terminal])
def test_cancel_ends_any_unfinished_job_and_takes_its_lease_away(status):
    doc = job(status=status.value, lease_owner="o1", lease_expires_at=T0, wake_at=T0)
    doc = {**doc, **cancel(doc, unbilled=0.7)}
    assert doc["status"] == "cancelled" and doc["cancelled_by"] == "ada"
    assert doc["lease_owner"] is None and doc["wake_at"] is None and doc["next_retry_at"] is None
    assert doc["cost"]["released_usd"] == 0.7 and doc["cost"]["estimated_usd"] == 1.0


@pytest.mark.parametrize("status", [s for s in Status if s.terminal])
def test_a_finished_job_cannot_be_cancelled(status):
    with pytest.raises(lifecycle.Skip):
        cancel(job(status=status.value))


def test_a_cancelled_job_is_never_claimed_and_a_running_stage_loses_its_lease():
    running = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o1", T0, 90))
    cancelled = apply(running, lambda d: cancel(d))
    for stage in (SCRIPT, VIDEO, ASSEMBLE):
        with pytest.raises(lifecycle.Skip):
            lifecycle.claim(stage, "o2", T0, 90)(cancelled)
    for write in (
        lifecycle.progress(VIDEO, "o1", T0, {"veo_submit_intent": {"block": 0}}),
        lifecycle.renew(VIDEO, "o1", T0, 90),
        lifecycle.complete(VIDEO, "o1", T0, {}),
        lifecycle.wait(VIDEO, "o1", T0, T0, 30),
        lifecycle.throttle(VIDEO, "o1", T0, delay_seconds=1, reason="x"),
        lifecycle.fail(VIDEO, "o1", T0, code="x", message="m", retryable=True,
                       backoff=BACKOFF, max_attempts=3),
    ):  # fmt: skip
        with pytest.raises(lifecycle.Skip):
            write(cancelled)
    with pytest.raises(lifecycle.Skip):
        lifecycle.recover_expired(T0 + timedelta(hours=1), BACKOFF, 3, 90)(cancelled)
    assert not lifecycle.doorbell_due(cancelled, T0 + timedelta(hours=1), 90)


def test_in_flight_video_seconds_count_a_submitted_or_intended_block():
    assert lifecycle.in_flight_video_seconds(job()) == 0
    assert lifecycle.in_flight_video_seconds(job(veo_operation={"block": 0})) == 8
    assert lifecycle.in_flight_video_seconds(job(veo_submit_intent={"block": 3})) == 7


def test_a_late_poll_doorbell_is_not_a_failed_attempt():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o1", T0, 90))
    doc = apply(doc, lifecycle.wait(VIDEO, "o1", T0, T0 + timedelta(seconds=10), 30))
    late = T0 + timedelta(seconds=41)
    doc = apply(doc, lifecycle.recover_expired(late, BACKOFF, 3, 90))
    assert doc["status"] == "generating_video" and doc["wake_at"] == late
    assert doc["late_polls"] == 1 and doc["attempts"] == {"video": 1}


def fail_retryable(doc, owner):
    """A retryable video failure whose retry is due at once."""
    fail = lifecycle.fail(
        VIDEO, owner, T0, code="x", message="503", retryable=True, backoff=BACKOFF, max_attempts=3
    )
    doc = apply(doc, fail)
    doc["next_retry_at"] = None
    return doc


def test_progress_restarts_the_attempt_budget():
    doc = job(status="script_generated")
    for n in range(1, 6):
        doc = apply(doc, lifecycle.claim(VIDEO, f"o{n}", T0, 90))
        doc = apply(doc, lifecycle.made_progress(VIDEO, f"o{n}", T0, {"completed_blocks": n}))
        doc = fail_retryable(doc, f"o{n}")
    assert doc["status"] == "script_generated" and doc["attempts"] == {"video": 5}
    for n in range(6, 8):  # the 3rd attempt without progress is the last
        doc = apply(doc, lifecycle.claim(VIDEO, f"o{n}", T0, 90))
        doc = fail_retryable(doc, f"o{n}")
    assert doc["status"] == "failed"
    assert doc["error"]["message"].startswith("video failed 3 times in a row")
