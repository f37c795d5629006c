"""Typed errors. Handlers map them to HTTP statuses; nothing matches on message text."""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    code = "internal"
    http_status = 500
    retryable = False

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_json(self) -> dict[str, object]:
        # `field` is always present (null when no one field is at fault): one schema for all.
        return {"error": {"code": self.code, "message": self.message, "field": self.field or None}}


class InvalidRequest(PipelineError):
    """The caller sent something no retry can fix."""

    code = "invalid_request"
    http_status = 400


class MethodNotAllowed(InvalidRequest):
    code = "method_not_allowed"
    http_status = 405


class BodyTooLarge(InvalidRequest):
    code = "body_too_large"
    http_status = 413


class UnknownJob(PipelineError):
    code = "unknown_video_id"
    http_status = 404


class Unauthorized(PipelineError):
    """No bearer token, or one that belongs to no creator."""

    code = "unauthorized"
    http_status = 401


class Forbidden(PipelineError):
    """A valid identity that may not call this service (e.g. not its Cloud Tasks account)."""

    code = "forbidden"
    http_status = 403


class UnknownCharacter(InvalidRequest):
    code = "unknown_character"


class UnknownMusic(InvalidRequest):
    code = "unknown_music"


class ScriptInvalid(PipelineError):
    """The script model produced something that does not validate."""

    code = "script_invalid"
    retryable = True


class ProviderError(PipelineError):
    """A generative model or its API failed; a later attempt may succeed."""

    code = "provider_error"
    retryable = True


class ProviderUnanswered(ProviderError):
    """The call's answer was lost or unreadable: the provider may have acted on it anyway."""

    code = "provider_unanswered"
    retryable = True


class QuotaExceeded(ProviderError):
    """The provider answered 429 / RESOURCE_EXHAUSTED: wait and try again later."""

    code = "quota_exceeded"
    retryable = True


class ProviderRejected(ProviderError):
    """The provider refused the request (a 4xx other than 429): the same call will fail again."""

    code = "provider_rejected"
    retryable = False


class ContentFiltered(ProviderRejected):
    """The model refused the prompt (usage guidelines, safety filter): the same prompt fails again.

    `code` is a reason code, "content_filtered.<category>" (categories of Vertex's safety-code
    table, decision 0011), so a dashboard can tell the creator what to change.
    """

    code = "content_filtered"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        category: str = "other",
        support_codes: tuple[str, ...] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.category = category
        self.support_codes = support_codes
        self.code = f"content_filtered.{category}"


class MediaError(PipelineError):
    """FFmpeg, ffprobe or the transcriber failed."""

    code = "media_error"
    retryable = True


class ConfigError(PipelineError):
    code = "config_error"


class Throttled(PipelineError):
    """Not now: a rate limit or quota says wait `delay_seconds`. Does not spend an attempt."""

    code = "throttled"
    retryable = True

    def __init__(self, message: str, *, delay_seconds: float) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


class CostCeilingExceeded(InvalidRequest):
    code = "cost_ceiling_exceeded"
    http_status = 422


BUDGET_REFUSAL = "the service is at capacity for this month: please try again next month"


class BudgetExceeded(PipelineError):
    code = "monthly_budget_exceeded"
    http_status = 402


class CostCeilingReached(PipelineError):
    """A running job would pass its cost ceiling (retries, fallbacks): stop before billing."""

    code = "cost_ceiling_reached"
    retryable = False


class RateLimited(PipelineError):
    """A creator's request rate is over its limit; the answer says when to come back."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TooManyRunningJobs(PipelineError):
    """The creator already has as many unfinished videos as allowed."""

    code = "too_many_running_jobs"
    http_status = 429


class NotCancellable(PipelineError):
    """The job is already finished (completed, failed or cancelled)."""

    code = "not_cancellable"
    http_status = 409


class AlreadyExists(PipelineError):
    """A document that must be new exists already (e.g. a series slot made by another run)."""

    code = "already_exists"
    http_status = 409


class UnknownSchedule(PipelineError):
    code = "unknown_schedule"
    http_status = 404


class ScheduleLimitReached(PipelineError):
    """The creator already has as many scheduled series as allowed."""

    code = "schedule_limit_reached"
    http_status = 409


# Accounts (decision 0015).
class UnknownToken(PipelineError):
    code = "unknown_token_id"
    http_status = 404


class TooManyTokens(PipelineError):
    code = "too_many_tokens"
    http_status = 409


class EmailNotVerified(Forbidden):
    """Signed in, but the email is not verified yet: no videos until it is."""

    code = "email_not_verified"


class SessionRequired(Forbidden):
    """Token and account management need the browser session, not a personal API token."""

    code = "session_required"


class RecentSignInRequired(Forbidden):
    code = "recent_sign_in_required"


class CsrfRefused(Forbidden):
    """A cookie-authenticated state change from another origin (or without an Origin)."""

    code = "csrf_refused"
