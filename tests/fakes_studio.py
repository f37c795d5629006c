"""In-memory studio ports for unit tests (the routes' own tests run on the emulators)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from shortvideo.models import JobDoc
from shortvideo.studio.library import LibraryQuery
from tests.fakes import MemoryJobStore


class MemoryLibrary:
    def __init__(self, jobs: MemoryJobStore) -> None:
        self._jobs = jobs
        self.tombstones: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, dict[str, Any]] = {}

    def list_library(self, query: LibraryQuery, fields: Sequence[str]) -> list[JobDoc]:
        found = [
            d
            for d in self._jobs.jobs.values()
            if d.get("created_by") == query.created_by
            and (query.status is None or d.get("status") == query.status)
            and (query.key is None or query.key in d.get("library_keys", []))
            and all(f in d for f in query.order_fields)
        ]

        def order(d: JobDoc) -> tuple[Any, ...]:  # null sorts before every number
            return tuple((d[f] is not None, d[f] or 0) for f in query.order_fields)

        found.sort(key=order, reverse=True)
        if query.after is not None:
            cut = tuple((v is not None, v or 0) for v in query.after.values())
            found = [d for d in found if order(d) < cut]
        wanted = [*fields, *query.order_fields]
        return [{k: copy.deepcopy(d[k]) for k in wanted if k in d} for d in found][
            : query.limit + 1
        ]

    def delete_job(self, video_id: str, tombstone: dict[str, Any]) -> None:
        self._jobs.jobs.pop(video_id, None)
        self.tombstones[video_id] = dict(tombstone)

    def tombstones_to_purge(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        return [t for t in self.tombstones.values() if t["purge_until"] >= now][:limit]

    def forget_tombstones(self, before: datetime, limit: int) -> int:
        old = [k for k, t in self.tombstones.items() if t["purge_until"] < before][:limit]
        for key in old:
            del self.tombstones[key]
        return len(old)

    def reserve_idempotency_key(
        self, key_id: str, record: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        current = self.keys.get(key_id)
        expires_at = (current or {}).get("expires_at")
        if current is None or (expires_at is not None and expires_at <= now):
            self.keys[key_id] = copy.deepcopy(record)
        return copy.deepcopy(self.keys[key_id])

    def update_idempotency_key(self, key_id: str, fields: dict[str, Any]) -> None:
        self.keys[key_id].update(copy.deepcopy(fields))

    def watch_job(
        self, video_id: str, on_change: Callable[[JobDoc | None], None]
    ) -> Callable[[], None]:
        on_change(copy.deepcopy(self._jobs.jobs.get(video_id)))  # only the current state
        return lambda: None


class MemoryCatalog:
    def __init__(self) -> None:
        self.characters: dict[str, dict[str, Any]] = {}
        self.music: dict[str, dict[str, Any]] = {}

    def add_character(self, doc: dict[str, Any]) -> None:
        assert doc["character_id"] not in self.characters
        self.characters[doc["character_id"]] = copy.deepcopy(doc)

    def get_character_doc(self, character_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.characters.get(character_id))

    def list_characters(self, created_by: str, limit: int) -> list[dict[str, Any]]:
        mine = [c for c in self.characters.values() if c.get("created_by") == created_by]
        mine.sort(key=lambda c: c["created_at"], reverse=True)
        return copy.deepcopy(mine[:limit])

    def list_shared_characters(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(c) for c in self.characters.values() if c.get("shared")]

    def delete_character(self, character_id: str) -> None:
        self.characters.pop(character_id, None)

    def put_music_track(self, doc: dict[str, Any]) -> None:
        self.music[doc["track_id"]] = copy.deepcopy(doc)

    def get_music_track(self, track_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.music.get(track_id))

    def list_music_tracks(self) -> list[dict[str, Any]]:
        live = [t for t in self.music.values() if not t.get("retired")]
        return sorted(live, key=lambda d: (d.get("category", ""), d.get("name", "")))
