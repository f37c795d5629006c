"""Script cache: keyed by a hash of everything that shapes the script, valid for a TTL."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from shortvideo.models import Script
from shortvideo.ports import ScriptBrief

# Bump when the prompt or the block format changes, so old entries stop matching.
SCRIPT_FORMAT_VERSION = 1


def cache_key(brief: ScriptBrief, provider: str, model: str) -> str:
    character = brief.character
    shaping = {
        "v": SCRIPT_FORMAT_VERSION,
        "theme": " ".join(brief.theme.split()).casefold(),
        "style": brief.style.value,
        "language": brief.language.value,
        "blocks": brief.block_count,
        "character": character.model_dump(exclude={"reference_image_uri"}) if character else None,
        "provider": provider,
        "model": model,
    }
    blob = json.dumps(shaping, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def cache_entry(script: Script, now: datetime, ttl_days: int) -> dict[str, Any]:
    # expires_at is also the field a Firestore TTL policy deletes on.
    return {
        "script": script.model_dump(mode="json"),
        "created_at": now,
        "expires_at": now + timedelta(days=ttl_days),
    }


def cached_script(entry: dict[str, Any] | None, now: datetime) -> Script | None:
    if not entry or entry.get("expires_at") is None or entry["expires_at"] <= now:
        return None
    return Script.model_validate(entry["script"])
