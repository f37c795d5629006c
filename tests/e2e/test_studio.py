"""The studio end to end on the local stack: a character, a video with it, pushed progress to
the end, favorite, library with filters and sort, media through its signed URL with Range,
delete (objects gone). Sign-in comes with the accounts issue: a creator token until then."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from devstack.creators import add_creator
from shortvideo.settings import get_settings
from shortvideo.studio.videos import object_names
from shortvideo.wiring import build_services

pytestmark = pytest.mark.e2e


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
    _, token = add_creator(local_stack.env(), "Studio Ada")
    _, other = add_creator(local_stack.env(), "Studio Bob")
    ada, bob = {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {other}"}
    with httpx2.Client(base_url=local_stack.api_url, timeout=60) as http:
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
        head = http.get(url, headers={"Range": "bytes=0-1023"})
        assert head.status_code == 206 and len(head.content) == 1024
        size = int(head.headers["content-range"].rsplit("/", 1)[1])
        assert size > 100_000 and head.content[4:8] == b"ftyp"  # an MP4 from its first box
        tail = http.get(url, headers={"Range": f"bytes={size - 100}-"})
        assert tail.status_code == 206 and len(tail.content) == 100
        svc = build_services(get_settings())
        assert object_names(svc.blobs, video_id)
        deleted = http.delete(f"/videos/{video_id}", headers=ada)
        assert deleted.status_code == 200 and deleted.json()["objects_removed"] > 5
        assert object_names(svc.blobs, video_id) == []
        assert http.get(url).status_code == 403  # the signed link names an object now gone
        assert http.get(f"/videos/{video_id}", headers=ada).status_code == 404
