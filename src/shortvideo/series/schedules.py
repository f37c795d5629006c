"""A creator's schedules: create, change, pause, delete; what GET shows of one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shortvideo.errors import UnknownCharacter, UnknownSchedule
from shortvideo.series.cron import next_runs, parse_zone
from shortvideo.series.spec import (
    ScheduleSpec,
    due_after,
    merged_payload,
    parse_spec,
    schedule_document,
    spec_fields,
)
from shortvideo.stages.intake import music_object
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services

NEXT_RUNS_SHOWN = 5
LAST_SLOTS_SHOWN = 10


def _check_references(svc: Services, spec: ScheduleSpec) -> None:
    """The character and the music must exist now (the intake checks them again per video)."""
    if spec.character_id and svc.jobs.get_character(spec.character_id) is None:
        raise UnknownCharacter(f"no character {spec.character_id!r}", field="character_id")
    if spec.music:
        music_object(svc, spec.music)


def create_schedule(
    svc: Services, creator_id: str, payload: Any, now: datetime | None = None
) -> dict[str, Any]:
    spec = parse_spec(payload)
    _check_references(svc, spec)
    doc = schedule_document(uuid.uuid4().hex, creator_id, spec, now or utcnow())
    svc.schedules.add_schedule(doc, svc.settings.series_max_schedules_per_creator)
    return doc


def owned_schedule(svc: Services, creator_id: str, schedule_id: str) -> dict[str, Any]:
    doc = svc.schedules.get_schedule(schedule_id)
    if doc is None or doc.get("created_by") != creator_id:
        # Someone else's schedule is answered exactly like a missing one.
        raise UnknownSchedule(f"you have no schedule {schedule_id!r}", field="schedule_id")
    return doc


def update_schedule(
    svc: Services, creator_id: str, schedule_id: str, patch: Any, now: datetime | None = None
) -> dict[str, Any]:
    current = owned_schedule(svc, creator_id, schedule_id)
    spec = parse_spec(merged_payload(current, patch))
    _check_references(svc, spec)
    now = now or utcnow()
    fields = spec_fields(spec)

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("created_by") != creator_id:
            raise UnknownSchedule(f"you have no schedule {schedule_id!r}", field="schedule_id")
        cursor = doc["cursor"]
        if (fields["cron"], fields["time_zone"]) != (doc["cron"], doc["time_zone"]):
            cursor = max(cursor, now)  # new timing rules apply from now on, not to the past
        after = {**doc, **fields, "cursor": cursor}
        return {**fields, "cursor": cursor, "updated_at": now,
                "next_due_at": due_after(after, cursor)}  # fmt: skip

    return svc.schedules.update_schedule(schedule_id, change)


def delete_schedule(svc: Services, creator_id: str, schedule_id: str) -> None:
    owned_schedule(svc, creator_id, schedule_id)
    svc.schedules.delete_schedule(schedule_id)


def upcoming(doc: dict[str, Any], now: datetime, count: int = NEXT_RUNS_SHOWN) -> list[datetime]:
    """The next slots the dispatcher will make (none while paused)."""
    if doc.get("paused"):
        return []
    zone = parse_zone(doc["time_zone"])
    after = max(now, doc["cursor"])
    runs = next_runs(doc["cron"], zone, after, count)
    due = doc.get("next_due_at")
    if due is not None and due <= now:  # due now, the dispatcher's next run makes it
        runs = [due, *runs][:count]
    return runs


def last_slots(svc: Services, schedule_id: str) -> list[dict[str, Any]]:
    """The latest slots with their outcome, and each made video's status now."""
    slots = svc.schedules.list_slots(schedule_id, LAST_SLOTS_SHOWN)
    for slot in slots:
        video_id = slot.get("video_id")
        if video_id:
            job = svc.jobs.get_job(video_id)
            slot["video_status"] = job.get("status") if job else None
    return slots
