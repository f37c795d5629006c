"""Fail closed: outside ENVIRONMENT=local a service refuses to start on local or demo settings.

Each function calls check_environment(name) when its main.py is imported, the creator API in its
factory. It builds no client: it reads the settings and the environment, and exits with a
message naming every variable at fault. The rules: docs/decisions/0012-private-functions-and-
fail-closed.md.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from pydantic import ValidationError

from shortvideo.errors import ConfigError
from shortvideo.logs import get_logger
from shortvideo.settings import Settings, get_settings

FUNCTIONS = ("script_agent", "video_agent", "assembler", "monitor", "series_dispatcher")
SERVICES = (*FUNCTIONS, "api")
# Emulators and fakes: honoured by the SDKs (or by us) wherever set, so they must not be set.
LOCAL_OVERRIDES = (
    "FIRESTORE_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "VERTEX_API_BASE_URL",
    "STRIPE_API_BASE",
    "OIDC_CERTS_FILE",
    "OIDC_SIGNING_KEY_FILE",
)
# The local stack's defaults: a deployment that still has them has not been configured.
LOCAL_DEFAULTS = {"GOOGLE_CLOUD_PROJECT": "demo-shortvideo", "PIPELINE_BUCKET": "shortvideo-local"}
TASK_TARGETS = ("SCRIPT_AGENT_URL", "VIDEO_AGENT_URL", "ASSEMBLER_URL")
# The offline demo and instant providers are selected by these (and by a missing VERTEX_PROJECT).
DEMO_PREFIX = "DEMO_"


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.message}"


def _local_looking_url(url: str) -> str | None:
    """Why `url` cannot be a deployed target, or None when it can."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return "must be an https:// URL"
    if not host or host == "localhost" or host.endswith(".localhost"):
        return "points at this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified or address.is_private:
        return "points at a loopback or private address"
    return None


def _present(env: Mapping[str, str], name: str) -> bool:
    return bool(env.get(name, "").strip())


def startup_problems(service: str, settings: Settings, env: Mapping[str, str]) -> list[Problem]:
    """Everything that makes `settings`/`env` unfit outside local; empty when fit (or local)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {SERVICES}")
    if settings.environment == "local":
        return []
    where = f"ENVIRONMENT={settings.environment}"
    problems = [
        Problem(name, f"is set; emulators and fakes are for ENVIRONMENT=local only, not {where}")
        for name in LOCAL_OVERRIDES
        if _present(env, name)
    ]
    problems += [
        Problem(name, f"is set; the demo providers are for ENVIRONMENT=local only, not {where}")
        for name in sorted(env)
        if name.startswith(DEMO_PREFIX) and _present(env, name)
    ]
    for name, local_default in LOCAL_DEFAULTS.items():
        value = env.get(name, "").strip()
        if not value:
            problems.append(Problem(name, "is missing"))
        elif value == local_default or value.startswith("demo-"):
            problems.append(Problem(name, f"is the local stack's {value!r}"))
    for name in TASK_TARGETS:
        if not _present(env, name):
            problems.append(Problem(name, "is missing (Cloud Tasks would ring 127.0.0.1)"))
        elif (why := _local_looking_url(env[name])) is not None:
            problems.append(Problem(name, why))
    if not settings.tasks_service_account:
        problems.append(Problem("TASKS_SERVICE_ACCOUNT", "is missing (doorbells need an identity)"))
    if settings.provider == "demo":
        problems.append(Problem("PIPELINE_PROVIDER", "is demo: the offline demo providers"))
    if service != "monitor" and not settings.vertex_project:
        problems.append(
            Problem("VERTEX_PROJECT", "is missing: jobs would run on the offline demo providers")
        )
    if settings.whisper_engine == "instant":
        problems.append(Problem("WHISPER_ENGINE", "is instant: a benchmark transcriber"))
    if service in FUNCTIONS:
        problems += _caller_check_problems(settings)
    if service == "api" and not _present(env, "API_TOKEN_SECRET"):
        problems.append(Problem("API_TOKEN_SECRET", "is missing"))
    if service == "api":
        if not settings.app_origin:
            problems.append(Problem("APP_ORIGIN", "is missing (every signed-in browser change "
                                    "would be refused)"))
        elif (why := _local_looking_url(settings.app_origin)) is not None:
            problems.append(Problem("APP_ORIGIN", why))
        problems += _billing_problems(settings, env)
        problems += _media_problems(settings, env)
    return problems


def _media_problems(settings: Settings, env: Mapping[str, str]) -> list[Problem]:
    """Media URLs outside local: no key file on disk; the CDN's three settings, its key valid."""
    problems = []
    if _present(env, "MEDIA_SIGNING_KEY_FILE"):
        problems.append(Problem("MEDIA_SIGNING_KEY_FILE", "is set: a private key on disk; "
                                "Cloud Run signs through IAM signBlob"))
    if settings.media_url_mode != "cdn":
        return problems
    if not settings.media_cdn_base_url:
        problems.append(Problem("MEDIA_CDN_BASE_URL", "is missing (MEDIA_URL_MODE=cdn)"))
    elif (why := _local_looking_url(settings.media_cdn_base_url)) is not None:
        problems.append(Problem("MEDIA_CDN_BASE_URL", why))
    if not settings.media_cdn_key_name:
        problems.append(Problem("MEDIA_CDN_KEY_NAME", "is missing (MEDIA_URL_MODE=cdn)"))
    if not settings.media_cdn_key:
        problems.append(Problem("MEDIA_CDN_KEY", "is missing (MEDIA_URL_MODE=cdn)"))
    else:
        from shortvideo.adapters.cdn_signed_urls import decode_cdn_key

        try:
            decode_cdn_key(settings.media_cdn_key)
        except ConfigError as exc:
            problems.append(Problem("MEDIA_CDN_KEY", exc.message))
    return problems


def _billing_problems(settings: Settings, env: Mapping[str, str]) -> list[Problem]:
    """Billing outside local: enforced, with Stripe's real key and the webhook's secret."""
    problems = []
    if not settings.billing_enforced:
        problems.append(Problem("BILLING_ENFORCED", "is false: videos would be free for all"))
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        if not _present(env, name):
            problems.append(Problem(name, "is missing (billing and its webhook need it)"))
    if settings.stripe_secret_key.startswith("sk_test_") and settings.environment == "prod":
        problems.append(Problem("STRIPE_SECRET_KEY", "is a test-mode key in prod"))
    # The defaults name the local fake's prices and a loopback dashboard.
    for name in ("BILLING_PACKS", "BILLING_SUBSCRIPTION", "BILLING_RETURN_URL"):
        field = next(f for f in Settings.model_fields.values() if f.alias == name)
        if env.get(name, "").strip() in ("", field.default):
            problems.append(Problem(name, "is the local stack's default: set this account's"))
        elif name == "BILLING_RETURN_URL" and (why := _local_looking_url(env[name])):
            problems.append(Problem(name, why))
    return problems


def _caller_check_problems(settings: Settings) -> list[Problem]:
    problems = []
    if not settings.oidc_verify:
        problems.append(Problem("OIDC_VERIFY", "is not true: the function would trust any caller"))
    if not settings.oidc_audience:
        problems.append(Problem("OIDC_AUDIENCE", "is missing (the function's own URL)"))
    elif (why := _local_looking_url(settings.oidc_audience)) is not None:
        problems.append(Problem("OIDC_AUDIENCE", why))
    if not settings.oidc_allowed_service_accounts:
        problems.append(Problem("OIDC_ALLOWED_SERVICE_ACCOUNTS", "is missing"))
    return problems


def check_environment(service: str) -> None:
    """Return when `service` may start here; otherwise log why and exit (SystemExit, status 1)."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        _refuse(service, _invalid_settings(exc))
    problems = startup_problems(service, settings, os.environ)
    if problems:
        _refuse(service, problems)


def _invalid_settings(exc: ConfigError) -> list[Problem]:
    """One problem per invalid variable (pydantic's errors name the alias)."""
    cause = exc.__cause__
    if not isinstance(cause, ValidationError):
        return [Problem("settings", exc.message)]
    return [Problem(".".join(str(part) for part in error["loc"]) or "settings", error["msg"])
            for error in cause.errors()]


def _refuse(service: str, problems: list[Problem]) -> NoReturn:
    get_logger(component="startup", service=service).error(
        "startup_refused", problems=[str(p) for p in problems]
    )
    lines = "\n".join(f"  {p}" for p in problems)
    raise SystemExit(f"{service} refuses to start:\n{lines}")
