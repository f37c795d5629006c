"""The job's vocabulary: statuses, stages, the creator's request, the script and its blocks."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shortvideo.voices import canonical_voice

OPENING_SECONDS = 8
EXTENSION_SECONDS = 7
MIN_BLOCKS, MAX_BLOCKS = 9, 12
# The lengths the product makes: 8 s + 7 s per further block, 9 to 12 blocks.
TARGET_SECONDS_CHOICES = tuple(
    OPENING_SECONDS + EXTENSION_SECONDS * (n - 1) for n in range(MIN_BLOCKS, MAX_BLOCKS + 1)
)
MIN_TARGET_SECONDS = TARGET_SECONDS_CHOICES[0]
MAX_TARGET_SECONDS = TARGET_SECONDS_CHOICES[-1]
DEFAULT_TARGET_SECONDS = 64
MAX_THEME_CHARS = 500


class Status(enum.StrEnum):
    QUEUED = "queued"
    SCRIPTING = "scripting"
    SCRIPT_GENERATED = "script_generated"
    GENERATING_VIDEO = "generating_video"
    VIDEO_GENERATED = "video_generated"
    ASSEMBLING = "assembling"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"  # by its creator; nothing more is done or billed

    @property
    def terminal(self) -> bool:
        return self in (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


class Style(enum.StrEnum):
    CINEMATIC = "cinematic"
    ANIME = "anime"
    REALISTIC = "realistic"
    SKETCH = "sketch"
    CYBERPUNK = "cyberpunk"
    VINTAGE = "vintage"
    FANTASY = "fantasy"


class Language(enum.StrEnum):
    FR = "fr"
    EN = "en"
    ES = "es"


@dataclass(frozen=True)
class Stage:
    """A stage waits in `ready`, works in `active`, and hands over by committing `done`."""

    name: str
    ready: Status
    active: Status
    done: Status


SCRIPT = Stage("script", Status.QUEUED, Status.SCRIPTING, Status.SCRIPT_GENERATED)
VIDEO = Stage("video", Status.SCRIPT_GENERATED, Status.GENERATING_VIDEO, Status.VIDEO_GENERATED)
ASSEMBLE = Stage("assemble", Status.VIDEO_GENERATED, Status.ASSEMBLING, Status.COMPLETED)
STAGES: tuple[Stage, ...] = (SCRIPT, VIDEO, ASSEMBLE)
STAGE_BY_NAME = {s.name: s for s in STAGES}


def stage_for_status(status: Status) -> Stage | None:
    """The stage that is waiting for, or working on, a job in this status."""
    for stage in STAGES:
        if status in (stage.ready, stage.active):
            return stage
    return None


def blocks_for_target(target_seconds: int) -> int:
    """8 s opening + 7 s per further block: 64, 71, 78, 85 s are 9 to 12 blocks."""
    if target_seconds not in TARGET_SECONDS_CHOICES:
        raise ValueError(f"{target_seconds} s is not one of {TARGET_SECONDS_CHOICES}")
    return (target_seconds - OPENING_SECONDS) // EXTENSION_SECONDS + 1


def seconds_for_blocks(block_count: int) -> int:
    return OPENING_SECONDS + EXTENSION_SECONDS * (block_count - 1)


class VideoRequest(BaseModel):
    """What a creator asks for. Validated before any document or object is written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    theme: str = Field(min_length=1, max_length=MAX_THEME_CHARS)
    style: Style = Style.CINEMATIC
    language: Language = Language.EN
    character_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    music: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    voice: str | None = Field(default=None, max_length=64)  # a narrator; None: Veo's own audio
    target_seconds: int = DEFAULT_TARGET_SECONDS
    created_by: str = Field(default="local-demo", pattern=r"^[A-Za-z0-9_@.+-]{1,128}$")

    @field_validator("target_seconds")
    @classmethod
    def _offered_length(cls, seconds: int) -> int:
        if seconds not in TARGET_SECONDS_CHOICES:
            choices = ", ".join(str(c) for c in TARGET_SECONDS_CHOICES)
            raise ValueError(f"must be one of {choices} (9 to 12 blocks of 8 s + 7 s each)")
        return seconds

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, voice: str | None) -> str | None:
        return canonical_voice(voice) if voice else None

    @field_validator("theme")
    @classmethod
    def _printable(cls, theme: str) -> str:
        if any(ord(c) < 32 and c not in "\n\t" for c in theme):
            raise ValueError("theme contains control characters")
        return theme


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    index: int = Field(ge=0)
    visual: str = Field(min_length=1, max_length=1200)
    dialogue: str = Field(min_length=1, max_length=400)
    sound_effects: str = Field(default="", max_length=400)

    @property
    def seconds(self) -> int:
        return OPENING_SECONDS if self.index == 0 else EXTENSION_SECONDS


class Script(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    language: Language
    style: Style
    character_name: str | None = None
    blocks: list[Block]

    @property
    def seconds(self) -> int:
        return seconds_for_blocks(len(self.blocks))

    def dialogue_text(self) -> str:
        return " ".join(b.dialogue for b in self.blocks)


# Firebase Auth uids: generated ones are 28 letters and digits; custom ones up to 128 chars.
CREATOR_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


class Creator(BaseModel):
    """The signed-in principal of an API request (decision 0015): a Firebase Auth user, come
    with the `__session` cookie or a personal API token. Every route gets it from the one
    `current_creator` dependency; `id` (= `creator_id`) is the Firebase uid, the stable owner
    id of everything the creator has."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    creator_id: str = Field(pattern=CREATOR_ID_PATTERN)
    name: str = Field("", max_length=100)
    email: str | None = None
    # Unverified creators may sign in and look around, not create videos (403 email_not_verified).
    email_verified: bool = True
    # "admin" from the Firebase custom claim {"admin": true}; empty for every other creator.
    roles: frozenset[str] = frozenset()
    # How the request proved it: "session" (cookie) or "token" (a personal API token).
    auth: str = "session"
    created_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.creator_id

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class Character(BaseModel):
    character_id: str
    name: str
    description: str
    reference_image_uri: str | None = None


JobDoc = dict[str, Any]


@dataclass(frozen=True)
class Word:
    """One transcribed word with its times in seconds."""

    text: str
    start: float
    end: float
