"""The series dispatcher: each due slot of each schedule becomes one job, exactly once.

A slot is `series_slots/{schedule_id}_{slot key}`. A made slot's document is created in the
same transaction as its job (intake's Origin), so a second, late or restarted run that reaches
the same slot finds it taken and makes nothing. A slot the intake refuses for a reason no retry
fixes (no credit 402, rate or running-jobs limit 429, a deleted character) is recorded as
skipped with that reason; on any other failure the schedule's cursor stays before the slot and
the next run tries again. Slots due longer ago than SERIES_CATCHUP_SECONDS are not made.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from shortvideo import metering
from shortvideo.errors import AlreadyExists, PipelineError, UnknownSchedule
from shortvideo.logs import get_logger
from shortvideo.models import Language
from shortvideo.ports import NewDocument
from shortvideo.series.cron import parse_zone, slot_key, slots_after
from shortvideo.series.spec import SLOTS, due_after
from shortvideo.stages.intake import Origin, create_creator_job
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services

DUE_BATCH = 200
MADE, SKIPPED = "created", "skipped"
_EARLIEST = timedelta(microseconds=1)


def run_dispatcher(svc: Services, now: datetime | None = None) -> dict[str, Any]:
    with metering.meter() as usage:  # dispatcher_summary reports Firestore reads and writes
        started = time.perf_counter()
        now = now or utcnow()
        summary: dict[str, Any] = {"created": [], "skipped": [], "already": 0, "not_backfilled": 0,
                                   "errors": 0}  # fmt: skip
        due = svc.schedules.list_due_schedules(now, DUE_BATCH)
        for schedule in due:
            _dispatch_schedule(svc, schedule, now, summary)
        summary["due_schedules"] = len(due)
        get_logger(stage="series").info(
            "dispatcher_summary",
            due_schedules=len(due),
            created=len(summary["created"]),
            skipped=len(summary["skipped"]),
            already=summary["already"],
            not_backfilled=summary["not_backfilled"],
            errors=summary["errors"],
            duration_ms=round((time.perf_counter() - started) * 1000),
            **usage.fields(),
        )
        return summary


def _dispatch_schedule(
    svc: Services, schedule: dict[str, Any], now: datetime, summary: dict[str, Any]
) -> None:
    log = get_logger(stage="series", schedule_id=schedule["schedule_id"])
    horizon = now - timedelta(seconds=svc.settings.series_catchup_seconds)
    cursor: datetime = schedule["cursor"]
    if cursor < horizon - _EARLIEST:
        summary["not_backfilled"] += 1
        log.info("slots_not_backfilled", since=cursor.isoformat(), until=horizon.isoformat())
        cursor = horizon - _EARLIEST  # a slot exactly at the horizon is still made
    zone = parse_zone(schedule["time_zone"])
    for slot_at in slots_after(schedule["cron"], zone, cursor):
        if slot_at > now:
            break
        slot = _run_slot(svc, schedule, slot_at, now, summary)
        if slot is None:  # a failure a later run may not meet: the cursor stays before it
            summary["errors"] += 1
            return
        try:
            schedule = svc.schedules.update_schedule(schedule["schedule_id"], _advance(slot, now))
        except UnknownSchedule:  # deleted meanwhile: nothing more for it
            return
        if schedule.get("paused") or schedule["cursor"] > slot_at:
            return  # paused meanwhile, or another run is ahead of this one
    if schedule["cursor"] < cursor:  # only slots older than the window were left
        svc.schedules.update_schedule(schedule["schedule_id"], _skip_to(cursor))


def _run_slot(
    svc: Services,
    schedule: dict[str, Any],
    slot_at: datetime,
    now: datetime,
    summary: dict[str, Any],
) -> dict[str, Any] | None:
    schedule_id = schedule["schedule_id"]
    slot_id = f"{schedule_id}_{slot_key(slot_at)}"
    log = get_logger(stage="series", schedule_id=schedule_id, slot_id=slot_id)
    existing = svc.schedules.get_slot(slot_id)
    if existing is not None:  # made (or skipped) by an earlier or concurrent run
        summary["already"] += 1
        return existing
    record: dict[str, Any] = {
        "slot_id": slot_id, "schedule_id": schedule_id, "created_by": schedule["created_by"],
        "slot_at": slot_at, "recorded_at": now, "video_id": None, "reason": None,
    }  # fmt: skip
    try:
        index, theme = _next_theme(svc, schedule)
        record.update(theme=theme, theme_index=index)
        made = dict(record, outcome=MADE)

        def slot_document(job: dict[str, Any]) -> NewDocument:
            return NewDocument(SLOTS, slot_id, dict(made, video_id=job["video_id"]))

        # The free video too, when the creator's email is verified (as for POST /videos).
        verified = svc.schedules.owner_email_verified(schedule["created_by"])
        job = create_creator_job(
            svc, schedule["created_by"], _request(schedule, theme),
            Origin(series_id=schedule_id, slot=slot_document), email_verified=verified,
        )  # fmt: skip
    except AlreadyExists:
        summary["already"] += 1
        return svc.schedules.get_slot(slot_id)
    except PipelineError as exc:
        if exc.http_status >= 500:
            log.warning("slot_failed", code=exc.code, message=exc.message)
            return None
        skipped = dict(record, outcome=SKIPPED, reason={"code": exc.code, "message": exc.message})
        if not svc.schedules.add_slot(skipped):
            summary["already"] += 1
            return svc.schedules.get_slot(slot_id)
        log.info("slot_skipped", code=exc.code, status=exc.http_status)
        summary["skipped"].append({"slot_id": slot_id, "code": exc.code})
        return skipped
    except Exception:
        log.exception("slot_crashed")
        return None
    log.info("slot_made", video_id=job["video_id"])
    summary["created"].append({"slot_id": slot_id, "video_id": job["video_id"]})
    return dict(made, video_id=job["video_id"])


def _next_theme(svc: Services, schedule: dict[str, Any]) -> tuple[int, str]:
    index = int(schedule.get("next_theme_index", 0))
    themes = schedule.get("themes")
    if themes:
        return index, themes[index % len(themes)]
    memory = svc.settings.series_theme_memory
    avoid = list(schedule.get("recent_themes", []))[-memory:] if memory else []
    theme = svc.script_model.propose_theme(
        schedule["theme_prompt"], Language(schedule["language"]), avoid
    )
    return index, theme


def _request(schedule: dict[str, Any], theme: str) -> dict[str, Any]:
    fields = ("style", "language", "character_id", "music", "voice", "target_seconds")
    return {"theme": theme, **{f: schedule[f] for f in fields if schedule.get(f) is not None}}


def _advance(slot: dict[str, Any], now: datetime) -> Any:
    """The schedule after `slot`: cursor past it and, for a made video, the next theme."""
    slot_at: datetime = slot["slot_at"]

    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        if doc["cursor"] >= slot_at:
            return None  # another run advanced it already
        patch: dict[str, Any] = {"cursor": slot_at, "next_due_at": due_after(doc, slot_at)}
        if slot.get("outcome") == MADE:
            patch["next_theme_index"] = max(
                int(doc.get("next_theme_index", 0)), int(slot.get("theme_index", 0)) + 1
            )
            if doc.get("theme_prompt") and slot.get("theme"):
                recent = [*doc.get("recent_themes", []), slot["theme"]]
                patch["recent_themes"] = recent[-100:]
            patch["last_video_at"] = now
        return patch

    return change


def _skip_to(cursor: datetime) -> Any:
    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        if doc["cursor"] >= cursor:
            return None
        return {"cursor": cursor, "next_due_at": due_after(doc, cursor)}

    return change
