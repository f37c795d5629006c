"""script_agent: the script in blocks, from the cache or the script model, saved to GCS."""

from __future__ import annotations

import json

from shortvideo.errors import UnknownCharacter
from shortvideo.logs import timed
from shortvideo.models import SCRIPT, Character, Language, Style
from shortvideo.ports import ScriptBrief
from shortvideo.script_cache import cache_entry, cache_key, cached_script
from shortvideo.scripts import validate_script
from shortvideo.stages.runner import StageContext, run_stage, utcnow
from shortvideo.wiring import Services


def script_object(video_id: str) -> str:
    return f"scripts/{video_id}.json"


def brief_for(ctx: StageContext) -> ScriptBrief:
    doc = ctx.doc
    character = None
    if doc.get("character"):  # the copy the job kept when it was created
        character = Character.model_validate(doc["character"])
    elif doc.get("character_id"):  # a job created before jobs kept a copy
        character = ctx.svc.jobs.get_character(doc["character_id"])
        if character is None:
            raise UnknownCharacter(
                f"character {doc['character_id']!r} was deleted", field="character_id"
            )
    return ScriptBrief(
        theme=doc["theme"],
        style=Style(doc["style"]),
        language=Language(doc["language"]),
        block_count=int(doc["block_count"]),
        character=character,
    )


def write_script(ctx: StageContext) -> None:
    svc = ctx.svc
    brief = brief_for(ctx)
    model = svc.script_model
    key = cache_key(brief, model.provider, getattr(model, "model", model.provider))
    script = cached_script(svc.jobs.get_cached_script(key), utcnow())
    cache_hit = script is not None
    if script is None:
        with timed(ctx.log, "script_model_call", provider=model.provider):
            script = validate_script(model.write_script(brief), brief)
        svc.jobs.put_cached_script(
            key, cache_entry(script, utcnow(), svc.settings.script_cache_ttl_days)
        )
    uri = svc.blobs.upload_bytes(
        script_object(ctx.video_id),
        json.dumps(script.model_dump(mode="json"), ensure_ascii=False, indent=1).encode(),
        "application/json",
    )
    ctx.complete(
        script_file=uri,
        script_cache_key=key,
        script_cache_hit=cache_hit,
        block_count=len(script.blocks),
        total_blocks=len(script.blocks),
        title=script.title,
    )
    ctx.ring("video", task_key="a1")


def handle_script(svc: Services, video_id: str) -> dict[str, object]:
    return run_stage(svc, SCRIPT, video_id, write_script)
