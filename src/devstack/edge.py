"""The local one-origin edge: what the production load balancer is (seams.md, decision 0019).

One process on its own port: `/api/*` goes to the creator API app, mounted in this process with
the prefix stripped (the API keeps its own paths: /videos, /session, ...); `/config.json` is the
dashboard's Firebase web configuration for this stack (the Auth emulator's URL); everything
else is `frontend/dist` with the SPA fallback (unknown paths answer index.html).

    uvicorn --factory devstack.edge:build   (EDGE_DIST_DIR, and the stack's environment)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from devstack.auth_emulator import API_KEY

# Vite puts content-hashed files under assets/: they never change under one name.
IMMUTABLE = "public, max-age=31536000, immutable"
# index.html, config.json and the files of public/: always revalidated.
REVALIDATE = "no-cache"
NOT_BUILT = ("The dashboard is not built: cd frontend && npm ci && npm run build "
             "(./dev.sh bootstrap does it).\n")


def content_security_policy(auth_emulator_url: str | None) -> str:
    # The SPA's own files only; Mantine sets inline style attributes; the Firebase SDK talks to
    # the Auth emulator (locally) or Google's identity endpoints (production, set by the LB's
    # bucket metadata: infra's lane).
    connect = " ".join(["'self'", *([auth_emulator_url] if auth_emulator_url else [])])
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; "
            f"connect-src {connect}; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'; object-src 'none'")


def web_config(env: Mapping[str, str]) -> dict[str, object]:
    """What frontend/src/auth/config.ts reads: the Firebase web config and the emulator."""
    host = env.get("FIREBASE_AUTH_EMULATOR_HOST")
    return {
        "firebase": {"apiKey": env.get("FIREBASE_WEB_API_KEY", API_KEY),
                     "projectId": env.get("GOOGLE_CLOUD_PROJECT", "demo-shortvideo")},
        "authEmulatorUrl": f"http://{host}" if host else None,
    }


class Dashboard:
    """frontend/dist with caching headers, the SPA fallback and the page's security headers."""

    def __init__(self, dist: Path, env: Mapping[str, str]) -> None:
        self.dist = dist.resolve()
        self.config = web_config(env)
        emulator = self.config["authEmulatorUrl"]
        self.headers = {
            "Content-Security-Policy": content_security_policy(
                emulator if isinstance(emulator, str) else None),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
        }

    def _file(self, path: str) -> Path | None:
        candidate = (self.dist / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    async def config_json(self, request: Request) -> Response:
        return JSONResponse(self.config, headers={**self.headers, "Cache-Control": "no-store"})

    async def serve(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return PlainTextResponse("method not allowed\n", status_code=405, headers=self.headers)
        index = self._file("index.html")
        if index is None:
            return PlainTextResponse(NOT_BUILT, status_code=503, headers=self.headers)
        path = request.url.path
        found = self._file(path) if path != "/" else None
        if found is not None:
            cache = IMMUTABLE if path.startswith("/assets/") else REVALIDATE
            return FileResponse(found, headers={**self.headers, "Cache-Control": cache})
        if path.startswith("/assets/") or _looks_like_file(path):
            # A missing hashed asset is a stale page, not a route: a 404, never index.html.
            return PlainTextResponse("not found\n", status_code=404, headers=self.headers)
        return FileResponse(index, headers={**self.headers, "Cache-Control": REVALIDATE})


def _looks_like_file(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return "." in last


def edge_app(api: ASGIApp, dist: Path, env: Mapping[str, str]) -> Starlette:
    dashboard = Dashboard(dist, env)
    return Starlette(routes=[
        Mount("/api", app=api),
        Route("/config.json", dashboard.config_json, methods=["GET", "HEAD"]),
        Route("/{path:path}", dashboard.serve,
              methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    ])  # fmt: skip


def build() -> Starlette:
    """The uvicorn factory: the API as shortvideo.api.main builds it, behind the edge."""
    from shortvideo.api.main import build as build_api

    root = Path(__file__).resolve().parents[2]
    dist = Path(os.environ.get("EDGE_DIST_DIR") or root / "frontend" / "dist")
    return edge_app(build_api(), dist, os.environ)
