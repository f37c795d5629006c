"""GET /videos/{id}/events: live progress as Server-Sent Events, fed by a Firestore listener.

Every connection first gets the job's current state, then one event per change, and ends after
the final state (completed, failed, cancelled) or the job's deletion. A browser's EventSource
reconnects by itself; since each event is the whole state, not a delta, a reconnection resumes
where it stands and cannot miss the final state (decision 0016).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from shortvideo.api.openapi import errors
from shortvideo.models import Creator
from shortvideo.stages.runner import utcnow
from shortvideo.studio.progress import progress, sse_event
from shortvideo.studio.videos import owned
from shortvideo.wiring import Services

KEEPALIVE_SECONDS = 15.0
RETRY_MS = 2000


def progress_router(svc: Services, current_creator: Callable[..., Creator]) -> APIRouter:
    router = APIRouter(prefix="/videos", tags=["videos"])

    @router.get(
        "/{video_id}/events",
        responses={**errors(401, 404, 422, 500), 200: {"content": {"text/event-stream": {}}}},
        description="Server-Sent Events: `progress` events (the whole state each time), then "
        "the stream ends after the final state; `deleted` if the video is deleted.",
    )
    async def events(
        request: Request,
        video_id: str = Path(pattern=r"^[A-Za-z0-9_-]{1,128}$"),
        creator: Creator = Depends(current_creator),  # noqa: B008
    ) -> StreamingResponse:
        first = await run_in_threadpool(svc.jobs.get_job, video_id)
        owned(first, video_id, creator.creator_id)  # someone else's: 404, before any stream
        return StreamingResponse(
            _stream(svc, request, video_id, creator.creator_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router


async def _stream(
    svc: Services, request: Request, video_id: str, creator_id: str
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    changes: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def on_change(doc: dict[str, Any] | None) -> None:
        loop.call_soon_threadsafe(changes.put_nowait, doc)

    stop = await run_in_threadpool(svc.library.watch_job, video_id, on_change)
    last: dict[str, Any] | None = None
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            try:
                doc = await asyncio.wait_for(changes.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if doc is None or doc.get("created_by") != creator_id:
                yield sse_event({"video_id": video_id, "final": True}, event="deleted")
                return
            update = progress(doc, utcnow())
            comparable = {k: v for k, v in update.items() if k not in ("eta_seconds",)}
            if comparable == last:
                continue
            last = comparable
            yield sse_event(update)
            if update["final"]:
                return
    finally:
        with contextlib.suppress(Exception):
            stop()
