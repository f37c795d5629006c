"""What the dashboard needs from the API (issue 14): a card's style, language and character,
a video's refund once it ended, a music track's preview link, the list of voices."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shortvideo.api import create_app
from shortvideo.voices import GEMINI_VOICES
from tests.fakes import memory_services, register_creator


def _client(tmp_path):  # type: ignore[no-untyped-def]
    svc = memory_services(tmp_path, MAX_RUNNING_JOBS_PER_CREATOR="0")
    svc.blobs.upload_bytes("music/calm.mp3", b"ID3-calm-audio", "audio/mpeg")
    svc.catalog.music["calm"] = {"track_id": "calm", "name": "Calm", "category": "calm",
                                 "duration": 8.0, "object": "music/calm.mp3", "license": "CC0"}
    _, token = register_creator(svc, "ada")
    return svc, TestClient(create_app(svc)), {"Authorization": f"Bearer {token}"}


def test_a_card_has_its_style_language_and_character(tmp_path) -> None:
    svc, client, ada = _client(tmp_path)
    made = client.post("/videos", json={"theme": "octopus", "style": "anime", "language": "fr"},
                       headers=ada).json()  # fmt: skip
    svc.jobs.jobs[made["video_id"]]["character_id"] = "ana"
    card = client.get("/videos/my-videos", headers=ada).json()["videos"][0]
    assert (card["style"], card["language"], card["character_id"]) == ("anime", "fr", "ana")


def test_the_detail_says_whether_the_credits_came_back(tmp_path) -> None:
    svc, client, ada = _client(tmp_path)
    video_id = client.post("/videos", json={"theme": "t"}, headers=ada).json()["video_id"]
    assert client.get(f"/videos/{video_id}", headers=ada).json()["refunded"] is None  # running
    svc.jobs.jobs[video_id].update(status="failed", settlement={"refund": True, "why": "ours"})
    assert client.get(f"/videos/{video_id}", headers=ada).json()["refunded"] is True
    svc.jobs.jobs[video_id]["settlement"] = {"refund": False, "why": "refused after billing"}
    assert client.get(f"/videos/{video_id}", headers=ada).json()["refunded"] is False


def test_a_track_has_a_preview_link_that_plays_the_audio(tmp_path) -> None:
    _, client, ada = _client(tmp_path)
    track = client.get("/music", headers=ada).json()["tracks"][0]
    assert track["preview_url"].startswith("/media/music/calm.mp3?expires=")
    audio = client.get(track["preview_url"], headers={"Range": "bytes=0-2"})
    assert audio.status_code == 206 and audio.content == b"ID3"
    assert "object" not in track  # the bucket's object names stay inside


def test_the_voices_are_public(tmp_path) -> None:
    _, client, _ = _client(tmp_path)
    answer = client.get("/voices")
    assert answer.status_code == 200 and answer.json() == {"voices": list(GEMINI_VOICES)}
