"""The Firestore queries the product runs: collection, filters and order.

Firestore serves a query from its automatic single-field indexes only when one field is
involved; a query on more than one field needs a composite index in firestore.indexes.json.
tests/infra checks every query here against that file, and tests/unit/test_queries.py checks
that every filter and order the adapters write belongs to a query listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filter:
    field: str
    op: str  # "==", "in", "<", ">=", "array_contains", ...


@dataclass(frozen=True)
class Order:
    field: str
    direction: str  # "ASCENDING" or "DESCENDING"


@dataclass(frozen=True)
class Query:
    name: str
    collection: str
    filters: tuple[Filter, ...]
    order: tuple[Order, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        seen: list[str] = []
        for name in [f.field for f in self.filters] + [o.field for o in self.order]:
            if name not in seen:
                seen.append(name)
        return tuple(seen)

    @property
    def needs_composite_index(self) -> bool:
        return len(self.fields) > 1


def _library_queries() -> tuple[Query, ...]:
    """GET /videos/my-videos: by date, views or duration (then date), each with or without a
    status filter and a library key (studio.library: one array-contains for any mix of style,
    language, character and favorite)."""
    queries = []
    for sort, orders in (
        ("date", ("created_at",)),
        ("views", ("views", "created_at")),
        ("duration", ("duration", "created_at")),
    ):
        for with_status in (False, True):
            for with_key in (False, True):
                filters = [Filter("created_by", "==")]
                if with_status:
                    filters.append(Filter("status", "=="))
                if with_key:
                    filters.append(Filter("library_keys", "array_contains"))
                name = f"library_by_{sort}" + "_status" * with_status + "_key" * with_key
                order = tuple(Order(o, "DESCENDING") for o in orders)
                queries.append(Query(name, "video_status", tuple(filters), order))
    return tuple(queries)


QUERIES: tuple[Query, ...] = (
    # The monitor's sweep over jobs that are not finished.
    Query("jobs_by_status", "video_status", (Filter("status", "in"),)),
    # GET /videos/my-videos: a creator's library, newest first.
    Query(
        "jobs_by_creator_newest_first",
        "video_status",
        (Filter("created_by", "=="),),
        (Order("created_at", "DESCENDING"),),
    ),
    # GET /billing/history: a creator's ledger, newest first (decision 0017).
    Query(
        "ledger_of_creator_newest_first",
        "billing_ledger",
        (Filter("creator_id", "=="),),
        (Order("at", "DESCENDING"),),
    ),
    # Scheduled series (decision 0018): the dispatcher's due schedules, a creator's schedules
    # (and their count, read in the creating transaction), a schedule's latest slots.
    Query(
        "due_schedules",
        "series_schedules",
        (Filter("next_due_at", "<="),),
        (Order("next_due_at", "ASCENDING"),),
    ),
    Query("schedules_of_creator", "series_schedules", (Filter("created_by", "=="),)),
    Query(
        "slots_of_schedule_newest_first",
        "series_slots",
        (Filter("schedule_id", "=="),),
        (Order("slot_at", "DESCENDING"),),
    ),
    # Personal API token lookup (only the SHA-256 is stored); one per request.
    Query("api_token_by_hash", "api_tokens", (Filter("sha256", "=="),)),
    # GET /me/tokens, and account export/deletion over the registry's collections
    # (shortvideo.accounts.registry): one equality filter on each owner field.
    Query("api_tokens_of_creator", "api_tokens", (Filter("owner", "=="),)),
    Query("jobs_of_creator", "video_status", (Filter("created_by", "=="),)),
    Query("series_slots_of_creator", "series_slots", (Filter("created_by", "=="),)),
    Query("characters_owned", "characters", (Filter("created_by", "=="),)),
    Query("idempotency_keys_of_creator", "idempotency_keys", (Filter("created_by", "=="),)),
    Query("billing_account_of_creator", "billing_accounts", (Filter("creator_id", "=="),)),
    Query("billing_ledger_of_creator", "billing_ledger", (Filter("creator_id", "=="),)),
    *_library_queries(),
    # GET /characters: a creator's characters, newest first.
    Query(
        "characters_of_creator",
        "characters",
        (Filter("created_by", "=="),),
        (Order("created_at", "DESCENDING"),),
    ),
    # GET /characters: the catalogue's shared characters.
    Query("shared_characters", "characters", (Filter("shared", "=="),)),
    # GET /music: the catalogue's live tracks.
    Query("music_tracks_live", "music_tracks", (Filter("retired", "=="),)),
    # The monitor purges late objects of deleted videos until their tombstone expires.
    Query("deleted_videos_to_purge", "deleted_videos", (Filter("purge_until", ">="),)),
    Query("deleted_videos_expired", "deleted_videos", (Filter("purge_until", "<"),)),
)
