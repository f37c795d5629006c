"""The google-genai client in Vertex AI mode, and the mapping of its failures to pipeline errors.

Nothing here runs at import time: adapters call `make_genai_client` on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from shortvideo.errors import (
    ConfigError,
    ContentFiltered,
    PipelineError,
    ProviderError,
    ProviderRejected,
    ProviderUnanswered,
    QuotaExceeded,
)
from shortvideo.settings import Settings

if TYPE_CHECKING:
    from google import genai
    from google.genai import types

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


class GenaiAdapter:
    """Base of the Google model adapters: settings, the model id, a client made on first use."""

    provider = "google"

    def __init__(self, settings: Settings, client: genai.Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self.model = self.model_id(settings)

    def model_id(self, settings: Settings) -> str:
        raise NotImplementedError

    @property
    def client(self) -> genai.Client:
        if self._client is None:
            self._client = make_genai_client(self._settings)
        return self._client


def inline_parts(
    response: types.GenerateContentResponse, model: str, what: str
) -> list[types.Part]:
    """The answer's parts; a refused prompt is ContentFiltered."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = feedback.block_reason_message or str(feedback.block_reason.value)
        raise ContentFiltered(f"{model} refused the {what}: {reason}")
    candidates = response.candidates or []
    return list((candidates[0].content.parts or []) if candidates and candidates[0].content else [])


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
