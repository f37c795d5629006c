"""GET /voices: the narration voices a video may name (`voice`), for anyone (issue 14)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shortvideo.api.openapi import errors
from shortvideo.voices import GEMINI_VOICES


class VoiceList(BaseModel):
    voices: list[str]


def voices_router() -> APIRouter:
    router = APIRouter(tags=["videos"])

    @router.get("/voices", response_model=VoiceList, responses=errors(405, 500))
    def list_voices() -> JSONResponse:
        return JSONResponse({"voices": list(GEMINI_VOICES)},
                            headers={"Cache-Control": "public, max-age=3600"})

    return router
