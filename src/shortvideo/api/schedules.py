"""/schedules routes: a creator's scheduled series. Authenticate, parse, call, map to a view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from shortvideo.api import schedule_views as views
from shortvideo.api.body import read_json_body
from shortvideo.api.openapi import COMPONENTS, errors
from shortvideo.errors import EmailNotVerified
from shortvideo.models import Creator
from shortvideo.series import schedules
from shortvideo.series.spec import ScheduleSpec
from shortvideo.stages.runner import utcnow
from shortvideo.wiring import Services

SCHEDULE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


def _body(required: bool) -> dict[str, Any]:
    schema = ScheduleSpec.model_json_schema(ref_template=COMPONENTS)
    schema.pop("$defs", None)
    if not required:
        schema.pop("required", None)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def schedules_router(svc: Services, current_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/schedules", tags=["schedules"])
    creator_dep = Depends(current_creator)
    schedule_id_path = Path(pattern=SCHEDULE_ID_PATTERN)

    def view(doc: dict[str, Any], *, with_slots: bool = False) -> dict[str, Any]:
        body = views.schedule(doc, schedules.upcoming(doc, utcnow()))
        if with_slots:
            slots = schedules.last_slots(svc, doc["schedule_id"])
            body["last_slots"] = [views.slot(s) for s in slots]
        return body

    @router.post(
        "",
        status_code=201,
        openapi_extra=_body(required=True),
        response_model=views.ScheduleView,
        responses=errors(400, 401, 403, 405, 409, 413, 422, 500),
    )
    async def create(request: Request, creator: Creator = creator_dep) -> JSONResponse:
        if not creator.email_verified:  # a schedule makes videos: the same rule as POST /videos
            raise EmailNotVerified("verify your email address before scheduling videos")
        payload = await read_json_body(request)
        doc = await run_in_threadpool(schedules.create_schedule, svc, creator.creator_id, payload)
        body = view(doc)
        return JSONResponse(body, status_code=201, headers={"Location": body["url"]})

    @router.get("", response_model=views.ScheduleListing, responses=errors(401, 405, 500))
    def list_mine(creator: Creator = creator_dep) -> JSONResponse:
        docs = svc.schedules.list_schedules_by_creator(creator.creator_id)
        return JSONResponse({"schedules": [view(d) for d in docs]})

    @router.get(
        "/{schedule_id}",
        response_model=views.ScheduleDetail,
        responses=errors(401, 404, 405, 422, 500),
    )
    def get_one(
        schedule_id: str = schedule_id_path, creator: Creator = creator_dep
    ) -> JSONResponse:
        doc = schedules.owned_schedule(svc, creator.creator_id, schedule_id)
        return JSONResponse(view(doc, with_slots=True))

    @router.patch(
        "/{schedule_id}",
        openapi_extra=_body(required=False),
        response_model=views.ScheduleView,
        responses=errors(400, 401, 404, 405, 413, 422, 500),
    )
    async def change(
        request: Request, schedule_id: str = schedule_id_path, creator: Creator = creator_dep
    ) -> JSONResponse:
        patch = await read_json_body(request)
        doc = await run_in_threadpool(
            schedules.update_schedule, svc, creator.creator_id, schedule_id, patch
        )
        return JSONResponse(view(doc))

    @router.delete("/{schedule_id}", status_code=204, responses=errors(401, 404, 405, 422, 500))
    def delete(schedule_id: str = schedule_id_path, creator: Creator = creator_dep) -> Response:
        schedules.delete_schedule(svc, creator.creator_id, schedule_id)
        return Response(status_code=204)

    return router
