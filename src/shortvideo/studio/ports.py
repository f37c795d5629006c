"""The studio's ports: a creator's library records, the catalogue, and media URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from shortvideo.models import JobDoc, Style
from shortvideo.studio.library import LibraryQuery


class LibraryStore(Protocol):
    def list_library(self, query: LibraryQuery, fields: Sequence[str]) -> list[JobDoc]:
        """Up to query.limit + 1 jobs in the query's order, after its cursor (the extra one
        tells that there is a next page)."""
        ...

    def delete_job(self, video_id: str, tombstone: dict[str, Any]) -> None:
        """Delete video_status/{video_id} and write deleted_videos/{video_id}, atomically."""
        ...

    def tombstones_to_purge(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Deleted videos whose late objects may still appear (purge_until >= now)."""
        ...

    def forget_tombstones(self, before: datetime, limit: int) -> int:
        """Delete tombstones whose purge window ended before `before`; how many."""
        ...

    def reserve_idempotency_key(
        self, key_id: str, record: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        """Create idempotency_keys/{key_id} with `record`, or return the live record already
        there; one whose `expires_at` is not after `now` is replaced by `record` (atomically)."""
        ...

    def update_idempotency_key(self, key_id: str, fields: dict[str, Any]) -> None: ...

    def watch_job(
        self, video_id: str, on_change: Callable[[JobDoc | None], None]
    ) -> Callable[[], None]:
        """Call `on_change` with the job (None once deleted) now and after every change, from
        another thread, until the returned function is called."""
        ...


class CatalogStore(Protocol):
    def add_character(self, doc: dict[str, Any]) -> None: ...
    def get_character_doc(self, character_id: str) -> dict[str, Any] | None: ...
    def list_characters(self, created_by: str, limit: int) -> list[dict[str, Any]]: ...
    def list_shared_characters(self) -> list[dict[str, Any]]:
        """The catalogue's characters that every creator may use."""
        ...

    def delete_character(self, character_id: str) -> None: ...
    def put_music_track(self, doc: dict[str, Any]) -> None: ...
    def get_music_track(self, track_id: str) -> dict[str, Any] | None: ...
    def list_music_tracks(self) -> list[dict[str, Any]]:
        """The live (not retired) tracks."""
        ...


class MediaUrls(Protocol):
    def signed_url(self, object_name: str) -> str:
        """A short-lived URL that lets its holder GET the object (and only that)."""
        ...


class ImageModel(Protocol):
    """Makes a character's reference image (Gemini image on Google, a drawn card offline)."""

    provider: str
    model: str

    def make_character_image(self, name: str, description: str, style: Style) -> bytes:
        """A PNG of the character, 9:16."""
        ...
