"""Reading a request body without ever holding more than the limit."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from shortvideo.errors import BodyTooLarge, InvalidRequest
from shortvideo.http import MAX_BODY_BYTES, decode_json_object


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(f"body larger than {limit} bytes", field="body")


async def read_json_body(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise InvalidRequest("Content-Length must be a number", field="content-length")
        if int(declared) > limit:
            raise _too_large(limit)
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise _too_large(limit)
    return decode_json_object(bytes(raw))
