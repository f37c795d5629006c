"""CreatorStore on Firestore: creators/{creator_id} with the SHA-256 of its token."""

from __future__ import annotations

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo.errors import CreatorExists
from shortvideo.models import Creator

CREATORS = "creators"


class FirestoreCreatorStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def add_creator(self, creator: Creator) -> None:
        ref = self._client.collection(CREATORS).document(creator.creator_id)
        try:
            ref.create(creator.model_dump())
        except gexc.Conflict as exc:  # AlreadyExists
            raise CreatorExists(
                f"creator {creator.creator_id!r} already exists", field="creator_id"
            ) from exc

    def find_by_token_hash(self, token_sha256: str) -> Creator | None:
        # An equality filter on one field: served by Firestore's automatic single-field index.
        query = (
            self._client.collection(CREATORS)
            .where(filter=FieldFilter("token_sha256", "==", token_sha256))
            .limit(1)
        )
        for snapshot in query.stream():
            return Creator.model_validate(snapshot.to_dict() or {})
        return None
