"""/schedules over in-memory ports: validation naming the field, the cap, ownership, views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shortvideo.api import create_app
from shortvideo.models import Character
from shortvideo.series.dispatcher import run_dispatcher
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services, register_creator

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DAILY = {"name": "Octopus facts", "cron": "0 9 * * 1-5", "time_zone": "Europe/Paris",
         "themes": ["octopus arms", "octopus ink"], "style": "anime", "language": "fr",
         "target_seconds": 64}  # fmt: skip


@pytest.fixture
def svc(tmp_path: Any) -> Any:
    services = memory_services(
        tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="0", SERIES_MAX_SCHEDULES_PER_CREATOR="3"
    )
    services._lazy["video"] = ScriptedVideoModel(services.blobs)
    services._lazy["script"] = FixedScriptModel(lambda brief: None)
    services.blobs.upload_bytes("music/calm.mp3", b"mp3", "audio/mpeg")
    services.jobs.characters["nova"] = Character(
        character_id="nova", name="Nova", description="a robot"
    )
    return services


@pytest.fixture
def tokens(svc: Any) -> dict[str, str]:
    return {
        name: register_creator(svc, name)[1]
        for name in ("ada", "bob")
    }


@pytest.fixture
def client(svc: Any) -> TestClient:
    return TestClient(create_app(svc))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create(client: TestClient, token: str, body: Any) -> Any:
    return client.post("/schedules", json=body, headers=auth(token))


def assert_error(response: Any, status: int, field: str | None, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field, error
    if code is not None:
        assert error["code"] == code, error


def test_a_schedule_is_created_and_shows_its_next_runs_in_utc(client: Any, tokens: Any) -> None:
    response = create(client, tokens["ada"], DAILY)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/schedules/{body['schedule_id']}"
    assert {k: body[k] for k in DAILY} == DAILY
    assert body["paused"] is False and body["theme_prompt"] is None
    runs = [datetime.fromisoformat(r) for r in body["next_runs"]]
    assert len(runs) == 5 and runs == sorted(runs)
    for run in runs:  # weekdays at 09:00 Paris time
        local = run.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
        assert (local.hour, local.minute) == (9, 0) and local.weekday() < 5
    listed = client.get("/schedules", headers=auth(tokens["ada"])).json()["schedules"]
    assert [s["schedule_id"] for s in listed] == [body["schedule_id"]]


@pytest.mark.parametrize(("change", "field"), [
    ({"cron": "0 25 * * *"}, "cron"),
    ({"cron": "every day"}, "cron"),
    ({"time_zone": "Europe/Atlantis"}, "time_zone"),
    ({"themes": []}, "themes"),
    ({"themes": ["ok", ""]}, "themes"),
    ({"themes": None}, "themes"),  # neither themes nor a prompt
    ({"theme_prompt": "space"}, "themes"),  # both
    ({"name": ""}, "name"),
    ({"style": "watercolour"}, "style"),
    ({"language": "de"}, "language"),
    ({"target_seconds": 60}, "target_seconds"),
    ({"voice": "Nobody"}, "voice"),
    ({"character_id": "ghost"}, "character_id"),
    ({"music": "silence"}, "music"),
    ({"paused": "sometimes"}, "paused"),
    ({"created_by": "bob"}, "created_by"),
])  # fmt: skip
def test_a_bad_field_is_refused_naming_it_and_nothing_is_stored(
    client: Any, tokens: Any, svc: Any, change: dict[str, Any], field: str
) -> None:
    body = {k: v for k, v in {**DAILY, **change}.items() if v is not None}
    assert_error(create(client, tokens["ada"], body), 422, field)
    assert svc.schedules.schedules == {}


def test_a_missing_required_field_is_named(client: Any, tokens: Any) -> None:
    for name in ("name", "cron", "time_zone"):
        body = {k: v for k, v in DAILY.items() if k != name}
        assert_error(create(client, tokens["ada"], body), 422, name)


def test_a_body_that_is_not_an_object_is_refused(client: Any, tokens: Any) -> None:
    response = client.post("/schedules", content=b"[1]", headers=auth(tokens["ada"]))
    assert_error(response, 400, "body")


def test_a_creator_has_at_most_the_configured_number_of_schedules(client: Any, tokens: Any) -> None:
    for _ in range(3):
        assert create(client, tokens["ada"], DAILY).status_code == 201
    assert_error(create(client, tokens["ada"], DAILY), 409, "schedules", "schedule_limit_reached")
    assert create(client, tokens["bob"], DAILY).status_code == 201  # per creator


def test_another_creators_schedule_is_answered_like_a_missing_one(
    client: Any, tokens: Any, svc: Any
) -> None:
    sid = create(client, tokens["ada"], DAILY).json()["schedule_id"]
    bob = auth(tokens["bob"])
    for response in (
        client.get(f"/schedules/{sid}", headers=bob),
        client.patch(f"/schedules/{sid}", json={"paused": True}, headers=bob),
        client.delete(f"/schedules/{sid}", headers=bob),
    ):
        assert_error(response, 404, "schedule_id", "unknown_schedule")
    assert client.get("/schedules", headers=bob).json() == {"schedules": []}
    assert svc.schedules.schedules[sid]["paused"] is False
    assert_error(client.get("/schedules/nope", headers=bob), 404, "schedule_id")
    assert client.get(f"/schedules/{sid}").status_code == 401


def test_patch_pauses_changes_and_revalidates(client: Any, tokens: Any) -> None:
    headers = auth(tokens["ada"])
    sid = create(client, tokens["ada"], DAILY).json()["schedule_id"]
    paused = client.patch(f"/schedules/{sid}", json={"paused": True}, headers=headers).json()
    assert paused["paused"] is True and paused["next_runs"] == []
    prompt = client.patch(f"/schedules/{sid}", json={"theme_prompt": "deep sea"}, headers=headers)
    assert prompt.status_code == 200, prompt.text
    assert prompt.json()["themes"] is None and prompt.json()["theme_prompt"] == "deep sea"
    assert_error(
        client.patch(f"/schedules/{sid}", json={"cron": "* *"}, headers=headers), 422, "cron"
    )
    assert_error(
        client.patch(f"/schedules/{sid}", json={"colour": "red"}, headers=headers), 422, "colour"
    )
    resumed = client.patch(
        f"/schedules/{sid}", json={"paused": False, "cron": "30 8 * * *"}, headers=headers
    ).json()
    assert resumed["cron"] == "30 8 * * *" and resumed["theme_prompt"] == "deep sea"
    assert len(resumed["next_runs"]) == 5


def test_delete_removes_the_schedule(client: Any, tokens: Any) -> None:
    headers = auth(tokens["ada"])
    sid = create(client, tokens["ada"], DAILY).json()["schedule_id"]
    assert client.delete(f"/schedules/{sid}", headers=headers).status_code == 204
    assert_error(client.get(f"/schedules/{sid}", headers=headers), 404, "schedule_id")
    assert client.get("/schedules", headers=headers).json() == {"schedules": []}


def test_get_shows_the_last_slots_with_their_outcome_and_the_library_the_series(
    client: Any, tokens: Any, svc: Any
) -> None:
    headers = auth(tokens["ada"])
    every_minute = {**DAILY, "cron": "* * * * *"}
    sid = create(client, tokens["ada"], every_minute).json()["schedule_id"]
    created_at = svc.schedules.schedules[sid]["created_at"]
    svc.settings = svc.settings.model_copy(update={"max_running_jobs_per_creator": 1})
    run_dispatcher(svc, now=created_at + timedelta(minutes=2))
    detail = client.get(f"/schedules/{sid}", headers=headers).json()
    slots = detail["last_slots"]
    assert [s["outcome"] for s in slots] == ["skipped", "created"]
    assert slots[0]["reason"]["code"] == "too_many_running_jobs" and slots[0]["video_id"] is None
    assert slots[1]["video_status"] == "queued" and slots[1]["theme"] == "octopus arms"
    library = client.get("/videos/my-videos", headers=headers).json()["videos"]
    assert [(v["video_id"], v["series_id"]) for v in library] == [(slots[1]["video_id"], sid)]
    person = client.post("/videos", json={"theme": "by hand"}, headers=headers)
    assert person.status_code == 429  # the same intake limits: one running job at most


def test_an_unverified_creator_cannot_schedule_videos(svc: Any, client: Any) -> None:
    _, token = register_creator(svc, "Eve", verified=False)
    refused = create(client, token, DAILY)
    assert_error(refused, 403, None, "email_not_verified")
    assert svc.schedules.list_schedules_by_creator("eve") == []
