"""A creator's own videos: favorite, count a view, delete (objects included, late ones too)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shortvideo.errors import NotCancellable, PipelineError, UnknownJob
from shortvideo.logs import get_logger
from shortvideo.models import JobDoc, Status
from shortvideo.ports import BlobStore
from shortvideo.stages.cancel import cancel_job
from shortvideo.stages.runner import utcnow
from shortvideo.studio.library import library_keys
from shortvideo.wiring import Services

VIEW_WINDOW = timedelta(hours=1)


class NotViewable(PipelineError):
    """Only a finished video can be watched."""

    code = "not_viewable"
    http_status = 409


def owned(doc: JobDoc | None, video_id: str, creator_id: str) -> JobDoc:
    """The creator's job; someone else's is answered exactly like a missing one."""
    if doc is None or doc.get("created_by") != creator_id:
        raise UnknownJob(f"you have no video {video_id!r}", field="video_id")
    return doc


def set_favorite(svc: Services, video_id: str, creator_id: str, favorite: bool) -> JobDoc:
    def mutate(doc: JobDoc) -> dict[str, Any] | None:
        owned(doc, video_id, creator_id)
        if bool(doc.get("favorite")) == favorite and "library_keys" in doc:
            return None
        return {"favorite": favorite, "library_keys": library_keys({**doc, "favorite": favorite})}

    owned(svc.jobs.get_job(video_id), video_id, creator_id)  # a missing job: UnknownJob, no write
    return svc.jobs.mutate_job(video_id, mutate)


def count_view(
    svc: Services, video_id: str, viewer_id: str, now: datetime | None = None
) -> tuple[JobDoc, bool]:
    """Add one view unless this viewer's last counted view is less than an hour old."""
    now = now or utcnow()
    counted: list[bool] = []

    def mutate(doc: JobDoc) -> dict[str, Any] | None:
        counted.clear()
        owned(doc, video_id, viewer_id)
        if doc.get("status") != Status.COMPLETED.value:
            raise NotViewable(f"video {video_id!r} is not finished yet", field="video_id")
        last = (doc.get("viewed_at") or {}).get(viewer_id)
        if last is not None and now - last < VIEW_WINDOW:
            return None
        counted.append(True)
        # The whole map: a creator id may hold "-", which a dotted field path cannot.
        viewed = {**(doc.get("viewed_at") or {}), viewer_id: now}
        return {"views": int(doc.get("views") or 0) + 1, "viewed_at": viewed}

    owned(svc.jobs.get_job(video_id), video_id, viewer_id)
    doc = svc.jobs.mutate_job(video_id, mutate)
    return doc, bool(counted)


def object_names(blobs: BlobStore, video_id: str) -> list[str]:
    """Every object a job may have written (or had written for it)."""
    names: list[str] = []
    for prefix in (
        f"scripts/{video_id}.",
        f"veo31_videos/{video_id}/",
        f"narration/{video_id}/",
        f"job_inputs/{video_id}/",
        f"final/{video_id}.",
        f"thumbnails/{video_id}.",
        f"subtitles/{video_id}.",
    ):
        names.extend(blobs.list_names(prefix))
    return names


def purge_objects(blobs: BlobStore, video_id: str) -> int:
    names = object_names(blobs, video_id)
    for name in names:
        blobs.delete(name)  # one already gone is no error
    return len(names)


def delete_video(svc: Services, video_id: str, creator_id: str) -> dict[str, Any]:
    """Cancel the job if it runs, then delete its document and objects.

    A tombstone (deleted_videos/{id}) stays for as long as a Veo operation may still write its
    output: the monitor deletes whatever appears under the job's prefixes until then.
    """
    doc = owned(svc.jobs.get_job(video_id), video_id, creator_id)
    if not Status(doc["status"]).terminal:
        try:
            doc = cancel_job(svc, video_id, creator_id)  # budget released, stages stop
        except NotCancellable:
            doc = owned(svc.jobs.get_job(video_id), video_id, creator_id)  # it just ended
    now = utcnow()
    window = svc.settings.video_operation_timeout_seconds + svc.settings.lease_seconds
    svc.library.delete_job(
        video_id,
        {
            "video_id": video_id,
            "created_by": creator_id,
            "deleted_at": now,
            "purge_until": now + timedelta(seconds=window),
        },
    )
    removed = purge_objects(svc.blobs, video_id)
    get_logger(stage="delete", video_id=video_id).info(
        "video_deleted", creator=creator_id, objects_removed=removed, status=doc["status"]
    )
    return {"video_id": video_id, "deleted": True, "objects_removed": removed}


def purge_deleted(svc: Services, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The monitor's sweep: remove objects that appeared after a video was deleted."""
    now = now or utcnow()
    removed = 0
    tombstones = svc.library.tombstones_to_purge(now, limit)
    for tombstone in tombstones:
        removed += purge_objects(svc.blobs, tombstone["video_id"])
    forgotten = svc.library.forget_tombstones(now, limit)
    return {"tombstones": len(tombstones), "late_objects_removed": removed, "forgotten": forgotten}
