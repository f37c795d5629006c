"""Shared helpers of the studio's emulator tests: services, creators, finished jobs."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from devstack.creators import add_creator
from shortvideo.settings import settings_from
from shortvideo.wiring import Services, build_services


def services(**overrides: str) -> Services:
    limits = {"MAX_RUNNING_JOBS_PER_CREATOR": "0", "CREATE_VIDEO_PER_MINUTE": "0",
              "CREATE_VIDEO_PER_HOUR": "0"}  # fmt: skip
    return build_services(settings_from({**os.environ, **limits, **overrides}))


def token_of(svc: Services, name: str) -> dict[str, str]:
    """A personal API token of a new creator whose id is `name` (accounts, decision 0015)."""
    _, token = add_creator(os.environ, name, creator_id=name)
    return {"Authorization": f"Bearer {token}"}


def finish(svc: Services, video_id: str, duration: float, *, minutes_ago: int = 0) -> None:
    """Make a job look completed, as the assembler leaves it (objects included)."""
    final = f"final/{video_id}.mp4"
    svc.blobs.upload_bytes(final, bytes(range(256)) * 40, "video/mp4")
    svc.blobs.upload_bytes(f"thumbnails/{video_id}.jpg", b"\xff\xd8jpeg", "image/jpeg")
    svc.blobs.upload_bytes(f"subtitles/{video_id}.srt", b"1\n00:00:00,000 --> 1\nhi\n", "x")

    def mutate(doc: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {"status": "completed", "duration": duration}
        if minutes_ago:
            fields["created_at"] = doc["created_at"] - timedelta(minutes=minutes_ago)
        return fields

    svc.jobs.mutate_job(video_id, mutate)
