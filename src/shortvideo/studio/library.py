"""The library query of GET /videos/my-videos: sort, filters and an opaque cursor.

Filters on style, language, character and favorite are served by one array field,
`library_keys`, holding every combination of the job's values ("style=anime|fav=1", ...):
one `array-contains` then stands for any mix of them, so each sort needs two composite
indexes (with and without a status filter) instead of one per combination (decision 0016).
A job without a value to sort by holds null, which Firestore orders before every number:
descending, such jobs come last instead of vanishing (a missing field would drop the document).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shortvideo.errors import InvalidRequest
from shortvideo.models import JobDoc, Language, Status, Style

# sort name -> the document field it orders by (descending), then created_at descending.
SORT_FIELDS = {"date": "created_at", "views": "views", "duration": "duration"}
KEY_FIELDS = ("style", "language", "character_id", "favorite")
MAX_CURSOR_CHARS = 512


@dataclass(frozen=True)
class LibraryQuery:
    created_by: str
    sort: str = "date"
    status: str | None = None
    style: str | None = None
    language: str | None = None
    character_id: str | None = None
    favorite: bool | None = None
    limit: int = 20
    after: dict[str, Any] | None = None  # the cursor's values of the order fields

    @property
    def order_fields(self) -> tuple[str, ...]:
        field = SORT_FIELDS[self.sort]
        return (field,) if field == "created_at" else (field, "created_at")

    @property
    def key(self) -> str | None:
        """The library key the filters ask for, or None when none but status is given."""
        return combination_key(
            {
                "style": self.style,
                "language": self.language,
                "character_id": self.character_id,
                "favorite": self.favorite,
            }
        )


def _part(field: str, value: Any) -> str:
    if field == "favorite":
        return "favorite=1" if value else "favorite=0"
    return f"{field}={value}"


def combination_key(values: dict[str, Any]) -> str | None:
    parts = [_part(f, values[f]) for f in KEY_FIELDS if values.get(f) is not None]
    return "|".join(parts) or None


def library_keys(doc: JobDoc) -> list[str]:
    """Every non-empty combination of the job's filterable values (at most 15)."""
    present = {f: doc.get(f) for f in KEY_FIELDS}
    present["favorite"] = bool(doc.get("favorite"))
    fields = [f for f in KEY_FIELDS if present[f] is not None]
    keys = []
    for size in range(1, len(fields) + 1):
        for combo in itertools.combinations(fields, size):
            keys.append("|".join(_part(f, present[f]) for f in combo))
    return keys


def initial_fields(doc: JobDoc) -> dict[str, Any]:
    """What a new job needs to be found and sorted in the library."""
    base = {**doc, "favorite": False}
    return {
        "favorite": False,
        "views": 0,
        "duration": doc.get("duration"),
        "library_keys": library_keys(base),
    }


def encode_cursor(query: LibraryQuery, last: JobDoc) -> str:
    values = {}
    for field in query.order_fields:
        value = last.get(field)
        values[field] = {"t": value.isoformat()} if isinstance(value, datetime) else value
    raw = json.dumps({"s": query.sort, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, sort: str) -> dict[str, Any]:
    bad = InvalidRequest("cursor is not one this API gave for this sort", field="cursor")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or data.get("s") != sort:
            raise bad
        values = data["v"]
        out: dict[str, Any] = {}
        for field in LibraryQuery("x", sort=sort).order_fields:
            value = values[field]
            if isinstance(value, dict):
                value = datetime.fromisoformat(value["t"])
            elif value is not None and not isinstance(value, int | float):
                raise bad
            out[field] = value
        return out
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise bad from exc


def _choice(value: str | None, allowed: list[str], field: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise InvalidRequest(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def parse_library_query(
    created_by: str,
    *,
    sort: str,
    limit: int,
    cursor: str | None,
    status: str | None,
    style: str | None,
    language: str | None,
    character_id: str | None,
    favorite: bool | None,
) -> LibraryQuery:
    sort_name = _choice(sort, list(SORT_FIELDS), "sort") or "date"
    return LibraryQuery(
        created_by=created_by,
        sort=sort_name,
        status=_choice(status, [s.value for s in Status], "status"),
        style=_choice(style, [s.value for s in Style], "style"),
        language=_choice(language, [lang.value for lang in Language], "language"),
        character_id=character_id or None,
        favorite=favorite,
        limit=limit,
        after=decode_cursor(cursor, sort_name) if cursor else None,
    )
