"""video_agent: submitting one block to the video model (decision 0001's submit intent).

The prompt and request of a block, the cost ceiling and the Veo rate limit checked before it,
the submit intent committed before the call and the operation's name right after it, and the
move to the fallback model after repeated quota errors.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from shortvideo import lifecycle
from shortvideo.errors import (
    CostCeilingReached,
    ProviderError,
    ProviderUnanswered,
    QuotaExceeded,
    Throttled,
)
from shortvideo.logs import timed
from shortvideo.models import VIDEO, Language, Script, Style
from shortvideo.ports import VideoStep
from shortvideo.segments import billed_seconds, request_seconds
from shortvideo.stages import rephrase
from shortvideo.stages.runner import StageContext, utcnow
from shortvideo.stages.video_segments import SegmentInput, prepare_input


def block_prompt(
    script: Script, index: int, character_line: str | None, narrated: bool = False
) -> str:
    """Veo's prompt; a narrated video asks for ambience only (the narrator is added later)."""
    block = script.blocks[index]
    parts = [f"Style: {script.style.value}. Vertical 9:16.", f"Scene: {block.visual}"]
    if character_line:
        parts.append(f"Main character: {character_line}")
    if narrated:
        parts.append("Audio: ambient sound and effects only, no speech (a narrator is added).")
    else:
        parts.append(f'Dialogue ({script.language.value}): "{block.dialogue}"')
    if block.sound_effects:
        parts.append(f"Sound effects: {block.sound_effects}")
    return "\n".join(parts)


def _step(
    ctx: StageContext, script: Script, index: int, model_id: str, source: SegmentInput
) -> VideoStep:
    script = rephrase.with_rephrased_visual(ctx.doc, script, index)  # after a refusal
    character = None
    refs: tuple[str, ...] = ()
    # The job's own copy of its character, read with the job: no Firestore read per block.
    kept = ctx.doc.get("character")
    if kept:
        character = f"{kept['name']}, {kept['description']}"
        refs = (kept["reference_image_uri"],) if kept.get("reference_image_uri") else ()
    elif ctx.doc.get("character_id"):  # a job created before jobs kept a copy
        found = ctx.svc.jobs.get_character(ctx.doc["character_id"])
        if found:
            character = f"{found.name}, {found.description}"
            refs = (found.reference_image_uri,) if found.reference_image_uri else ()
    block = script.blocks[index]
    narrated = bool(ctx.doc.get("voice"))
    return VideoStep(
        video_id=ctx.video_id,
        block_index=index,
        seconds=request_seconds(ctx.svc.settings, index),
        prompt=block_prompt(script, index, character, narrated),
        visual=block.visual,
        dialogue="" if narrated else block.dialogue,
        style=Style(script.style),
        language=Language(script.language),
        output_prefix=f"veo31_videos/{ctx.video_id}/",
        previous_video_uri=source.video_uri,
        first_frame_uri=source.first_frame_uri,
        reference_image_uris=refs,
        model=model_id,
    )


def submit_next(ctx: StageContext, script: Script) -> bool:
    """Submit the next block; False when the answer was lost and the job now waits for it."""
    settings = ctx.svc.settings
    model = ctx.svc.video_model
    model_id = ctx.doc.get("video_model") or model.model
    index = int(ctx.doc.get("completed_blocks", 0))
    source = prepare_input(ctx, index)
    step = _step(ctx, script, index, model_id, source)
    spent = float(ctx.doc.get("cost", {}).get("actual_usd", 0.0))
    billed = billed_seconds(settings, index, source.video_seconds)
    next_cost = billed * settings.price_per_second(model_id)
    if settings.max_job_cost_usd and spent + next_cost > settings.max_job_cost_usd + 1e-9:
        raise CostCeilingReached(
            f"block {index} would take the video to ${spent + next_cost:.2f}, over the "
            f"per-video ceiling of ${settings.max_job_cost_usd:.2f}"
        )
    if model.provider == "google":  # the quota is Veo's; the offline renderer has none
        wait = ctx.svc.limiter.acquire(f"submit-{model_id}", settings.veo_requests_per_minute)
        if wait > 0:
            raise Throttled(
                f"{model_id} rate limit of {settings.veo_requests_per_minute}/min",
                delay_seconds=wait,
            )
    step = replace(step, output_prefix=f"{step.output_prefix}b{index:02d}-{uuid.uuid4().hex[:8]}/")
    intent = {
        "block": index,
        "model": model_id,
        "output_prefix": step.output_prefix,
        **source.to_doc(),
    }
    ctx.progress(veo_submit_intent={**intent, "at": utcnow()})
    try:
        with timed(ctx.log, "video_operation_submitted", block=index, model=model_id):
            name = model.submit(step)
    except ProviderUnanswered as exc:
        # Veo may have started the operation: keep the intent and look for its video later.
        ctx.log.warning("video_submit_unanswered", block=index, error=exc.message)
        wait_and_ring(ctx, f"i{index}-c0", block=index, submit="unanswered")
        return False
    except ProviderError as exc:
        # The model answered with an error: no operation exists, nothing was billed.
        ctx.progress(veo_submit_intent=None)
        if isinstance(exc, QuotaExceeded):
            _maybe_fall_back(ctx, model_id)
        raise
    ctx.progress(
        veo_operation={**intent, "name": name, "submitted_at": utcnow(), "polls": 0},
        veo_submit_intent=None,
        consecutive_throttles=0,
    )
    return True


def _maybe_fall_back(ctx: StageContext, model_id: str) -> None:
    """After repeated quota errors, move the job to the fallback model when settings allow."""
    settings = ctx.svc.settings
    errors_in_a_row = int(ctx.doc.get("consecutive_throttles", 0)) + 1
    fallback = settings.veo_fallback_model
    if (
        settings.veo_allow_fallback
        and fallback
        and model_id != fallback
        and errors_in_a_row >= settings.veo_fallback_after_quota_errors
    ):
        ctx.progress(
            video_model=fallback,
            model_fallback={
                "from": model_id,
                "to": fallback,
                "at": utcnow(),
                "after_quota_errors": errors_in_a_row,
            },
        )
        ctx.log.warning("video_model_fallback", from_model=model_id, to_model=fallback)


def wait_and_ring(ctx: StageContext, key: str, **outcome: Any) -> None:
    """Release the job as WAITING and ring the video agent again after the poll interval."""
    settings = ctx.svc.settings
    wake_at = utcnow() + timedelta(seconds=settings.video_poll_seconds)
    ctx.doc = ctx.svc.jobs.mutate_job(
        ctx.video_id, lifecycle.wait(VIDEO, ctx.owner, utcnow(), wake_at, settings.lease_seconds)
    )
    attempt = ctx.doc.get("attempts", {}).get("video", 1)
    ctx.ring("video", task_key=f"a{attempt}-{key}", delay_seconds=settings.video_poll_seconds)
    ctx.outcome = {"outcome": "waiting", **outcome}
