"""Stage logic over in-memory ports: handoffs, idempotency, resume and the monitor."""

from datetime import timedelta

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.errors import UnknownCharacter, UnknownJob, UnknownMusic
from shortvideo.stages import intake, monitor_stage
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services


@pytest.fixture
def svc(tmp_path):
    services = memory_services(tmp_path, VIDEO_POLL_SECONDS="5", RETRY_BACKOFF_SECONDS="0,0,0")
    writer = DemoScriptWriter()
    services._lazy["script"] = FixedScriptModel(writer.write_script)
    services._lazy["video"] = ScriptedVideoModel(services.blobs, polls_until_done=1)
    return services


def make_job(svc, **payload):
    return intake.create_job(svc, {"theme": "Bees and flowers", **payload})


def test_create_rings_script_and_rejects_unknown_references(svc):
    job = make_job(svc, style="vintage")
    assert job["status"] == "queued" and job["block_count"] == 9
    assert svc.tasks.rung == [
        {"stage": "script", "video_id": job["video_id"], "task_key": "a1", "delay_seconds": 0}
    ]
    assert job["cost"]["estimated_usd"] == pytest.approx(64 * 0.40)
    with pytest.raises(UnknownCharacter):
        make_job(svc, character_id="ghost")
    with pytest.raises(UnknownMusic):
        make_job(svc, music="nothing")
    assert len(svc.jobs.jobs) == 1  # nothing half-written by the rejected requests


def test_script_stage_caches_and_ignores_a_second_doorbell(svc):
    first = make_job(svc)["video_id"]
    assert handle_script(svc, first) == {"outcome": "done"}
    assert handle_script(svc, first)["outcome"] == "skipped"
    doc = svc.jobs.get_job(first)
    assert doc["status"] == "script_generated" and doc["script_file"].endswith(f"{first}.json")
    assert svc.tasks.rung[-1]["stage"] == "video"
    second = make_job(svc)["video_id"]
    handle_script(svc, second)
    assert svc.jobs.get_job(second)["script_cache_hit"] is True
    assert svc.script_model.calls == 1
    with pytest.raises(UnknownJob):
        handle_script(svc, "missing")


def run_video_to_end(svc, video_id, limit=100):
    for _ in range(limit):
        doc = svc.jobs.get_job(video_id)
        if doc["status"] != "generating_video" and doc["status"] != "script_generated":
            return doc
        if doc.get("wake_at"):
            svc.jobs.jobs[video_id]["wake_at"] = utcnow() - timedelta(seconds=1)
        handle_video(svc, video_id)
    raise AssertionError("video stage did not finish")


def test_video_stage_polls_by_rescheduling_and_never_resubmits_a_block(svc):
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs, polls_until_done=2)
    video_id = make_job(svc)["video_id"]
    handle_script(svc, video_id)
    outcome = handle_video(svc, video_id)
    assert outcome["outcome"] == "waiting"
    doc = svc.jobs.get_job(video_id)
    assert doc["veo_operation"]["block"] == 0 and doc["lease_owner"] == "waiting"
    assert svc.tasks.rung[-1]["delay_seconds"] == 5
    assert handle_video(svc, video_id) == {"outcome": "skipped", "reason": "poll not due yet"}
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated"
    assert doc["completed_blocks"] == doc["total_blocks"] == 9
    blocks = [step.block_index for step in svc.video_model.submitted]
    assert blocks == list(range(9))
    assert [s.previous_video_uri is None for s in svc.video_model.submitted] == [True] + [False] * 8
    assert doc["cost"]["billed_seconds"] == 64
    assert svc.tasks.rung[-1]["stage"] == "assemble"


def test_video_failure_is_retried_from_the_failed_block(svc):
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs, errors={3: "quota"})
    video_id = make_job(svc)["video_id"]
    handle_script(svc, video_id)
    assert handle_video(svc, video_id)["outcome"] == "retry_scheduled"
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "script_generated" and doc["completed_blocks"] == 3
    assert doc["error"]["code"] == "provider_error"
    summary = monitor_stage.run_monitor(svc)
    assert summary["rung"][0]["stage"] == "video"
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated"
    assert [s.block_index for s in svc.video_model.submitted] == [0, 1, 2, 3, 3, 4, 5, 6, 7, 8]


def test_monitor_recovers_a_crashed_stage_and_resumes_its_operation(svc):
    video_id = make_job(svc)["video_id"]
    handle_script(svc, video_id)
    model = svc.video_model
    model.polls_until_done = 99
    handle_video(svc, video_id)  # submits block 0, then waits
    late = monitor_stage.run_monitor(svc, now=utcnow() + timedelta(seconds=200))
    assert late["rung"] == [{"video_id": video_id, "stage": "video", "late_poll": True}]
    svc.jobs.jobs[video_id]["lease_owner"] = "video-crashed"  # a handler died mid-poll
    svc.jobs.jobs[video_id]["lease_expires_at"] = utcnow() - timedelta(seconds=1)
    summary = monitor_stage.run_monitor(svc)
    assert summary["recovered"][0]["video_id"] == video_id
    assert svc.jobs.get_job(video_id)["veo_operation"]["block"] == 0
    model.polls_until_done = 1
    monitor_stage.run_monitor(svc)
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated"
    assert [s.block_index for s in model.submitted].count(0) == 1


def test_monitor_retries_dead_stages_until_the_stall_clock_and_then_fails_readably(svc):
    video_id = make_job(svc)["video_id"]
    jobs = svc.jobs.jobs

    def die() -> dict:
        job = jobs[video_id]
        job.update(status="scripting", lease_owner="dead",
                   lease_expires_at=utcnow() - timedelta(seconds=1))  # fmt: skip
        job["attempts"] = {"script": job["attempts"].get("script", 0) + 1}
        return monitor_stage.run_monitor(svc)

    jobs[video_id]["stage_timings"] = {"script": {"started_at": utcnow()}}
    for _ in range(5):  # killed five times in a row: no attempt spent, retried each time
        summary = die()
        assert summary["recovered"] and jobs[video_id]["status"] == "queued"
    jobs[video_id]["stage_timings"]["script"]["started_at"] = utcnow() - timedelta(hours=1)
    summary = die()
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "failed"
    assert summary["failed"][0]["reason"].startswith("script made no progress for 60 min")
    assert "stopped responding" in doc["error"]["message"]


def test_an_operation_that_never_finishes_is_abandoned_and_retried(tmp_path):
    svc = memory_services(
        tmp_path, VIDEO_OPERATION_TIMEOUT_SECONDS="30", RETRY_BACKOFF_SECONDS="0,0,0"
    )
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    model = ScriptedVideoModel(svc.blobs, polls_until_done=10**6)
    svc._lazy["video"] = model
    video_id = make_job(svc)["video_id"]
    handle_script(svc, video_id)
    assert handle_video(svc, video_id)["outcome"] == "waiting"
    svc.jobs.jobs[video_id]["veo_operation"]["submitted_at"] = utcnow() - timedelta(seconds=31)
    svc.jobs.jobs[video_id]["wake_at"] = utcnow()
    outcome = handle_video(svc, video_id)
    assert outcome["outcome"] == "retry_scheduled"
    doc = svc.jobs.get_job(video_id)
    assert doc["veo_operation"] is None and "unfinished after" in doc["error"]["message"]
    model.polls_until_done = 1
    monitor_stage.run_monitor(svc)
    assert run_video_to_end(svc, video_id)["status"] == "video_generated"


def test_a_narrated_video_asks_the_video_model_for_ambience_only(svc):
    video_id = make_job(svc, voice="Rasalgethi")["video_id"]
    assert svc.jobs.get_job(video_id)["voice"] == "Rasalgethi"
    handle_script(svc, video_id)
    run_video_to_end(svc, video_id)
    steps = svc.video_model.submitted
    assert all(step.dialogue == "" for step in steps)
    assert all("no speech" in step.prompt and "Dialogue" not in step.prompt for step in steps)
    plain = make_job(svc)["video_id"]
    handle_script(svc, plain)
    run_video_to_end(svc, plain)
    plain_steps = svc.video_model.submitted[9:]
    assert len(plain_steps) == 9
    assert all(s.dialogue and 'Dialogue (en): "' in s.prompt for s in plain_steps)
