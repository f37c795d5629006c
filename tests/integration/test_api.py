"""The creator API as devstack runs it (uvicorn process) against the Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from google.cloud import firestore

from devstack import Stack
from devstack.creators import add_creator
from shortvideo.accounts.tokens import hash_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(emulators: Stack) -> Iterator[Stack]:
    emulators.start_api()
    yield emulators
    emulators.stop_api()


def test_create_list_and_read_through_the_api_process(api: Stack, clean_emulators: Stack) -> None:
    env = api.env()
    _, ada = add_creator(env, "Ada", creator_id="ada")
    _, bob = add_creator(env, "Bob", creator_id="bob")
    as_ada = {"Authorization": f"Bearer {ada}"}
    as_bob = {"Authorization": f"Bearer {bob}"}
    with httpx2.Client(base_url=api.api_url, timeout=15) as http:
        ids = []
        for theme, extra in (("one", {"music": "calm"}), ("two", {"character_id": "nova"}),
                             ("three", {"language": "fr"})):  # fmt: skip
            created = http.post("/videos", json={"theme": theme, **extra}, headers=as_ada)
            assert created.status_code == 202, created.text
            ids.append(created.json()["video_id"])
        # The real query: created_by == ada, newest first, limited.
        listed = http.get("/videos/my-videos", params={"limit": 2}, headers=as_ada).json()
        assert [v["video_id"] for v in listed["videos"]] == [ids[2], ids[1]]
        assert listed["videos"][0]["theme"] == "three"
        assert http.get("/videos/my-videos", headers=as_bob).json()["videos"] == []
        assert http.get(f"/videos/{ids[0]}", headers=as_ada).json()["music"] == "calm"
        assert http.get(f"/videos/{ids[0]}", headers=as_bob).status_code == 404
        assert (
            http.get("/videos/my-videos", headers={"Authorization": "Bearer no"}).status_code == 401
        )
        bad = http.post("/videos", json={"theme": "x", "music": "polka"}, headers=as_ada)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "music"
        for answer in (created, listed_answer := http.get("/videos/my-videos", headers=as_ada),
                       bad, http.get("/nowhere")):  # fmt: skip
            assert "server" not in answer.headers  # uvicorn --no-server-header
            assert answer.headers["x-content-type-options"] == "nosniff"
        assert listed_answer.headers["cache-control"] == "no-store"
    db = firestore.Client()
    jobs = [d.to_dict() for d in db.collection("video_status").stream()]
    assert sorted(j["video_id"] for j in jobs) == sorted(ids)
    assert {j["created_by"] for j in jobs} == {"ada"}
    (stored,) = [d.to_dict() or {} for d in db.collection("api_tokens").stream()
                 if (d.to_dict() or {})["owner"] == "ada"]
    assert stored["sha256"] == hash_token(ada) and ada not in repr(stored)
    assert ada not in repr(stored)
