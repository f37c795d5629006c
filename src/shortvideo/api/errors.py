"""Every error leaves as {"error": {"code", "message", "field"}}, as from the functions."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shortvideo.api.edge import SECURITY_HEADERS
from shortvideo.errors import PipelineError, RateLimited, Unauthorized
from shortvideo.logs import get_logger

_LOCATIONS = ("body", "query", "path", "header")


def api_status(exc: PipelineError) -> int:
    """The typed error's status, except that a named field of a parsed body is a 422."""
    if exc.http_status == 400 and exc.field not in (None, "body"):
        return 422
    return exc.http_status if exc.http_status < 500 or exc.http_status == 503 else 500


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field or None}}


async def _pipeline_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PipelineError)
    status = api_status(exc)
    log = get_logger(path=request.url.path, method=request.method)
    if status >= 500:
        log.error("request_failed", code=exc.code, message=exc.message)
    else:
        log.info("request_rejected", code=exc.code, field=exc.field, status=status)
    headers: dict[str, str] | None = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, RateLimited):
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_seconds)))}
    return JSONResponse(exc.to_json(), status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    parts = [str(p) for p in first.get("loc", ()) if p not in _LOCATIONS]
    field = ".".join(parts) or "body"
    message = f"{field}: {first.get('msg', 'invalid')}"
    get_logger(path=request.url.path).info("request_rejected", code="invalid_request", field=field)
    return JSONResponse(error_body("invalid_request", message, field), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code, field = {404: ("not_found", "path"), 405: ("method_not_allowed", "method")}.get(
        exc.status_code, ("http_error", None)
    )
    return JSONResponse(
        error_body(code, str(exc.detail), field),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _crash(request: Request, exc: Exception) -> JSONResponse:
    # The stack trace goes to the log, never to the caller.
    get_logger(path=request.url.path, method=request.method).exception("request_crashed")
    # Starlette answers this from outside the middleware stack: add the edge's headers here.
    return JSONResponse(
        error_body("internal", "internal error"), status_code=500, headers=SECURITY_HEADERS
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PipelineError, _pipeline_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _crash)
