"""The studio end to end on the local stack, as a signed-in browser: sign in through the Auth
emulator, then with the `__session` cookie only: a character, a video with it, pushed progress to
the end, favorite, library with filters and sort, media through its signed URL with Range,
delete (objects gone)."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from devstack.auth_emulator import AuthEmulator
from devstack.creators import add_local_creator
from shortvideo.api.auth import SESSION_COOKIE
from shortvideo.settings import get_settings
from shortvideo.studio.videos import object_names
from shortvideo.wiring import build_services

pytestmark = pytest.mark.e2e


def signed_in_browser(local_stack: Any, name: str) -> dict[str, str]:
    """What a browser sends after signing in: its session cookie and its own Origin."""
    made = add_local_creator(local_stack.env(), name)
    id_token = AuthEmulator(local_stack.env()).sign_in(made.email, made.password).id_token
    origin = {"Origin": local_stack.env()["APP_ORIGIN"]}  # the dashboard's origin (the edge)
    answer = httpx2.post(f"{local_stack.api_url}/session", json={"id_token": id_token},
                         headers=origin, timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text
    # The cookie is Secure, so a client's jar would not send it over http: it goes by hand.
    cookie = answer.headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    return {"Cookie": cookie, **origin}


def events(http: httpx2.Client, video_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    with http.stream("GET", f"/videos/{video_id}/events", headers=headers, timeout=900) as answer:
        assert answer.status_code == 200
        kind = ""
        for line in answer.iter_lines():
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: ") and kind == "progress":
                seen.append(json.loads(line[len("data: ") :]))
    return seen


def test_character_video_progress_library_media_and_delete(local_stack) -> None:  # type: ignore[no-untyped-def]
    local_stack.start_api()
    ada = signed_in_browser(local_stack, "Studio Ada")
    bob = signed_in_browser(local_stack, "Studio Bob")
    with httpx2.Client(base_url=local_stack.api_url, timeout=60) as http:
        assert http.get("/me", headers=ada).json()["auth"] == "session"
        made = http.post(
            "/characters",
            headers=ada,
            json={"name": "Pip", "description": "a small red fox in a scarf"},
        )
        assert made.status_code == 201, made.text
        body = {
            "theme": "A fox learns to bake bread",
            "character_id": made.json()["character_id"],
            "music": "lofi",
        }
        first = http.post("/videos", json=body, headers={**ada, "Idempotency-Key": "e2e-1"})
        again = http.post("/videos", json=body, headers={**ada, "Idempotency-Key": "e2e-1"})
        assert first.status_code == 202 and again.json() == first.json()
        video_id = first.json()["video_id"]
        assert http.get(f"/videos/{video_id}/events", headers=bob).status_code == 404
        updates = events(http, video_id, ada)
        assert updates[-1]["status"] == "completed" and updates[-1]["percent"] == 100.0
        assert len({u["status"] for u in updates}) >= 3  # pushed along the way, not just the end
        assert http.post(f"/videos/{video_id}/favorite", headers=ada).status_code == 200
        listed = http.get(
            "/videos/my-videos",
            headers=ada,
            params={
                "favorite": "true",
                "status": "completed",
                "style": "cinematic",
                "sort": "duration",
            },
        )
        cards = listed.json()["videos"]
        assert [c["video_id"] for c in cards] == [video_id]
        assert http.get("/videos/my-videos", headers=bob).json()["videos"] == []
        url = cards[0]["final_video_url"]
        assert url.startswith("/media/") and "storage.googleapis.com" not in url
        # The signed URL is the authorisation, as a <video> element uses it: no cookie sent.
        head = http.get(url, headers={"Range": "bytes=0-1023"})
        assert head.status_code == 206 and len(head.content) == 1024
        size = int(head.headers["content-range"].rsplit("/", 1)[1])
        assert size > 100_000 and head.content[4:8] == b"ftyp"  # an MP4 from its first box
        tail = http.get(url, headers={"Range": f"bytes={size - 100}-"})
        assert tail.status_code == 206 and len(tail.content) == 100
        svc = build_services(get_settings())
        assert object_names(svc.blobs, video_id)
        assert http.delete(f"/videos/{video_id}", headers=bob).status_code == 404
        deleted = http.delete(f"/videos/{video_id}", headers=ada)
        assert deleted.status_code == 200 and deleted.json()["objects_removed"] > 5
        assert object_names(svc.blobs, video_id) == []
        assert http.get(url).status_code == 403  # the signed link names an object now gone
        assert http.get(f"/videos/{video_id}", headers=ada).status_code == 404
