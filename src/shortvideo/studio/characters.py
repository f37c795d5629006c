"""A creator's characters: a name, a description, a style and a reference image in GCS.

The image comes from the image model (Gemini image on Google, a drawn card offline) or from an
upload (studio.images). A job that uses a character keeps a copy of what it used (description
and its own image object), so deleting the character later breaks no job (decision 0016).
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shortvideo.errors import InvalidRequest, PipelineError, RateLimited, UnknownCharacter
from shortvideo.logs import get_logger
from shortvideo.models import Style
from shortvideo.stages.runner import utcnow
from shortvideo.studio.images import clean_png
from shortvideo.wiring import Services

MAX_CHARACTERS_LISTED = 100


class CharacterNotFound(PipelineError):
    """GET or DELETE /characters/{id} of a missing character, or of someone else's."""

    code = "unknown_character"
    http_status = 404


class CharacterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=600)
    style: Style = Style.CINEMATIC


def image_object(character_id: str) -> str:
    return f"characters/{character_id}.png"


def usable(doc: dict[str, Any] | None, creator_id: str) -> bool:
    """A creator may use its own characters and the catalogue's shared ones."""
    return doc is not None and (doc.get("created_by") == creator_id or bool(doc.get("shared")))


def get_character(svc: Services, character_id: str, creator_id: str) -> dict[str, Any]:
    """The character a job may use; else UnknownCharacter (a 422 naming character_id)."""
    doc = svc.catalog.get_character_doc(character_id)
    if doc is None or not usable(doc, creator_id):
        raise UnknownCharacter(f"you have no character {character_id!r}", field="character_id")
    return doc


def find_character(svc: Services, character_id: str, creator_id: str) -> dict[str, Any]:
    """GET /characters/{id}: someone else's is answered exactly like a missing one (404)."""
    doc = svc.catalog.get_character_doc(character_id)
    if doc is None or not usable(doc, creator_id):
        raise CharacterNotFound(f"you have no character {character_id!r}", field="character_id")
    return doc


def _admit(svc: Services, creator_id: str) -> None:
    settings = svc.settings
    wait = svc.limiter.acquire(
        f"create-character-{creator_id}",
        settings.create_character_per_minute,
        per_hour=settings.create_character_per_hour,
    )
    if wait > 0:
        raise RateLimited(
            f"too many new characters: at most {settings.create_character_per_minute} a minute "
            f"and {settings.create_character_per_hour} an hour",
            retry_after_seconds=wait,
        )


def create_character(
    svc: Services, creator_id: str, request: CharacterRequest, upload: bytes | None = None
) -> dict[str, Any]:
    """Validate, take a rate-limit slot, make or clean the image, store image then document."""
    png = clean_png(upload) if upload is not None else None  # a bad upload spends no slot
    _admit(svc, creator_id)
    if png is None:
        png = svc.image_model.make_character_image(request.name, request.description, request.style)
    character_id = uuid.uuid4().hex
    name = image_object(character_id)
    svc.blobs.upload_bytes(name, png, "image/png")
    doc = {
        "character_id": character_id,
        "created_by": creator_id,
        "name": request.name,
        "description": request.description,
        "style": request.style.value,
        "image_object": name,
        "reference_image_uri": svc.blobs.uri(name),
        "source": "upload" if upload is not None else svc.image_model.provider,
        "shared": False,
        "created_at": utcnow(),
    }
    try:
        svc.catalog.add_character(doc)
    except BaseException:
        svc.blobs.delete(name)  # nothing half-written
        raise
    get_logger(stage="characters").info(
        "character_created", creator=creator_id, character_id=character_id, source=doc["source"]
    )
    return doc


def delete_character(svc: Services, character_id: str, creator_id: str) -> None:
    doc = svc.catalog.get_character_doc(character_id)
    if doc is None or doc.get("created_by") != creator_id:  # shared ones are not the caller's
        raise CharacterNotFound(f"you have no character {character_id!r}", field="character_id")
    svc.catalog.delete_character(character_id)
    svc.blobs.delete(doc.get("image_object") or image_object(character_id))


def parse_character_request(payload: Any) -> CharacterRequest:
    from pydantic import ValidationError

    if not isinstance(payload, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    try:
        return CharacterRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(f"{field}: {first['msg']}", field=field) from exc


def job_character(svc: Services, doc: dict[str, Any], video_id: str) -> dict[str, Any]:
    """What a new job keeps of its character: the description and its own copy of the image."""
    snapshot: dict[str, Any] = {
        "character_id": doc["character_id"],
        "name": doc["name"],
        "description": doc["description"],
        "reference_image_uri": None,
    }
    source = doc.get("image_object") or (
        svc.blobs.name_from_uri(doc["reference_image_uri"])
        if doc.get("reference_image_uri")
        else None
    )
    if source and svc.blobs.exists(source):
        snapshot["reference_image_uri"] = svc.blobs.copy(
            source, f"job_inputs/{video_id}/character.png"
        )
    return snapshot
