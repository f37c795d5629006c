"""GET /media/{object}: the API's own signed media URLs ("api" mode), with HTTP Range.

The signature in the URL is the authorisation (as with a GCS signed URL): a <video> element
cannot send a bearer token, and only the owner was ever given the URL. Served in chunks, so
a seek never loads a whole video into memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from shortvideo.studio.media import (
    ApiSignedUrls,
    MediaLinkInvalid,
    RangeNotSatisfiable,
    content_type,
    parse_range,
)
from shortvideo.wiring import Services

CHUNK_BYTES = 256 * 1024


def media_router(svc: Services, signer: ApiSignedUrls) -> APIRouter:
    router = APIRouter(tags=["media"])
    blobs = svc.blobs

    # Out of the OpenAPI document: its authorisation is the URL signature, not a bearer token.
    @router.get("/media/{object_name:path}", include_in_schema=False)
    def media(
        request: Request,
        object_name: str,
        expires: str = Query("", max_length=12),
        signature: str = Query("", max_length=64),
    ) -> Response:
        signer.verify(object_name, expires, signature)
        size = blobs.size(object_name)
        if size is None:
            raise MediaLinkInvalid("no such media", field="path")
        headers = {
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, max-age=300",
            "Content-Type": content_type(object_name),
        }
        try:
            wanted = parse_range(request.headers.get("range"), size)
        except RangeNotSatisfiable as exc:
            return JSONResponse(
                exc.to_json(),
                status_code=416,
                headers={"Content-Range": f"bytes */{exc.size}", "Accept-Ranges": "bytes"},
            )
        start, end = (0, size - 1) if wanted is None else (wanted.start, wanted.end)
        headers["Content-Length"] = str(end - start + 1)
        status = 200
        if wanted is not None:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"

        def chunks() -> Iterator[bytes]:
            position = start
            while position <= end:
                last = min(position + CHUNK_BYTES - 1, end)
                yield blobs.download_range(object_name, position, last)
                position = last + 1

        return StreamingResponse(chunks(), status_code=status, headers=headers)

    return router
