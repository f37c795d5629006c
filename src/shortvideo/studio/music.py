"""The music catalogue: music_tracks/{track_id} {name, category, duration, object, license}.

Admins add or replace a track (its audio already uploaded under music/) and retire it; a
retired track is no longer offered or accepted for new videos, and jobs that chose it before
keep it (its object stays).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shortvideo.errors import InvalidRequest, PipelineError
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services

CATEGORIES = ("lofi", "upbeat", "ambient", "epic", "calm", "cinematic", "acoustic")


class UnknownTrack(PipelineError):
    code = "unknown_music"
    http_status = 404


class TrackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    track_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    category: str = Field(pattern="^(" + "|".join(CATEGORIES) + ")$")
    duration: float = Field(gt=0, le=3600)
    object: str = Field(pattern=r"^music/[A-Za-z0-9_.-]{1,120}\.(mp3|m4a|aac|wav|ogg)$")
    license: str = Field(min_length=1, max_length=300)


def track_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) for k in ("track_id", "name", "category", "duration", "license")}


def put_track(svc: Services, payload: Any, admin_id: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    try:
        track = TrackRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(f"{field}: {first['msg']}", field=field) from exc
    if not svc.blobs.exists(track.object):
        raise InvalidRequest(f"upload {track.object} to the bucket first", field="object")
    doc = {**track.model_dump(), "retired": False, "updated_by": admin_id, "updated_at": utcnow()}
    svc.catalog.put_music_track(doc)
    return doc


def retire_track(svc: Services, track_id: str, admin_id: str) -> dict[str, Any]:
    doc = svc.catalog.get_music_track(track_id)
    if doc is None:
        raise UnknownTrack(f"no music track {track_id!r}", field="track_id")
    doc = {**doc, "retired": True, "updated_by": admin_id, "updated_at": utcnow()}
    svc.catalog.put_music_track(doc)
    return doc
