"""CreatorStore on Firestore: creators/{creator_id} with the SHA-256 of its token.

A deleted creator stays as a tombstone (no token hash, `deleted_at` set): `create()` then
refuses the id, so it is never given to someone else, who would see the old creator's videos.
"""

from __future__ import annotations

from datetime import datetime

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.errors import CreatorExists
from shortvideo.models import Creator

CREATORS = "creators"


class FirestoreCreatorStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def add_creator(self, creator: Creator) -> None:
        ref = self._client.collection(CREATORS).document(creator.creator_id)
        try:
            with metering.firestore_call() as counts:
                fields = creator.model_dump(exclude={"roles"})
                ref.create({**fields, "roles": sorted(creator.roles)})  # a list, not a set
                counts["writes"] += 1
        except gexc.Conflict as exc:  # AlreadyExists: a creator, or a deleted one's tombstone
            raise CreatorExists(
                f"creator id {creator.creator_id!r} is taken (ids are never reused)",
                field="creator_id",
            ) from exc

    def delete_creator(self, creator_id: str, now: datetime) -> bool:
        """Revoke the token and keep a tombstone; False when there is no such creator."""
        ref = self._client.collection(CREATORS).document(creator_id)
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = ref.get()
            if not snapshot.exists or (snapshot.to_dict() or {}).get("deleted_at") is not None:
                return False
            ref.update({"token_sha256": firestore.DELETE_FIELD, "deleted_at": now})
            counts["writes"] += 1
        return True

    def find_by_token_hash(self, token_sha256: str) -> Creator | None:
        # An equality filter on one field: served by Firestore's automatic single-field index.
        query = (
            self._client.collection(CREATORS)
            .where(filter=FieldFilter("token_sha256", "==", token_sha256))
            .limit(1)
        )
        with metering.firestore_call() as counts:
            found = [snapshot.to_dict() or {} for snapshot in query.stream()]
            counts["reads"] += max(1, len(found))  # a query costs at least one read
        for data in found:
            if data.get("deleted_at") is None:
                return Creator.model_validate(data)
        return None
