"""The creator API over in-memory ports: auth, validation of every field, ownership, listing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shortvideo.api import create_app
from shortvideo.settings import LOCAL_TOKEN_SECRET
from tests.fakes import ScriptedVideoModel, memory_services, register_creator

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SECRET = LOCAL_TOKEN_SECRET  # memory_services' settings use the local default


@pytest.fixture
def svc(tmp_path):
    # Per-creator limits have their own tests (test_api_limits); here they are off.
    services = memory_services(tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="0")
    services._lazy["video"] = ScriptedVideoModel(services.blobs)
    services.blobs.upload_bytes("music/calm.mp3", b"mp3", "audio/mpeg")
    return services


@pytest.fixture
def tokens(svc) -> dict[str, str]:
    return {
        name: register_creator(svc, name)[1]
        for name in ("ada", "bob")
    }


@pytest.fixture
def client(svc) -> TestClient:
    return TestClient(create_app(svc))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(client: TestClient, token: str, body: Any) -> Any:
    if isinstance(body, str | bytes):
        return client.post("/videos", content=body, headers=auth(token))
    return client.post("/videos", json=body, headers=auth(token))


def assert_error(response: Any, status: int, field: str | None, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error.get("field") == field
    if code:
        assert error["code"] == code
    assert "Traceback" not in response.text


# --- auth -------------------------------------------------------------------------------------

ROUTES = [("POST", "/videos"), ("GET", "/videos/my-videos"), ("GET", "/videos/abc")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwdw==", "Bearer nope", "x" * 300]
)
def test_every_video_route_needs_a_known_bearer_token(client, tokens, method, path, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.request(method, path, json={"theme": "t"}, headers=headers)
    assert_error(response, 401, "authorization", "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_health_needs_no_token(client):
    assert client.get("/health").json() == {"status": "ok"}


# --- POST /videos -----------------------------------------------------------------------------


def test_create_video_queues_a_job_owned_by_the_token(client, svc, tokens):
    response = post(client, tokens["ada"], {"theme": "Bees", "style": "anime", "music": "calm"})
    assert response.status_code == 202, response.text
    body = response.json()
    video_id = body["video_id"]
    assert body["status"] == "queued" and body["block_count"] == 9
    assert body["estimated_seconds"] == 64
    assert body["estimated_cost_usd"] == pytest.approx(25.6)
    assert response.headers["location"] == body["url"] == f"/videos/{video_id}"
    job = svc.jobs.get_job(video_id)
    assert job["created_by"] == "ada" and job["style"] == "anime"
    assert svc.tasks.rung[-1]["video_id"] == video_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "theme"),
        ({"theme": ""}, "theme"),
        ({"theme": "   "}, "theme"),
        ({"theme": "x" * 501}, "theme"),
        ({"theme": 42}, "theme"),
        ({"theme": "bell\x07"}, "theme"),
        ({"theme": "ok", "style": "baroque"}, "style"),
        ({"theme": "ok", "language": "it"}, "language"),
        ({"theme": "ok", "character_id": "ghost"}, "character_id"),
        ({"theme": "ok", "character_id": "../x"}, "character_id"),
        ({"theme": "ok", "music": "polka"}, "music"),
        ({"theme": "ok", "music": "a b"}, "music"),
        ({"theme": "ok", "voice": "v" * 65}, "voice"),
        ({"theme": "ok", "target_seconds": 59}, "target_seconds"),
        ({"theme": "ok", "target_seconds": 60}, "target_seconds"),
        ({"theme": "ok", "target_seconds": 90}, "target_seconds"),
        ({"theme": "ok", "target_seconds": 91}, "target_seconds"),
        ({"theme": "ok", "target_seconds": "long"}, "target_seconds"),
        ({"theme": "ok", "created_by": "ada"}, "created_by"),
        ({"theme": "ok", "created_by": "bob"}, "created_by"),
        ({"theme": "ok", "colour": "red"}, "colour"),
    ],
)
def test_create_video_rejects_each_bad_field_with_422(client, svc, tokens, body, field):
    assert_error(post(client, tokens["ada"], body), 422, field)
    assert svc.jobs.jobs == {}


def test_a_length_the_product_does_not_make_is_refused_with_the_choices(client, svc, tokens):
    response = post(client, tokens["ada"], {"theme": "ok", "target_seconds": 72})
    assert_error(response, 422, "target_seconds")
    assert "64, 71, 78, 85" in response.json()["error"]["message"]
    accepted = post(client, tokens["ada"], {"theme": "ok", "target_seconds": 85})
    assert accepted.status_code == 202 and accepted.json()["block_count"] == 12
    assert accepted.json()["estimated_seconds"] == 85


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [("not json", 400, "body"), ("[1, 2]", 400, "body"), ("", 400, "body"),
     ({"theme": "y" * 70000}, 413, "body")],
)  # fmt: skip
def test_create_video_rejects_bad_bodies(client, svc, tokens, body, status, field):
    assert_error(post(client, tokens["ada"], body), status, field)
    assert svc.jobs.jobs == {}


def test_a_body_over_the_limit_is_refused_even_without_content_length(client, tokens):
    chunks = iter([b'{"theme": "', b"z" * 70000, b'"}'])
    response = client.post("/videos", content=chunks, headers=auth(tokens["ada"]))
    assert_error(response, 413, "body", "body_too_large")


def test_cost_ceiling_and_budget_refusals_keep_their_codes(tmp_path, tokens):
    cheap = memory_services(tmp_path, MAX_JOB_COST_USD="10", MONTHLY_BUDGET_USD="30")
    cheap._lazy["video"] = ScriptedVideoModel(cheap.blobs)
    _, token = register_creator(cheap, "ada")
    client = TestClient(create_app(cheap))
    assert_error(
        post(client, token, {"theme": "t"}), 422, "target_seconds", "cost_ceiling_exceeded"
    )
    cheap2 = memory_services(tmp_path, MONTHLY_BUDGET_USD="30")
    cheap2._lazy["video"] = ScriptedVideoModel(cheap2.blobs)
    _, token2 = register_creator(cheap2, "ada")
    client2 = TestClient(create_app(cheap2))
    assert post(client2, token2, {"theme": "t"}).status_code == 202
    assert_error(post(client2, token2, {"theme": "t"}), 402, "budget", "monthly_budget_exceeded")


# --- GET /videos/{video_id} and /videos/my-videos ---------------------------------------------


def test_only_the_owner_sees_a_video(client, tokens):
    video_id = post(client, tokens["ada"], {"theme": "Bees"}).json()["video_id"]
    mine = client.get(f"/videos/{video_id}", headers=auth(tokens["ada"]))
    assert mine.status_code == 200
    detail = mine.json()
    assert detail["video_id"] == video_id and detail["status"] == "queued"
    assert detail["cost"] == {"estimated_usd": pytest.approx(25.6), "actual_usd": 0.0}
    assert "lease_owner" not in detail and "created_by" not in detail
    theirs = client.get(f"/videos/{video_id}", headers=auth(tokens["bob"]))
    missing = client.get(f"/videos/{'0' * 32}", headers=auth(tokens["bob"]))
    assert_error(theirs, 404, "video_id", "unknown_video_id")
    assert theirs.json()["error"]["message"].replace(video_id, "X") == missing.json()["error"][
        "message"
    ].replace("0" * 32, "X")
    assert_error(client.get("/videos/a.b", headers=auth(tokens["ada"])), 422, "video_id")


def test_my_videos_lists_only_mine_newest_first_up_to_limit(client, svc, tokens):
    ids = [post(client, tokens["ada"], {"theme": f"t{i}"}).json()["video_id"] for i in range(5)]
    post(client, tokens["bob"], {"theme": "bob's"})
    for i, video_id in enumerate(ids):  # distinct, known creation times
        svc.jobs.jobs[video_id]["created_at"] = NOW + timedelta(minutes=i)
    listed = client.get("/videos/my-videos", headers=auth(tokens["ada"])).json()
    assert [v["video_id"] for v in listed["videos"]] == ids[::-1]
    assert listed["limit"] == 20
    assert listed["videos"][0]["created_at"] == (NOW + timedelta(minutes=4)).isoformat()
    two = client.get("/videos/my-videos?limit=2", headers=auth(tokens["ada"])).json()
    assert [v["video_id"] for v in two["videos"]] == ids[:2:-1][:2]
    bobs = client.get("/videos/my-videos", headers=auth(tokens["bob"])).json()["videos"]
    assert [v["theme"] for v in bobs] == ["bob's"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "x"])
def test_my_videos_limit_is_validated(client, tokens, limit):
    response = client.get(f"/videos/my-videos?limit={limit}", headers=auth(tokens["ada"]))
    assert_error(response, 422, "limit", "invalid_request")


def test_compact_view_shows_final_urls_when_completed_and_error_when_failed(client, svc, tokens):
    done, failed, queued = (
        post(client, tokens["ada"], {"theme": t}).json()["video_id"] for t in "abc"
    )
    svc.jobs.jobs[done].update(
        status="completed", final_video_url="http://x/final.mp4",
        thumbnail_url="http://x/t.jpg", duration=64.0, width=720, height=1280,
        lease_owner="nobody", transcript="words",
    )  # fmt: skip
    svc.jobs.jobs[failed].update(
        status="failed", error={"stage": "video", "code": "content_filtered", "message": "no"}
    )
    videos = {
        v["video_id"]: v
        for v in client.get("/videos/my-videos", headers=auth(tokens["ada"])).json()["videos"]
    }
    # Never the stored public URL: a signed one of the private object.
    assert videos[done]["final_video_url"].startswith(f"/media/final/{done}.mp4?expires=")
    assert videos[done]["thumbnail_url"].startswith(f"/media/thumbnails/{done}.jpg?expires=")
    assert videos[done]["captions_url"].startswith(f"/media/subtitles/{done}.srt?expires=")
    assert videos[done]["duration"] == 64.0
    assert videos[failed]["error"] == {
        "stage": "video",
        "code": "content_filtered",
        "message": "no",
    }
    assert set(videos[queued]) == {
        "video_id", "theme", "status", "created_at", "updated_at", "favorite", "views",
        "series_id", "style", "language", "character_id",
    }  # fmt: skip
    detail = client.get(f"/videos/{done}", headers=auth(tokens["ada"])).json()
    assert (detail["width"], detail["height"]) == (720, 1280)
    assert "transcript" not in detail and "lease_owner" not in detail


# --- the edge ---------------------------------------------------------------------------------


def test_unknown_routes_and_methods_answer_json(client, tokens):
    assert_error(client.get("/nowhere"), 404, "path", "not_found")
    response = client.put("/videos/my-videos", headers=auth(tokens["ada"]))
    assert_error(response, 405, "method", "method_not_allowed")


def test_a_crash_is_a_json_500_without_details(svc, tokens):
    secret = "db-password=hunter2 at /srv/internal/listing.py"
    raised: list[str] = []

    def boom(query: Any, fields: Any) -> list[dict[str, Any]]:
        # The port's own signature, so the route's call reaches this line and raises it.
        raised.append(query.created_by)
        raise RuntimeError(secret)

    svc.library.list_library = boom  # type: ignore[method-assign]
    client = TestClient(create_app(svc), raise_server_exceptions=False)
    response = client.get("/videos/my-videos", headers=auth(tokens["ada"]))
    assert raised == ["ada"], "the stub was never reached: the test would prove nothing"
    assert_error(response, 500, None, "internal")
    assert "hunter2" not in response.text and "listing.py" not in response.text
    assert "RuntimeError" not in response.text
