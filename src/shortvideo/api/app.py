"""create_app(services): the FastAPI application, its error handlers and routes."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shortvideo.api.auth import TokenAuthenticator, bearer_dependency
from shortvideo.api.characters import characters_router
from shortvideo.api.edge import install_edge
from shortvideo.api.errors import install_error_handlers
from shortvideo.api.media import media_router
from shortvideo.api.music import admin_dependency, music_router
from shortvideo.api.openapi import install_openapi
from shortvideo.api.progress import progress_router
from shortvideo.api.schedules import schedules_router
from shortvideo.api.videos import videos_router
from shortvideo.studio.media import ApiSignedUrls
from shortvideo.wiring import Services


def create_app(services: Services, authenticator: TokenAuthenticator | None = None) -> FastAPI:
    app = FastAPI(
        title="shortvideo creator API",
        version="0.1.0",
        description="Create short videos from a theme and follow them. "
        "Every /videos route needs `Authorization: Bearer <token>`.",
        # No docs pages: they load JavaScript from a public CDN. /openapi.json stays.
        docs_url=None,
        redoc_url=None,
        # No trailing-slash redirect: it built Location from the Host header. A 404 instead.
        redirect_slashes=False,
    )
    install_error_handlers(app)
    install_edge(app, services.settings.cors_allowed_origins)
    install_openapi(app)
    auth = authenticator or TokenAuthenticator(
        services.creators, services.settings.api_token_secret
    )
    current_creator = bearer_dependency(auth)
    app.include_router(videos_router(services, current_creator))
    app.include_router(characters_router(services, current_creator))
    app.include_router(progress_router(services, current_creator))
    app.include_router(music_router(services, current_creator, admin_dependency(current_creator)))
    if isinstance(services.media, ApiSignedUrls):  # "api" mode: the API serves its own URLs
        app.include_router(media_router(services, services.media))
    app.include_router(schedules_router(services, current_creator))

    @app.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app
