"""video_agent: a step function. Each invocation submits or polls one video-model operation.

Block 0 is the 8 s opening clip; each further block is a 7 s extension of the previous result.
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
from shortvideo.models import EXTENSION_SECONDS, OPENING_SECONDS, VIDEO, Language, Script, Style
from shortvideo.ports import OperationStatus, VideoStep
from shortvideo.scripts import parse_script
from shortvideo.stages import rephrase
from shortvideo.stages.runner import StageContext, run_stage, utcnow
from shortvideo.wiring import Services


def final_video_object(video_id: str) -> str:
    return f"veo31_videos/{video_id}.mp4"


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


def _step(ctx: StageContext, script: Script, index: int, model_id: str) -> VideoStep:
    script = rephrase.with_rephrased_visual(ctx.doc, script, index)  # after a refusal
    character = None
    refs: tuple[str, ...] = ()
    if ctx.doc.get("character_id"):
        found = ctx.svc.jobs.get_character(ctx.doc["character_id"])
        if found:
            character = f"{found.name}, {found.description}"
            refs = (found.reference_image_uri,) if found.reference_image_uri else ()
    block = script.blocks[index]
    narrated = bool(ctx.doc.get("voice"))
    return VideoStep(
        video_id=ctx.video_id,
        block_index=index,
        seconds=block.seconds,
        prompt=block_prompt(script, index, character, narrated),
        visual=block.visual,
        dialogue="" if narrated else block.dialogue,
        style=Style(script.style),
        language=Language(script.language),
        output_prefix=f"veo31_videos/{ctx.video_id}/",
        previous_video_uri=ctx.doc.get("last_video_uri"),
        reference_image_uris=refs,
        model=model_id,
    )


def _submit_next(ctx: StageContext, script: Script) -> bool:
    """Submit the next block; False when the answer was lost and the job now waits for it."""
    settings = ctx.svc.settings
    model = ctx.svc.video_model
    model_id = ctx.doc.get("video_model") or model.model
    index = int(ctx.doc.get("completed_blocks", 0))
    step = _step(ctx, script, index, model_id)
    spent = float(ctx.doc.get("cost", {}).get("actual_usd", 0.0))
    next_cost = step.seconds * settings.price_per_second(model_id)
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
    intent = {"block": index, "model": model_id, "output_prefix": step.output_prefix}
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
        ctx.progress(
            veo_operation={**intent, "name": None, "submitted_at": intent["at"], "adopted": True},
            veo_submit_intent=None,
        )
        _finish_block(ctx, blobs.uri(videos[0]), 0.0)
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


def _finish_block(ctx: StageContext, status_uri: str, billed: float) -> None:
    op = ctx.doc["veo_operation"]
    # Veo reports no duration: it bills the seconds it was asked to generate.
    billed = billed or float(OPENING_SECONDS if op["block"] == 0 else EXTENSION_SECONDS)
    price = ctx.svc.settings.price_per_second(op.get("model", ""))
    cost = dict(ctx.doc.get("cost", {}))
    cost["billed_seconds"] = cost.get("billed_seconds", 0) + billed
    cost["actual_usd"] = round(cost.get("actual_usd", 0.0) + billed * price, 4)
    history = [
        *ctx.doc.get("video_operations", []),
        {**op, "finished_at": utcnow(), "billed_seconds": billed, "video_uri": status_uri},
    ]
    ctx.made_progress(
        completed_blocks=op["block"] + 1,
        last_video_uri=status_uri,
        veo_operation=None,
        cost=cost,
        video_operations=history,
    )
    ctx.log.info(
        "video_block_finished",
        block=op["block"],
        model=op.get("model"),
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
    final = ctx.svc.blobs.copy(
        ctx.svc.blobs.name_from_uri(ctx.doc["last_video_uri"]), final_video_object(ctx.video_id)
    )
    ctx.complete(veo31_video_uri=final)
    ctx.ring("assemble", task_key="a1")


def handle_video(svc: Services, video_id: str) -> dict[str, object]:
    return run_stage(svc, VIDEO, video_id, generate_video)
