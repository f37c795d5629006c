"""The job's last stage logs what the "video generation" dashboard plots (generation time, cost).

infra/terraform/modules/observability reads `job_seconds` and `cost_usd` from the
`stage_completed` line whose status is "completed"; earlier stages' lines carry neither.
"""

from __future__ import annotations

from datetime import timedelta

from structlog.testing import capture_logs

from shortvideo.models import ASSEMBLE, SCRIPT
from shortvideo.stages import intake
from shortvideo.stages.runner import StageContext, run_stage
from tests.fakes import memory_services


def _completed_line(svc, stage, video_id) -> dict:
    def work(ctx: StageContext) -> None:
        ctx.complete()

    with capture_logs() as logged:
        run_stage(svc, stage, video_id, work)
    return next(line for line in logged if line["event"] == "stage_completed")


def test_the_final_stage_logs_generation_seconds_and_the_billed_cost(tmp_path):
    svc = memory_services(tmp_path)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    doc = svc.jobs.jobs[video_id]
    # As if the video stage had finished 10 minutes after creation, billing 64 s at $0.40.
    doc.update(status="video_generated", created_at=doc["created_at"] - timedelta(minutes=10),
               cost={**doc["cost"], "actual_usd": 25.6})
    line = _completed_line(svc, ASSEMBLE, video_id)
    assert line["status"] == "completed"
    assert 600 <= line["job_seconds"] < 660
    assert line["cost_usd"] == 25.6


def test_an_earlier_stage_logs_neither(tmp_path):
    svc = memory_services(tmp_path)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    line = _completed_line(svc, SCRIPT, video_id)
    assert line["status"] == "script_generated"
    assert line["job_seconds"] is None and line["cost_usd"] is None
