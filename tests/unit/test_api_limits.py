"""Cancel and per-creator limits through the API, over in-memory ports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.api import create_app
from shortvideo.stages import monitor_stage
from shortvideo.stages.cancel import cancel_job
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services, register_creator

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _svc(tmp_path: Any, **env: str) -> Any:
    svc = memory_services(tmp_path, **env)
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs)
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    return svc


def _token(svc: Any, name: str) -> dict[str, str]:
    token = register_creator(svc, name)[1]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def svc(tmp_path):
    return _svc(tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="0")


@pytest.fixture
def client(svc):
    return TestClient(create_app(svc))


def test_the_owner_cancels_a_queued_job_and_its_estimate_goes_back(client, svc):
    ada, bob = _token(svc, "ada"), _token(svc, "bob")
    video_id = client.post("/videos", json={"theme": "Bees"}, headers=ada).json()["video_id"]
    month = f"{utcnow():%Y-%m}"
    assert svc.jobs.budgets[month] == pytest.approx(25.6)
    theirs = client.post(f"/videos/{video_id}/cancel", headers=bob)
    missing = client.post(f"/videos/{'0' * 32}/cancel", headers=bob)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"]["code"] == "unknown_video_id"
    assert svc.jobs.get_job(video_id)["status"] == "queued"
    cancelled = client.post(f"/videos/{video_id}/cancel", headers=ada)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert svc.jobs.budgets[month] == pytest.approx(0.0)
    again = client.post(f"/videos/{video_id}/cancel", headers=ada)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_cancellable"
    assert svc.jobs.budgets[month] == pytest.approx(0.0)  # released once only
    # The script agent's doorbell finds nothing to do.
    assert handle_script(svc, video_id)["outcome"] == "skipped"


def test_a_running_video_stage_loses_its_lease_and_submits_nothing(svc):
    video_id = client_post(svc)
    handle_script(svc, video_id)
    real_download = svc.blobs.download_bytes

    def cancel_while_loading(name: str) -> bytes:  # the creator cancels mid-invocation
        cancel_job(svc, video_id, "ada")
        return real_download(name)

    svc.blobs.download_bytes = cancel_while_loading
    outcome = handle_video(svc, video_id)
    assert outcome["outcome"] == "abandoned"
    assert svc.video_model.submitted == []
    doc = svc.jobs.get_job(video_id)
    assert doc["status"] == "cancelled" and doc["lease_owner"] is None
    assert monitor_stage.run_monitor(svc)["checked"] == 0  # the monitor ignores it


def test_only_the_unbilled_part_is_released(svc):
    video_id = client_post(svc)
    month = f"{utcnow():%Y-%m}"
    svc.jobs.jobs[video_id].update(
        status="generating_video",
        cost={"estimated_usd": 25.6, "actual_usd": 3.2, "billed_seconds": 8},
        veo_operation={"block": 1, "model": svc.video_model.model, "name": "ops/1"},
    )
    doc = cancel_job(svc, video_id, "ada")
    in_flight = 7 * svc.settings.price_per_second(svc.video_model.model)
    assert doc["cost"]["released_usd"] == pytest.approx(25.6 - 3.2 - in_flight)
    assert svc.jobs.budgets[month] == pytest.approx(3.2 + in_flight)


def client_post(svc: Any) -> str:
    client = TestClient(create_app(svc))
    response = client.post("/videos", json={"theme": "Bees"}, headers=_token(svc, "ada"))
    assert response.status_code == 202, response.text
    return str(response.json()["video_id"])


def test_a_creator_over_the_running_cap_gets_429_with_a_clear_code(tmp_path):
    svc = _svc(tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="2", CREATE_VIDEO_PER_MINUTE="0")
    client = TestClient(create_app(svc))
    ada, bob = _token(svc, "ada"), _token(svc, "bob")
    first, _ = (client.post("/videos", json={"theme": t}, headers=ada) for t in "ab")
    refused = client.post("/videos", json={"theme": "c"}, headers=ada)
    assert refused.status_code == 429
    assert refused.json()["error"] == {
        "code": "too_many_running_jobs",
        "message": refused.json()["error"]["message"],
        "field": None,
    }
    assert client.post("/videos", json={"theme": "b1"}, headers=bob).status_code == 202
    client.post(f"/videos/{first.json()['video_id']}/cancel", headers=ada)
    assert client.post("/videos", json={"theme": "d"}, headers=ada).status_code == 202


def test_an_invalid_request_spends_no_rate_limit_slot(tmp_path):
    svc = _svc(tmp_path, CREATE_VIDEO_PER_MINUTE="1", MAX_RUNNING_JOBS_PER_CREATOR="0")
    client = TestClient(create_app(svc))
    ada = _token(svc, "ada")
    for _ in range(3):
        assert client.post("/videos", json={"theme": ""}, headers=ada).status_code == 422
    assert client.post("/videos", json={"theme": "ok"}, headers=ada).status_code == 202
    limited = client.post("/videos", json={"theme": "ok"}, headers=ada)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert limited.json()["error"]["field"] is None
    assert int(limited.headers["retry-after"]) >= 1
