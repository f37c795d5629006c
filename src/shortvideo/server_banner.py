"""The functions answer without a `Server: gunicorn` banner (no server banners, issue 9).

functions-framework starts gunicorn with options of its own and gunicorn has no setting that
leaves the header out, so its default header lines are filtered, once, before it serves.
"""

from __future__ import annotations

from typing import Any


def drop_gunicorn_server_header() -> None:
    from gunicorn.http import wsgi  # functions-framework's server; the API runs on uvicorn

    original = wsgi.Response.default_headers
    if getattr(original, "without_server_header", False):
        return

    def default_headers(self: Any) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.without_server_header = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers  # type: ignore[method-assign]
