"""create_app(services): the FastAPI application, its error handlers and routes."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shortvideo.accounts.wiring import Accounts, build_accounts
from shortvideo.api.admin import admin_router
from shortvideo.api.auth import (
    Authenticator,
    admin_dependency,
    creator_dependency,
    session_dependency,
)
from shortvideo.api.billing import billing_router
from shortvideo.api.characters import characters_router
from shortvideo.api.edge import install_edge
from shortvideo.api.errors import install_error_handlers
from shortvideo.api.me import me_router
from shortvideo.api.media import media_router
from shortvideo.api.music import music_router
from shortvideo.api.openapi import install_openapi
from shortvideo.api.pricing import pricing_router
from shortvideo.api.progress import progress_router
from shortvideo.api.schedules import schedules_router
from shortvideo.api.session import session_router
from shortvideo.api.videos import videos_router
from shortvideo.api.voices import voices_router
from shortvideo.studio.media import ApiSignedUrls
from shortvideo.wiring import Services


def create_app(services: Services, accounts: Accounts | None = None) -> FastAPI:
    app = FastAPI(
        title="shortvideo creator API",
        version="0.1.0",
        description="Create short videos from a theme and follow them. "
        "Every route but /health, GET /pricing, GET /voices and POST /session needs the "
        "`__session` cookie "
        "(POST /session) or `Authorization: Bearer <personal API token>` (POST /me/tokens).",
        # No docs pages: they load JavaScript from a public CDN. /openapi.json stays.
        docs_url=None,
        redoc_url=None,
        # No trailing-slash redirect: it built Location from the Host header. A 404 instead.
        redirect_slashes=False,
    )
    install_error_handlers(app)
    install_edge(app, services.settings.cors_allowed_origins)
    install_openapi(app)
    settings = services.settings
    accounts = accounts or services.accounts or build_accounts(settings)
    auth = Authenticator(accounts.identity, accounts.store, settings.api_token_secret,
                         settings.app_origin)
    # The seam of every router (decision 0015): xxx_router(svc, current_creator, current_admin).
    current_creator = creator_dependency(auth)
    current_admin = admin_dependency(current_creator)
    app.include_router(videos_router(services, current_creator))
    app.include_router(billing_router(services, current_creator, current_admin))
    app.include_router(session_router(settings, accounts, auth, current_creator))
    app.include_router(me_router(services, accounts, current_creator,
                                 session_dependency(current_creator)))
    app.include_router(admin_router(services, accounts, current_admin))
    app.include_router(characters_router(services, current_creator))
    app.include_router(progress_router(services, current_creator))
    app.include_router(music_router(services, current_creator, current_admin))
    if isinstance(services.media, ApiSignedUrls):  # "api" mode: the API serves its own URLs
        app.include_router(media_router(services, services.media))
    app.include_router(schedules_router(services, current_creator))
    app.include_router(pricing_router(settings))
    app.include_router(voices_router())

    @app.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app
