"""/characters routes: a creator's characters (made by the image model, or uploaded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shortvideo.api.body import read_json_body
from shortvideo.api.openapi import errors
from shortvideo.errors import BodyTooLarge, InvalidRequest
from shortvideo.models import Creator
from shortvideo.studio import characters
from shortvideo.studio.images import MAX_UPLOAD_BYTES
from shortvideo.studio.ports import MediaUrls
from shortvideo.wiring import Services

FORM_OVERHEAD_BYTES = 64 * 1024  # the form's other fields and boundaries
CHARACTER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class CharacterView(BaseModel):
    character_id: str
    name: str
    description: str
    style: str | None
    source: str | None
    shared: bool
    created_at: str | None
    image_url: str | None


class CharacterList(BaseModel):
    characters: list[CharacterView]


class CharacterDeleted(BaseModel):
    character_id: str
    deleted: bool


def character_view(doc: dict[str, Any], media: MediaUrls) -> dict[str, Any]:
    created = doc.get("created_at")
    image = doc.get("image_object")
    return {
        "character_id": doc["character_id"],
        "name": doc.get("name"),
        "description": doc.get("description"),
        "style": doc.get("style"),
        "source": doc.get("source"),
        "shared": bool(doc.get("shared")),
        "created_at": created.isoformat() if isinstance(created, datetime) else created,
        "image_url": media.signed_url(image) if image else None,
    }


async def _upload_form(request: Request) -> tuple[dict[str, Any], bytes]:
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise InvalidRequest("an upload needs a Content-Length", field="content-length")
    if int(declared) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        raise BodyTooLarge(f"the image is larger than {MAX_UPLOAD_BYTES} bytes", field="image")
    form = await request.form(max_files=1, max_fields=8)
    image = form.get("image")
    if not isinstance(image, UploadFile):
        raise InvalidRequest("send the picture as the form's file field image", field="image")
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    fields = {k: v for k, v in form.items() if k != "image" and isinstance(v, str)}
    return fields, data


def characters_router(svc: Services, current_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/characters", tags=["characters"])
    creator_dep = Depends(current_creator)
    id_path = Path(pattern=CHARACTER_ID_PATTERN)

    @router.post(
        "",
        status_code=201,
        response_model=CharacterView,
        responses=errors(400, 401, 413, 422, 429, 500),
        description="JSON {name, description, style}: the image model draws the character; "
        "or multipart/form-data with those fields and a PNG or JPEG file `image` (<= 5 MB).",
    )
    async def create(request: Request, creator: Creator = creator_dep) -> JSONResponse:
        kind = request.headers.get("content-type", "")
        upload: bytes | None = None
        if kind.startswith("multipart/form-data"):
            payload, upload = await _upload_form(request)
        else:
            payload = await read_json_body(request)
        parsed = characters.parse_character_request(payload)
        doc = await run_in_threadpool(
            characters.create_character, svc, creator.creator_id, parsed, upload
        )
        body = character_view(doc, svc.media)
        location = f"/characters/{doc['character_id']}"
        return JSONResponse(body, status_code=201, headers={"Location": location})

    @router.get("", response_model=CharacterList, responses=errors(401, 500))
    def list_characters(creator: Creator = creator_dep) -> JSONResponse:
        docs = svc.catalog.list_characters(creator.creator_id, characters.MAX_CHARACTERS_LISTED)
        shared = svc.catalog.list_shared_characters()
        views = [character_view(d, svc.media) for d in [*docs, *shared]]
        return JSONResponse({"characters": views})

    @router.get(
        "/{character_id}", response_model=CharacterView, responses=errors(401, 404, 422, 500)
    )
    def get_one(character_id: str = id_path, creator: Creator = creator_dep) -> JSONResponse:
        doc = characters.find_character(svc, character_id, creator.creator_id)
        return JSONResponse(character_view(doc, svc.media))

    @router.delete(
        "/{character_id}", response_model=CharacterDeleted, responses=errors(401, 404, 422, 500)
    )
    def delete(character_id: str = id_path, creator: Creator = creator_dep) -> JSONResponse:
        characters.delete_character(svc, character_id, creator.creator_id)
        return JSONResponse({"character_id": character_id, "deleted": True})

    return router
