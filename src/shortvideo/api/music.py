"""GET /music (every creator) and the admins' POST/DELETE /admin/music."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shortvideo.api.body import read_json_body
from shortvideo.api.openapi import errors
from shortvideo.models import Creator
from shortvideo.studio import music
from shortvideo.wiring import Services


class Track(BaseModel):
    track_id: str
    name: str
    category: str
    duration: float
    license: str
    preview_url: str | None = None


class TrackList(BaseModel):
    tracks: list[Track]


def music_router(
    svc: Services, current_creator: Callable[..., Creator], current_admin: Callable[..., Creator]
) -> APIRouter:
    router = APIRouter(tags=["music"])
    creator_dep, admin_dep = Depends(current_creator), Depends(current_admin)

    @router.get("/music", response_model=TrackList, responses=errors(401, 500))
    def list_music(creator: Creator = creator_dep) -> JSONResponse:
        # Each with a short-lived link to its audio: the dashboard's play preview (issue 14).
        tracks = [{**music.track_view(t),
                   "preview_url": svc.media.signed_url(t["object"]) if t.get("object") else None}
                  for t in svc.catalog.list_music_tracks()]  # fmt: skip
        return JSONResponse({"tracks": tracks})

    @router.post("/admin/music", response_model=Track, responses=errors(401, 403, 422, 500))
    async def put_track(request: Request, admin: Creator = admin_dep) -> JSONResponse:
        doc = music.put_track(svc, await read_json_body(request), admin.creator_id)
        return JSONResponse(music.track_view(doc), status_code=200)

    @router.delete(
        "/admin/music/{track_id}", response_model=Track, responses=errors(401, 403, 404, 422, 500)
    )
    def retire(
        track_id: str = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$"), admin: Creator = admin_dep
    ) -> JSONResponse:
        return JSONResponse(music.track_view(music.retire_track(svc, track_id, admin.creator_id)))

    return router
