"""LibraryStore on Firestore: the library query, deletion with a tombstone, idempotency keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.models import JobDoc
from shortvideo.studio.library import LibraryQuery

JOBS = "video_status"
DELETED = "deleted_videos"
IDEMPOTENCY_KEYS = "idempotency_keys"


class FirestoreLibrary:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def list_library(self, query: LibraryQuery, fields: Sequence[str]) -> list[JobDoc]:
        # The indexes are those of shortvideo.queries' library_by_* (firestore.indexes.json).
        q: Any = self._client.collection(JOBS).where(
            filter=FieldFilter("created_by", "==", query.created_by)
        )
        if query.status is not None:
            q = q.where(filter=FieldFilter("status", "==", query.status))
        if query.key is not None:
            q = q.where(filter=FieldFilter("library_keys", "array_contains", query.key))
        for field in query.order_fields:
            q = q.order_by(field, direction=firestore.Query.DESCENDING)
        if query.after is not None:
            q = q.start_after(query.after)
        q = q.limit(query.limit + 1).select(list(dict.fromkeys([*fields, *query.order_fields])))
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in q.stream()]
            counts["reads"] += max(1, len(docs))
        return docs

    def delete_job(self, video_id: str, tombstone: dict[str, Any]) -> None:
        batch = self._client.batch()
        batch.delete(self._client.collection(JOBS).document(video_id))
        batch.set(self._client.collection(DELETED).document(video_id), tombstone)
        with metering.firestore_call() as counts:
            batch.commit()
            counts["writes"] += 2

    def tombstones_to_purge(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        q = (
            self._client.collection(DELETED)
            .where(filter=FieldFilter("purge_until", ">=", now))
            .limit(limit)
        )
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in q.stream()]
            counts["reads"] += max(1, len(docs))
        return docs

    def forget_tombstones(self, before: datetime, limit: int) -> int:
        q = (
            self._client.collection(DELETED)
            .where(filter=FieldFilter("purge_until", "<", before))
            .limit(limit)
        )
        with metering.firestore_call() as counts:
            refs = [snap.reference for snap in q.stream()]
            counts["reads"] += max(1, len(refs))
            for ref in refs:
                ref.delete()
            counts["writes"] += len(refs)
        return len(refs)

    def reserve_idempotency_key(
        self, key_id: str, record: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        ref = self._client.collection(IDEMPOTENCY_KEYS).document(key_id)
        with metering.firestore_call() as counts:
            try:
                ref.create(record)  # atomic: of two racing requests, one creates
                counts["writes"] += 1
                return record
            except gexc.Conflict:
                counts["reads"] += 1
                existing = ref.get().to_dict() or {}
        if not _expired(existing, now):
            return existing

        @firestore.transactional  # type: ignore[misc]
        def replace(transaction: firestore.Transaction) -> dict[str, Any]:
            current = ref.get(transaction=transaction).to_dict() or {}
            if current and not _expired(current, now):
                return current  # a racing retry replaced it first
            transaction.set(ref, record)
            return record

        with metering.firestore_call() as counts:
            fresh: dict[str, Any] = replace(self._client.transaction())
            counts["reads"] += 1
            counts["writes"] += 1
        return fresh

    def update_idempotency_key(self, key_id: str, fields: dict[str, Any]) -> None:
        with metering.firestore_call() as counts:
            self._client.collection(IDEMPOTENCY_KEYS).document(key_id).update(fields)
            counts["writes"] += 1

    def watch_job(
        self, video_id: str, on_change: Callable[[JobDoc | None], None]
    ) -> Callable[[], None]:
        """A Firestore listener: the first snapshot comes at once, then one per change."""

        def changed(snapshots: list[Any], _changes: Any, _read_time: Any) -> None:
            for snapshot in snapshots:
                on_change(snapshot.to_dict() if snapshot.exists else None)

        watch = self._client.collection(JOBS).document(video_id).on_snapshot(changed)
        return watch.unsubscribe  # type: ignore[no-any-return]


def _expired(record: dict[str, Any], now: datetime) -> bool:
    expires_at = record.get("expires_at")
    return expires_at is not None and expires_at <= now
