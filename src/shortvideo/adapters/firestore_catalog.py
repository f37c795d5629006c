"""CatalogStore on Firestore: characters/{id} and music_tracks/{id}."""

from __future__ import annotations

from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering

CHARACTERS = "characters"
MUSIC_TRACKS = "music_tracks"


class FirestoreCatalog:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def _get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(collection).document(doc_id).get()
        return snapshot.to_dict() if snapshot.exists else None

    def add_character(self, doc: dict[str, Any]) -> None:
        with metering.firestore_call() as counts:
            self._client.collection(CHARACTERS).document(doc["character_id"]).create(doc)
            counts["writes"] += 1

    def get_character_doc(self, character_id: str) -> dict[str, Any] | None:
        return self._get(CHARACTERS, character_id)

    def list_characters(self, created_by: str, limit: int) -> list[dict[str, Any]]:
        query = (
            self._client.collection(CHARACTERS)
            .where(filter=FieldFilter("created_by", "==", created_by))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(docs))
        return docs

    def list_shared_characters(self) -> list[dict[str, Any]]:
        query = self._client.collection(CHARACTERS).where(filter=FieldFilter("shared", "==", True))
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.limit(100).stream()]
            counts["reads"] += max(1, len(docs))
        return docs

    def delete_character(self, character_id: str) -> None:
        with metering.firestore_call() as counts:
            self._client.collection(CHARACTERS).document(character_id).delete()
            counts["writes"] += 1

    def put_music_track(self, doc: dict[str, Any]) -> None:
        with metering.firestore_call() as counts:
            self._client.collection(MUSIC_TRACKS).document(doc["track_id"]).set(doc)
            counts["writes"] += 1

    def get_music_track(self, track_id: str) -> dict[str, Any] | None:
        return self._get(MUSIC_TRACKS, track_id)

    def list_music_tracks(self) -> list[dict[str, Any]]:
        query = self._client.collection(MUSIC_TRACKS).where(
            filter=FieldFilter("retired", "==", False)
        )
        with metering.firestore_call() as counts:
            docs = [snap.to_dict() or {} for snap in query.stream()]
            counts["reads"] += max(1, len(docs))
        return sorted(docs, key=lambda d: (d.get("category", ""), d.get("name", "")))
