"""The small protocols that stage logic talks to. Google and offline adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from shortvideo.billing.account import Admission, Change
from shortvideo.media.splice import Span
from shortvideo.models import Block, Character, JobDoc, Language, Script, Style, Word

# A mutation receives the current document and returns the fields to set (None: write nothing).
Mutation = Callable[[JobDoc], dict[str, Any] | None]


@dataclass(frozen=True)
class BudgetCharge:
    """A job's estimated cost, reserved against the month's budget when the job is created."""

    month: str  # YYYY-MM
    amount_usd: float
    budget_usd: float


@dataclass(frozen=True)
class NewDocument:
    """A document written with a job, atomically, that must not exist yet (a series slot)."""

    collection: str
    document_id: str
    data: dict[str, Any]


class JobStore(Protocol):
    def create_job(
        self,
        doc: JobDoc,
        charge: BudgetCharge | None = None,
        admission: Admission | None = None,
        also_create: NewDocument | None = None,
    ) -> JobDoc:
        """Create the job, reserving `charge` (BudgetExceeded if over) and, with `admission`,
        taking the creator's running slot and payment (TooManyRunningJobs, PaymentRequired).
        Answers the job as written.

        With `also_create`, that document is created in the job's own commit; AlreadyExists
        (and nothing written, nothing reserved or taken) when it exists already.
        """
        ...

    def get_job(self, video_id: str) -> JobDoc | None: ...
    def mutate_job(self, video_id: str, mutation: Mutation) -> JobDoc:
        """Run `mutation` in one transaction; raise UnknownJob when there is no such job."""
        ...

    def list_jobs(self, statuses: list[str], limit: int = 200) -> list[JobDoc]: ...
    def list_jobs_by_creator(
        self, created_by: str, limit: int, fields: Sequence[str] | None = None
    ) -> list[JobDoc]:
        """The creator's newest `limit` jobs, newest first (by created_at); only `fields` of
        each when given (a projection: less to transfer and decode)."""
        ...

    def count_jobs_by_creator(self, created_by: str) -> int:
        """How many jobs the creator has (an aggregation: one read per 1000 counted)."""
        ...

    def release_budget(self, month: str, amount_usd: float) -> None:
        """Give `amount_usd` back to the month's reservations (a cancelled job's unbilled part)."""
        ...

    def get_character(self, character_id: str) -> Character | None: ...
    def get_cached_script(self, key: str) -> dict[str, Any] | None: ...
    def put_cached_script(self, key: str, entry: dict[str, Any]) -> None: ...


class BillingStore(Protocol):
    """Billing accounts, the ledger and Stripe events (decision 0017)."""

    def get_account(self, creator_id: str) -> dict[str, Any] | None: ...
    def history(self, creator_id: str, limit: int) -> list[dict[str, Any]]:
        """The creator's ledger rows, newest first."""
        ...

    def creator_of_customer(self, customer_id: str) -> str | None: ...
    def set_customer(self, creator_id: str, customer_id: str) -> None: ...
    def change(
        self,
        creator_id: str,
        apply: Callable[[dict[str, Any] | None], Change],
        event: dict[str, Any] | None = None,
    ) -> Change | None:
        """Apply and write in one transaction; once per `event["id"]` (None: a replay)."""
        ...

    def record_event(self, event: dict[str, Any]) -> bool:
        """Store an event that changes no account; False when its id is already stored."""
        ...

    def has_event(self, event_id: str) -> bool:
        """Whether an event with this id was stored (handled or ignored) already."""
        ...


class ScheduleStore(Protocol):
    """A creator's scheduled series (series_schedules) and their slots (series_slots)."""

    def add_schedule(self, doc: dict[str, Any], max_per_creator: int) -> None:
        """Store a new schedule; ScheduleLimitReached when its creator has `max_per_creator`."""
        ...

    def get_schedule(self, schedule_id: str) -> dict[str, Any] | None: ...
    def list_schedules_by_creator(self, created_by: str) -> list[dict[str, Any]]: ...
    def update_schedule(
        self, schedule_id: str, mutation: Callable[[dict[str, Any]], dict[str, Any] | None]
    ) -> dict[str, Any]:
        """Run `mutation` in one transaction; UnknownSchedule when there is no such schedule."""
        ...

    def delete_schedule(self, schedule_id: str) -> bool: ...
    def list_due_schedules(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Schedules not paused whose next slot is at or before `now`, most overdue first."""
        ...

    def get_slot(self, slot_id: str) -> dict[str, Any] | None: ...
    def add_slot(self, doc: dict[str, Any]) -> bool:
        """Create a slot record (a skipped slot); False when the slot is recorded already."""
        ...

    def list_slots(self, schedule_id: str, limit: int) -> list[dict[str, Any]]:
        """The schedule's latest slots, newest first."""
        ...

    def owner_email_verified(self, creator_id: str) -> bool:
        """users/{uid}.email_verified (refreshed at each sign-in): whether a series job may be
        the creator's free video, as the same creator's POST /videos would be."""
        ...


class BlobStore(Protocol):
    bucket: str

    def upload_file(self, name: str, path: Path, content_type: str) -> str: ...
    def upload_bytes(self, name: str, data: bytes, content_type: str) -> str: ...
    def download_file(self, name: str, path: Path) -> None: ...
    def download_bytes(self, name: str) -> bytes: ...
    def exists(self, name: str) -> bool: ...
    def list_names(self, prefix: str) -> list[str]: ...
    def copy(self, source: str, destination: str) -> str: ...
    def delete(self, name: str) -> None:
        """Delete the object; nothing happens when there is none."""
        ...

    def size(self, name: str) -> int | None:
        """The object's size in bytes; None when there is no such object."""
        ...

    def download_range(self, name: str, start: int, end: int) -> bytes:
        """Bytes start..end (inclusive) of the object."""
        ...

    def uri(self, name: str) -> str:
        """gs://bucket/name"""
        ...

    def url(self, name: str) -> str:
        """An HTTP URL a person can open (the emulator's or storage.googleapis.com)."""
        ...

    def name_from_uri(self, uri: str) -> str: ...


class RateLimiter(Protocol):
    def acquire(self, key: str, per_minute: int, *, per_hour: int = 0) -> float:
        """Take one slot of `key` if the last minute (and hour, when per_hour > 0) have room:
        0 when granted, else seconds to wait. 0 as a limit means none."""
        ...


class TaskQueue(Protocol):
    def ring(self, stage: str, video_id: str, *, task_key: str, delay_seconds: float = 0) -> None:
        """Enqueue the named doorbell {video_id} for `stage`; a duplicate name is a success."""
        ...


@dataclass(frozen=True)
class ScriptBrief:
    theme: str
    style: Style
    language: Language
    block_count: int
    character: Character | None = None


class ScriptModel(Protocol):
    provider: str

    def write_script(self, brief: ScriptBrief) -> Script: ...
    def rephrase_visual(
        self, block: Block, language: Language, style: Style, reason_code: str
    ) -> str:
        """The block's visual prompt rewritten more safely, keeping the scene's meaning, after
        the video model refused it with `reason_code` ("content_filtered.<category>")."""
        ...

    def propose_theme(self, prompt: str, language: Language, avoid: Sequence[str]) -> str:
        """A theme for the next video of a series described by `prompt`, none of `avoid` (the
        series' latest themes), at most MAX_THEME_CHARS characters."""
        ...


@dataclass(frozen=True)
class VideoStep:
    """One call to the video model: the opening clip (block 0) or one extension."""

    video_id: str
    block_index: int
    seconds: int
    prompt: str  # the full text prompt for the model: visual, dialogue, sound
    visual: str
    dialogue: str  # empty for a narrated video: ambience only
    style: Style
    language: Language
    output_prefix: str  # blob name prefix the model writes its result under
    previous_video_uri: str | None = None  # an extension's input: the tail of the video so far
    first_frame_uri: str | None = None  # image-to-video: the previous part's last frame (PNG)
    reference_image_uris: tuple[str, ...] = ()
    model: str | None = None  # None: the adapter's configured model


@dataclass(frozen=True)
class OperationStatus:
    done: bool
    video_uri: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    filtered: bool = False
    retryable: bool = True  # False: a deterministic error (e.g. code 3) that fails again
    billed_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class VideoModel(Protocol):
    provider: str
    model: str

    def submit(self, step: VideoStep) -> str:
        """Start one operation and return its name. Must not block until it is done."""
        ...

    def poll(self, operation_name: str) -> OperationStatus: ...


class VideoEditor(Protocol):
    """The video agent's own media work: extension tails, last frames, measured lengths."""

    def duration(self, path: Path) -> float: ...
    def make_tail(self, spans: Sequence[Span], out: Path) -> None:
        """Join `spans` into one 24 fps 720x1280 H.264/AAC file (an extension's input)."""
        ...

    def last_frame(self, src: Path, out: Path) -> None: ...


class Narrator(Protocol):
    """A text-to-speech voice that reads each block's line when a job has a narration voice."""

    provider: str

    def speak(self, text: str, language: Language, voice: str, out_wav: Path) -> None:
        """Write `text` spoken by `voice` (a name from shortvideo.voices) as a WAV file."""
        ...


class Transcriber(Protocol):
    engine: str

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]: ...
