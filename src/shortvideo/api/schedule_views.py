"""What the /schedules routes answer: plain dicts, and their shapes for the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shortvideo.api.views import iso
from shortvideo.series.spec import SPEC_FIELDS, ScheduleSpec


def schedule(doc: dict[str, Any], next_runs: list[datetime]) -> dict[str, Any]:
    view = {"schedule_id": doc["schedule_id"], "url": f"/schedules/{doc['schedule_id']}"}
    view.update({name: doc.get(name) for name in SPEC_FIELDS})
    view.update(
        created_at=iso(doc.get("created_at")),
        updated_at=iso(doc.get("updated_at")),
        next_runs=[iso(run) for run in next_runs],
    )
    return view


def slot(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "slot_at": iso(doc.get("slot_at")),
        "outcome": doc.get("outcome"),
        "theme": doc.get("theme"),
        "video_id": doc.get("video_id"),
        "video_status": doc.get("video_status"),
        "reason": doc.get("reason"),
    }


class SlotReason(BaseModel):
    code: str
    message: str


class SlotView(BaseModel):
    slot_at: str
    outcome: str  # created | skipped
    theme: str | None
    video_id: str | None
    video_status: str | None
    reason: SlotReason | None


class ScheduleView(ScheduleSpec):
    schedule_id: str
    url: str
    created_at: str
    updated_at: str
    next_runs: list[str]


class ScheduleDetail(ScheduleView):
    last_slots: list[SlotView]


class ScheduleListing(BaseModel):
    schedules: list[ScheduleView]
