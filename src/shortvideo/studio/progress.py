"""What a creator sees of a running job, pushed as Server-Sent Events (decision 0016).

One update: the status in words and as a stable code, blocks done of total, a percent, the
stage timings, an ETA from measured stage times, and on failure its reason and the next retry.
Nothing of the job's internals (leases, operations, costs) is in it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shortvideo.models import JobDoc, Status

# Stable numbers for clients that switch on a code; words for people.
STATUS_CODES = {
    Status.QUEUED: (10, "waiting for a script writer"),
    Status.SCRIPTING: (20, "writing the script"),
    Status.SCRIPT_GENERATED: (30, "script ready, waiting for the video model"),
    Status.GENERATING_VIDEO: (40, "making the video, block by block"),
    Status.VIDEO_GENERATED: (50, "video ready, waiting for assembly"),
    Status.ASSEMBLING: (60, "adding subtitles and music"),
    Status.COMPLETED: (100, "finished"),
    Status.FAILED: (900, "failed"),
    Status.CANCELLED: (910, "cancelled"),
}
# Until a job has measured its own, the typical seconds of each part (demo and Veo differ;
# the video stage's own rate replaces the block figure as soon as one block is done).
PRIOR_SECONDS = {"script": 30.0, "block": 90.0, "assemble": 60.0}
SCRIPT_SHARE, VIDEO_SHARE = 5.0, 80.0  # percent; assembly is the rest


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _percent(status: Status, done: int, total: int) -> float:
    if status == Status.COMPLETED:
        return 100.0
    if status in (Status.QUEUED, Status.SCRIPTING):
        return 0.0 if status == Status.QUEUED else SCRIPT_SHARE / 2
    if status in (Status.SCRIPT_GENERATED, Status.GENERATING_VIDEO):
        return round(SCRIPT_SHARE + VIDEO_SHARE * done / max(total, 1), 1)
    if status == Status.VIDEO_GENERATED:
        return SCRIPT_SHARE + VIDEO_SHARE
    if status == Status.ASSEMBLING:
        return SCRIPT_SHARE + VIDEO_SHARE + 5.0
    return round(SCRIPT_SHARE + VIDEO_SHARE * done / max(total, 1), 1)  # failed, cancelled


def _elapsed(timing: dict[str, Any], now: datetime) -> float:
    started = timing.get("started_at")
    if timing.get("seconds") is not None:
        return float(timing["seconds"])
    return max((now - started).total_seconds(), 0.0) if isinstance(started, datetime) else 0.0


def eta_seconds(doc: JobDoc, now: datetime) -> float | None:
    """Seconds until the job should be done: what is left of each part at measured rates."""
    status = Status(doc["status"])
    if status.terminal:
        return None
    timings = doc.get("stage_timings") or {}
    done, total = int(doc.get("completed_blocks") or 0), int(doc.get("total_blocks") or 0)
    left = 0.0
    if "finished_at" not in timings.get("script", {}):
        left += max(PRIOR_SECONDS["script"] - _elapsed(timings.get("script", {}), now), 0.0)
    video = timings.get("video", {})
    per_block = PRIOR_SECONDS["block"]
    if done > 0 and video:
        per_block = _elapsed(video, now) / done  # this job's own measured rate
    if "finished_at" not in video:
        left += per_block * max(total - done, 0)
    assemble = timings.get("assemble", {})
    left += max(PRIOR_SECONDS["assemble"] - _elapsed(assemble, now), 0.0)
    next_retry = doc.get("next_retry_at")
    if isinstance(next_retry, datetime) and next_retry > now:
        left += (next_retry - now).total_seconds()
    return round(left, 1)


def progress(doc: JobDoc, now: datetime) -> dict[str, Any]:
    status = Status(doc["status"])
    code, words = STATUS_CODES[status]
    done, total = int(doc.get("completed_blocks") or 0), int(doc.get("total_blocks") or 0)
    timings = {
        stage: {
            "started_at": _iso(t.get("started_at")),
            "finished_at": _iso(t.get("finished_at")),
            "seconds": round(_elapsed(t, now), 1),
        }
        for stage, t in (doc.get("stage_timings") or {}).items()
    }
    error = doc.get("error") if isinstance(doc.get("error"), dict) else None
    return {
        "video_id": doc["video_id"],
        "status": status.value,
        "status_code": code,
        "status_text": words,
        "completed_blocks": done,
        "total_blocks": total,
        "percent": _percent(status, done, total),
        "stage_timings": timings,
        "eta_seconds": eta_seconds(doc, now),
        "error": {k: error.get(k) for k in ("stage", "code", "message")} if error else None,
        "next_retry_at": _iso(doc.get("next_retry_at")),
        "final": status.terminal,
        "updated_at": _iso(doc.get("updated_at")),
    }


def sse_event(update: dict[str, Any], event: str = "progress") -> str:
    """One Server-Sent Event; its id lets a reconnecting browser say where it was."""
    data = json.dumps(update, separators=(",", ":"), ensure_ascii=False)
    return f"id: {update.get('updated_at') or ''}\nevent: {event}\ndata: {data}\n\n"
