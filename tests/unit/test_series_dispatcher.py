"""The series dispatcher with an injected clock: one job per schedule and slot, whatever runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shortvideo import lifecycle
from shortvideo.errors import ProviderError
from shortvideo.series import dispatcher as dispatcher_module
from shortvideo.series.dispatcher import run_dispatcher
from shortvideo.series.schedules import create_schedule, delete_schedule, update_schedule
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services

T0 = datetime(2026, 6, 1, 8, 0, 30, tzinfo=UTC)  # 10:00:30 in Paris
EVERY_MINUTE = {"name": "minutes", "cron": "* * * * *", "time_zone": "Europe/Paris"}


def services(tmp_path: Any, **env: str) -> Any:
    settings = {"MAX_RUNNING_JOBS_PER_CREATOR": "0", "CREATE_VIDEO_PER_MINUTE": "0",
                "CREATE_VIDEO_PER_HOUR": "0", **env}  # fmt: skip
    svc = memory_services(tmp_path, **settings)
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs)
    svc._lazy["script"] = FixedScriptModel(lambda brief: None)
    return svc


@pytest.fixture
def svc(tmp_path: Any) -> Any:
    return services(tmp_path)


def jobs_of(svc: Any, schedule_id: str) -> list[dict[str, Any]]:
    return sorted(
        (j for j in svc.jobs.jobs.values() if j.get("series_id") == schedule_id),
        key=lambda j: j["created_at"],
    )


def slots_of(svc: Any, schedule_id: str) -> list[dict[str, Any]]:
    return svc.schedules.list_slots(schedule_id, 100)


def test_each_due_slot_makes_one_job_with_the_schedules_request(svc: Any) -> None:
    spec = {**EVERY_MINUTE, "themes": ["octopus", "comets"], "style": "anime",
            "language": "fr", "target_seconds": 71}  # fmt: skip
    schedule = create_schedule(svc, "ada", spec, now=T0)
    summary = run_dispatcher(svc, now=T0 + timedelta(minutes=2))
    jobs = jobs_of(svc, schedule["schedule_id"])
    assert len(summary["created"]) == 2 and len(jobs) == 2
    assert [j["theme"] for j in jobs] == ["octopus", "comets"]  # the list in turn
    assert {(j["style"], j["language"], j["target_seconds"], j["created_by"]) for j in jobs} == {
        ("anime", "fr", 71, "ada")
    }
    slots = slots_of(svc, schedule["schedule_id"])
    assert [s["slot_at"] for s in slots] == [T0 + timedelta(seconds=90), T0 + timedelta(seconds=30)]
    assert {s["video_id"] for s in slots} == {j["video_id"] for j in jobs}
    assert all(s["outcome"] == "created" for s in slots)
    # Each job rang the script agent, as a POST /videos job does.
    rung = sorted(r["video_id"] for r in svc.tasks.rung if r["stage"] == "script")
    assert rung == sorted(j["video_id"] for j in jobs)


def test_a_second_run_at_the_same_time_makes_nothing_more(svc: Any) -> None:
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    now = T0 + timedelta(minutes=3)
    run_dispatcher(svc, now=now)
    again = run_dispatcher(svc, now=now)
    assert again["created"] == [] and again["due_schedules"] == 0
    assert len(jobs_of(svc, schedule["schedule_id"])) == 3


def test_a_run_that_crashed_after_the_job_makes_no_second_job_for_that_slot(svc: Any) -> None:
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a", "b"]}, now=T0)
    now = T0 + timedelta(seconds=40)  # one slot due, 08:01:00
    real_update = svc.schedules.update_schedule

    def crash(*args: Any) -> Any:
        raise RuntimeError("the process died after the job was created")

    svc.schedules.update_schedule = crash
    with pytest.raises(RuntimeError):
        run_dispatcher(svc, now=now)
    svc.schedules.update_schedule = real_update
    assert len(jobs_of(svc, schedule["schedule_id"])) == 1
    summary = run_dispatcher(svc, now=now + timedelta(seconds=5))  # the restarted run, late
    assert summary["created"] == [] and summary["already"] == 1
    assert len(jobs_of(svc, schedule["schedule_id"])) == 1
    # The cursor moved on with the recorded slot: the next theme is the list's next one.
    run_dispatcher(svc, now=now + timedelta(minutes=1))
    assert [j["theme"] for j in jobs_of(svc, schedule["schedule_id"])] == ["a", "b"]


def test_two_runs_racing_for_one_slot_make_one_job(svc: Any) -> None:
    """The second run read the schedule before the first wrote anything (both see the slot
    free); the slot document created with the job stops the second."""
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    now = T0 + timedelta(seconds=40)
    stale = svc.schedules.list_due_schedules(now, 10)
    real_get_slot = svc.schedules.get_slot
    svc.schedules.get_slot = lambda slot_id: None  # both runs passed the cheap check
    run_dispatcher(svc, now=now)
    summary: dict[str, Any] = {"created": [], "skipped": [], "already": 0,
                               "not_backfilled": 0, "errors": 0}  # fmt: skip
    svc.schedules.get_slot = real_get_slot
    real_read = svc.schedules.get_slot
    calls = {"n": 0}

    def first_read_misses(slot_id: str) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_read(slot_id)

    svc.schedules.get_slot = first_read_misses
    dispatcher_module._dispatch_schedule(svc, stale[0], now, summary)
    assert summary["created"] == [] and summary["already"] == 1
    assert len(jobs_of(svc, schedule["schedule_id"])) == 1


def test_a_late_run_makes_the_missed_slots_inside_the_catch_up_window_only(tmp_path: Any) -> None:
    svc = services(tmp_path, SERIES_CATCHUP_SECONDS="300")
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    summary = run_dispatcher(svc, now=T0 + timedelta(hours=2))  # down for two hours
    assert summary["not_backfilled"] == 1
    slots = slots_of(svc, schedule["schedule_id"])
    # 5 minutes of window back from 10:00:30: the slots 09:56 to 10:00, none before.
    assert sorted(s["slot_at"] for s in slots) == [
        datetime(2026, 6, 1, 9, 56, tzinfo=UTC) + timedelta(minutes=n) for n in range(5)
    ]
    assert len(jobs_of(svc, schedule["schedule_id"])) == 5
    later = run_dispatcher(svc, now=T0 + timedelta(hours=2, seconds=20))
    assert later["created"] == [] and later["due_schedules"] == 0


def test_a_slot_refused_for_lack_of_budget_is_recorded_with_its_reason(tmp_path: Any) -> None:
    svc = services(tmp_path, MONTHLY_BUDGET_USD="1")  # a 64 s video costs more than $1
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    summary = run_dispatcher(svc, now=T0 + timedelta(seconds=40))
    assert summary["skipped"] and not summary["created"]
    [slot] = slots_of(svc, schedule["schedule_id"])
    assert slot["outcome"] == "skipped" and slot["video_id"] is None
    assert slot["reason"]["code"] == "monthly_budget_exceeded"
    assert jobs_of(svc, schedule["schedule_id"]) == []
    # The skip is final for that slot: a later run does not retry it, and the cursor moved on.
    again = run_dispatcher(svc, now=T0 + timedelta(seconds=50))
    assert again["skipped"] == [] and again["due_schedules"] == 0


def test_a_slot_over_the_creators_running_jobs_cap_is_skipped_and_the_theme_kept(
    tmp_path: Any,
) -> None:
    svc = services(tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="1")
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a", "b"]}, now=T0)
    run_dispatcher(svc, now=T0 + timedelta(minutes=2))  # two slots, room for one job
    slots = slots_of(svc, schedule["schedule_id"])
    assert [s["outcome"] for s in slots] == ["skipped", "created"]
    assert slots[0]["reason"]["code"] == "too_many_running_jobs"
    for video_id in list(svc.jobs.jobs):  # ended through the lifecycle: settlement frees the slot
        svc.jobs.mutate_job(video_id, lifecycle.cancel(T0, by="ada", unbilled_usd=lambda d: 0.0))
    run_dispatcher(svc, now=T0 + timedelta(minutes=3))
    # The skipped slot did not use up "b": the next made video has it.
    assert [j["theme"] for j in jobs_of(svc, schedule["schedule_id"])] == ["a", "b"]


def test_a_transient_failure_leaves_the_slot_for_the_next_run(svc: Any) -> None:
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "theme_prompt": "space"}, now=T0)
    model = svc._lazy["script"]
    real = model.propose_theme

    def down(*args: Any) -> str:
        raise ProviderError("Gemini is unavailable")

    model.propose_theme = down
    summary = run_dispatcher(svc, now=T0 + timedelta(seconds=40))
    assert summary["errors"] == 1 and slots_of(svc, schedule["schedule_id"]) == []
    model.propose_theme = real
    run_dispatcher(svc, now=T0 + timedelta(seconds=50))
    [slot] = slots_of(svc, schedule["schedule_id"])
    assert slot["outcome"] == "created" and slot["slot_at"] == T0 + timedelta(seconds=30)


def test_proposed_themes_are_asked_to_avoid_the_last_n(tmp_path: Any) -> None:
    svc = services(tmp_path, SERIES_THEME_MEMORY="2")
    create_schedule(svc, "ada", {**EVERY_MINUTE, "theme_prompt": "space"}, now=T0)
    run_dispatcher(svc, now=T0 + timedelta(minutes=4))
    proposals = svc._lazy["script"].proposals
    assert [avoid for _, avoid in proposals] == [
        [], ["space #1"], ["space #1", "space #2"], ["space #2", "space #3"],
    ]  # fmt: skip


def test_a_paused_schedule_makes_nothing_and_resumes_within_the_window(tmp_path: Any) -> None:
    svc = services(tmp_path, SERIES_CATCHUP_SECONDS="120")
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    sid = schedule["schedule_id"]
    update_schedule(svc, "ada", sid, {"paused": True}, now=T0)
    assert run_dispatcher(svc, now=T0 + timedelta(minutes=10))["due_schedules"] == 0
    assert jobs_of(svc, sid) == []
    update_schedule(svc, "ada", sid, {"paused": False}, now=T0 + timedelta(minutes=10))
    run_dispatcher(svc, now=T0 + timedelta(minutes=10))
    # Only the slots of the last 2 minutes are made, not the ten missed while paused.
    assert len(jobs_of(svc, sid)) == 2


def test_a_deleted_schedule_makes_nothing_more(svc: Any) -> None:
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a"]}, now=T0)
    run_dispatcher(svc, now=T0 + timedelta(seconds=40))
    delete_schedule(svc, "ada", schedule["schedule_id"])
    summary = run_dispatcher(svc, now=T0 + timedelta(minutes=5))
    assert summary["due_schedules"] == 0
    assert len(jobs_of(svc, schedule["schedule_id"])) == 1


def test_a_schedule_of_a_daily_nine_oclock_makes_its_slot_at_paris_nine(svc: Any) -> None:
    daily = {"name": "daily", "cron": "0 9 * * *", "time_zone": "Europe/Paris", "themes": ["a"]}
    schedule = create_schedule(svc, "ada", daily, now=T0)  # 10:00 Paris: tomorrow's 09:00
    assert run_dispatcher(svc, now=T0 + timedelta(hours=22))["created"] == []
    run_dispatcher(svc, now=datetime(2026, 6, 2, 7, 0, 5, tzinfo=UTC))
    [slot] = slots_of(svc, schedule["schedule_id"])
    assert slot["slot_at"] == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)


def test_a_verified_creators_series_gets_the_free_video_then_skips_for_lack_of_credit(
    tmp_path: Any,
) -> None:
    svc = services(tmp_path, BILLING_ENFORCED="true", FREE_VIDEOS_PER_MONTH="1")
    svc.clock = lambda: T0
    svc.schedules.verified_creators.add("ada")  # users/ada says email_verified
    schedule = create_schedule(svc, "ada", {**EVERY_MINUTE, "themes": ["a", "b"]}, now=T0)
    run_dispatcher(svc, now=T0 + timedelta(minutes=2))  # two slots; one free video this month
    slots = slots_of(svc, schedule["schedule_id"])
    assert [s["outcome"] for s in slots] == ["skipped", "created"]
    assert slots[0]["reason"]["code"] == "payment_required"
    [job] = jobs_of(svc, schedule["schedule_id"])
    assert job["billing"]["kind"] == "free"
    assert job["video_model"] == svc.settings.veo_fallback_model
    # An unverified creator's series gets no free video: its first slot is skipped.
    bob = create_schedule(svc, "bob", {**EVERY_MINUTE, "themes": ["c"]}, now=T0)
    run_dispatcher(svc, now=T0 + timedelta(minutes=1))
    [skipped] = slots_of(svc, bob["schedule_id"])
    assert skipped["outcome"] == "skipped" and skipped["reason"]["code"] == "payment_required"
