"""GET /music, admin /admin/music, and the IDOR suite of every studio route (two creators)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from devstack import Stack
from devstack.admins import set_admin
from devstack.auth_emulator import AuthEmulator
from shortvideo.api import create_app
from shortvideo.wiring import Services
from tests.integration.accounts_client import Browser, app_client, new_user
from tests.integration.studio_helpers import finish, services, token_of

pytestmark = pytest.mark.integration
SEEDED = {"calm", "upbeat", "lofi", "ambient", "epic"}


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services()


def test_music_catalogue_and_admins(svc: Services) -> None:
    # Admin routes take the session only (a personal token carries no roles, 0015).
    ada = token_of(svc, "ada")
    auth = AuthEmulator(dict(os.environ))
    signed_in, password = new_user(auth)
    set_admin(dict(os.environ), signed_in.email, True)  # a Firebase custom claim (0015)
    http, _ = app_client()
    admin = Browser(http)
    assert admin.sign_in(auth.sign_in(signed_in.email, password)).status_code == 200
    tracks = http.get("/music", headers=ada).json()["tracks"]
    assert {t["track_id"] for t in tracks} == SEEDED
    assert {t["category"] for t in tracks} == SEEDED and all(t["duration"] > 0 for t in tracks)
    new = {
        "track_id": "sunrise",
        "name": "Sunrise",
        "category": "ambient",
        "duration": 8.0,
        "object": "music/calm.mp3",
        "license": "CC0",
    }
    refused = http.post("/admin/music", json=new, headers=ada)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert http.delete("/admin/music/calm", headers=ada).status_code == 403
    missing = admin.request("POST", "/admin/music", json={**new, "object": "music/none.mp3"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "object"
    bad = admin.request("POST", "/admin/music", json={**new, "category": "polka"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "category"
    assert admin.request("POST", "/admin/music", json=new).status_code == 200
    assert (
        http.post("/videos", json={"theme": "t", "music": "sunrise"}, headers=ada).status_code
        == 202
    )
    assert admin.request("DELETE", "/admin/music/sunrise").json()["track_id"] == "sunrise"
    assert "sunrise" not in {
        t["track_id"] for t in http.get("/music", headers=ada).json()["tracks"]
    }
    gone = http.post("/videos", json={"theme": "t", "music": "sunrise"}, headers=ada)
    assert gone.status_code == 422 and gone.json()["error"]["field"] == "music"
    assert admin.request("DELETE", "/admin/music/nothing").status_code == 404


def test_another_creators_video_and_character_give_nothing(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "mine"}, headers=ada).json()["video_id"]
    finish(svc, video_id, 64.0)
    character = http.post("/characters", json={"name": "A", "description": "d"}, headers=ada)
    cid = character.json()["character_id"]
    before = svc.jobs.get_job(video_id)
    answers = {
        "get": http.get(f"/videos/{video_id}", headers=bob),
        "favorite": http.post(f"/videos/{video_id}/favorite", headers=bob),
        "unfavorite": http.delete(f"/videos/{video_id}/favorite", headers=bob),
        "view": http.post(f"/videos/{video_id}/view", headers=bob),
        "events": http.get(f"/videos/{video_id}/events", headers=bob),
        "cancel": http.post(f"/videos/{video_id}/cancel", headers=bob),
        "delete": http.delete(f"/videos/{video_id}", headers=bob),
        "character": http.get(f"/characters/{cid}", headers=bob),
        "delete character": http.delete(f"/characters/{cid}", headers=bob),
    }
    missing = http.get("/videos/0123456789abcdef0123456789abcdef", headers=bob)
    for name, answer in answers.items():
        assert answer.status_code == 404, (name, answer.text)
        body = answer.json()["error"]
        # Exactly like a missing one, and no media URL anywhere.
        assert body["code"] in (missing.json()["error"]["code"], "unknown_character"), name
        assert "/media/" not in answer.text and "storage.googleapis.com" not in answer.text
    assert video_id not in str(http.get("/videos/my-videos?favorite=false", headers=bob).json())
    after = svc.jobs.get_job(video_id)
    assert after == before  # nothing of ada's changed: no favorite, no view, not deleted
    assert svc.catalog.get_character_doc(cid) is not None
