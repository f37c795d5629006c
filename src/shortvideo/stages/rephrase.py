"""One rephrase of a block the video model refused, then failure with the refusal's reason code.

A refused block (ContentFiltered: a usage-guidelines refusal, a safety filter) is not retried as
it was: the script model rewrites that block's visual prompt more safely, keeping the scene's
meaning, and the block is submitted once more with it. The job records both prompts in
`rephrases` ({"<block>": {reason_code, original_prompt, rephrased_prompt, at, outcome}}, outcome
"rephrasing" until the script model has answered, then "pending" until the block is made
("passed") or refused again ("refused")). A second refusal
fails the job with error.code "content_filtered.<category>" (decision 0011).

Every write goes through the StageContext; the failure is a typed error for the runner.
"""

from __future__ import annotations

from typing import Any

from shortvideo.errors import ContentFiltered
from shortvideo.models import JobDoc, Language, Script, Style
from shortvideo.ports import OperationStatus
from shortvideo.stages.runner import StageContext, utcnow

PENDING, PASSED, REFUSED = "pending", "passed", "refused"
REPHRASING = "rephrasing"  # refused, the script model not yet (successfully) asked


def _entries(doc: JobDoc) -> dict[str, dict[str, Any]]:
    return dict(doc.get("rephrases") or {})


def with_rephrased_visual(doc: JobDoc, script: Script, index: int) -> Script:
    """The script with block `index`'s visual replaced by its rephrase, if it has one."""
    entry = _entries(doc).get(str(index))
    if not entry or not entry.get("rephrased_prompt"):
        return script
    blocks = list(script.blocks)
    blocks[index] = blocks[index].model_copy(update={"visual": entry["rephrased_prompt"]})
    return script.model_copy(update={"blocks": blocks})


def refusal_of(status: OperationStatus) -> ContentFiltered:
    """The typed refusal of a filtered operation; its category is in its error code."""
    category = (status.error_code or "").partition("content_filtered.")[2] or "other"
    message = status.error_message or "the video model filtered the block"
    return ContentFiltered(message, category=category)


def on_refusal(ctx: StageContext, script: Script, index: int, refused: ContentFiltered) -> None:
    """Record a rephrase of block `index` (the caller submits it again), or, when the block was
    already rephrased, record that and fail the job with the refusal's reason code."""
    entries = _entries(ctx.doc)
    key = str(index)
    if key in entries and entries[key].get("outcome") != REPHRASING:
        entries[key] = {**entries[key], "outcome": REFUSED, "refused_at": utcnow(),
                        "refused_reason_code": refused.code}  # fmt: skip
        ctx.progress(rephrases=entries)
        ctx.log.warning("video_block_refused_after_rephrase", block=index, code=refused.code)
        raise ContentFiltered(
            f"block {index} was refused again after one safer rephrase: {refused.message}",
            category=refused.category,
            support_codes=refused.support_codes,
        ) from refused
    # Recorded before the script model is asked: if that call fails (a transient error, a
    # killed process), the retry rephrases (resume) instead of submitting the refused prompt.
    entries[key] = {
        "reason_code": refused.code, "category": refused.category, "message": refused.message,
        "support_codes": list(refused.support_codes), "original_prompt":
        script.blocks[index].visual, "rephrased_prompt": None, "outcome": REPHRASING,
        "at": utcnow(),
    }  # fmt: skip
    ctx.progress(rephrases=entries)
    _rephrase(ctx, script, index)


def resume(ctx: StageContext, script: Script, index: int) -> None:
    """Before block `index` is submitted: finish a rephrase a failed call left undone."""
    entry = _entries(ctx.doc).get(str(index))
    if entry and entry.get("outcome") == REPHRASING:
        ctx.log.warning("video_block_rephrase_resumed", block=index)
        _rephrase(ctx, script, index)


def _rephrase(ctx: StageContext, script: Script, index: int) -> None:
    entries = _entries(ctx.doc)
    key = str(index)
    entry = entries[key]
    refused = ContentFiltered(str(entry.get("message") or "the video model refused the block"),
                              category=str(entry.get("category") or "other"),
                              support_codes=tuple(entry.get("support_codes") or ()))  # fmt: skip
    try:
        rephrased = ctx.svc.script_model.rephrase_visual(
            script.blocks[index], Language(script.language), Style(script.style), refused.code
        )
    except ContentFiltered as also:
        # The script model will not rewrite it either: the video model's reason is the one
        # the creator can act on.
        entries[key] = {**entry, "rephrased_prompt": None, "outcome": REFUSED,
                        "refused_at": utcnow(), "refused_reason_code": also.code}  # fmt: skip
        ctx.progress(rephrases=entries)
        raise ContentFiltered(
            f"block {index} was refused and could not be rephrased: {refused.message}",
            category=refused.category,
            support_codes=refused.support_codes,
        ) from also
    entries[key] = {**entry, "rephrased_prompt": rephrased, "outcome": PENDING}
    ctx.progress(rephrases=entries)
    ctx.log.warning("video_block_rephrased", block=index, code=refused.code)


def settle(ctx: StageContext) -> None:
    """Mark as passed every pending rephrase whose block has been made since."""
    entries = _entries(ctx.doc)
    done = int(ctx.doc.get("completed_blocks", 0))
    passed = [k for k, e in entries.items() if e.get("outcome") == PENDING and int(k) < done]
    if passed:
        for key in passed:
            entries[key] = {**entries[key], "outcome": PASSED, "passed_at": utcnow()}
        ctx.progress(rephrases=entries)
