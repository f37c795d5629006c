from datetime import UTC, datetime, timedelta

import pytest

from shortvideo import lifecycle
from shortvideo.attempt_budget import RetryPolicy
from shortvideo.models import ASSEMBLE, SCRIPT, VIDEO, Status, VideoRequest

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BACKOFF = (60, 180, 600)
STALL = 3600
POLICY = RetryPolicy(BACKOFF, 3, STALL)


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
                policy=POLICY,
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
            policy=POLICY,
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
        lifecycle.recover_expired(T0 + timedelta(seconds=29), POLICY, 90)(doc)
    doc = apply(doc, lifecycle.recover_expired(T0 + timedelta(seconds=31), POLICY, 90))
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
        lifecycle.throttle(VIDEO, "o1", T0, delay_seconds=1, reason="x", stall_seconds=STALL),
        lifecycle.fail(VIDEO, "o1", T0, code="x", message="m", retryable=True,
                       policy=POLICY),
    ):  # fmt: skip
        with pytest.raises(lifecycle.Skip):
            write(cancelled)
    with pytest.raises(lifecycle.Skip):
        lifecycle.recover_expired(T0 + timedelta(hours=1), POLICY, 90)(cancelled)
    assert not lifecycle.doorbell_due(cancelled, T0 + timedelta(hours=1), 90)


def test_in_flight_video_seconds_count_a_submitted_or_intended_block():
    assert lifecycle.in_flight_video_seconds(job()) == 0
    assert lifecycle.in_flight_video_seconds(job(veo_operation={"block": 0})) == 8
    assert lifecycle.in_flight_video_seconds(job(veo_submit_intent={"block": 3})) == 7


def test_a_late_poll_doorbell_is_not_a_failed_attempt():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o1", T0, 90))
    doc = apply(doc, lifecycle.wait(VIDEO, "o1", T0, T0 + timedelta(seconds=10), 30))
    late = T0 + timedelta(seconds=41)
    doc = apply(doc, lifecycle.recover_expired(late, POLICY, 90))
    assert doc["status"] == "generating_video" and doc["wake_at"] == late
    assert doc["late_polls"] == 1 and doc["attempts"] == {"video": 1}


def fail_retryable(doc, owner):
    """A retryable video failure whose retry is due at once."""
    fail = lifecycle.fail(
        VIDEO, owner, T0, code="x", message="503", retryable=True, policy=POLICY
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


# -- the attempt budget (decision 0014) ------------------------------------------------------
def expire(doc, at):
    """The stage's function died: its lease ran out and the monitor finds it at `at`."""
    doc = {**doc, "lease_expires_at": at - timedelta(seconds=1)}
    return apply(doc, lifecycle.recover_expired(at, POLICY, 90))


def claim_due(doc, stage, owner):
    """Claim at the retry's due time (or at once when none is set)."""
    at = doc.get("next_retry_at") or doc["updated_at"]
    return apply(doc, lifecycle.claim(stage, owner, at, 90)), at


def test_killed_stages_spend_no_attempt_and_back_off_until_the_stall_clock_runs_out():
    doc = apply(job(), lifecycle.claim(SCRIPT, "o0", T0, 90))
    delays = []
    for n in range(1, 7):  # six kills in a row, within the hour: each retried
        at = doc["updated_at"] + timedelta(seconds=100)
        doc = expire(doc, at)
        assert doc["status"] == "queued", doc["error"]
        delays.append((doc["next_retry_at"] - at).total_seconds())
        doc, _ = claim_due(doc, SCRIPT, f"o{n}")
    assert delays == [60, 180, 600, 600, 600, 600]  # the series, its last value repeated
    assert doc["attempts"] == {"script": 7} and doc["transient_faults"] == {"script": 6}
    # The counted budget is intact: a failure of ours after six kills is the first in a row.
    counted = lifecycle.fail(SCRIPT, "o6", doc["updated_at"], code="media_error", message="m",
                             retryable=True, policy=POLICY)  # fmt: skip
    assert apply(doc, counted)["status"] == "queued"
    # A stage that keeps dying ends: once it has gone an hour without progress.
    late = T0 + timedelta(seconds=STALL)
    doc = expire(doc, late)
    assert doc["status"] == "failed" and doc["error"]["code"] == "lease_expired"
    assert doc["error"]["message"].startswith("script made no progress for 60 min through 7")
    assert "stopped responding" in doc["error"]["message"]


def test_transient_provider_errors_are_bounded_by_time_not_by_count():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o0", T0, 90))
    delays = []
    for n in range(1, 6):
        at = doc["updated_at"] + timedelta(seconds=30)
        doc = apply(doc, lifecycle.fail(VIDEO, doc["lease_owner"], at, code="provider_error",
                                        message="503", retryable=True, policy=POLICY,
                                        transient=True))  # fmt: skip
        assert doc["status"] == "script_generated", doc["error"]
        delays.append((doc["next_retry_at"] - at).total_seconds())
        doc, _ = claim_due(doc, VIDEO, f"o{n}")
    assert delays == [60, 180, 600, 600, 600]
    assert doc["attempts"]["video"] - doc["attempt_base"]["video"] == 1  # all five were free
    stuck = lifecycle.fail(VIDEO, doc["lease_owner"], T0 + timedelta(seconds=STALL),
                           code="provider_error", message="503 again", retryable=True,
                           policy=POLICY, transient=True)  # fmt: skip
    doc = apply(doc, stuck)
    assert doc["status"] == "failed"
    assert doc["error"]["message"] == (
        "video made no progress for 60 min through 6 transient faults in a row; "
        "last error: 503 again"
    )


def test_a_finished_block_restarts_the_stall_clock():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o0", T0, 90))
    nearly = T0 + timedelta(seconds=STALL - 1)
    doc = expire(doc, nearly - timedelta(seconds=200))
    doc = apply(doc, lifecycle.claim(VIDEO, "o1", nearly, 90))
    doc = apply(doc, lifecycle.made_progress(VIDEO, "o1", nearly, {"completed_blocks": 1}))
    assert doc["progress_at"] == {"video": nearly} and doc["transient_faults"] == {"video": 0}
    doc = expire(doc, T0 + timedelta(seconds=STALL + 600))  # an hour after the start, not after
    assert doc["status"] == "script_generated"  # the block: retried
    assert doc["next_retry_at"] == T0 + timedelta(seconds=STALL + 660)  # backoff starts over
    doc = apply(doc, lifecycle.claim(VIDEO, "o2", doc["next_retry_at"], 90))
    doc = expire(doc, nearly + timedelta(seconds=STALL))
    assert doc["status"] == "failed"


def test_counted_failures_still_end_after_max_attempts_between_free_ones():
    doc = job()
    kinds = [True, False, True, False, True, True, False]  # transient?
    for n, transient in enumerate(kinds):
        doc, at = claim_due(doc, SCRIPT, f"o{n}")
        doc = apply(doc, lifecycle.fail(SCRIPT, f"o{n}", at, code="internal", message="bug",
                                        retryable=True, policy=POLICY,
                                        transient=transient))  # fmt: skip
        if n < len(kinds) - 1:
            assert doc["status"] == "queued", (n, doc["error"])
    assert doc["status"] == "failed"
    assert doc["error"]["message"] == "script failed 3 times in a row; last error: bug"


def test_a_free_failure_after_a_throttle_frees_the_attempt_the_throttle_kept():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o0", T0, 90))
    throttled = lifecycle.throttle(VIDEO, "o0", T0, delay_seconds=0, reason="rate",
                                   stall_seconds=STALL)  # fmt: skip
    doc = apply(doc, throttled)
    doc = apply(doc, lifecycle.claim(VIDEO, "o1", T0, 90))  # spends nothing after a throttle
    assert doc["attempts"] == {"video": 1}
    doc = expire(doc, T0 + timedelta(seconds=100))
    assert doc["attempt_base"] == {"video": 1}  # the one attempt spent is free again
    for n in range(2, 5):
        doc, at = claim_due(doc, VIDEO, f"o{n}")
        doc = apply(doc, lifecycle.fail(VIDEO, f"o{n}", at, code="media_error", message="m",
                                        retryable=True, policy=POLICY))  # fmt: skip
    assert doc["status"] == "failed" and "failed 3 times in a row" in doc["error"]["message"]


def test_throttles_spend_nothing_until_the_stall_clock_runs_out():
    doc = apply(job(status="script_generated"), lifecycle.claim(VIDEO, "o0", T0, 90))
    for n, minutes in enumerate((1, 20, 59), start=1):
        at = T0 + timedelta(minutes=minutes)
        doc = apply(doc, lifecycle.throttle(VIDEO, doc["lease_owner"], at, delay_seconds=30,
                                            reason="429", stall_seconds=STALL,
                                            code="quota_exceeded"))  # fmt: skip
        assert doc["status"] == "script_generated"
        doc = apply(doc, lifecycle.claim(VIDEO, f"o{n}", at + timedelta(seconds=30), 90))
    assert doc["attempts"] == {"video": 1}
    at = T0 + timedelta(seconds=STALL)
    doc = apply(doc, lifecycle.throttle(VIDEO, "o3", at, delay_seconds=30, reason="429",
                                        stall_seconds=STALL, code="quota_exceeded"))  # fmt: skip
    assert doc["status"] == "failed" and doc["error"]["code"] == "quota_exceeded"
    assert doc["error"]["message"] == (
        "video made no progress for 60 min while throttled (4 throttles); last: 429"
    )
    assert doc["lease_owner"] is None and doc["error"]["stage"] == "video"
