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
from typing import Any

from shortvideo.errors import (
    ContentFiltered,
    ProviderError,
    ProviderRejected,
    QuotaExceeded,
    Throttled,
)
from shortvideo.models import VIDEO, Script
from shortvideo.ports import OperationStatus
from shortvideo.scripts import parse_script
from shortvideo.segments import billed_seconds, parts_of
from shortvideo.stages import rephrase
from shortvideo.stages.runner import StageContext, run_stage, utcnow
from shortvideo.stages.video_segments import kept_part
from shortvideo.stages.video_submit import submit_next, wait_and_ring
from shortvideo.wiring import Services


def _load_script(ctx: StageContext) -> Script:
    name = ctx.svc.blobs.name_from_uri(ctx.doc["script_file"])
    return parse_script(json.loads(ctx.svc.blobs.download_bytes(name)))


def _resume_intent(ctx: StageContext, intent: dict[str, Any]) -> str:
    """A submit whose answer was lost (the process died during the call).

    Adopts the video written under the intent's own prefix ("adopted"), waits for it while the
    operation could still be running ("waiting"); after the operation timeout, gives up on it
    (a transient ProviderError) so the retry submits the block again: the one case left where
    a block could be paid twice.
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
        wait_and_ring(ctx, f"i{intent['block']}-c{checks}", block=intent["block"])
        return "waiting"
    ctx.log.warning("video_submit_intent_abandoned", block=intent["block"], age_seconds=age)
    ctx.progress(veo_submit_intent=None, last_failed_operation={**intent, "failed_at": utcnow()})
    # A transient fault: the retry submits the block again, within the stall clock (0014).
    raise ProviderError(f"block {intent['block']}: no video {age:.0f} s after a lost submit")


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
    wait_and_ring(ctx, f"b{op['block']}-p{polls}", block=op["block"], polls=polls)


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
            rephrase.resume(ctx, script, int(ctx.doc.get("completed_blocks", 0)))
            try:
                if not submit_next(ctx, script):
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
