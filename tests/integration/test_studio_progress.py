"""GET /videos/{id}/events: pushed progress from a Firestore listener, on the emulator."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from devstack import Stack
from shortvideo.api import create_app
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services
from tests.integration.studio_helpers import services, token_of

pytestmark = pytest.mark.integration


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services()


def parse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for chunk in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in chunk.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def drive(svc: Services, video_id: str, steps: list[dict[str, Any]]) -> threading.Thread:
    def run() -> None:
        for patch in steps:
            time.sleep(0.4)
            svc.jobs.mutate_job(video_id, lambda _d, p=patch: {**p, "updated_at": utcnow()})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_progress_is_pushed_to_the_end_and_a_reconnection_gets_the_final_state(
    svc: Services,
) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "owls"}, headers=ada).json()["video_id"]
    assert http.get(f"/videos/{video_id}/events", headers=bob).status_code == 404
    now = utcnow()
    steps: list[dict[str, Any]] = [
        {"status": "scripting", "stage_timings": {"script": {"started_at": now}}},
        {"status": "script_generated"},
        {"status": "generating_video", "completed_blocks": 0},
        *({"completed_blocks": n} for n in range(1, 10)),
        {"status": "video_generated"},
        {"status": "assembling"},
        {"status": "completed", "duration": 64.0},
        {"theme": "a change after the end is never seen"},
    ]
    driver = drive(svc, video_id, steps)
    answer = http.get(f"/videos/{video_id}/events", headers=ada)
    driver.join(timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    events = parse(answer.text)
    statuses = [e["status"] for _, e in events]
    # The first event is the state when the listener started (the driver may be ahead).
    assert statuses[-1] == "completed" and len(events) >= 5
    assert events[-1][1]["final"] is True and events[-1][1]["percent"] == 100.0
    assert events[-1][1]["status_code"] == 100 and events[-1][1]["status_text"] == "finished"
    percents = [e["percent"] for _, e in events]
    assert percents == sorted(percents)  # never backwards
    blocks = [e["completed_blocks"] for _, e in events if e["status"] == "generating_video"]
    assert blocks and blocks[-1] == 9 and all(e["total_blocks"] == 9 for _, e in events)
    assert all(
        set(e) >= {"eta_seconds", "stage_timings", "error", "next_retry_at"} for _, e in events
    )
    assert "lease_owner" not in answer.text and "veo_operation" not in answer.text
    # A reconnection after the end: the final state at once, then the stream ends.
    again = parse(http.get(f"/videos/{video_id}/events", headers=ada).text)
    assert [(kind, e["status"]) for kind, e in again] == [("progress", "completed")]


def test_deleting_a_running_video_ends_its_stream_with_the_cancellation(svc: Services) -> None:
    ada = token_of(svc, "ada")
    http = TestClient(create_app(svc))
    video_id = http.post("/videos", json={"theme": "owls"}, headers=ada).json()["video_id"]

    def delete_soon() -> None:
        time.sleep(0.8)
        TestClient(create_app(svc)).delete(f"/videos/{video_id}", headers=ada)

    threading.Thread(target=delete_soon, daemon=True).start()
    events = parse(http.get(f"/videos/{video_id}/events", headers=ada).text)
    assert [e["status"] for _, e in events] == ["queued", "cancelled"]
    assert events[-1][1]["final"] is True and events[-1][1]["status_code"] == 910
