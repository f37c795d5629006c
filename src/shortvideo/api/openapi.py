"""The OpenAPI document tells the truth: resolvable bodies, the real error body, every status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from shortvideo.models import VideoRequest

COMPONENTS = "#/components/schemas/{model}"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="stable, machine-readable: e.g. invalid_request, rate_limited")
    message: str = Field(description="for a person; never a stack trace")
    field: str | None = Field(description="the field at fault, or null")


class ErrorBody(BaseModel):
    """Every error of the API and the functions: {"error": {"code", "message", "field"}}."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


_WHY = {
    400: "the body is not a JSON object (field `body`)",
    401: "no session or token, or one that is unknown, expired or revoked",
    402: "the service is at capacity for this month, or you have no free video left and too "
    "few credits (`payment_required`, with `credits_needed` and `buy`: what to buy)",
    403: "not allowed: `forbidden` (admins only), `email_not_verified`, `session_required` "
    "(not with an API token), `csrf_refused` (a cookie request from another origin), "
    "`recent_sign_in_required`",
    404: "no such video, character, track, token or schedule of yours, or no such route",
    405: "the method is not allowed on this path",
    409: "the video is already finished (`not_cancellable`) or not yet (`not_viewable`), or "
    "you have as many schedules or tokens as allowed (`schedule_limit_reached`, "
    "`too_many_tokens`), or there is no billing account yet (`no_billing_account`)",
    413: "the body is over 64 KiB, or an uploaded image over 5 MB (field `image`)",
    422: "a field is invalid (named in `field`)",
    429: "too many new videos or tokens (`rate_limited`, see Retry-After) or unfinished "
    "videos (`too_many_running_jobs`)",
    500: "an internal error, without details",
    503: "billing is unavailable right now (`billing_unavailable`): try again shortly",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route: each status with the error body and why it happens."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        documented[status] = {"model": ErrorBody, "description": _WHY[status]}
        if status == 429:
            documented[status]["headers"] = {
                "Retry-After": {
                    "description": "seconds to wait (rate_limited only)",
                    "schema": {"type": "integer"},
                }
            }
    return documented


def video_request_body() -> dict[str, Any]:
    """POST /videos' body: VideoRequest without created_by, its enums in components/schemas."""
    schema = VideoRequest.model_json_schema(ref_template=COMPONENTS)
    schema.pop("$defs", None)
    schema["properties"].pop("created_by", None)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def install_openapi(app: FastAPI) -> None:
    """Build the document once; the request body's $defs go to components/schemas."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            defs = VideoRequest.model_json_schema(ref_template=COMPONENTS).get("$defs", {})
            document.setdefault("components", {}).setdefault("schemas", {}).update(defs)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
