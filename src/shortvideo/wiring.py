"""Builds each process's adapters once, lazily, from settings. Nothing is built at import time."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from shortvideo.errors import ConfigError
from shortvideo.ports import (
    BillingStore,
    BlobStore,
    JobStore,
    Narrator,
    RateLimiter,
    ScheduleStore,
    ScriptModel,
    TaskQueue,
    Transcriber,
    VideoEditor,
    VideoModel,
)
from shortvideo.settings import Settings, get_settings
from shortvideo.studio.ports import CatalogStore, ImageModel, LibraryStore, MediaUrls

if TYPE_CHECKING:
    from shortvideo.accounts.wiring import Accounts

# Entry-point groups of provider plugins: {name: module with script_model, video_model,
# narrator factories} and {engine name: transcriber factory}.
PROVIDER_GROUP = "shortvideo.providers"
TRANSCRIBER_GROUP = "shortvideo.transcribers"
# {name: factory(settings) -> (audience, lifetime) -> ID token}: the local stack's doorbell signer.
TOKEN_SIGNER_GROUP = "shortvideo.token_signers"


@dataclass
class Services:
    settings: Settings
    jobs: JobStore
    blobs: BlobStore
    tasks: TaskQueue
    limiter: RateLimiter
    library: LibraryStore
    catalog: CatalogStore
    media: MediaUrls
    schedules: ScheduleStore
    billing: BillingStore | None = None  # the creator API's; None in processes without billing
    # The one clock of intake and billing (months, ledger times); tests inject their own.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Firebase Auth and users/api_tokens (decision 0015); the API builds them when not given.
    accounts: Accounts | None = None
    _lazy: dict[str, Any] = field(default_factory=dict)

    @property
    def script_model(self) -> ScriptModel:
        if "script" not in self._lazy:
            self._lazy["script"] = _script_model(self.settings)
        model: ScriptModel = self._lazy["script"]
        return model

    @property
    def video_model(self) -> VideoModel:
        if "video" not in self._lazy:
            self._lazy["video"] = _video_model(self.settings, self.blobs)
        model: VideoModel = self._lazy["video"]
        return model

    @property
    def image_model(self) -> ImageModel:
        if "image" not in self._lazy:
            self._lazy["image"] = _image_model(self.settings)
        model: ImageModel = self._lazy["image"]
        return model

    @property
    def editor(self) -> VideoEditor:
        if "editor" not in self._lazy:
            from shortvideo.media.splice import FfmpegEditor

            self._lazy["editor"] = FfmpegEditor()
        editor: VideoEditor = self._lazy["editor"]
        return editor

    @property
    def narrator(self) -> Narrator:
        if "narrator" not in self._lazy:
            self._lazy["narrator"] = _narrator(self.settings)
        narrator: Narrator = self._lazy["narrator"]
        return narrator

    @property
    def transcriber(self) -> Transcriber:
        if "transcriber" not in self._lazy:
            self._lazy["transcriber"] = _transcriber(self.settings)
        model: Transcriber = self._lazy["transcriber"]
        return model


def _plugin(group: str, name: str) -> Any:
    """An adapter factory from an installed provider plugin (a Python entry point).

    The offline demo and instant providers live in the `demo_providers` package, which the
    local stack installs and no deployment ships: the product never imports it, it only finds
    what is registered under `group` (pyproject's [project.entry-points]).
    """
    found = entry_points(group=group, name=name)
    if not found:
        raise ConfigError(f"no {group} plugin named {name!r} is installed")
    return next(iter(found)).load()


def _script_model(settings: Settings) -> ScriptModel:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_models import GeminiScriptWriter

        return GeminiScriptWriter(settings)
    model: ScriptModel = _plugin(PROVIDER_GROUP, settings.model_provider).script_model(settings)
    return model


def _image_model(settings: Settings) -> ImageModel:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_image import NanoBananaImageModel

        return NanoBananaImageModel(settings)
    model: ImageModel = _plugin(PROVIDER_GROUP, settings.model_provider).image_model(settings)
    return model


def _narrator(settings: Settings) -> Narrator:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_tts import GeminiNarrator

        return GeminiNarrator(settings)
    narrator: Narrator = _plugin(PROVIDER_GROUP, settings.model_provider).narrator(settings)
    return narrator


def _transcriber(settings: Settings) -> Transcriber:
    if settings.whisper_engine in ("faster-whisper", "openai-whisper"):
        from shortvideo.adapters.whisper import load_transcriber

        return load_transcriber(settings)
    model: Transcriber = _plugin(TRANSCRIBER_GROUP, settings.whisper_engine)(settings)
    return model


def _video_model(settings: Settings, blobs: BlobStore) -> VideoModel:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_models import VeoVideoModel

        return VeoVideoModel(settings)
    plugin = _plugin(PROVIDER_GROUP, settings.model_provider)
    model: VideoModel = plugin.video_model(settings, blobs)
    return model


def media_urls(settings: Settings, storage_client: Any) -> MediaUrls:
    """Signed media URLs: the bucket's V4 ones ("gcs"), Cloud CDN's ("cdn"), or the API's own
    ("api", local)."""
    if settings.media_url_mode == "api":
        from shortvideo.studio.media import ApiSignedUrls

        return ApiSignedUrls(settings.api_token_secret, settings.media_url_seconds)
    if settings.media_url_mode == "cdn":
        from shortvideo.adapters.cdn_signed_urls import CdnSignedUrls

        return CdnSignedUrls(
            settings.media_cdn_base_url,
            settings.media_cdn_key_name,
            settings.media_cdn_key,
            settings.media_url_seconds,
        )
    from shortvideo.adapters.gcs_signed_urls import GcsSignedUrls

    key = None
    if settings.media_signing_key_file is not None:
        from google.oauth2 import service_account

        key = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(settings.media_signing_key_file)
        )
    return GcsSignedUrls(
        storage_client,
        settings.bucket,
        settings.media_url_seconds,
        key_credentials=key,
        service_account_email=settings.media_signing_service_account,
    )


def build_services(settings: Settings) -> Services:
    from google.cloud import firestore, storage  # type: ignore[attr-defined]

    from shortvideo.adapters.cloud_tasks import CloudTasksQueue, build_client
    from shortvideo.adapters.firestore_billing import FirestoreBillingStore
    from shortvideo.adapters.firestore_catalog import FirestoreCatalog
    from shortvideo.adapters.firestore_jobs import FirestoreJobStore
    from shortvideo.adapters.firestore_library import FirestoreLibrary
    from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
    from shortvideo.adapters.firestore_schedules import FirestoreScheduleStore
    from shortvideo.adapters.gcs_blobs import GcsBlobStore

    db = firestore.Client(project=settings.project)
    local_signer = None
    if settings.oidc_signing_key_file is not None and settings.environment == "local":
        local_signer = _plugin(TOKEN_SIGNER_GROUP, "local")(settings)
    storage_client = storage.Client(project=settings.project)
    return Services(
        settings=settings,
        jobs=FirestoreJobStore(db),
        limiter=FirestoreRateLimiter(db),
        blobs=GcsBlobStore(storage_client, settings.bucket),
        tasks=CloudTasksQueue(build_client(settings), settings, local_signer),
        billing=FirestoreBillingStore(db),
        library=FirestoreLibrary(db),
        catalog=FirestoreCatalog(db),
        media=media_urls(settings, storage_client),
        schedules=FirestoreScheduleStore(db),
    )


@functools.cache
def services() -> Services:
    return build_services(get_settings())
