"""A creator cancels one of its queued or running videos; the unbilled budget goes back."""

from __future__ import annotations

from shortvideo import lifecycle
from shortvideo.errors import NotCancellable, UnknownJob
from shortvideo.logs import get_logger
from shortvideo.models import JobDoc
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services


def unbilled_usd(svc: Services, doc: JobDoc) -> float:
    """The estimate reserved at creation, less what was billed and what is in flight."""
    cost = doc.get("cost") or {}
    pending = doc.get("veo_operation") or doc.get("veo_submit_intent") or {}
    model = pending.get("model") or doc.get("video_model") or ""
    in_flight = lifecycle.in_flight_video_seconds(doc) * svc.settings.price_per_second(model)
    estimate = float(cost.get("estimated_usd") or 0.0)
    return estimate - float(cost.get("actual_usd") or 0.0) - in_flight


def cancel_job(svc: Services, video_id: str, creator_id: str) -> JobDoc:
    """Cancel the creator's job; someone else's is UnknownJob, exactly like a missing one."""
    doc = svc.jobs.get_job(video_id)
    if doc is None or doc.get("created_by") != creator_id:
        raise UnknownJob(f"you have no video {video_id!r}", field="video_id")
    try:
        doc = svc.jobs.mutate_job(
            video_id,
            lifecycle.cancel(utcnow(), by=creator_id, unbilled_usd=lambda d: unbilled_usd(svc, d)),
        )
    except lifecycle.Skip as skip:
        raise NotCancellable(
            f"video {video_id!r} is already finished and cannot be cancelled", field="video_id"
        ) from skip
    released = float(doc["cost"]["released_usd"])
    # After the commit: a crash here leaves the estimate reserved (safe: never over budget).
    if released > 0:
        svc.jobs.release_budget(f"{doc['created_at']:%Y-%m}", released)
    get_logger(stage="cancel", video_id=video_id).info(
        "job_cancelled", creator=creator_id, released_usd=released
    )
    return doc
