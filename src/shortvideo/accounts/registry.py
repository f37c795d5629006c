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
    # The studio (decision 0016): characters (their images are deleted with them, see
    # character_image_objects) and the Idempotency-Key records of POST /videos.
    OwnedCollection("characters", "created_by"),
    OwnedCollection("idempotency_keys", "created_by"),
    # Billing (decision 0017): the account and its ledger. Stripe keeps its own invoices;
    # stripe_events (event ids, so a replay grants nothing) and deleted_videos (tombstones the
    # monitor purges late Veo outputs by, expiring on their own) stay.
    OwnedCollection("billing_accounts", "creator_id"),
    OwnedCollection("billing_ledger", "creator_id"),
)

# Rate-limit documents keyed by the creator (rate_limits/{key}); deleted with the account.
RATE_LIMIT_COLLECTION = "rate_limits"


def rate_limit_keys(uid: str) -> tuple[str, ...]:
    return (f"create-video-{uid}", f"create-token-{uid}", f"create-character-{uid}")


def character_image_objects(characters: list[dict[str, object]]) -> list[str]:
    """The GCS objects of a creator's own characters (studio.characters.image_object)."""
    return [str(doc["image_object"]) for doc in characters if doc.get("image_object")]


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
        f"job_inputs/{video_id}/",  # the job's own copy of its character's image (0016)
    )
