"""A creator cancels one of its queued or running videos; the unbilled budget goes back."""

from __future__ import annotations

from shortvideo import lifecycle
from shortvideo.errors import NotCancellable, UnknownJob
from shortvideo.logs import get_logger
from shortvideo.models import JobDoc
from shortvideo.wiring import Services


def unbilled_usd(svc: Services, doc: JobDoc) -> float:
    """What creation reserved, less what was billed and what is in flight."""
    cost = doc.get("cost") or {}
    pending = doc.get("veo_operation") or doc.get("veo_submit_intent") or {}
    model = pending.get("model") or doc.get("video_model") or ""
    in_flight = lifecycle.in_flight_video_seconds(doc) * svc.settings.price_per_second(model)
    reserved = float(cost.get("reserved_usd", cost.get("estimated_usd")) or 0.0)
    return reserved - float(cost.get("actual_usd") or 0.0) - in_flight


def cancel_job(svc: Services, video_id: str, creator_id: str) -> JobDoc:
    """Cancel the creator's job; someone else's is UnknownJob, exactly like a missing one."""
    doc = svc.jobs.get_job(video_id)
    if doc is None or doc.get("created_by") != creator_id:
        raise UnknownJob(f"you have no video {video_id!r}", field="video_id")
    try:
        doc = svc.jobs.mutate_job(
            video_id,
            lifecycle.cancel(
                svc.clock(), by=creator_id, unbilled_usd=lambda d: unbilled_usd(svc, d)
            ),
        )
    except lifecycle.Skip as skip:
        raise NotCancellable(
            f"video {video_id!r} is already finished and cannot be cancelled", field="video_id"
        ) from skip
    # The unbilled part went back to the month's budget in the cancel's own transaction
    # (shortvideo.settlement), with the running slot and any credits due.
    released = float(doc["settlement"]["release_usd"])
    get_logger(stage="cancel", video_id=video_id).info(
        "job_cancelled", creator=creator_id, released_usd=released
    )
    return doc
