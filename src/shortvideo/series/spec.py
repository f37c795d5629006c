"""What a creator asks of a series, validated; the schedule document built from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shortvideo.errors import InvalidRequest
from shortvideo.models import (
    DEFAULT_TARGET_SECONDS,
    MAX_THEME_CHARS,
    TARGET_SECONDS_CHOICES,
    Language,
    Style,
)
from shortvideo.series.cron import check_cron, next_run, parse_zone
from shortvideo.voices import canonical_voice

SCHEDULES = "series_schedules"
SLOTS = "series_slots"
MAX_THEMES = 100
# The fields a creator sets (POST, PATCH); everything else on the document is the dispatcher's.
SPEC_FIELDS = (
    "name", "cron", "time_zone", "themes", "theme_prompt", "style", "language",
    "character_id", "music", "voice", "target_seconds", "paused",
)  # fmt: skip


class ScheduleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    cron: str = Field(min_length=1, max_length=100)
    time_zone: str = Field(min_length=1, max_length=64)
    themes: list[str] | None = Field(default=None, min_length=1, max_length=MAX_THEMES)
    theme_prompt: str | None = Field(default=None, min_length=1, max_length=MAX_THEME_CHARS)
    style: Style = Style.CINEMATIC
    language: Language = Language.EN
    character_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    music: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    voice: str | None = Field(default=None, max_length=64)
    target_seconds: int = DEFAULT_TARGET_SECONDS
    paused: bool = False

    @field_validator("themes")
    @classmethod
    def _themes(cls, themes: list[str] | None) -> list[str] | None:
        if themes is None:
            return None
        cleaned = [t.strip() for t in themes]
        for theme in cleaned:
            if not theme or len(theme) > MAX_THEME_CHARS:
                raise ValueError(f"each theme must be 1 to {MAX_THEME_CHARS} characters")
            if any(ord(c) < 32 and c not in "\n\t" for c in theme):
                raise ValueError("a theme contains control characters")
        return cleaned

    @field_validator("target_seconds")
    @classmethod
    def _offered_length(cls, seconds: int) -> int:
        if seconds not in TARGET_SECONDS_CHOICES:
            choices = ", ".join(str(c) for c in TARGET_SECONDS_CHOICES)
            raise ValueError(f"must be one of {choices}")
        return seconds

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, voice: str | None) -> str | None:
        return canonical_voice(voice) if voice else None


def parse_spec(payload: Any) -> ScheduleSpec:
    """A complete, valid spec or InvalidRequest naming the first field at fault."""
    if not isinstance(payload, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    try:
        spec = ScheduleSpec.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(f"{field}: {first['msg']}", field=field) from exc
    if (spec.themes is None) == (spec.theme_prompt is None):
        raise InvalidRequest(
            "give either themes (a list used in turn) or theme_prompt (a new theme each "
            "time), not both and not neither",
            field="themes",
        )
    cron = check_cron(spec.cron)
    parse_zone(spec.time_zone)
    return spec.model_copy(update={"cron": cron})


def merged_payload(current: dict[str, Any], patch: Any) -> dict[str, Any]:
    """The spec a PATCH asks for: the current fields, then the patch's (themes replace a prompt
    and the other way round)."""
    if not isinstance(patch, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    merged = {name: current.get(name) for name in SPEC_FIELDS}
    merged.update(patch)
    for chosen, other in (("themes", "theme_prompt"), ("theme_prompt", "themes")):
        if patch.get(chosen) is not None and other not in patch:
            merged[other] = None
    return {k: v for k, v in merged.items() if v is not None or k in patch}


def schedule_document(
    schedule_id: str, created_by: str, spec: ScheduleSpec, now: datetime
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schedule_id": schedule_id,
        "created_by": created_by,
        **spec_fields(spec),
        "created_at": now,
        "updated_at": now,
        # The last slot the dispatcher has dealt with: none before the schedule existed.
        "cursor": now,
        "next_theme_index": 0,
        "recent_themes": [],
    }
    doc["next_due_at"] = due_after(doc, now)
    return doc


def spec_fields(spec: ScheduleSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json")


def due_after(doc: dict[str, Any], cursor: datetime) -> datetime | None:
    """When the dispatcher should next look at the schedule (None: paused, never again)."""
    if doc.get("paused"):
        return None
    return next_run(doc["cron"], parse_zone(doc["time_zone"]), cursor)
