"""Abuse limits per creator, shared by every API instance (Firestore), checked before a job.

A rate of video creations (per minute and per hour, one sliding-window document per creator)
and a cap on unfinished jobs. Neither spends the month's budget: one creator can no longer
take everyone's capacity (decision 8).
"""

from __future__ import annotations

from shortvideo.errors import RateLimited, TooManyRunningJobs
from shortvideo.wiring import Services


def rate_key(creator_id: str) -> str:
    return f"create-video-{creator_id}"


def admit_new_video(svc: Services, creator_id: str) -> None:
    """Raise TooManyRunningJobs or RateLimited, or take one creation slot of the creator."""
    settings = svc.settings
    cap = settings.max_running_jobs_per_creator
    if cap > 0:
        running = svc.jobs.count_running_jobs(creator_id)
        if running >= cap:
            raise TooManyRunningJobs(
                f"you already have {running} unfinished videos (at most {cap}): wait until one "
                "finishes, or cancel one"
            )
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
