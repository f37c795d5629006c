"""/billing routes: checkout, portal, status, history, the Stripe webhook, admin credits."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from shortvideo.api.body import read_json_body
from shortvideo.api.openapi import errors
from shortvideo.billing import service
from shortvideo.errors import BodyTooLarge
from shortvideo.models import Creator
from shortvideo.wiring import Services

WEBHOOK_MAX_BYTES = 512 * 1024  # Stripe's events are far smaller; the raw body is kept whole


def billing_router(
    svc: Services, current_creator: Callable[..., Creator], current_admin: Callable[..., Creator]
) -> APIRouter:
    router = APIRouter(prefix="/billing", tags=["billing"])
    creator_dep, admin_dep = Depends(current_creator), Depends(current_admin)

    @router.post("/checkout", responses=errors(400, 401, 405, 413, 422, 500, 503))
    async def checkout(request: Request, creator: Creator = creator_dep) -> JSONResponse:
        body = await read_json_body(request)
        url = await run_in_threadpool(
            service.checkout, svc, creator.creator_id, body.get("product")
        )
        return JSONResponse({"url": url})

    @router.post("/portal", responses=errors(401, 405, 409, 500, 503))
    def portal(creator: Creator = creator_dep) -> JSONResponse:
        return JSONResponse({"url": service.portal(svc, creator.creator_id)})

    @router.get("/status", responses=errors(401, 405, 500))
    def status(creator: Creator = creator_dep) -> JSONResponse:
        return JSONResponse(service.status(svc, creator.creator_id))

    @router.get("/history", responses=errors(401, 405, 422, 500))
    def history(
        limit: int = Query(50, ge=1, le=200), creator: Creator = creator_dep
    ) -> JSONResponse:
        return JSONResponse({"entries": service.history(svc, creator.creator_id, limit)})

    @router.post("/admin/credits", responses=errors(401, 403, 405, 413, 422, 500))
    async def adjust(request: Request, admin: Creator = admin_dep) -> JSONResponse:
        body = await read_json_body(request)
        adjusted = await run_in_threadpool(service.admin_adjust, svc, admin.creator_id, body)
        return JSONResponse(adjusted)

    @router.post("/webhook", include_in_schema=False)
    async def webhook(request: Request) -> JSONResponse:
        # No session, no token: Stripe's signature over the raw bytes is the authentication.
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > WEBHOOK_MAX_BYTES:
                raise BodyTooLarge(f"body larger than {WEBHOOK_MAX_BYTES} bytes", field="body")
        signature = request.headers.get("stripe-signature")
        answer = await run_in_threadpool(service.receive_webhook, svc, bytes(raw), signature)
        return JSONResponse(answer)

    return router
