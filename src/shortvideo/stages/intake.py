"""A new job: validate the creator's request, write the queued document, ring the script agent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shortvideo import lifecycle, metering
from shortvideo.billing import plans
from shortvideo.billing.account import Admission, Payer
from shortvideo.errors import (
    CostCeilingExceeded,
    InvalidRequest,
    UnknownMusic,
)
from shortvideo.logs import get_logger
from shortvideo.models import JobDoc, VideoRequest, blocks_for_target
from shortvideo.ports import BudgetCharge, NewDocument
from shortvideo.segments import planned_billed_seconds
from shortvideo.stages.creator_limits import admit_new_video
from shortvideo.studio import characters, library
from shortvideo.wiring import Services

MUSIC_PREFIX = "music/"
MUSIC_EXTENSIONS = (".mp3", ".m4a", ".aac", ".wav", ".ogg")


def parse_request(payload: Any) -> VideoRequest:
    if not isinstance(payload, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    try:
        return VideoRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(f"{field}: {first['msg']}", field=field) from exc


def music_object(svc: Services, name: str, *, live_only: bool = False) -> str:
    """The music/ object for a track name; names are validated, never raw paths.

    A catalogued track (music_tracks) names its object; a retired one is refused for new jobs
    (`live_only`) but still found for a job that chose it before.
    """
    track = svc.catalog.get_music_track(name)
    if track is not None and track.get("object"):
        if live_only and track.get("retired"):
            raise UnknownMusic(f"the music track {name!r} was retired", field="music")
        return str(track["object"])
    for ext in MUSIC_EXTENSIONS:
        if svc.blobs.exists(f"{MUSIC_PREFIX}{name}{ext}"):
            return f"{MUSIC_PREFIX}{name}{ext}"
    raise UnknownMusic(f"no music track named {name!r}", field="music")


@dataclass(frozen=True)
class Origin:
    """Where a job comes from when not from a person's POST /videos: a series and its slot."""

    series_id: str
    # The slot document, created with the job in one transaction (given the job document).
    slot: Callable[[JobDoc], NewDocument]


def create_creator_job(
    svc: Services,
    creator_id: str,
    payload: dict[str, Any],
    origin: Origin | None = None,
    email_verified: bool = False,
    video_id: str | None = None,
) -> JobDoc:
    """A creator's new job, as POST /videos and the series dispatcher both make it: the
    creator's limits and payment (decision 0017) apply the same to both. The free allowance
    needs `email_verified` (the signed-in creator's; for a series job, users/{uid}'s).
    `video_id`: the id an Idempotency-Key reserved."""

    def admit(_: VideoRequest) -> None:
        admit_new_video(svc, creator_id)

    payer = Payer(creator_id, email_verified)
    return create_job(
        svc, {**payload, "created_by": creator_id}, admit, video_id, origin=origin, payer=payer
    )


def create_job(
    svc: Services,
    payload: Any,
    admit: Callable[[VideoRequest], None] | None = None,
    video_id: str | None = None,
    *,
    origin: Origin | None = None,
    payer: Payer | None = None,
) -> JobDoc:
    """Validate, write the queued job (reserving its budget), ring the script agent.

    `admit` runs once the request is valid and before anything is written (the API's
    per-creator limits): an invalid request spends no rate-limit slot. A `payer` (the API's
    signed-in creator) takes a running slot and pays, in the job's own transaction. `video_id`
    is given when an Idempotency-Key reserved it (a second create() of one id fails).
    """
    with metering.meter() as usage:  # job_created reports the Firestore reads and writes
        return _create_job(svc, payload, usage, admit, video_id, origin=origin, payer=payer)


def admission_for(svc: Services, request: VideoRequest, payer: Payer, doc: JobDoc) -> Admission:
    """What this request asks of the payer's account (decision 0017)."""
    settings = svc.settings
    allowance = settings.free_videos_per_month
    if not (payer.email_verified and plans.free_eligible_length(request.target_seconds)):
        allowance = 0
    # A free video is made with the fast model: its estimate is the fast one.
    fast = settings.veo_fallback_model
    billed = sum(planned_billed_seconds(settings, doc["block_count"]))
    free_cost = {**doc["cost"], "estimated_usd": round(billed * settings.price_per_second(fast), 2)}
    now = doc["created_at"]
    return Admission(
        creator_id=payer.creator_id,
        now=now,
        month=plans.month_of(now),
        running_cap=settings.max_running_jobs_per_creator,
        enforced=settings.billing_enforced,
        free_allowance=allowance,
        credits_needed=plans.credits_for(settings, request.target_seconds),
        free_job_fields={"video_model": fast, "cost": free_cost},
        buy=[offer.view() for offer in plans.offers(settings)],
    )


def _create_job(
    svc: Services,
    payload: Any,
    usage: metering.Usage,
    admit: Callable[[VideoRequest], None] | None,
    video_id: str | None,
    *,
    origin: Origin | None = None,
    payer: Payer | None = None,
) -> JobDoc:
    request = parse_request(payload)
    character = None
    if request.character_id:  # the creator's own, or a shared one of the catalogue
        character = characters.get_character(svc, request.character_id, request.created_by)
    if request.music:
        music_object(svc, request.music, live_only=True)
    block_count = blocks_for_target(request.target_seconds)
    video_model = svc.video_model
    settings = svc.settings
    # Under VEO_EXTENSION_BILLING=output_seconds an extension bills its input too (0010).
    billed = sum(planned_billed_seconds(settings, block_count))
    estimate = billed * settings.price_per_second(video_model.model)
    if settings.max_job_cost_usd and estimate > settings.max_job_cost_usd:
        raise CostCeilingExceeded(
            f"this video would cost about ${estimate:.2f}, over the per-video ceiling of "
            f"${settings.max_job_cost_usd:.2f}: ask for fewer seconds",
            field="target_seconds",
        )
    if admit is not None:
        admit(request)
    video_id = video_id or uuid.uuid4().hex
    doc = lifecycle.new_job(
        video_id,
        request,
        block_count=block_count,
        provider=video_model.provider,
        video_model=video_model.model,
        estimated_cost=estimate,
        now=svc.clock(),
    )
    doc.update(library.initial_fields(doc))
    if character is not None:
        doc["character"] = characters.job_character(svc, character, video_id)
    doc["series_id"] = origin.series_id if origin else None  # the library shows the series
    now = doc["created_at"]
    # What settlement reconciles when the job ends: the reservation, and prices of an
    # operation still in flight then (shortvideo.settlement).
    doc["cost"] = {
        **doc["cost"],
        "reserved_usd": round(estimate, 4),
        "prices": {
            model: settings.price_per_second(model)
            for model in {video_model.model, settings.veo_fallback_model}
            if model
        },
    }
    admission = None
    if payer is not None:
        admission = admission_for(svc, request, payer, doc)
    charge = BudgetCharge(f"{now:%Y-%m}", round(estimate, 4), settings.monthly_budget_usd)
    # With an origin, the slot document in the job's own commit: one job per schedule and slot.
    also = origin.slot(doc) if origin is not None else None
    doc = svc.jobs.create_job(doc, charge, admission, also_create=also)
    log = get_logger(stage="intake", video_id=video_id)
    log.info(
        "job_created",
        block_count=block_count,
        style=request.style.value,
        language=request.language.value,
        provider=video_model.provider,
        **usage.fields(),
    )
    try:
        svc.tasks.ring("script", video_id, task_key="a1")
    except Exception as exc:  # the job is safely queued; the monitor rings again
        log.warning("doorbell_failed", error=str(exc))
    return doc
