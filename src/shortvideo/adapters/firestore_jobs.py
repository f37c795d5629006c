"""JobStore on Firestore: video_status/{video_id}, characters/{id}, script_cache/{key}.

Calls record their document reads and writes in the current meter (shortvideo.metering).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.adapters.firestore_limits import release_budget, reserve_budget
from shortvideo.errors import AlreadyExists, UnknownJob
from shortvideo.lifecycle import Skip
from shortvideo.models import Character, JobDoc, Status
from shortvideo.ports import BudgetCharge, Mutation, NewDocument

JOBS = "video_status"
CHARACTERS = "characters"
SCRIPT_CACHE = "script_cache"
_CONTENTION_RETRIES = 6
NON_TERMINAL = [s.value for s in Status if not s.terminal]


class FirestoreJobStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def create_job(
        self,
        doc: JobDoc,
        charge: BudgetCharge | None = None,
        also_create: NewDocument | None = None,
    ) -> None:
        ref = self._client.collection(JOBS).document(doc["video_id"])

        with metering.firestore_call() as counts:
            if charge is not None:
                # An atomic increment, not a transaction: the month's document is written by
                # every job creation, and transactions that read it lock each other out.
                counts["writes"] += 1
                reserve_budget(self._client, charge.month, charge.amount_usd, charge.budget_usd)
            try:
                # create() fails if the id exists: two requests can never share a job.
                if also_create is None:
                    ref.create(doc)
                else:
                    self._create_both(ref, doc, also_create)
                    counts["writes"] += 1
            except BaseException:
                if charge is not None:
                    counts["writes"] += 1
                    release_budget(self._client, charge.month, charge.amount_usd)
                raise
            counts["writes"] += 1

    def _create_both(
        self, ref: firestore.DocumentReference, doc: JobDoc, also_create: NewDocument
    ) -> None:
        """The job and the other new document in one atomic commit: both or neither."""
        other = self._client.collection(also_create.collection).document(also_create.document_id)
        batch = self._client.batch()
        batch.create(ref, doc)
        batch.create(other, also_create.data)
        try:
            batch.commit()
        except gexc.AlreadyExists as exc:
            raise AlreadyExists(
                f"{also_create.collection}/{also_create.document_id} exists already",
                field=also_create.collection,
            ) from exc

    def get_job(self, video_id: str) -> JobDoc | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(JOBS).document(video_id).get()
        return snapshot.to_dict() if snapshot.exists else None

    def mutate_job(self, video_id: str, mutation: Mutation) -> JobDoc:
        ref = self._client.collection(JOBS).document(video_id)
        with metering.firestore_call() as counts:
            written: list[bool] = []

            @firestore.transactional  # type: ignore[misc]
            def run(transaction: firestore.Transaction) -> JobDoc:
                written.clear()
                counts["reads"] += 1  # each run of the body reads (and is billed) again
                snapshot = ref.get(transaction=transaction)
                if not snapshot.exists:
                    raise UnknownJob(f"no job with video_id {video_id!r}", field="video_id")
                doc: JobDoc = snapshot.to_dict() or {}
                patch = mutation(doc)
                if patch:
                    transaction.update(ref, patch)
                    doc.update(patch)
                    written.append(True)
                return doc

            # The emulator, like the service, aborts contended transactions: retry with jitter.
            for attempt in range(_CONTENTION_RETRIES):
                try:
                    result: JobDoc = run(self._client.transaction())
                    counts["writes"] += len(written)  # committed
                    return result
                except (gexc.Aborted, gexc.Conflict):
                    if attempt == _CONTENTION_RETRIES - 1:
                        raise
                    time.sleep(0.05 * 2**attempt + random.random() * 0.05)
                except Skip:
                    raise
        raise AssertionError("unreachable")

    def list_jobs(self, statuses: list[str], limit: int = 200) -> list[JobDoc]:
        query = (
            self._client.collection(JOBS)
            .where(filter=FieldFilter("status", "in", statuses))
            .limit(limit)
        )
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(docs))  # a query costs at least one read
        return docs

    def list_jobs_by_creator(
        self, created_by: str, limit: int, fields: Sequence[str] | None = None
    ) -> list[JobDoc]:
        # Needs the composite index video_status (created_by ASC, created_at DESC): see
        # docs/decisions/0005-creator-api.md and firestore.indexes.json.
        query = (
            self._client.collection(JOBS)
            .where(filter=FieldFilter("created_by", "==", created_by))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        if fields is not None:
            query = query.select(list(fields))
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(docs))  # a query costs at least one read
        return docs

    def count_running_jobs(self, created_by: str) -> int:
        # created_by == X and status in [...]: the composite index (created_by, status) of
        # firestore.indexes.json serves it (decision 8).
        query: Any = (  # the SDK types count() as its base class
            self._client.collection(JOBS)
            .where(filter=FieldFilter("created_by", "==", created_by))
            .where(filter=FieldFilter("status", "in", NON_TERMINAL))
            .count()
        )
        with metering.firestore_call() as counts:
            result = query.get()
            counts["reads"] += 1  # an aggregation costs one read per 1000 index entries
        return int(result[0][0].value)

    def release_budget(self, month: str, amount_usd: float) -> None:
        with metering.firestore_call() as counts:
            release_budget(self._client, month, amount_usd)
            counts["writes"] += 1

    def get_character(self, character_id: str) -> Character | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(CHARACTERS).document(character_id).get()
        if not snapshot.exists:
            return None
        data = snapshot.to_dict() or {}
        return Character.model_validate({**data, "character_id": character_id})

    def get_cached_script(self, key: str) -> dict[str, Any] | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(SCRIPT_CACHE).document(key).get()
        return snapshot.to_dict() if snapshot.exists else None

    def put_cached_script(self, key: str, entry: dict[str, Any]) -> None:
        with metering.firestore_call() as counts:
            self._client.collection(SCRIPT_CACHE).document(key).set(entry)
            counts["writes"] += 1
