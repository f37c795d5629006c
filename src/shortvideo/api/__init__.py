"""The creator API (FastAPI): create videos, list mine, read one. Thin handlers over the domain."""

from shortvideo.api.app import create_app

__all__ = ["create_app"]
