"""Validation of a script against the job: block count, language, style, indices."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shortvideo.errors import ScriptInvalid
from shortvideo.models import MAX_BLOCKS, MIN_BLOCKS, Script
from shortvideo.ports import ScriptBrief


def parse_script(data: Any) -> Script:
    try:
        return Script.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScriptInvalid(f"script does not validate at {where}: {first['msg']}") from exc


def validate_script(script: Script, brief: ScriptBrief) -> Script:
    count = len(script.blocks)
    if count != brief.block_count:
        raise ScriptInvalid(f"script has {count} blocks, the target needs {brief.block_count}")
    if not MIN_BLOCKS <= count <= MAX_BLOCKS:
        raise ScriptInvalid(f"{count} blocks: the product makes {MIN_BLOCKS} to {MAX_BLOCKS}")
    if [b.index for b in script.blocks] != list(range(count)):
        raise ScriptInvalid("block indices must run 0..n-1 in order")
    if script.language != brief.language:
        raise ScriptInvalid(f"script language {script.language} != {brief.language}")
    if script.style != brief.style:
        raise ScriptInvalid(f"script style {script.style} != {brief.style}")
    return script
