"""The ASGI entry point: uvicorn --factory shortvideo.api.main:build (nothing built at import)."""

from __future__ import annotations

from fastapi import FastAPI

from shortvideo.api.app import create_app
from shortvideo.logs import get_logger
from shortvideo.startup import check_environment
from shortvideo.wiring import services


def build() -> FastAPI:
    check_environment("api")  # before any client is built: exits on local settings outside local
    svc = services()
    get_logger(component="api").info(
        "api_starting", project=svc.settings.project, provider=svc.settings.model_provider
    )
    return create_app(svc)
