"""ScheduleStore on Firestore: series_schedules/{schedule_id} and series_slots/{slot_id}.

A made slot's document is written by FirestoreJobStore.create_job, with its job (one atomic
commit); this store writes only the slots that were skipped, and with create(): a slot never
gets a second outcome.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.accounts.registry import USERS
from shortvideo.errors import ScheduleLimitReached, UnknownSchedule
from shortvideo.series.spec import SCHEDULES, SLOTS

_CONTENTION_RETRIES = 6
Doc = dict[str, Any]


class FirestoreScheduleStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def _transact(self, body: Callable[[firestore.Transaction], Any]) -> Any:
        run = firestore.transactional(body)
        for attempt in range(_CONTENTION_RETRIES):
            try:
                return run(self._client.transaction())
            except (gexc.Aborted, gexc.Conflict):
                if attempt == _CONTENTION_RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt + random.random() * 0.05)
        raise AssertionError("unreachable")

    def add_schedule(self, doc: Doc, max_per_creator: int) -> None:
        ref = self._client.collection(SCHEDULES).document(doc["schedule_id"])
        mine = (
            self._client.collection(SCHEDULES)
            .where(filter=FieldFilter("created_by", "==", doc["created_by"]))
            .limit(max_per_creator)
        )

        def body(transaction: firestore.Transaction) -> None:
            # Read in the transaction: two concurrent creations cannot both pass the cap.
            existing = list(transaction.get(mine))
            counts["reads"] += max(1, len(existing))
            if len(existing) >= max_per_creator:
                raise ScheduleLimitReached(
                    f"you already have {len(existing)} schedules (at most {max_per_creator}): "
                    "delete one first",
                    field="schedules",
                )
            transaction.create(ref, doc)

        with metering.firestore_call() as counts:
            self._transact(body)
            counts["writes"] += 1

    def get_schedule(self, schedule_id: str) -> Doc | None:
        return self._get(SCHEDULES, schedule_id)

    def list_schedules_by_creator(self, created_by: str) -> list[Doc]:
        query = self._client.collection(SCHEDULES).where(
            filter=FieldFilter("created_by", "==", created_by)
        )
        docs = self._stream(query)
        return sorted(docs, key=lambda d: d["created_at"])

    def update_schedule(self, schedule_id: str, mutation: Callable[[Doc], Doc | None]) -> Doc:
        ref = self._client.collection(SCHEDULES).document(schedule_id)

        def body(transaction: firestore.Transaction) -> Doc:
            counts["reads"] += 1
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                raise UnknownSchedule(f"no schedule {schedule_id!r}", field="schedule_id")
            doc: Doc = snapshot.to_dict() or {}
            patch = mutation(doc)
            if patch:
                transaction.update(ref, patch)
                doc.update(patch)
                written.append(True)
            return doc

        with metering.firestore_call() as counts:
            written: list[bool] = []
            result: Doc = self._transact(body)
            counts["writes"] += min(1, len(written))
        return result

    def delete_schedule(self, schedule_id: str) -> bool:
        ref = self._client.collection(SCHEDULES).document(schedule_id)
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            if not ref.get().exists:
                return False
            ref.delete()
            counts["writes"] += 1
        return True

    def list_due_schedules(self, now: datetime, limit: int) -> list[Doc]:
        # One field (a paused schedule has next_due_at null, which <= never matches): served
        # by the automatic single-field index.
        query = (
            self._client.collection(SCHEDULES)
            .where(filter=FieldFilter("next_due_at", "<=", now))
            .order_by("next_due_at")
            .limit(limit)
        )
        return self._stream(query)

    def owner_email_verified(self, creator_id: str) -> bool:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            user = self._client.collection(USERS).document(creator_id).get(["email_verified"])
        return bool(user.exists and (user.to_dict() or {}).get("email_verified"))

    def get_slot(self, slot_id: str) -> Doc | None:
        return self._get(SLOTS, slot_id)

    def add_slot(self, doc: Doc) -> bool:
        ref = self._client.collection(SLOTS).document(doc["slot_id"])
        with metering.firestore_call() as counts:
            try:
                ref.create(doc)
            except gexc.AlreadyExists:
                return False
            counts["writes"] += 1
        return True

    def list_slots(self, schedule_id: str, limit: int) -> list[Doc]:
        # Needs the composite index series_slots (schedule_id ASC, slot_at DESC).
        query = (
            self._client.collection(SLOTS)
            .where(filter=FieldFilter("schedule_id", "==", schedule_id))
            .order_by("slot_at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        return self._stream(query)

    def _get(self, collection: str, document_id: str) -> Doc | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(collection).document(document_id).get()
        return snapshot.to_dict() if snapshot.exists else None

    def _stream(self, query: Any) -> list[Doc]:
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(docs))  # a query costs at least one read
        return docs
