# staging: its own project (Identity Platform users, Vertex quotas and the budget are per project).
environment        = "staging"
project_id         = "shortvideo-staging"
region             = "us-central1"
firestore_location = "nam5"
billing_account_id = "000000-000000-000000" # set to the real billing account before the first deploy
monthly_budget_usd = 600
alert_email        = "oncall+staging@example.com"
app_domain         = "app-staging.shortvideo.example.com"
media_domain       = "media-staging.shortvideo.example.com"

intermediate_days                     = 2
video_queue_max_dispatches_per_second = 1
video_queue_max_concurrent            = 10
assembler_max_instances               = 2
api_min_instances                     = 0
api_p95_threshold_ms                  = 1500
deletion_protection                   = true

# Settings the code reads (src/shortvideo/settings.py aliases) that this environment sets.
# Terraform adds the ones it knows itself (project, bucket, queues, URLs, OIDC, CORS, media
# URLs: see services.tf) and the secrets (Secret Manager). tests/infra checks that every setting is
# here, computed, a secret, or listed in settings_defaulted, and that no emulator, fake or
# demo override is set.
settings = {
  VERTEX_LOCATION               = "us-central1"
  VEO_LOCATION                  = "us-central1"
  GEMINI_LOCATION               = "us-central1"
  TTS_LOCATION                  = "global"
  IMAGE_LOCATION                = "us-central1"
  GEMINI_MODEL                  = "gemini-2.5-flash"
  IMAGE_MODEL                   = "gemini-2.5-flash-image"
  TTS_MODEL                     = "gemini-2.5-flash-tts"
  VEO_MODEL                     = "veo-3.1-fast-generate-001"
  VEO_FALLBACK_MODEL            = "veo-3.1-fast-generate-001"
  VEO_PRICE_PER_SECOND          = "0.15"
  VEO_FALLBACK_PRICE_PER_SECOND = "0.15"
  VEO_ALLOW_FALLBACK            = "true"
  VEO_REQUESTS_PER_MINUTE       = "10"
  MAX_JOB_COST_USD              = "15"
  MONTHLY_BUDGET_USD            = "400"
  WHISPER_ENGINE                = "faster-whisper"
  WHISPER_COMPUTE_TYPE          = "int8"
  X264_PRESET                   = "fast"
}

# Left to the code's defaults on purpose (they are the tuned production values).
settings_defaulted = [
  "IDEMPOTENCY_KEY_SECONDS",
  "SESSION_LIFETIME_SECONDS",
  "API_TOKENS_PER_HOUR",
  "MAX_API_TOKENS_PER_CREATOR",
  "VEO_FALLBACK_AFTER_QUOTA_ERRORS",
  "QUOTA_BACKOFF_SECONDS",
  "LEASE_SECONDS",
  "RETRY_BACKOFF_SECONDS",
  "MAX_ATTEMPTS",
  "STAGE_STALL_SECONDS",
  "VIDEO_OPERATION_TIMEOUT_SECONDS",
  "VIDEO_POLL_SECONDS",
  "SCRIPT_CACHE_TTL_DAYS",
  "MUSIC_VOLUME",
  "NATIVE_AUDIO_VOLUME",
  "PIPELINE_WORKDIR",
  "CREATE_VIDEO_PER_MINUTE",
  "CREATE_VIDEO_PER_HOUR",
  "MAX_RUNNING_JOBS_PER_CREATOR",
  # Billing (decision 0017). The price ids and the return URL are this environment's Stripe
  # account and dashboard: the API refuses to start on the local defaults until they are set.
  "BILLING_ENFORCED",
  "FREE_VIDEOS_PER_MONTH",
  "CREDITS_PER_LENGTH",
  "BILLING_PACKS",
  "BILLING_SUBSCRIPTION",
  "BILLING_CURRENCY",
  "BILLING_RETURN_URL",
  "CREATE_CHARACTER_PER_MINUTE",
  "CREATE_CHARACTER_PER_HOUR",
  # Media URLs last 15 minutes. They are Cloud CDN signed URLs (services.tf); the V4 signing
  # account is only for the MEDIA_URL_MODE=gcs fallback (IAM signBlob as the API itself).
  "MEDIA_URL_SECONDS",
  "MEDIA_SIGNING_SERVICE_ACCOUNT",
  "SERIES_MAX_SCHEDULES_PER_CREATOR",
  "SERIES_CATCHUP_SECONDS",
  "SERIES_THEME_MEMORY",
  # Decided by the live check of decision 0010 (route, tail window, how Vertex bills).
  "VEO_EXTENSION_ROUTE",
  "VEO_EXTENSION_INPUT_SECONDS",
  "VEO_EXTENSION_BILLING",
]
