"""Quota errors, rate limits, model fallback and cost control, over in-memory ports."""

from datetime import timedelta

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.errors import BudgetExceeded, CostCeilingExceeded
from shortvideo.stages import intake
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services


def services(tmp_path, **env):
    svc = memory_services(tmp_path, QUOTA_BACKOFF_SECONDS="5,10", **env)
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    model = ScriptedVideoModel(svc.blobs)
    model.provider = "google"
    model.model = "veo-3.1-generate-001"
    svc._lazy["video"] = model
    return svc, model


def scripted_job(svc):
    video_id = intake.create_job(svc, {"theme": "Coral reefs"})["video_id"]
    handle_script(svc, video_id)
    return video_id


def make_due(svc, video_id):
    svc.jobs.jobs[video_id]["next_retry_at"] = utcnow() - timedelta(seconds=1)


def test_quota_errors_back_off_without_spending_attempts_then_fall_back(tmp_path):
    svc, model = services(tmp_path)
    model.quota_errors = 3
    video_id = scripted_job(svc)
    delays = []
    for _ in range(3):
        outcome = handle_video(svc, video_id)
        assert outcome["outcome"] == "throttled"
        delays.append(outcome["delay_seconds"])
        assert svc.tasks.rung[-1]["stage"] == "video"
        make_due(svc, video_id)
    assert delays == [5, 10, 10]
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "script_generated" and doc["attempts"]["video"] == 1
    assert doc["video_model"] == "veo-3.1-fast-generate-001"
    assert doc["model_fallback"]["after_quota_errors"] == 3
    while svc.jobs.get_job(video_id)["status"] != "video_generated":
        handle_video(svc, video_id)
    doc = svc.jobs.get_job(video_id)
    assert doc["attempts"]["video"] == 1
    assert {op["model"] for op in doc["video_operations"]} == {"veo-3.1-fast-generate-001"}
    assert doc["cost"]["actual_usd"] == pytest.approx(64 * 0.15)
    assert {s.model for s in model.submitted} == {"veo-3.1-fast-generate-001"}


def test_fallback_can_be_disabled(tmp_path):
    svc, model = services(tmp_path, VEO_ALLOW_FALLBACK="false")
    model.quota_errors = 4
    video_id = scripted_job(svc)
    for _ in range(4):
        handle_video(svc, video_id)
        make_due(svc, video_id)
    assert svc.jobs.get_job(video_id)["video_model"] == "veo-3.1-generate-001"


def test_rate_limit_defers_submissions_beyond_requests_per_minute(tmp_path):
    svc, model = services(tmp_path, VEO_REQUESTS_PER_MINUTE="2")
    video_id = scripted_job(svc)
    outcome = handle_video(svc, video_id)  # blocks 0 and 1 submitted, then the limit
    assert outcome["outcome"] == "throttled" and outcome["delay_seconds"] == 30
    assert [s.block_index for s in model.submitted] == [0, 1]
    assert svc.jobs.get_job(video_id)["throttles"] == {"video": 1}


def test_cost_ceiling_and_monthly_budget_refuse_before_anything_is_billed(tmp_path):
    svc, _ = services(tmp_path, MAX_JOB_COST_USD="30")
    with pytest.raises(CostCeilingExceeded) as err:
        intake.create_job(svc, {"theme": "Long one", "target_seconds": 85})
    assert err.value.field == "target_seconds" and err.value.http_status == 422
    svc, _ = services(tmp_path, MONTHLY_BUDGET_USD="60")
    intake.create_job(svc, {"theme": "First"})
    intake.create_job(svc, {"theme": "Second"})
    with pytest.raises(BudgetExceeded):
        intake.create_job(svc, {"theme": "Third"})
    assert len(svc.jobs.jobs) == 2


def test_running_job_stops_at_its_ceiling(tmp_path):
    svc, model = services(tmp_path, MAX_JOB_COST_USD="26")
    video_id = scripted_job(svc)  # estimate 25.60 fits; a re-billed block would not
    svc.jobs.jobs[video_id]["cost"]["actual_usd"] = 25.0
    outcome = handle_video(svc, video_id)
    assert outcome["outcome"] == "failed"
    doc = svc.jobs.get_job(video_id)
    assert doc["error"]["code"] == "cost_ceiling_reached" and model.submitted == []
