"""In-memory doubles of the ports, for unit tests only (never for the product or e2e tests)."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shortvideo.accounts.ports import ApiToken, Identity
from shortvideo.accounts.tokens import create_token
from shortvideo.accounts.wiring import Accounts
from shortvideo.billing import account
from shortvideo.errors import (
    BUDGET_REFUSAL,
    AlreadyExists,
    BudgetExceeded,
    ContentFiltered,
    MediaError,
    QuotaExceeded,
    ScheduleLimitReached,
    Unauthorized,
    UnknownJob,
    UnknownSchedule,
)
from shortvideo.media.splice import Span
from shortvideo.models import (
    Block,
    Character,
    Creator,
    JobDoc,
    Language,
    Script,
    Style,
)
from shortvideo.ports import (
    BudgetCharge,
    Mutation,
    NewDocument,
    OperationStatus,
    ScriptBrief,
    VideoStep,
)
from shortvideo.series.spec import SLOTS
from shortvideo.settings import settings_from
from shortvideo.wiring import Services


class MemoryJobStore:
    def __init__(self) -> None:
        self.jobs: dict[str, JobDoc] = {}
        self.characters: dict[str, Character] = {}
        self.cache: dict[str, dict[str, Any]] = {}
        self.writes = 0
        self.budgets: dict[str, float] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.ledger: list[dict[str, Any]] = []
        # Other documents created with a job (series slots), by collection then id.
        self.documents: dict[str, dict[str, dict[str, Any]]] = {}

    def _apply(self, creator_id: str, change: account.Change) -> None:
        self.accounts[creator_id] = copy.deepcopy(change.account)
        self.ledger += [entry.doc() for entry in change.entries]

    def create_job(
        self,
        doc: JobDoc,
        charge: BudgetCharge | None = None,
        admission: account.Admission | None = None,
        also_create: NewDocument | None = None,
    ) -> JobDoc:
        assert doc["video_id"] not in self.jobs
        others = self.documents.setdefault(also_create.collection, {}) if also_create else {}
        if also_create is not None and also_create.document_id in others:
            raise AlreadyExists(f"{also_create.document_id} exists", field=also_create.collection)
        change = None
        if admission is not None:  # checked first: a refusal reserves nothing
            change = account.admit(self.accounts.get(admission.creator_id), admission)
            doc = {**doc, **change.job_fields}
        if charge is not None:
            reserved = self.budgets.get(charge.month, 0.0)
            if charge.budget_usd and reserved + charge.amount_usd > charge.budget_usd:
                raise BudgetExceeded(BUDGET_REFUSAL, field="budget")
            self.budgets[charge.month] = reserved + charge.amount_usd
        if admission is not None and change is not None:
            self._apply(admission.creator_id, change)
        self.jobs[doc["video_id"]] = copy.deepcopy(doc)
        if also_create is not None:
            others[also_create.document_id] = copy.deepcopy(also_create.data)
        return copy.deepcopy(doc)

    def get_job(self, video_id: str) -> JobDoc | None:
        return copy.deepcopy(self.jobs.get(video_id))

    def mutate_job(self, video_id: str, mutation: Mutation) -> JobDoc:
        if video_id not in self.jobs:
            raise UnknownJob(f"no job {video_id}", field="video_id")
        doc = copy.deepcopy(self.jobs[video_id])
        patch = mutation(doc)
        if patch:
            self.writes += 1
            settling = "settlement" in patch and not doc.get("settlement")
            doc.update(copy.deepcopy(patch))
            self.jobs[video_id] = doc
            if settling:  # what the Firestore store does in the same transaction
                record = doc["settlement"]
                month = record["budget_month"]
                self.budgets[month] = self.budgets.get(month, 0.0) - record["release_usd"]
                creator_id = (doc.get("billing") or {}).get("creator_id")
                if creator_id:
                    change = account.settle(self.accounts.get(creator_id), doc, record["at"])
                    self._apply(creator_id, change)
        return copy.deepcopy(doc)

    def list_jobs(self, statuses: list[str], limit: int = 200) -> list[JobDoc]:
        return [copy.deepcopy(d) for d in self.jobs.values() if d["status"] in statuses][:limit]

    def list_jobs_by_creator(
        self, created_by: str, limit: int, fields: Sequence[str] | None = None
    ) -> list[JobDoc]:
        mine = [d for d in self.jobs.values() if d.get("created_by") == created_by]
        mine.sort(key=lambda d: d["created_at"], reverse=True)
        if fields is not None:  # like a Firestore projection: absent fields stay absent
            mine = [{k: d[k] for k in fields if k in d} for d in mine]
        return [copy.deepcopy(d) for d in mine[:limit]]

    def count_jobs_by_creator(self, created_by: str) -> int:
        return sum(1 for d in self.jobs.values() if d.get("created_by") == created_by)

    def release_budget(self, month: str, amount_usd: float) -> None:
        self.budgets[month] = self.budgets.get(month, 0.0) - amount_usd

    def get_character(self, character_id: str) -> Character | None:
        return self.characters.get(character_id)

    def get_cached_script(self, key: str) -> dict[str, Any] | None:
        return self.cache.get(key)

    def put_cached_script(self, key: str, entry: dict[str, Any]) -> None:
        self.cache[key] = entry


class MemoryScheduleStore:
    """Schedules in memory; slots live in the job store's documents, as on Firestore."""

    def __init__(self, jobs: MemoryJobStore) -> None:
        self.schedules: dict[str, dict[str, Any]] = {}
        self.slots = jobs.documents.setdefault(SLOTS, {})
        self.verified_creators: set[str] = set()

    def add_schedule(self, doc: dict[str, Any], max_per_creator: int) -> None:
        mine = [s for s in self.schedules.values() if s["created_by"] == doc["created_by"]]
        if len(mine) >= max_per_creator:
            raise ScheduleLimitReached("too many schedules", field="schedules")
        self.schedules[doc["schedule_id"]] = copy.deepcopy(doc)

    def get_schedule(self, schedule_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.schedules.get(schedule_id))

    def list_schedules_by_creator(self, created_by: str) -> list[dict[str, Any]]:
        mine = [s for s in self.schedules.values() if s["created_by"] == created_by]
        return copy.deepcopy(sorted(mine, key=lambda s: s["created_at"]))

    def update_schedule(self, schedule_id: str, mutation: Any) -> dict[str, Any]:
        if schedule_id not in self.schedules:
            raise UnknownSchedule(f"no schedule {schedule_id}", field="schedule_id")
        doc = copy.deepcopy(self.schedules[schedule_id])
        patch = mutation(doc)
        if patch:
            doc.update(copy.deepcopy(patch))
            self.schedules[schedule_id] = doc
        return copy.deepcopy(doc)

    def delete_schedule(self, schedule_id: str) -> bool:
        return self.schedules.pop(schedule_id, None) is not None

    def list_due_schedules(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        due = [s for s in self.schedules.values()
               if s.get("next_due_at") is not None and s["next_due_at"] <= now]  # fmt: skip
        return copy.deepcopy(sorted(due, key=lambda s: s["next_due_at"])[:limit])

    def get_slot(self, slot_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.slots.get(slot_id))

    def add_slot(self, doc: dict[str, Any]) -> bool:
        if doc["slot_id"] in self.slots:
            return False
        self.slots[doc["slot_id"]] = copy.deepcopy(doc)
        return True

    def list_slots(self, schedule_id: str, limit: int) -> list[dict[str, Any]]:
        mine = [s for s in self.slots.values() if s["schedule_id"] == schedule_id]
        return copy.deepcopy(sorted(mine, key=lambda s: s["slot_at"], reverse=True)[:limit])

    def owner_email_verified(self, creator_id: str) -> bool:
        return creator_id in self.verified_creators


class MemoryIdentity:
    """IdentityProvider in memory: ID tokens and cookies are opaque strings it handed out."""

    def __init__(self) -> None:
        self.users: dict[str, Identity] = {}
        self.id_tokens: dict[str, str] = {}
        self.cookies: dict[str, str] = {}
        self.revoked: set[str] = set()

    def add_user(self, uid: str, *, verified: bool = True, admin: bool = False) -> str:
        """A user and a fresh ID token of theirs."""
        now = int(time.time())
        self.users[uid] = Identity(uid, f"{uid}@example.com", verified, uid, admin, now, now)
        token = f"id-{uid}-{len(self.id_tokens)}"
        self.id_tokens[token] = uid
        return token

    def _live(self, uid: str | None) -> Identity:
        if uid is None or uid not in self.users:
            raise Unauthorized("invalid or revoked", field="authorization")
        return self.users[uid]

    def verify_id_token(self, id_token: str) -> Identity:
        return self._live(self.id_tokens.get(id_token))

    def create_session_cookie(self, id_token: str, lifetime: timedelta) -> str:
        cookie = f"cookie-{len(self.cookies)}-{self.verify_id_token(id_token).uid}"
        self.cookies[cookie] = self.id_tokens[id_token]
        return cookie

    def verify_session_cookie(self, cookie: str) -> Identity:
        return self._live(None if cookie in self.revoked else self.cookies.get(cookie))

    def revoke_sessions(self, uid: str) -> None:
        self.revoked |= {c for c, owner in self.cookies.items() if owner == uid}

    def delete_user(self, uid: str) -> None:
        self.users.pop(uid, None)

    def set_admin(self, email: str, admin: bool) -> str:
        uid = next(u.uid for u in self.users.values() if u.email == email)
        self.users[uid] = dataclasses.replace(self.users[uid], admin=admin)
        return uid


class MemoryAccountStore:
    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, ApiToken] = {}
        self.lookups = 0

    def ensure_user(self, identity: Identity, now: datetime, locale: str) -> dict[str, Any]:
        user = self.users.setdefault(identity.uid, {"uid": identity.uid, "created_at": now,
                                                    "locale": locale, "display_name": ""})
        user.update(email=identity.email, email_verified=identity.email_verified,
                    roles=["admin"] if identity.admin else [])
        return user

    def get_user(self, uid: str) -> dict[str, Any] | None:
        return self.users.get(uid)

    def list_users(self, limit: int) -> list[dict[str, Any]]:
        return list(self.users.values())[:limit]

    def set_roles(self, uid: str, roles: list[str]) -> None:
        self.users[uid]["roles"] = roles

    def add_token(self, token: ApiToken, max_tokens: int) -> bool:
        if len(self.list_tokens(token.owner)) >= max_tokens:
            return False
        self.tokens[token.token_id] = token
        return True

    def find_token(self, sha256: str) -> ApiToken | None:
        self.lookups += 1
        return next((t for t in self.tokens.values() if t.sha256 == sha256), None)

    def list_tokens(self, owner: str) -> list[ApiToken]:
        return [t for t in self.tokens.values() if t.owner == owner]

    def revoke_token(self, owner: str, token_id: str) -> bool:
        if token_id in self.tokens and self.tokens[token_id].owner == owner:
            del self.tokens[token_id]
            return True
        return False

    def touch_token(self, token_id: str, now: datetime) -> None:
        if token_id in self.tokens:
            self.tokens[token_id] = dataclasses.replace(self.tokens[token_id], last_used_at=now)

    def owned_documents(self, uid: str) -> dict[str, list[dict[str, Any]]]:
        return {"api_tokens": [{"id": t.token_id, "name": t.name}
                               for t in self.list_tokens(uid)]}

    def delete_owned(self, uid: str) -> dict[str, int]:
        mine = [t.token_id for t in self.list_tokens(uid)]
        for token_id in mine:
            del self.tokens[token_id]
        self.users.pop(uid, None)
        return {"api_tokens": len(mine)}


def memory_accounts() -> Accounts:
    return Accounts(identity=MemoryIdentity(), store=MemoryAccountStore())


def register_creator(
    svc: Services, name: str, creator_id: str | None = None, *, verified: bool = True
) -> tuple[Creator, str]:
    """A signed-up creator (users/{uid}) of `svc` with a personal API token."""
    assert svc.accounts is not None
    uid = creator_id or name.lower().replace(" ", "-")
    identity = svc.accounts.identity
    assert isinstance(identity, MemoryIdentity)
    identity.add_user(uid, verified=verified)
    svc.accounts.store.ensure_user(identity.users[uid], datetime.now(UTC), "en")
    _, token = create_token(svc.accounts.store, svc.limiter, uid, name, datetime.now(UTC),
                                 secret=svc.settings.api_token_secret, per_hour=0, max_tokens=50)
    return Creator(creator_id=uid, name=name, auth="token"), token


class DirBlobStore:
    def __init__(self, root: Path, bucket: str = "test-bucket") -> None:
        self.root = root
        self.bucket = bucket

    def _path(self, name: str) -> Path:
        return self.root / name

    def upload_file(self, name: str, path: Path, content_type: str) -> str:
        self._path(name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, self._path(name))
        return self.uri(name)

    def upload_bytes(self, name: str, data: bytes, content_type: str) -> str:
        self._path(name).parent.mkdir(parents=True, exist_ok=True)
        self._path(name).write_bytes(data)
        return self.uri(name)

    def download_file(self, name: str, path: Path) -> None:
        if not self._path(name).exists():
            raise MediaError(f"object {name} not found")
        shutil.copyfile(self._path(name), path)

    def download_bytes(self, name: str) -> bytes:
        if not self._path(name).exists():
            raise MediaError(f"object {name} not found")
        return self._path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def list_names(self, prefix: str) -> list[str]:
        return sorted(
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and str(p.relative_to(self.root)).startswith(prefix)
        )

    def copy(self, source: str, destination: str) -> str:
        return self.upload_bytes(destination, self.download_bytes(source), "")

    def size(self, name: str) -> int | None:
        return self._path(name).stat().st_size if self._path(name).is_file() else None

    def download_range(self, name: str, start: int, end: int) -> bytes:
        return self.download_bytes(name)[start : end + 1]

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def uri(self, name: str) -> str:
        return f"gs://{self.bucket}/{name}"

    def url(self, name: str) -> str:
        return f"http://blobs.test/{self.bucket}/{name}"

    def name_from_uri(self, uri: str) -> str:
        return uri.removeprefix(f"gs://{self.bucket}/")


@dataclass
class WindowRateLimiter:
    """Grants `per_minute` slots, then answers with a fixed wait (no clock needed)."""

    granted: dict[str, int] = field(default_factory=dict)

    def acquire(self, key: str, per_minute: int, *, per_hour: int = 0) -> float:
        limits = [n for n in (per_minute, per_hour) if n > 0]
        if limits and self.granted.get(key, 0) >= min(limits):
            return 30.0
        self.granted[key] = self.granted.get(key, 0) + 1
        return 0.0


@dataclass
class RecordingTaskQueue:
    rung: list[dict[str, Any]] = field(default_factory=list)

    def ring(self, stage: str, video_id: str, *, task_key: str, delay_seconds: float = 0) -> None:
        self.rung.append(
            {
                "stage": stage,
                "video_id": video_id,
                "task_key": task_key,
                "delay_seconds": delay_seconds,
            }
        )


class ScriptedVideoModel:
    """Each submit is an operation that is done after `polls_until_done` polls."""

    provider = "fake"
    model = "fake-veo"

    def __init__(
        self,
        blobs: DirBlobStore,
        polls_until_done: int = 1,
        errors: dict[int, str] | None = None,
        refusals: dict[int, list[str]] | None = None,
    ) -> None:
        self.blobs = blobs
        self.polls_until_done = polls_until_done
        self.errors = dict(errors or {})
        # block -> how its next submissions are refused, in order: "sync" (at submit, like a
        # 400) or "operation" (the operation ends filtered, like code 3 / RAI filtering).
        self.refusals = {block: list(ways) for block, ways in (refusals or {}).items()}
        self.refused_category = "child"
        self.submitted: list[VideoStep] = []
        self.quota_errors = 0
        self._polls: dict[str, int] = {}
        self._filtered: set[str] = set()

    def submit(self, step: VideoStep) -> str:
        if self.quota_errors > 0:
            self.quota_errors -= 1
            raise QuotaExceeded("429 RESOURCE_EXHAUSTED")
        name = f"ops/{len(self.submitted)}"
        self.submitted.append(step)
        ways = self.refusals.get(step.block_index, [])
        way = ways.pop(0) if ways else None
        if way == "sync":
            raise ContentFiltered("usage guidelines", category=self.refused_category)
        if way == "operation":
            self._filtered.add(name)
        self._polls[name] = 0
        return name

    def poll(self, operation_name: str) -> OperationStatus:
        self._polls[operation_name] += 1
        if self._polls[operation_name] < self.polls_until_done:
            return OperationStatus(done=False)
        step = self.submitted[int(operation_name.split("/")[1])]
        if operation_name in self._filtered:
            return OperationStatus(
                done=True, filtered=True, retryable=False,
                error_code=f"content_filtered.{self.refused_category}", error_message="filtered",
            )  # fmt: skip
        if step.block_index in self.errors:
            return OperationStatus(
                done=True, error_code="boom", error_message=self.errors.pop(step.block_index)
            )
        uri = self.blobs.upload_bytes(
            f"{step.output_prefix}b{step.block_index}.mp4", self.output_for(step), "video/mp4"
        )
        return OperationStatus(done=True, video_uri=uri)

    def output_for(self, step: VideoStep) -> bytes:
        """Veo's semantics: an extension returns its input followed by the new seconds."""
        seconds = float(step.seconds)
        if step.previous_video_uri:
            name = self.blobs.name_from_uri(step.previous_video_uri)
            seconds += fake_video_seconds(self.blobs.download_bytes(name))
        return fake_video(seconds)


def fake_video(seconds: float) -> bytes:
    """A stand-in for an MP4 that `FakeEditor` can measure: its length, as JSON."""
    return json.dumps({"fake_video_seconds": round(seconds, 3)}).encode()


def fake_video_seconds(data: bytes) -> float:
    try:
        return float(json.loads(data)["fake_video_seconds"])
    except (ValueError, KeyError) as exc:
        raise MediaError("not a fake video") from exc


class FakeEditor:
    """The VideoEditor port over `fake_video` objects: lengths add up, frames are a marker."""

    def __init__(self) -> None:
        self.tails: list[list[tuple[float, float | None]]] = []

    def duration(self, path: Path) -> float:
        return fake_video_seconds(path.read_bytes())

    def make_tail(self, spans: Sequence[Span], out: Path) -> None:
        for span in spans:
            fake_video_seconds(span.path.read_bytes())  # an input must be a video
        self.tails.append([(span.start, span.seconds) for span in spans])
        out.write_bytes(fake_video(sum(span.seconds or 0.0 for span in spans)))

    def last_frame(self, src: Path, out: Path) -> None:
        fake_video_seconds(src.read_bytes())
        out.write_bytes(b"\x89PNG fake last frame")


class FixedScriptModel:
    provider = "fake"
    model = "fake-gemini"

    def __init__(self, script_for: Any) -> None:
        self.script_for = script_for
        self.calls = 0
        self.rephrased: list[tuple[int, str]] = []
        self.refuse_rephrase = False
        self.proposals: list[tuple[str, list[str]]] = []

    def write_script(self, brief: ScriptBrief) -> Script:
        self.calls += 1
        result: Script = self.script_for(brief)
        return result

    def propose_theme(self, prompt: str, language: Language, avoid: Sequence[str]) -> str:
        self.proposals.append((prompt, list(avoid)))
        return f"{prompt} #{len(self.proposals)}"

    def rephrase_visual(
        self, block: Block, language: Language, style: Style, reason_code: str
    ) -> str:
        self.rephrased.append((block.index, reason_code))
        if self.refuse_rephrase:
            raise ContentFiltered("the rephrase prompt", category="violence")
        return f"safer: {block.visual}"


def memory_services(tmp_path: Path, **env: str) -> Services:
    # Billing is off unless a test is about it (BILLING_ENFORCED=true): the other tests make
    # more videos than one free allowance.
    defaults = {"PIPELINE_WORKDIR": str(tmp_path / "work"), "BILLING_ENFORCED": "false"}
    settings = settings_from({**defaults, **env})
    from shortvideo.studio.media import ApiSignedUrls
    from tests.fakes_studio import MemoryCatalog, MemoryLibrary

    jobs = MemoryJobStore()
    services = Services(
        settings=settings,
        jobs=jobs,
        blobs=DirBlobStore(tmp_path / "blobs"),
        tasks=RecordingTaskQueue(),
        limiter=WindowRateLimiter(),
        library=MemoryLibrary(jobs),
        catalog=MemoryCatalog(),
        media=ApiSignedUrls(settings.api_token_secret, settings.media_url_seconds),
        schedules=MemoryScheduleStore(jobs),
        accounts=memory_accounts(),
    )
    services._lazy["editor"] = FakeEditor()
    return services
