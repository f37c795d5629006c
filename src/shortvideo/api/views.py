"""What the API shows of a job document: no leases, operations or transcripts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shortvideo.models import JobDoc, Status, seconds_for_blocks
from shortvideo.studio.ports import MediaUrls

# What the summary reads: GET /videos/my-videos asks the store for these fields only.
SUMMARY_FIELDS = (
    "video_id",
    "theme",
    "status",
    "created_at",
    "updated_at",
    "final_video_url",
    "thumbnail_url",
    "duration",
    "error",
    "style",
    "language",
    "character_id",
    "favorite",
    "views",
    "cancelled_at",
    "series_id",
)
DETAIL_FIELDS = (
    "style",
    "language",
    "character_id",
    "music",
    "voice",
    "target_seconds",
    "block_count",
    "completed_blocks",
    "total_blocks",
    "provider",
    "video_model",
)


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _error(doc: JobDoc) -> dict[str, Any] | None:
    error = doc.get("error")
    if not isinstance(error, dict):
        return None
    return {k: error[k] for k in ("stage", "code", "message") if k in error}


def media_objects(video_id: str) -> dict[str, str]:
    """A finished video's private objects (the assembler's names, stages.assemble_stage)."""
    return {
        "final_video_url": f"final/{video_id}.mp4",
        "thumbnail_url": f"thumbnails/{video_id}.jpg",
        "captions_url": f"subtitles/{video_id}.srt",
    }


def summary(doc: JobDoc, media: MediaUrls) -> dict[str, Any]:
    """The compact view of GET /videos/my-videos: media as short-lived signed URLs only."""
    view: dict[str, Any] = {
        "video_id": doc["video_id"],
        "theme": doc.get("theme"),
        "status": doc.get("status"),
        "created_at": iso(doc.get("created_at")),
        "updated_at": iso(doc.get("updated_at")),
        "favorite": bool(doc.get("favorite")),
        "views": int(doc.get("views") or 0),
        "series_id": doc.get("series_id"),  # the schedule that made it (None: a person did)
        # What a library card shows and filters by (the dashboard, issue 14).
        "style": doc.get("style"),
        "language": doc.get("language"),
        "character_id": doc.get("character_id"),
    }
    if doc.get("status") == Status.COMPLETED.value:
        for key, name in media_objects(doc["video_id"]).items():
            view[key] = media.signed_url(name)
        view["duration"] = doc.get("duration")
    elif doc.get("status") == Status.FAILED.value:
        view["error"] = _error(doc)
    elif doc.get("status") == Status.CANCELLED.value:
        view["cancelled_at"] = iso(doc.get("cancelled_at"))
    return view


def detail(doc: JobDoc, media: MediaUrls) -> dict[str, Any]:
    """GET /videos/{video_id}: the summary plus the request, progress and cost."""
    view = summary(doc, media)
    view.update({key: doc.get(key) for key in DETAIL_FIELDS})
    cost = doc.get("cost") or {}
    view["cost"] = {key: cost.get(key) for key in ("estimated_usd", "actual_usd")}
    if doc.get("status") == Status.COMPLETED.value:
        for key in ("width", "height", "size_bytes"):
            view[key] = doc.get(key)
    view["error"] = _error(doc)
    view["next_retry_at"] = iso(doc.get("next_retry_at"))
    # Once ended: whether its credits (or the free video) came back (settlement, decision 0017).
    settlement = doc.get("settlement")
    view["refunded"] = bool(settlement.get("refund")) if isinstance(settlement, dict) else None
    return view


def created(doc: JobDoc) -> dict[str, Any]:
    """The 202 answer of POST /videos."""
    return {
        "video_id": doc["video_id"],
        "status": doc["status"],
        "block_count": doc["block_count"],
        "estimated_seconds": seconds_for_blocks(doc["block_count"]),
        "estimated_cost_usd": (doc.get("cost") or {}).get("estimated_usd"),
        "provider": doc.get("provider"),
        "created_at": iso(doc.get("created_at")),
        "url": f"/videos/{doc['video_id']}",
    }


# The shapes above, for the OpenAPI document (the handlers build plain dicts).


class ErrorInfo(BaseModel):
    stage: str | None = None
    code: str | None = None
    message: str | None = None


class Summary(BaseModel):
    video_id: str
    theme: str | None
    status: Status
    created_at: str | None
    updated_at: str | None
    favorite: bool = False
    views: int = 0
    series_id: str | None = None
    style: str | None = None
    language: str | None = None
    character_id: str | None = None
    final_video_url: str | None = None
    thumbnail_url: str | None = None
    captions_url: str | None = None
    duration: float | None = None
    error: ErrorInfo | None = None
    cancelled_at: str | None = None


class Cost(BaseModel):
    estimated_usd: float | None
    actual_usd: float | None


class Detail(Summary):
    music: str | None
    voice: str | None
    target_seconds: int | None
    block_count: int | None
    completed_blocks: int | None
    total_blocks: int | None
    provider: str | None
    video_model: str | None
    cost: Cost
    next_retry_at: str | None
    refunded: bool | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None


class Listing(BaseModel):
    videos: list[Summary]
    limit: int
    next_cursor: str | None = None


class Created(BaseModel):
    video_id: str
    status: Status
    block_count: int
    estimated_seconds: int
    estimated_cost_usd: float | None
    provider: str | None
    created_at: str | None
    url: str


class Deleted(BaseModel):
    video_id: str
    deleted: bool
    objects_removed: int


class Viewed(BaseModel):
    video_id: str
    views: int
    counted: bool
