"""/admin: routes for the admin role only (403 forbidden to every other creator)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from shortvideo.accounts.wiring import Accounts
from shortvideo.api import account_views as av
from shortvideo.api.openapi import errors
from shortvideo.models import Creator
from shortvideo.wiring import Services


def with_usage(svc: Services, summary: dict[str, Any]) -> dict[str, Any]:
    """A user's row with what an admin acts on: their credit balance and how many videos."""
    uid = summary["uid"]
    billing = (svc.billing.get_account(uid) if svc.billing and uid else None) or {}
    videos = svc.jobs.count_jobs_by_creator(uid) if uid else 0
    return {**summary, "credits": int(billing.get("credits", 0)), "videos": videos}


def admin_router(
    svc: Services, accounts: Accounts, current_admin: Callable[..., Creator]
) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/users", response_model=av.UserList, responses=errors(401, 403, 405, 422, 500))
    def list_users(limit: int = Query(50, ge=1, le=200),
                   admin: Creator = Depends(current_admin)) -> JSONResponse:  # noqa: B008
        users = [with_usage(svc, av.user_summary(u)) for u in accounts.store.list_users(limit)]
        return JSONResponse({"users": users, "limit": limit})

    return router
