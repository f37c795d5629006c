"""/videos routes. Each handler: authenticate, parse, call the domain, map to a view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from shortvideo.api import views
from shortvideo.api.body import read_json_body
from shortvideo.api.openapi import errors, video_request_body
from shortvideo.errors import EmailNotVerified, InvalidRequest, UnknownJob
from shortvideo.models import Creator
from shortvideo.stages.cancel import cancel_job
from shortvideo.stages.intake import create_creator_job
from shortvideo.wiring import Services

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
VIDEO_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


def request_for(creator: Creator, payload: dict[str, Any]) -> dict[str, Any]:
    """The intake payload: the body's fields (the creator is the token's, never the body's)."""
    if "created_by" in payload:
        raise InvalidRequest(
            "created_by comes from your sign-in and must not be in the body", field="created_by"
        )
    return payload


def videos_router(svc: Services, current_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/videos", tags=["videos"])
    creator_dep = Depends(current_creator)
    video_id_path = Path(pattern=VIDEO_ID_PATTERN)

    @router.post(
        "",
        status_code=202,
        openapi_extra=video_request_body(),
        response_model=views.Created,
        responses=errors(400, 401, 402, 403, 405, 413, 422, 429, 500),
    )
    async def create_video(request: Request, creator: Creator = creator_dep) -> JSONResponse:
        if not creator.email_verified:
            raise EmailNotVerified("verify your email address before creating videos")
        payload = request_for(creator, await read_json_body(request))
        job = await run_in_threadpool(create_creator_job, svc, creator.creator_id, payload)
        body = views.created(job)
        return JSONResponse(body, status_code=202, headers={"Location": body["url"]})

    # Declared before /{video_id}, which would otherwise match "my-videos".
    @router.get("/my-videos", response_model=views.Listing, responses=errors(401, 405, 422, 500))
    def my_videos(
        limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), creator: Creator = creator_dep
    ) -> JSONResponse:
        docs = svc.jobs.list_jobs_by_creator(creator.creator_id, limit, views.SUMMARY_FIELDS)
        return JSONResponse({"videos": [views.summary(d) for d in docs], "limit": limit})

    @router.get(
        "/{video_id}", response_model=views.Detail, responses=errors(401, 404, 405, 422, 500)
    )
    def get_video(video_id: str = video_id_path, creator: Creator = creator_dep) -> JSONResponse:
        doc = svc.jobs.get_job(video_id)
        if doc is None or doc.get("created_by") != creator.creator_id:
            # Someone else's video is answered exactly like a missing one.
            raise UnknownJob(f"you have no video {video_id!r}", field="video_id")
        return JSONResponse(views.detail(doc))

    @router.post(
        "/{video_id}/cancel",
        response_model=views.Detail,
        responses=errors(401, 404, 405, 409, 422, 500),
    )
    def cancel_video(video_id: str = video_id_path, creator: Creator = creator_dep) -> JSONResponse:
        return JSONResponse(views.detail(cancel_job(svc, video_id, creator.creator_id)))

    return router
