"""The google-genai client in Vertex AI mode, and the mapping of its failures to pipeline errors.

Nothing here runs at import time: adapters call `make_genai_client` on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from shortvideo.errors import (
    ConfigError,
    PipelineError,
    ProviderError,
    ProviderRejected,
    ProviderUnanswered,
    QuotaExceeded,
)
from shortvideo.settings import Settings

if TYPE_CHECKING:
    from google import genai

# google-genai sends Vertex AI calls to {base_url}/v1beta1/projects/{p}/locations/{l}/...
# (its default for Vertex mode; pinned so that GOOGLE_GENAI_API_VERSION cannot move the path).
VERTEX_API_VERSION = "v1beta1"
# Per HTTP call, in milliseconds (the SDK's unit). Long enough for a Gemini script.
HTTP_TIMEOUT_MS = 180_000

T = TypeVar("T")


def make_genai_client(settings: Settings) -> genai.Client:
    """A Vertex AI client: ADC in production, a fixed token against a fake base URL in tests."""
    from google import genai
    from google.genai import types

    if not settings.vertex_project:
        raise ConfigError("VERTEX_PROJECT is required for the Google model adapters")
    options = types.HttpOptions(api_version=VERTEX_API_VERSION, timeout=HTTP_TIMEOUT_MS)
    if settings.vertex_base_url:
        import google.oauth2.credentials

        options.base_url = settings.vertex_base_url
        return genai.Client(
            vertexai=True,
            project=settings.vertex_project,
            location=settings.vertex_location,
            credentials=google.oauth2.credentials.Credentials(token="fake"),  # type: ignore[no-untyped-call]
            http_options=options,
        )
    return genai.Client(
        vertexai=True,
        project=settings.vertex_project,
        location=settings.vertex_location,
        http_options=options,
    )


def provider_error(exc: Exception, what: str) -> PipelineError:
    """Map an exception raised inside a google-genai call to a typed pipeline error."""
    from google.genai import errors as genai_errors

    if isinstance(exc, genai_errors.APIError):
        detail = exc.message or str(exc.details)[:300]
        status = exc.status or ""
        text = f"{what}: HTTP {exc.code} {status}: {detail}".replace("  ", " ")
        if exc.code == 429 or status == "RESOURCE_EXHAUSTED":
            return QuotaExceeded(text)
        if exc.code == 408 or exc.code >= 500:
            return ProviderError(text)
        if 400 <= exc.code < 500:
            return ProviderRejected(text)
        return ProviderError(text)
    if isinstance(exc, ValueError):
        # json.JSONDecodeError and pydantic.ValidationError: a body the SDK could not read.
        return ProviderUnanswered(f"{what}: malformed response from the API: {_short(exc)}")
    # Connection refused, timeouts, TLS: the transport failed before an answer came back (the
    # request may still have been carried out).
    return ProviderUnanswered(f"{what}: {type(exc).__name__}: {_short(exc)}")


def call_api(what: str, call: Callable[[], T]) -> T:
    """Run one SDK call; every failure leaves as a PipelineError (never a raw SDK exception)."""
    try:
        return call()
    except PipelineError:
        raise
    except Exception as exc:
        raise provider_error(exc, what) from exc


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
