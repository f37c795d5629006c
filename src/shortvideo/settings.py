"""One validated settings object per process, read from the environment once."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from shortvideo.errors import ConfigError

LOCAL_TOKEN_SECRET = "local-stack-only-token-secret"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # Outside "local" a service refuses to start on local, demo or missing settings
    # (shortvideo.startup).
    environment: str = Field("local", alias="ENVIRONMENT", pattern=r"^(local|dev|staging|prod)$")

    # Where state and media live.
    project: str = Field("demo-shortvideo", alias="GOOGLE_CLOUD_PROJECT")
    bucket: str = Field("shortvideo-local", alias="PIPELINE_BUCKET")
    # Cloud Tasks: one queue per stage so a long assembly never delays a script.
    tasks_location: str = Field("us-central1", alias="TASKS_LOCATION")
    tasks_emulator_host: str | None = Field(None, alias="CLOUD_TASKS_EMULATOR_HOST")
    script_queue: str = Field("script-agent", alias="SCRIPT_QUEUE")
    video_queue: str = Field("video-agent", alias="VIDEO_QUEUE")
    assemble_queue: str = Field("assembler", alias="ASSEMBLE_QUEUE")
    script_agent_url: str = Field("http://127.0.0.1:8081/", alias="SCRIPT_AGENT_URL")
    video_agent_url: str = Field("http://127.0.0.1:8082/", alias="VIDEO_AGENT_URL")
    assembler_url: str = Field("http://127.0.0.1:8083/", alias="ASSEMBLER_URL")
    tasks_service_account: str | None = Field(None, alias="TASKS_SERVICE_ACCOUNT")
    # Functions: verify the caller's Google-signed OIDC ID token (shortvideo.oidc). The audience is
    # the function's own URL; only these service accounts (Cloud Tasks, Cloud Scheduler) may call.
    oidc_verify: bool = Field(False, alias="OIDC_VERIFY")
    oidc_audience: str | None = Field(None, alias="OIDC_AUDIENCE")
    oidc_allowed_service_accounts: tuple[str, ...] = Field(
        (), alias="OIDC_ALLOWED_SERVICE_ACCOUNTS"
    )
    # Local stack only (refused elsewhere): certificates {key id: PEM} in place of Google's, and
    # the key that signs the local doorbells.
    oidc_certs_file: Path | None = Field(None, alias="OIDC_CERTS_FILE")
    oidc_signing_key_file: Path | None = Field(None, alias="OIDC_SIGNING_KEY_FILE")

    # Providers: "demo" (offline) or "google". Empty means: google when a Vertex project is set.
    provider: str = Field("", alias="PIPELINE_PROVIDER")
    vertex_project: str | None = Field(None, alias="VERTEX_PROJECT")
    vertex_location: str = Field("us-central1", alias="VERTEX_LOCATION")
    # Model ids as Vertex lists them (decision 0011, which says what a live check must confirm:
    # the Gemini 2.5 text and image models may be discontinued). The TTS id is Vertex's, not the
    # Gemini Developer API's "gemini-2.5-flash-preview-tts".
    gemini_model: str = Field("gemini-2.5-flash", alias="GEMINI_MODEL")
    veo_model: str = Field("veo-3.1-generate-001", alias="VEO_MODEL")
    image_model: str = Field("gemini-2.5-flash-image", alias="IMAGE_MODEL")
    tts_model: str = Field("gemini-2.5-flash-tts", alias="TTS_MODEL")
    # Each model's Vertex location; empty means VERTEX_LOCATION. Gemini TTS is served from
    # `global` and the us/eu multi-regions (newer TTS models only there): TTS defaults to global.
    gemini_location: str = Field("", alias="GEMINI_LOCATION")
    veo_location: str = Field("", alias="VEO_LOCATION")
    image_location: str = Field("", alias="IMAGE_LOCATION")
    tts_location: str = Field("global", alias="TTS_LOCATION")
    # Only for tests and local runs: the base URL of a fake Vertex AI REST API (no ADC then).
    vertex_base_url: str | None = Field(None, alias="VERTEX_API_BASE_URL")
    veo_price_per_second: float = Field(0.40, alias="VEO_PRICE_PER_SECOND", ge=0)
    # After this many quota errors in a row, move the job to the fallback model (if allowed).
    veo_fallback_model: str = Field("veo-3.1-fast-generate-001", alias="VEO_FALLBACK_MODEL")
    veo_fallback_price_per_second: float = Field(0.15, alias="VEO_FALLBACK_PRICE_PER_SECOND", ge=0)
    veo_allow_fallback: bool = Field(True, alias="VEO_ALLOW_FALLBACK")
    veo_fallback_after_quota_errors: int = Field(3, alias="VEO_FALLBACK_AFTER_QUOTA_ERRORS", ge=1)
    veo_requests_per_minute: int = Field(10, alias="VEO_REQUESTS_PER_MINUTE", ge=0)
    # How a block past the opening clip is made (decision 0010): "extend" sends the tail of the
    # video so far (at most this many seconds: Vertex takes 1 to 30) and keeps Veo's new 7 s;
    # "image_to_video" starts a new 8 s clip from the last frame.
    veo_extension_route: str = Field("extend", alias="VEO_EXTENSION_ROUTE")
    veo_extension_input_seconds: float = Field(
        8.0, alias="VEO_EXTENSION_INPUT_SECONDS", ge=1, le=30
    )
    # What Vertex bills for an extension: its new 7 s, or the whole output (input + 7 s).
    veo_extension_billing: str = Field("new_seconds", alias="VEO_EXTENSION_BILLING")
    quota_backoff_seconds: tuple[int, ...] = Field(
        (15, 30, 60, 120, 240), alias="QUOTA_BACKOFF_SECONDS"
    )
    # Cost control, in USD: refused before anything is billed.
    max_job_cost_usd: float = Field(40.0, alias="MAX_JOB_COST_USD", ge=0)
    monthly_budget_usd: float = Field(2000.0, alias="MONTHLY_BUDGET_USD", ge=0)

    # Creator API. Personal API tokens carry an HMAC under this secret (shortvideo.accounts.
    # tokens); the default is for the local stack only and must be replaced anywhere else.
    api_token_secret: str = Field(LOCAL_TOKEN_SECRET, alias="API_TOKEN_SECRET", min_length=16)
    # Accounts (decision 0015). The one origin of the dashboard and the API: a cookie-
    # authenticated state change must come from it (Origin header), else 403 csrf_refused.
    # Unset refuses them all (fail closed); the local stack sets its own URL.
    app_origin: str | None = Field(None, alias="APP_ORIGIN")
    # The `__session` cookie's lifetime: Firebase allows 5 minutes to 14 days.
    session_lifetime_seconds: int = Field(
        5 * 24 * 3600, alias="SESSION_LIFETIME_SECONDS", ge=300, le=14 * 24 * 3600
    )
    # Personal API tokens: new ones per creator and hour (Firestore limiter), live ones at most.
    api_tokens_per_hour: int = Field(10, alias="API_TOKENS_PER_HOUR", ge=0)
    max_api_tokens_per_creator: int = Field(20, alias="MAX_API_TOKENS_PER_CREATOR", ge=1)
    # Browser origins allowed to call the API (comma-separated); none by default.
    cors_allowed_origins: tuple[str, ...] = Field((), alias="CORS_ALLOWED_ORIGINS")
    # Abuse limits per creator, shared by all API instances (Firestore); 0 = no limit.
    create_video_per_minute: int = Field(5, alias="CREATE_VIDEO_PER_MINUTE", ge=0)
    create_video_per_hour: int = Field(30, alias="CREATE_VIDEO_PER_HOUR", ge=0)
    max_running_jobs_per_creator: int = Field(3, alias="MAX_RUNNING_JOBS_PER_CREATOR", ge=0)
    create_character_per_minute: int = Field(3, alias="CREATE_CHARACTER_PER_MINUTE", ge=0)
    create_character_per_hour: int = Field(20, alias="CREATE_CHARACTER_PER_HOUR", ge=0)
    # Private media (decision 0016): "gcs" answers V4 signed URLs of the bucket (signed through
    # IAM signBlob with the service's own account, or MEDIA_SIGNING_KEY_FILE's key); "api"
    # answers URLs signed by the API itself and served by it with Range support (the GCS
    # emulator cannot check signatures); "cdn" answers Cloud CDN signed URLs of
    # MEDIA_CDN_BASE_URL (https://MEDIA_DOMAIN) under the key MEDIA_CDN_KEY_NAME, whose value
    # MEDIA_CDN_KEY (base64url, 16 bytes) is a secret. All expire after MEDIA_URL_SECONDS.
    media_url_mode: str = Field("api", alias="MEDIA_URL_MODE", pattern=r"^(api|gcs|cdn)$")
    media_url_seconds: int = Field(900, alias="MEDIA_URL_SECONDS", ge=60, le=604800)
    media_signing_service_account: str = Field("", alias="MEDIA_SIGNING_SERVICE_ACCOUNT")
    media_signing_key_file: Path | None = Field(None, alias="MEDIA_SIGNING_KEY_FILE")
    media_cdn_base_url: str = Field("", alias="MEDIA_CDN_BASE_URL")
    # Cloud CDN key names: at most 63 of A-Z a-z 0-9 _ -.
    media_cdn_key_name: str = Field(
        "", alias="MEDIA_CDN_KEY_NAME", pattern=r"^[A-Za-z0-9_-]{0,63}$"
    )
    media_cdn_key: str = Field("", alias="MEDIA_CDN_KEY", repr=False)
    # An Idempotency-Key of POST /videos replays its first answer for this long (decision 0016;
    # the documents' `expires_at` carries a Firestore TTL policy).
    idempotency_key_seconds: int = Field(
        24 * 3600, alias="IDEMPOTENCY_KEY_SECONDS", ge=60, le=30 * 24 * 3600
    )
    # Scheduled series (decision 0018): schedules per creator; a slot due longer ago than the
    # catch-up window (dispatcher down, or the schedule paused) is not made; a proposed theme
    # never repeats the series' last N themes.
    series_max_schedules_per_creator: int = Field(
        10, alias="SERIES_MAX_SCHEDULES_PER_CREATOR", ge=1
    )
    series_catchup_seconds: int = Field(1800, alias="SERIES_CATCHUP_SECONDS", ge=0)
    series_theme_memory: int = Field(10, alias="SERIES_THEME_MEMORY", ge=0, le=100)

    # Billing (decision 0017). Off only for test stacks that are not about billing: refused
    # outside local (shortvideo.startup).
    billing_enforced: bool = Field(True, alias="BILLING_ENFORCED")
    free_videos_per_month: int = Field(1, alias="FREE_VIDEOS_PER_MONTH", ge=0)
    # Credits a length costs, "seconds:credits" (1 credit is a 64 s video).
    credits_per_length: str = Field("64:1,71:2,78:2,85:2", alias="CREDITS_PER_LENGTH")
    # Offers, "name:stripe_price_id:credits:amount_in_cents" (packs comma-separated).
    billing_packs: str = Field(
        "pack_5:price_pack_5:5:4900,pack_20:price_pack_20:20:17900", alias="BILLING_PACKS"
    )
    billing_subscription: str = Field("monthly:price_monthly:10:8900", alias="BILLING_SUBSCRIPTION")
    billing_currency: str = Field("usd", alias="BILLING_CURRENCY", pattern=r"^[a-z]{3}$")
    # Where Checkout and the Customer Portal send the creator back (the dashboard).
    billing_return_url: str = Field("http://127.0.0.1:8080/billing", alias="BILLING_RETURN_URL")
    stripe_secret_key: str = Field("", alias="STRIPE_SECRET_KEY")
    stripe_webhook_secret: str = Field("", alias="STRIPE_WEBHOOK_SECRET")
    # Local stack only (refused elsewhere): the local Stripe fake.
    stripe_api_base: str | None = Field(None, alias="STRIPE_API_BASE")

    # Orchestration.
    lease_seconds: int = Field(90, alias="LEASE_SECONDS", ge=5)
    retry_backoff_seconds: tuple[int, ...] = Field((60, 180, 600), alias="RETRY_BACKOFF_SECONDS")
    max_attempts: int = Field(3, alias="MAX_ATTEMPTS", ge=1)
    # Transient faults (provider errors, dead functions) and throttles spend no attempt; a
    # stage that made no progress for this long through them fails (decision 0014).
    stage_stall_seconds: float = Field(3600.0, alias="STAGE_STALL_SECONDS", gt=0)
    video_operation_timeout_seconds: float = Field(
        900.0, alias="VIDEO_OPERATION_TIMEOUT_SECONDS", gt=0
    )
    video_poll_seconds: float = Field(10.0, alias="VIDEO_POLL_SECONDS", gt=0)
    script_cache_ttl_days: int = Field(7, alias="SCRIPT_CACHE_TTL_DAYS", ge=0)

    # Assembler.
    whisper_engine: str = Field("faster-whisper", alias="WHISPER_ENGINE")
    whisper_model_dir: Path | None = Field(None, alias="WHISPER_MODEL_DIR")
    whisper_compute_type: str = Field("int8", alias="WHISPER_COMPUTE_TYPE")
    # x264 preset of the final encode: "fast" in production; the test stack trades size for speed.
    x264_preset: str = Field(
        "fast",
        alias="X264_PRESET",
        pattern=r"^(ultrafast|superfast|veryfast|faster|fast|medium|slow)$",
    )
    music_volume: float = Field(0.2, alias="MUSIC_VOLUME", ge=0, le=1)
    # Veo's own audio (ambience, effects) under a narration voice.
    native_audio_volume: float = Field(0.35, alias="NATIVE_AUDIO_VOLUME", ge=0, le=1)
    workdir: Path = Field(Path("/tmp/shortvideo"), alias="PIPELINE_WORKDIR")

    # Offline demo video model.
    demo_video_latency_seconds: float = Field(1.0, alias="DEMO_VIDEO_LATENCY_SECONDS", ge=0)
    demo_video_fail_blocks: tuple[int, ...] = Field((), alias="DEMO_VIDEO_FAIL_BLOCKS")
    # "render": FFmpeg + espeak-ng clips with Veo's 8 s + 7 s semantics. "instant": every block
    # is a copy of one short pre-rendered clip (orchestration benchmarks; adapters/instant_video).
    demo_video_mode: str = Field("render", alias="DEMO_VIDEO_MODE")

    @field_validator(
        "retry_backoff_seconds", "demo_video_fail_blocks", "quota_backoff_seconds", mode="before"
    )
    @classmethod
    def _int_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @field_validator("cors_allowed_origins", "oidc_allowed_service_accounts", mode="before")
    @classmethod
    def _str_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        if value not in ("", "demo", "google"):
            raise ValueError("PIPELINE_PROVIDER must be demo or google")
        return value

    @field_validator("demo_video_mode")
    @classmethod
    def _known_demo_video_mode(cls, value: str) -> str:
        if value not in ("render", "instant"):
            raise ValueError("DEMO_VIDEO_MODE must be render or instant")
        return value

    @field_validator("veo_extension_route")
    @classmethod
    def _known_route(cls, value: str) -> str:
        if value not in ("extend", "image_to_video"):
            raise ValueError("VEO_EXTENSION_ROUTE must be extend or image_to_video")
        return value

    @field_validator("veo_extension_billing")
    @classmethod
    def _known_billing(cls, value: str) -> str:
        if value not in ("new_seconds", "output_seconds"):
            raise ValueError("VEO_EXTENSION_BILLING must be new_seconds or output_seconds")
        return value

    @field_validator("whisper_engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in ("faster-whisper", "openai-whisper", "instant"):
            raise ValueError("WHISPER_ENGINE must be faster-whisper, openai-whisper or instant")
        return value

    @model_validator(mode="after")
    def _instant_transcript_needs_instant_videos(self) -> Settings:
        # The instant transcriber hears nothing: it returns the instant clip's known line.
        if self.whisper_engine == "instant" and self.demo_video_mode != "instant":
            raise ValueError("WHISPER_ENGINE=instant needs DEMO_VIDEO_MODE=instant")
        return self

    @property
    def model_provider(self) -> str:
        """Offline demo adapters unless a Google project is configured."""
        if self.provider:
            return self.provider
        return "google" if self.vertex_project else "demo"

    def location_for(self, kind: str) -> str:
        """The Vertex location of a model kind: gemini, veo, image or tts."""
        locations = {
            "gemini": self.gemini_location,
            "veo": self.veo_location,
            "image": self.image_location,
            "tts": self.tts_location,
        }
        if kind not in locations:
            raise ConfigError(f"no location setting for models of kind {kind!r}")
        return locations[kind] or self.vertex_location

    def price_per_second(self, model: str) -> float:
        """Price of a video model; the offline demo is priced as the configured Veo model."""
        if model == self.veo_fallback_model:
            return self.veo_fallback_price_per_second
        return self.veo_price_per_second

    def quota_backoff_for(self, consecutive: int) -> int:
        schedule = self.quota_backoff_seconds or (30,)
        return schedule[min(max(consecutive, 1), len(schedule)) - 1]

    def backoff_for(self, attempt: int) -> int:
        """Seconds to wait before retry number `attempt` (1-based)."""
        schedule = self.retry_backoff_seconds or (60,)
        return schedule[min(attempt, len(schedule)) - 1]


def settings_from(env: Mapping[str, str]) -> Settings:
    try:
        return Settings.model_validate(dict(env))
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


@functools.cache
def get_settings() -> Settings:
    return settings_from(os.environ)
