"""The google-genai client in Vertex AI mode, and the mapping of its failures to pipeline errors.

Nothing here runs at import time: adapters call `make_genai_client` on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from shortvideo.adapters.vertex_refusals import (
    REFUSAL_FINISH_REASONS,
    filtered,
    gemini_category,
    is_refusal,
    refusal,
)
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
    from google.genai import types

# google-genai sends Vertex AI calls to {base_url}/v1beta1/projects/{p}/locations/{l}/...
# (its default for Vertex mode; pinned so that GOOGLE_GENAI_API_VERSION cannot move the path).
VERTEX_API_VERSION = "v1beta1"
# Per HTTP call, in milliseconds (the SDK's unit). Long enough for a Gemini script.
HTTP_TIMEOUT_MS = 180_000

T = TypeVar("T")


def make_genai_client(settings: Settings, location: str | None = None) -> genai.Client:
    """A Vertex AI client for one location (VERTEX_LOCATION by default): some models are served
    only in `global`, so each adapter asks for its model's location. ADC in production, a fixed
    token against a fake base URL in tests."""
    from google import genai
    from google.genai import types

    if not settings.vertex_project:
        raise ConfigError("VERTEX_PROJECT is required for the Google model adapters")
    options = types.HttpOptions(api_version=VERTEX_API_VERSION, timeout=HTTP_TIMEOUT_MS)
    where = location or settings.vertex_location
    if settings.vertex_base_url:
        import google.oauth2.credentials

        options.base_url = settings.vertex_base_url
        return genai.Client(
            vertexai=True,
            project=settings.vertex_project,
            location=where,
            credentials=google.oauth2.credentials.Credentials(token="fake"),  # type: ignore[no-untyped-call]
            http_options=options,
        )
    return genai.Client(
        vertexai=True, project=settings.vertex_project, location=where, http_options=options
    )


class GenaiAdapter:
    """Base of the Google model adapters: settings, the model id and its location, a client made
    on first use for that location."""

    provider = "google"
    kind = "gemini"  # which model: gemini, veo, image or tts (Settings.location_for)

    def __init__(self, settings: Settings, client: genai.Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self.model = self.model_id(settings)
        self.location = settings.location_for(self.kind)

    def model_id(self, settings: Settings) -> str:
        raise NotImplementedError

    @property
    def client(self) -> genai.Client:
        if self._client is None:
            self._client = make_genai_client(self._settings, self.location)
        return self._client


def inline_parts(
    response: types.GenerateContentResponse, model: str, what: str
) -> list[types.Part]:
    """The answer's parts; a refused prompt is ContentFiltered."""
    raise_if_refused(response, f"{model}: the {what}")
    candidates = response.candidates or []
    return list((candidates[0].content.parts or []) if candidates and candidates[0].content else [])


def raise_if_refused(response: types.GenerateContentResponse, what: str) -> None:
    """ContentFiltered, with its category, for a blocked prompt or a candidate the model stopped
    for safety (finishReason SAFETY, PROHIBITED_CONTENT, IMAGE_SAFETY, ...); else nothing."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = str(feedback.block_reason.value)
        category = gemini_category(reason, _blocked_harms(feedback.safety_ratings))
        raise filtered(what, category, detail=feedback.block_reason_message or reason)
    candidates = response.candidates or []
    finish = candidates[0].finish_reason if candidates else None
    reason = str(finish.value) if finish is not None else ""
    if reason in REFUSAL_FINISH_REASONS:
        harms = _blocked_harms(candidates[0].safety_ratings)
        detail = candidates[0].finish_message or f"finish reason {reason}"
        raise filtered(what, gemini_category(reason, harms), detail=detail)


def _blocked_harms(ratings: list[types.SafetyRating] | None) -> list[str]:
    return [str(r.category.value) for r in ratings or [] if r.blocked and r.category is not None]


def provider_error(exc: Exception, what: str) -> PipelineError:
    """Map an exception raised inside a google-genai call to a typed pipeline error."""
    from google.genai import errors as genai_errors

    if isinstance(exc, genai_errors.APIError):
        detail = exc.message or str(exc.details)[:300]
        status = exc.status or ""
        text = f"{what}: HTTP {exc.code} {status}: {detail}".replace("  ", " ")
        if exc.code == 429 or status == "RESOURCE_EXHAUSTED":
            return QuotaExceeded(text)
        if 400 <= exc.code < 500 and is_refusal(exc.message or ""):
            # A 400 INVALID_ARGUMENT that is a usage-guidelines refusal, told apart by its words
            # and support codes (adapters/vertex_refusals).
            return refusal(what, exc.message or "")
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
