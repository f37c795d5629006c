"""/session: a fresh Firebase ID token in, the `__session` cookie out; sign-out (one or all)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from shortvideo.accounts.lifecycle import sign_in
from shortvideo.accounts.principal import creator_of
from shortvideo.accounts.wiring import Accounts
from shortvideo.api import account_views as av
from shortvideo.api.auth import SESSION_COOKIE, Authenticator
from shortvideo.api.openapi import errors
from shortvideo.models import Creator
from shortvideo.settings import Settings


def set_session_cookie(response: Response, cookie: str, lifetime: timedelta) -> None:
    # Secure always, also locally: browsers keep Secure cookies of http://localhost, and tests
    # read Set-Cookie and send the Cookie header themselves (decision 0015).
    response.set_cookie(SESSION_COOKIE, cookie, max_age=int(lifetime.total_seconds()),
                        path="/", secure=True, httponly=True, samesite="lax")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def session_router(settings: Settings, accounts: Accounts, auth: Authenticator,
                   current_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/session", tags=["session"])
    lifetime = timedelta(seconds=settings.session_lifetime_seconds)

    @router.post("", response_model=av.Me, responses=errors(401, 403, 405, 422, 500))
    def create_session(body: av.SignIn, request: Request) -> JSONResponse:
        auth.check_origin(request)  # login CSRF: nobody signs you in from another site
        cookie, identity, user = sign_in(accounts.identity, accounts.store, body.id_token,
                                         datetime.now(UTC), lifetime=lifetime, locale=body.locale)
        response = JSONResponse(av.me(creator_of(identity), user))
        set_session_cookie(response, cookie, lifetime)
        return response

    @router.delete("", status_code=204, responses=errors(403, 405, 500))
    def sign_out(request: Request) -> Response:
        """This browser: the cookie is cleared (it stays valid until it expires if copied)."""
        if request.cookies.get(SESSION_COOKIE):
            auth.check_origin(request)
        response = Response(status_code=204)
        clear_session_cookie(response)
        return response

    @router.post("/sign-out-everywhere", status_code=204,
                 responses=errors(401, 403, 405, 500))
    async def sign_out_everywhere(creator: Creator = Depends(current_creator)) -> Response:  # noqa: B008
        """Every session and refresh token of the creator, on every device, stops working."""
        await run_in_threadpool(accounts.identity.revoke_sessions, creator.id)
        response = Response(status_code=204)
        clear_session_cookie(response)
        return response

    return router
