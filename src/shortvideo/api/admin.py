"""/admin: routes for the admin role only (403 forbidden to every other creator)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from shortvideo.accounts.wiring import Accounts
from shortvideo.api import account_views as av
from shortvideo.api.openapi import errors
from shortvideo.models import Creator


def admin_router(accounts: Accounts, current_admin: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/users", response_model=av.UserList, responses=errors(401, 403, 405, 422, 500))
    def list_users(limit: int = Query(50, ge=1, le=200),
                   admin: Creator = Depends(current_admin)) -> JSONResponse:  # noqa: B008
        users = accounts.store.list_users(limit)
        return JSONResponse({"users": [av.user_summary(u) for u in users], "limit": limit})

    return router
