"""A scheduled series on the local stack, in real minutes: the dispatcher function, called by
the stack's scheduler loop, makes one job per minute through the creator API's intake."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.jobs import wait_until_done

# Real minutes: two slots take two, then both whole jobs run (17:56 in all on a machine at load
# average 19). Slow until the lead has timed it on an unloaded run.
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def api(stack: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One call to the creator API as the stack's creator; (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {**stack.creator.headers(), "Content-Type": "application/json"}
    request = urllib.request.Request(
        f"{stack.api_url}{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return int(response.status), json.loads(text) if text else None
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read().decode() or "null")


def test_a_schedule_due_every_minute_makes_two_jobs_in_two_minutes(local_stack: Any) -> None:
    local_stack.start_api()
    spec = {"name": "Ocean minutes", "cron": "* * * * *", "time_zone": "Europe/Paris",
            "themes": ["The secret life of octopuses", "How whales sing"]}  # fmt: skip
    status, schedule = api(local_stack, "POST", "/schedules", spec)
    assert status == 201, schedule
    sid = schedule["schedule_id"]
    created = datetime.fromisoformat(schedule["created_at"])
    try:
        deadline = time.monotonic() + 180  # two minute slots, and the dispatcher's period
        made: list[dict[str, Any]] = []
        while time.monotonic() < deadline and len(made) < 2:
            time.sleep(2)
            made = [s for s in api(local_stack, "GET", f"/schedules/{sid}")[1]["last_slots"]
                    if s["outcome"] == "created"]  # fmt: skip
        assert len(made) >= 2, made
    finally:
        # Paused at once: no third job loads the machine (pausing is what stops a series).
        status, paused = api(local_stack, "PATCH", f"/schedules/{sid}", {"paused": True})
        assert status == 200 and paused["paused"] is True, paused
    first, second = sorted(made[:2], key=lambda s: s["slot_at"])
    first_at, second_at = (datetime.fromisoformat(s["slot_at"]) for s in (first, second))
    assert second_at - first_at == timedelta(minutes=1)
    assert first_at - created <= timedelta(minutes=1) and first_at.second == 0
    assert [first["theme"], second["theme"]] == spec["themes"]  # the list in turn
    for slot in (first, second):
        doc = wait_until_done(slot["video_id"], timeout=900)
        assert doc["status"] == "completed", doc.get("error")
        assert doc["series_id"] == sid and doc["theme"] == slot["theme"]
    library = api(local_stack, "GET", "/videos/my-videos?limit=100")[1]["videos"]
    mine = {v["video_id"]: v for v in library if v.get("series_id") == sid}
    assert {first["video_id"], second["video_id"]} <= set(mine)
    assert all(mine[s["video_id"]]["status"] == "completed" for s in (first, second))
    detail = api(local_stack, "GET", f"/schedules/{sid}")[1]
    outcomes = {s["video_id"]: s["video_status"] for s in detail["last_slots"]}
    assert outcomes[first["video_id"]] == outcomes[second["video_id"]] == "completed"
    assert api(local_stack, "DELETE", f"/schedules/{sid}")[0] == 204
