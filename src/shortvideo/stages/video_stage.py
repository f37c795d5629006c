"""video_agent: a step function. Each invocation submits or polls one video-model operation.

Block 0 is the 8 s opening clip; each further block is made from the parts kept so far: a 7 s
extension of the video's tail, or a new clip from its last frame (VEO_EXTENSION_ROUTE, decision
0010). Each finished block records the part of its output the final keeps (`parts`).
Before each submit, a submit intent (block, model, an output prefix of its own) is committed;
the operation's name is committed as soon as the model answers. After a crash between the two,
the next invocation does not pay for the block again: it adopts the video found under the
intent's prefix, or waits for it until the operation timeout (decision 0001).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from shortvideo import lifecycle
from shortvideo.errors import (
    ContentFiltered,
    CostCeilingReached,
    ProviderError,
    ProviderRejected,
    ProviderUnanswered,
    QuotaExceeded,
    Throttled,
)
from shortvideo.logs import timed
from shortvideo.models import VIDEO, Language, Script, Style
from shortvideo.ports import OperationStatus, VideoStep
from shortvideo.scripts import parse_script
from shortvideo.segments import billed_seconds, parts_of, request_seconds
from shortvideo.stages import rephrase
from shortvideo.stages.runner import StageContext, run_stage, utcnow
from shortvideo.stages.video_segments import SegmentInput, kept_part, prepare_input
from shortvideo.wiring import Services


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


def _load_script(ctx: StageContext) -> Script:
    name = ctx.svc.blobs.name_from_uri(ctx.doc["script_file"])
    return parse_script(json.loads(ctx.svc.blobs.download_bytes(name)))


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


def _submit_next(ctx: StageContext, script: Script) -> bool:
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
        _wait_and_ring(ctx, f"i{index}-c0", block=index, submit="unanswered")
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


def _resume_intent(ctx: StageContext, intent: dict[str, Any]) -> str:
    """A submit whose answer was lost (the process died during the call).

    Adopts the video written under the intent's own prefix ("adopted"), waits for it while the
    operation could still be running ("waiting"); after the operation timeout, gives up on it
    ("abandoned") so the block is submitted again: the one case left where a block could be
    paid twice.
    """
    blobs = ctx.svc.blobs
    videos = sorted(n for n in blobs.list_names(intent["output_prefix"]) if n.endswith(".mp4"))
    if videos:
        ctx.log.warning("video_submit_adopted", block=intent["block"], video=videos[0])
        # One commit finishes the block and drops the intent: a failure before it (measuring
        # the video) leaves the intent in place, to be adopted again.
        op = {**intent, "name": None, "submitted_at": intent["at"], "adopted": True}
        _finish_block(ctx, blobs.uri(videos[0]), 0.0, op)
        return "adopted"
    age = (utcnow() - intent["at"]).total_seconds()
    if age <= ctx.svc.settings.video_operation_timeout_seconds:
        checks = int(intent.get("checks", 0)) + 1
        ctx.progress(veo_submit_intent={**intent, "checks": checks})
        _wait_and_ring(ctx, f"i{intent['block']}-c{checks}", block=intent["block"])
        return "waiting"
    ctx.log.warning("video_submit_intent_abandoned", block=intent["block"], age_seconds=age)
    ctx.progress(veo_submit_intent=None, last_failed_operation={**intent, "failed_at": utcnow()})
    return "abandoned"


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


def _finish_block(
    ctx: StageContext, status_uri: str, reported: float, op: dict[str, Any] | None = None
) -> None:
    op = op if op is not None else ctx.doc["veo_operation"]
    try:
        part, output_seconds = kept_part(ctx, op, status_uri)
    except ProviderError:  # an output with nothing new: the retry submits the block again
        ctx.progress(
            veo_operation=None, veo_submit_intent=None,
            last_failed_operation={**op, "failed_at": utcnow()},
        )  # fmt: skip
        raise
    # Veo reports no duration: billed seconds follow VEO_EXTENSION_BILLING (decision 0010).
    billed = billed_seconds(ctx.svc.settings, op["block"], float(op.get("input_seconds") or 0))
    price = ctx.svc.settings.price_per_second(op.get("model", ""))
    cost = dict(ctx.doc.get("cost", {}))
    cost["billed_seconds"] = round(cost.get("billed_seconds", 0) + billed, 3)
    cost["actual_usd"] = round(cost.get("actual_usd", 0.0) + billed * price, 4)
    finished = {
        **op, "finished_at": utcnow(), "billed_seconds": billed, "video_uri": status_uri,
        "output_seconds": output_seconds, "keep_from": part.start, "keep_seconds": part.seconds,
    }  # fmt: skip
    if reported:
        finished["reported_billed_seconds"] = reported
    parts = [p.to_doc() for p in parts_of(ctx.doc) if p.block < part.block]
    ctx.made_progress(
        completed_blocks=op["block"] + 1,
        parts=[*parts, part.to_doc()],
        veo_operation=None,
        veo_submit_intent=None,
        cost=cost,
        video_operations=[*ctx.doc.get("video_operations", []), finished],
    )
    ctx.log.info(
        "video_block_finished",
        block=op["block"],
        model=op.get("model"),
        kept_seconds=part.seconds,
        completed_blocks=op["block"] + 1,
        total_blocks=ctx.doc["total_blocks"],
    )


def _schedule_poll(ctx: StageContext) -> None:
    op: dict[str, Any] = ctx.doc["veo_operation"]
    polls = int(op.get("polls", 0)) + 1
    ctx.progress(veo_operation={**op, "polls": polls})
    _wait_and_ring(ctx, f"b{op['block']}-p{polls}", block=op["block"], polls=polls)


def _wait_and_ring(ctx: StageContext, key: str, **outcome: Any) -> None:
    """Release the job as WAITING and ring the video agent again after the poll interval."""
    settings = ctx.svc.settings
    wake_at = utcnow() + timedelta(seconds=settings.video_poll_seconds)
    ctx.doc = ctx.svc.jobs.mutate_job(
        ctx.video_id, lifecycle.wait(VIDEO, ctx.owner, utcnow(), wake_at, settings.lease_seconds)
    )
    attempt = ctx.doc.get("attempts", {}).get("video", 1)
    ctx.ring("video", task_key=f"a{attempt}-{key}", delay_seconds=settings.video_poll_seconds)
    ctx.outcome = {"outcome": "waiting", **outcome}


def _poll(ctx: StageContext, op: dict[str, Any]) -> OperationStatus:
    """A failed poll says nothing about the operation, which goes on: poll again later."""
    try:
        return ctx.svc.video_model.poll(op["name"])
    except ProviderError as exc:
        if not exc.retryable or isinstance(exc, QuotaExceeded):
            raise
        raise Throttled(
            f"polling block {op['block']} failed: {exc.message}",
            delay_seconds=2 * ctx.svc.settings.video_poll_seconds,
        ) from exc


def generate_video(ctx: StageContext) -> None:
    script = _load_script(ctx)
    total = int(ctx.doc["total_blocks"])
    while True:
        rephrase.settle(ctx)
        op = ctx.doc.get("veo_operation")
        intent = ctx.doc.get("veo_submit_intent")
        if op is None and intent is not None:
            resumed = _resume_intent(ctx, intent)
            if resumed == "waiting":
                return
            if resumed == "adopted":
                continue
        if op is None:
            if int(ctx.doc.get("completed_blocks", 0)) >= total:
                break
            try:
                if not _submit_next(ctx, script):
                    return
            except ContentFiltered as refused:  # refused at submission: nothing was started
                rephrase.on_refusal(ctx, script, int(ctx.doc.get("completed_blocks", 0)), refused)
                continue
            op = ctx.doc["veo_operation"]
        status = _poll(ctx, op)
        if not status.done:
            age = (utcnow() - op["submitted_at"]).total_seconds()
            if age > ctx.svc.settings.video_operation_timeout_seconds:
                # Abandoned; the retry submits the block again. Should this operation still
                # finish, Veo bills it too: the window left open (decision 0001).
                ctx.progress(
                    veo_operation=None, last_failed_operation={**op, "failed_at": utcnow()}
                )
                raise ProviderError(f"block {op['block']}: operation unfinished after {age:.0f} s")
            _schedule_poll(ctx)
            return
        if status.filtered or status.error_code:
            ctx.progress(veo_operation=None, last_failed_operation={**op, "failed_at": utcnow()})
            if status.filtered:
                rephrase.on_refusal(ctx, script, int(op["block"]), rephrase.refusal_of(status))
                continue
            failure = f"block {op['block']}: {status.error_code}: {status.error_message}"
            raise ProviderError(failure) if status.retryable else ProviderRejected(failure)
        _finish_block(ctx, status.video_uri or "", status.billed_seconds)
    # No single video is written: the assembler cuts the final from the parts (decision 0010).
    ctx.complete(video_seconds=round(sum(p.seconds for p in parts_of(ctx.doc)), 3))
    ctx.ring("assemble", task_key="a1")


def handle_video(svc: Services, video_id: str) -> dict[str, object]:
    return run_stage(svc, VIDEO, video_id, generate_video)
