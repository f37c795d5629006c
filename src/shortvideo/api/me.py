"""/me: the signed-in creator's account, export, deletion and personal API tokens."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse, Response

from shortvideo.accounts.lifecycle import DELETE_CONFIRMATION, delete_account, export_account
from shortvideo.accounts.tokens import create_token, revoke_token
from shortvideo.accounts.wiring import Accounts
from shortvideo.api import account_views as av
from shortvideo.api.openapi import errors
from shortvideo.api.session import clear_session_cookie
from shortvideo.errors import InvalidRequest, NotCancellable, UnknownJob
from shortvideo.models import Creator
from shortvideo.stages.cancel import cancel_job
from shortvideo.wiring import Services

TOKEN_ID_PATTERN = r"^[0-9a-f]{16}$"
MAX_JOBS_CANCELLED = 1000


def cancel_unfinished(svc: Services, uid: str) -> None:
    """Before a deletion: unfinished jobs stop through the lifecycle (no new Veo operation at
    the stage's next write) and give their unbilled estimate back to the month's budget."""
    for doc in svc.jobs.list_jobs_by_creator(uid, MAX_JOBS_CANCELLED, ["video_id"]):
        with contextlib.suppress(NotCancellable, UnknownJob):  # finished, or gone meanwhile
            cancel_job(svc, str(doc["video_id"]), uid)


def me_router(svc: Services, accounts: Accounts, current_creator: Callable[..., Creator],
              current_session_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/me", tags=["account"])
    creator_dep = Depends(current_creator)
    session_dep = Depends(current_session_creator)
    settings = svc.settings

    @router.get("", response_model=av.Me, responses=errors(401, 405, 500))
    def get_me(creator: Creator = creator_dep) -> JSONResponse:
        return JSONResponse(av.me(creator, accounts.store.get_user(creator.id)))

    @router.delete("", response_model=av.Deleted, responses=errors(401, 403, 405, 422, 500))
    def delete_me(body: av.DeleteAccount, creator: Creator = session_dep) -> JSONResponse:
        """The account, its jobs and media, tokens and every registered collection: for ever."""
        if body.confirm != DELETE_CONFIRMATION:
            raise InvalidRequest(f'send {{"confirm": "{DELETE_CONFIRMATION}"}} to delete your '
                                 "account and everything in it", field="confirm")
        cancel_unfinished(svc, creator.id)
        counts = delete_account(accounts.identity, accounts.store, svc.blobs, creator.id)
        response = JSONResponse({"deleted": counts})
        clear_session_cookie(response)
        return response

    @router.get("/export", responses=errors(401, 405, 500))
    def export_me(creator: Creator = creator_dep) -> JSONResponse:
        """Everything stored about the creator, as JSON (media as object names and URIs)."""
        return JSONResponse(av.jsonable(export_account(accounts.store, svc.blobs, creator.id)))

    @router.post("/tokens", status_code=201, response_model=av.CreatedToken,
                 responses=errors(401, 403, 405, 409, 422, 429, 500))
    def new_token(body: av.NewToken, creator: Creator = session_dep) -> JSONResponse:
        record, token = create_token(
            accounts.store, svc.limiter, creator.id, body.name, datetime.now(UTC),
            secret=settings.api_token_secret, per_hour=settings.api_tokens_per_hour,
            max_tokens=settings.max_api_tokens_per_creator)
        return JSONResponse({**av.token_info(record), "token": token}, status_code=201)

    @router.get("/tokens", response_model=av.TokenList, responses=errors(401, 405, 500))
    def list_tokens(creator: Creator = creator_dep) -> JSONResponse:
        tokens = accounts.store.list_tokens(creator.id)
        return JSONResponse({"tokens": [av.token_info(t) for t in tokens]})

    @router.delete("/tokens/{token_id}", status_code=204,
                   responses=errors(401, 403, 404, 405, 422, 500))
    def delete_token(token_id: str = Path(pattern=TOKEN_ID_PATTERN),
                     creator: Creator = session_dep) -> Response:
        revoke_token(accounts.store, creator.id, token_id)
        return Response(status_code=204)

    return router
