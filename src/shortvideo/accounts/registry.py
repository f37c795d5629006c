"""Where a creator's data lives: one list, read by account export and deletion.

A later feature that stores per-creator documents adds its collection here (name and owner
field) and its owner query to shortvideo.queries; tests/unit/test_accounts_registry.py checks
that each one is registered there. Media of a job are found from its id (job_media_prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OwnedCollection:
    collection: str
    owner_field: str
    # Fields never exported (secrets, or hashes of them).
    private_fields: tuple[str, ...] = ()


JOBS = OwnedCollection("video_status", "created_by")
API_TOKENS = OwnedCollection("api_tokens", "owner", private_fields=("sha256",))
USERS = "users"  # users/{uid}: deleted last, after everything it owns

OWNED_COLLECTIONS: tuple[OwnedCollection, ...] = (
    JOBS,
    API_TOKENS,
    # Scheduled series (decision 0018): the schedules and the slots they made or skipped.
    OwnedCollection("series_schedules", "created_by"),
    OwnedCollection("series_slots", "created_by"),
    # issue 11 (studio) adds its own, e.g. OwnedCollection("characters", "created_by").
)

# Rate-limit documents keyed by the creator (rate_limits/{key}); deleted with the account.
RATE_LIMIT_COLLECTION = "rate_limits"


def rate_limit_keys(uid: str) -> tuple[str, ...]:
    return (f"create-video-{uid}", f"create-token-{uid}")


def job_media_prefixes(video_id: str) -> tuple[str, ...]:
    """Every GCS object name a job writes starts with one of these (the stages' own names).

    A video id is [A-Za-z0-9_-]+, so "scripts/ID." never matches another id's objects.
    """
    return (
        f"scripts/{video_id}.",
        f"veo31_videos/{video_id}/",
        f"narration/{video_id}/",
        f"final/{video_id}.",
        f"thumbnails/{video_id}.",
        f"subtitles/{video_id}.",
    )
