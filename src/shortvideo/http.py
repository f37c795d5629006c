"""The thin HTTP edge shared by the four functions: decode, validate, call, map to a status."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import flask

from shortvideo.errors import BodyTooLarge, InvalidRequest, MethodNotAllowed, PipelineError
from shortvideo.logs import get_logger
from shortvideo.oidc import authorize_call
from shortvideo.server_banner import drop_gunicorn_server_header
from shortvideo.settings import get_settings

MAX_BODY_BYTES = 64 * 1024
# No request of ours nests more than a few levels; a deeper body is refused before anything walks
# it (the C decoder itself raises RecursionError near 1000 levels, which must not become a 500).
MAX_JSON_DEPTH = 32
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

drop_gunicorn_server_header()  # every function imports this edge before gunicorn serves

Dispatch = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


# The functions answer JSON to machines only: never sniffed, never cached.
_RESPONSE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(status: int, body: dict[str, Any]) -> flask.Response:
    return flask.Response(
        json.dumps(body, default=str),
        status=status,
        mimetype="application/json",
        headers=_RESPONSE_HEADERS,
    )


def read_json_object(request: flask.Request, *, allow_empty: bool = False) -> dict[str, Any]:
    if request.method != "POST":
        raise MethodNotAllowed("use POST", field="method")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"body larger than {MAX_BODY_BYTES} bytes", field="body")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"body larger than {MAX_BODY_BYTES} bytes", field="body")
    return decode_json_object(raw, allow_empty=allow_empty)


def decode_json_object(raw: bytes, *, allow_empty: bool = False) -> dict[str, Any]:
    """The body as a JSON object, or InvalidRequest naming `body` (shared with the creator API)."""
    if allow_empty and not raw.strip():
        return {}
    if _nesting_depth(raw) > MAX_JSON_DEPTH:
        raise InvalidRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels", field="body")
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidRequest("the body must be JSON", field="body") from exc
    if not isinstance(payload, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    return payload


def _nesting_depth(raw: bytes) -> int:
    """The deepest bracket nesting outside strings: one pass, no recursion, no decoding."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def doorbell_video_id(payload: dict[str, Any]) -> str:
    """A Cloud Task body is exactly {"video_id": "..."}."""
    extra = sorted(set(payload) - {"video_id"})
    if extra:
        raise InvalidRequest(f"unexpected field {extra[0]!r} in task body", field=extra[0])
    video_id = payload.get("video_id")
    if not isinstance(video_id, str) or not _VIDEO_ID.match(video_id):
        raise InvalidRequest("video_id must be 1-128 letters, digits, - or _", field="video_id")
    return video_id


def serve(
    request: flask.Request, dispatch: Dispatch, *, allow_empty: bool = False
) -> flask.Response:
    log = get_logger(path=request.path, task=request.headers.get("X-CloudTasks-TaskName"))
    try:
        # Who calls is checked before the body is read: an unsigned caller learns nothing.
        caller = authorize_call(request.headers.get("Authorization"), get_settings())
        log = log.bind(caller=caller)
        status, body = dispatch(read_json_object(request, allow_empty=allow_empty))
    except PipelineError as exc:
        status = exc.http_status if exc.http_status < 500 else 500
        log.warning("request_rejected", code=exc.code, message=exc.message, status=status)
        return json_response(status, exc.to_json())
    except Exception:
        # A stack trace goes to the log, never to the caller; 500 makes Cloud Tasks retry.
        log.exception("request_crashed")
        return json_response(
            500, {"error": {"code": "internal", "message": "internal error", "field": None}}
        )
    return json_response(status, body)
