"""The one way a route learns who calls: `current_creator` (decision 0015).

A request proves itself with `Authorization: Bearer <personal API token>` or with the
`__session` cookie. A bearer header wins when both come (a cross-site page cannot set one).
A cookie-authenticated state change (any method but GET, HEAD, OPTIONS) must carry
`Origin: <APP_ORIGIN>`: SameSite=Lax already keeps the cookie off cross-site subrequests, and
the Origin check also refuses same-site neighbours and old browsers (CSRF). Nothing is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from shortvideo.accounts.ports import AccountStore, IdentityProvider
from shortvideo.accounts.principal import session_creator, token_creator
from shortvideo.errors import CsrfRefused, Forbidden, SessionRequired, Unauthorized
from shortvideo.models import Creator

SESSION_COOKIE = "__session"  # the only cookie Firebase Hosting forwards to a backend
MAX_TOKEN_CHARS = 256
MAX_COOKIE_CHARS = 4096
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The OpenAPI document shows both schemes; errors are ours (auto_error off).
BEARER_SCHEME = HTTPBearer(auto_error=False, description="a personal API token (svt1_...)")
COOKIE_SCHEME = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False,
    description="the browser session (POST /session); state changes need Origin: APP_ORIGIN",
)


@dataclass(frozen=True)
class Authenticator:
    identity: IdentityProvider
    store: AccountStore
    token_secret: str
    app_origin: str | None

    def check_origin(self, request: Request) -> None:
        """CSRF: a cookie-carried state change must come from the app's own origin."""
        if request.method in SAFE_METHODS:
            return
        origin = request.headers.get("origin")
        if not self.app_origin or origin != self.app_origin:
            raise CsrfRefused(
                "a signed-in browser request that changes something must come from the app's "
                "own origin", field="origin")

    def creator_for(self, request: Request, bearer: HTTPAuthorizationCredentials | None,
                    cookie: str | None) -> Creator:
        if request.headers.get("authorization"):
            if bearer is None or bearer.scheme.lower() != "bearer":
                raise Unauthorized("the Authorization header must be Bearer <token>",
                                   field="authorization")
            token = bearer.credentials.strip()
            if not token or len(token) > MAX_TOKEN_CHARS:
                raise Unauthorized("unknown or revoked token", field="authorization")
            return token_creator(self.store, token, self.token_secret, datetime.now(UTC))
        if cookie:
            if len(cookie) > MAX_COOKIE_CHARS:
                raise Unauthorized("invalid session: sign in again", field=SESSION_COOKIE)
            self.check_origin(request)
            return session_creator(self.identity, cookie)
        raise Unauthorized("sign in (the __session cookie) or send Authorization: Bearer <token>",
                           field="authorization")


def creator_dependency(auth: Authenticator) -> Callable[..., Creator]:
    """`current_creator`: a FastAPI dependency (run in the thread pool: it may block on I/O)."""

    def current_creator(
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Depends(BEARER_SCHEME),  # noqa: B008
        cookie: str | None = Depends(COOKIE_SCHEME),
    ) -> Creator:
        return auth.creator_for(request, bearer, cookie)

    return current_creator


def admin_dependency(current_creator: Callable[..., Creator]) -> Callable[..., Creator]:
    """`current_admin`: the creator, when it has the admin role; else 403 forbidden."""

    def current_admin(creator: Creator = Depends(current_creator)) -> Creator:  # noqa: B008
        if not creator.is_admin:
            raise Forbidden("this route is for admins", field="authorization")
        return creator

    return current_admin


def session_dependency(current_creator: Callable[..., Creator]) -> Callable[..., Creator]:
    """The creator of a browser session: tokens and the account itself are managed only there,
    so a leaked API token can neither mint more tokens nor delete the account."""

    def current_session_creator(creator: Creator = Depends(current_creator)) -> Creator:  # noqa: B008
        if creator.auth != "session":
            raise SessionRequired("sign in with the browser session for this",
                                  field="authorization")
        return creator

    return current_session_creator
