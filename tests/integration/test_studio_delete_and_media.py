"""DELETE /videos/{id}, Idempotency-Key and the API's signed media URLs, on the emulators."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from google.cloud import firestore

from devstack import Stack
from shortvideo.api import create_app
from shortvideo.stages.monitor_stage import run_monitor
from shortvideo.stages.runner import utcnow
from shortvideo.studio.videos import object_names
from shortvideo.wiring import Services
from tests.integration.studio_helpers import finish, services, token_of

pytestmark = pytest.mark.integration


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services()


def reserved(month: str) -> float:
    doc = firestore.Client().collection("budgets").document(month).get().to_dict() or {}
    return round(float(doc.get("reserved_usd", 0.0)), 4)


def test_delete_cancels_a_running_job_and_removes_it_and_its_late_objects(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "owls"}, headers=ada).json()["video_id"]
    month = f"{utcnow():%Y-%m}"
    assert reserved(month) > 0
    svc.blobs.upload_bytes(f"scripts/{video_id}.json", b"{}", "application/json")
    svc.blobs.upload_bytes(f"veo31_videos/{video_id}/tails/b00.mp4", b"mp4", "video/mp4")
    keep = svc.blobs.upload_bytes("veo31_videos/other/tails/b00.mp4", b"mp4", "video/mp4")
    assert http.delete(f"/videos/{video_id}", headers=bob).status_code == 404  # not bob's
    answer = http.delete(f"/videos/{video_id}", headers=ada)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"video_id": video_id, "deleted": True, "objects_removed": 2}
    assert svc.jobs.get_job(video_id) is None
    assert reserved(month) == 0  # cancelled through the cancel path: the estimate went back
    assert object_names(svc.blobs, video_id) == []
    assert svc.blobs.exists(svc.blobs.name_from_uri(keep))
    assert http.get(f"/videos/{video_id}", headers=ada).status_code == 404
    assert http.delete(f"/videos/{video_id}", headers=ada).status_code == 404
    # A Veo operation submitted before the delete writes its output afterwards: the monitor
    # removes it while the tombstone lasts.
    late = f"veo31_videos/{video_id}/b03-1234abcd/sample_0.mp4"
    svc.blobs.upload_bytes(late, b"late", "video/mp4")
    summary = run_monitor(svc)
    assert summary["deleted_videos"]["late_objects_removed"] == 1
    assert not svc.blobs.exists(late)


def test_delete_a_finished_video_removes_its_media(svc: Services) -> None:
    ada = token_of(svc, "ada")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "owls"}, headers=ada).json()["video_id"]
    finish(svc, video_id, 64.0)
    assert len(object_names(svc.blobs, video_id)) == 3
    assert http.delete(f"/videos/{video_id}", headers=ada).json()["objects_removed"] == 3
    assert object_names(svc.blobs, video_id) == []


def test_idempotency_key_returns_the_first_answer(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    body = {"theme": "retry me"}
    first = http.post("/videos", json=body, headers={**ada, "Idempotency-Key": "k-1"})
    again = http.post("/videos", json=body, headers={**ada, "Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    # The same key of another creator is another key.
    other = http.post("/videos", json=body, headers={**bob, "Idempotency-Key": "k-1"})
    assert other.json()["video_id"] != first.json()["video_id"]
    changed = http.post(
        "/videos", json={"theme": "else"}, headers={**ada, "Idempotency-Key": "k-1"}
    )
    assert changed.status_code == 422, changed.text
    assert changed.json()["error"]["field"] == "Idempotency-Key"
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    bad = http.post("/videos", json=body, headers={**ada, "Idempotency-Key": "a b"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "Idempotency-Key"
    mine = firestore.Client().collection("video_status").where("created_by", "==", "ada")
    assert len(list(mine.stream())) == 1


def test_an_idempotency_key_expires_and_then_replays_nothing(svc: Services) -> None:
    ada = token_of(svc, "ada")
    clock = [utcnow()]
    short = replace(services(IDEMPOTENCY_KEY_SECONDS="3600"), clock=lambda: clock[0])
    http = TestClient(create_app(short))
    body, key = {"theme": "every hour"}, {**ada, "Idempotency-Key": "hourly"}
    first = http.post("/videos", json=body, headers=key).json()
    record = next(iter(firestore.Client().collection("idempotency_keys").stream())).to_dict()
    assert record["expires_at"] - record["created_at"] == timedelta(seconds=3600)
    clock[0] += timedelta(minutes=59)
    assert http.post("/videos", json=body, headers=key).json() == first
    clock[0] += timedelta(minutes=1)  # the key's hour is over: a new job, a new key record,
    # also when retries race over the expired record (it is replaced in a transaction)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: http.post("/videos", json=body, headers=key), range(4)))
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["video_id"] for a in answers}) == 1
    assert answers[0].json()["video_id"] != first["video_id"]
    mine = firestore.Client().collection("video_status").where("created_by", "==", "ada")
    assert len(list(mine.stream())) == 2


def test_racing_retries_with_one_key_make_one_job(svc: Services) -> None:
    ada = token_of(svc, "ada")
    apps = [TestClient(create_app(svc)), TestClient(create_app(services()))]

    def post(i: int) -> dict[str, str]:
        answer = apps[i % 2].post(
            "/videos", json={"theme": "race"}, headers={**ada, "Idempotency-Key": "race-1"}
        )
        assert answer.status_code == 202, answer.text
        return dict(answer.json())

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    assert len({a["video_id"] for a in answers}) == 1
    jobs = list(firestore.Client().collection("video_status").stream())
    assert len(jobs) == 1
    assert reserved(f"{utcnow():%Y-%m}") == jobs[0].to_dict()["cost"]["estimated_usd"]


def test_media_urls_are_signed_expiring_and_serve_ranges(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "owls"}, headers=ada).json()["video_id"]
    finish(svc, video_id, 64.0)
    card = http.get("/videos/my-videos", headers=ada).json()["videos"][0]
    assert http.get(f"/videos/{video_id}", headers=bob).status_code == 404  # no URL for bob
    url = card["final_video_url"]
    data = svc.blobs.download_bytes(f"final/{video_id}.mp4")
    whole = http.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    part = http.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = http.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = http.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"
    # Another object with this signature, an altered signature, an expired link: refused.
    path, query = urlsplit(url).path, urlsplit(url).query
    thumb = path.replace(f"final/{video_id}.mp4", f"thumbnails/{video_id}.jpg")
    assert http.get(f"{thumb}?{query}").status_code == 403
    assert http.get(url[:-1] + ("0" if url[-1] != "0" else "1")).status_code == 403
    expired = query.replace("expires=", "expires=1").split("&")[0]
    answer = http.get(f"{path}?{expired}&{query.split('&')[1]}")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "media_link_invalid"
    assert http.get(f"/media/scripts/{video_id}.json?{query}").status_code == 403
