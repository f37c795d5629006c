"""Abuse limits per creator, shared by every API instance (Firestore), checked before a job.

A rate of video creations (per minute and per hour, one sliding-window document per creator).
The cap on unfinished jobs is exact: a running counter taken in the transaction that creates
the job and freed when it ends (shortvideo.billing.account, decision 0017).
"""

from __future__ import annotations

from shortvideo.errors import RateLimited
from shortvideo.wiring import Services


def rate_key(creator_id: str) -> str:
    return f"create-video-{creator_id}"


def admit_new_video(svc: Services, creator_id: str) -> None:
    """Raise RateLimited, or take one creation slot of the creator."""
    settings = svc.settings
    wait = svc.limiter.acquire(
        rate_key(creator_id),
        settings.create_video_per_minute,
        per_hour=settings.create_video_per_hour,
    )
    if wait > 0:
        raise RateLimited(
            f"too many new videos: at most {settings.create_video_per_minute} a minute and "
            f"{settings.create_video_per_hour} an hour",
            retry_after_seconds=wait,
        )
