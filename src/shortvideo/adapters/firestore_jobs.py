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
from shortvideo.adapters import firestore_billing
from shortvideo.adapters.firestore_limits import release_budget, reserve_budget
from shortvideo.billing import account
from shortvideo.errors import AlreadyExists, UnknownJob
from shortvideo.lifecycle import Skip
from shortvideo.models import Character, JobDoc, Status
from shortvideo.ports import BudgetCharge, Mutation, NewDocument

JOBS = "video_status"
CHARACTERS = "characters"
SCRIPT_CACHE = "script_cache"
_CONTENTION_RETRIES = 8
NON_TERMINAL = [s.value for s in Status if not s.terminal]


class FirestoreJobStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def create_job(
        self,
        doc: JobDoc,
        charge: BudgetCharge | None = None,
        admission: account.Admission | None = None,
        also_create: NewDocument | None = None,
    ) -> JobDoc:
        ref = self._client.collection(JOBS).document(doc["video_id"])

        with metering.firestore_call() as counts:
            quote = None
            if admission is not None:
                # A plain read first: a creator who cannot pay is refused without reserving
                # budget or taking anything.
                counts["reads"] += 1
                current = firestore_billing.read_account(self._client, admission.creator_id)
                quote = account.admit(current, admission)
            if charge is not None:
                # An atomic increment, not a transaction: the month's document is written by
                # every job creation, and transactions that read it lock each other out.
                counts["writes"] += 1
                reserve_budget(self._client, charge.month, charge.amount_usd, charge.budget_usd)
            taking = None
            try:
                entries: list[account.Entry] = []
                if admission is not None and quote is not None:
                    taking = firestore_billing.Taking(self._client, admission)
                    fields, entries = taking.take(quote)
                    doc = {**doc, **fields}
                    counts["writes"] += 2
                # One commit: the job, its ledger row and the other new document, or none.
                # create() fails if the id exists: two requests can never share a job.
                batch = self._client.batch()
                batch.create(ref, doc)
                for entry in entries:
                    batch.create(self._client.collection(account.LEDGER).document(), entry.doc())
                if also_create is not None:
                    other = self._client.collection(also_create.collection)
                    batch.create(other.document(also_create.document_id), also_create.data)
                self._commit(batch, also_create)
                counts["writes"] += 1 + len(entries) + (also_create is not None)
            except BaseException:
                if taking is not None:
                    taking.give_back()
                if charge is not None:
                    counts["writes"] += 1
                    release_budget(self._client, charge.month, charge.amount_usd)
                raise
        return doc

    @staticmethod
    def _commit(batch: Any, also_create: NewDocument | None) -> None:
        try:
            batch.commit()
        except gexc.AlreadyExists as exc:
            if also_create is None:
                raise
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
            written: list[int] = []
            ended: list[JobDoc] = []  # the job, when this transaction ended (and settled) it

            @firestore.transactional  # type: ignore[misc]
            def run(transaction: firestore.Transaction) -> JobDoc:
                written.clear()
                ended.clear()
                counts["reads"] += 1  # each run of the body reads (and is billed) again
                snapshot = ref.get(transaction=transaction)
                if not snapshot.exists:
                    raise UnknownJob(f"no job with video_id {video_id!r}", field="video_id")
                doc: JobDoc = snapshot.to_dict() or {}
                patch = mutation(doc)
                if not patch:
                    return doc
                settling = "settlement" in patch and not doc.get("settlement")
                doc.update(patch)
                reads = {}
                if settling:  # reads before any write
                    reads = firestore_billing.settlement_reads(self._client, doc, transaction)
                    counts["reads"] += len(reads)
                transaction.update(ref, patch)
                written.append(1)
                if settling:
                    now = patch.get("updated_at") or doc["settlement"]["at"]
                    written.append(
                        firestore_billing.apply_settlement(
                            transaction, self._client, doc, reads, now
                        )
                    )
                    ended.append(doc)
                return doc

            # The emulator, like the service, aborts contended transactions: retry with jitter.
            for attempt in range(_CONTENTION_RETRIES):
                try:
                    result: JobDoc = run(self._client.transaction())
                    counts["writes"] += sum(written)  # committed
                    if ended:  # only the writer that ended the job gets here with it
                        counts["writes"] += 1
                        firestore_billing.release_settled_budget(self._client, ended[0])
                    return result
                except (gexc.Aborted, gexc.Conflict, ValueError):
                    # ValueError: the client's own retries ran out ("Failed to commit
                    # transaction"), e.g. jobs of one creator ending together (settlement).
                    if attempt == _CONTENTION_RETRIES - 1:
                        raise
                    time.sleep(0.05 * 2 ** min(attempt, 5) + random.random() * 0.1)
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

    def count_jobs_by_creator(self, created_by: str) -> int:
        query = self._client.collection(JOBS).where(
            filter=FieldFilter("created_by", "==", created_by)
        )
        with metering.firestore_call() as counts:
            aggregation: Any = query.count()  # the SDK's annotations mistype its get()
            total = int(aggregation.get()[0][0].value)
            counts["reads"] += max(1, total // 1000 + (total % 1000 > 0))
        return total

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
