"""Builds each process's adapters once, lazily, from settings. Nothing is built at import time."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from shortvideo.logs import get_logger
from shortvideo.ports import (
    BlobStore,
    CreatorStore,
    JobStore,
    Narrator,
    RateLimiter,
    ScriptModel,
    TaskQueue,
    Transcriber,
    VideoModel,
)
from shortvideo.settings import Settings, get_settings


@dataclass
class Services:
    settings: Settings
    jobs: JobStore
    blobs: BlobStore
    tasks: TaskQueue
    limiter: RateLimiter
    creators: CreatorStore
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


def _script_model(settings: Settings) -> ScriptModel:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_models import GeminiScriptWriter

        return GeminiScriptWriter(settings)
    from shortvideo.adapters.demo_script import DemoScriptWriter

    get_logger(stage="script").warning(
        "demo_provider", detail="offline demo script writer, no Gemini"
    )
    return DemoScriptWriter()


def _narrator(settings: Settings) -> Narrator:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_tts import GeminiNarrator

        return GeminiNarrator(settings)
    from shortvideo.adapters.espeak_narrator import EspeakNarrator

    return EspeakNarrator()


def _transcriber(settings: Settings) -> Transcriber:
    if settings.whisper_engine == "instant":
        from shortvideo.adapters.instant_video import InstantTranscriber

        get_logger(stage="assemble").warning(
            "demo_provider", detail="instant transcriber: the instant clip's line, no Whisper"
        )
        return InstantTranscriber()
    from shortvideo.adapters.whisper import load_transcriber

    return load_transcriber(settings)


def _video_model(settings: Settings, blobs: BlobStore) -> VideoModel:
    if settings.model_provider == "google":
        from shortvideo.adapters.google_models import VeoVideoModel

        return VeoVideoModel(settings)
    if settings.demo_video_mode == "instant":
        from shortvideo.adapters.instant_video import InstantVideoModel

        get_logger(stage="video").warning(
            "demo_provider", detail="instant demo video model: every block copies one clip"
        )
        return InstantVideoModel(
            blobs, settings.workdir / "demo-instant", settings.demo_video_latency_seconds
        )
    from shortvideo.adapters.demo_video import DemoVideoModel

    get_logger(stage="video").warning("demo_provider", detail="offline demo video model, no Veo")
    return DemoVideoModel(
        blobs,
        settings.workdir / "demo-video",
        settings.demo_video_latency_seconds,
        settings.demo_video_fail_blocks,
    )


def build_services(settings: Settings) -> Services:
    from google.cloud import firestore, storage  # type: ignore[attr-defined]

    from shortvideo.adapters.cloud_tasks import CloudTasksQueue, build_client
    from shortvideo.adapters.firestore_creators import FirestoreCreatorStore
    from shortvideo.adapters.firestore_jobs import FirestoreJobStore
    from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
    from shortvideo.adapters.gcs_blobs import GcsBlobStore

    db = firestore.Client(project=settings.project)
    return Services(
        settings=settings,
        jobs=FirestoreJobStore(db),
        limiter=FirestoreRateLimiter(db),
        blobs=GcsBlobStore(storage.Client(project=settings.project), settings.bucket),
        tasks=CloudTasksQueue(build_client(settings), settings),
        creators=FirestoreCreatorStore(db),
    )


@functools.cache
def services() -> Services:
    return build_services(get_settings())
