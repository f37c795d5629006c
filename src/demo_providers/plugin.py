"""The `demo` provider plugin: the factories that shortvideo.wiring finds by entry point."""

from __future__ import annotations

from shortvideo.logs import get_logger
from shortvideo.ports import BlobStore, Narrator, ScriptModel, Transcriber, VideoModel
from shortvideo.settings import Settings
from shortvideo.studio.ports import ImageModel


def script_model(settings: Settings) -> ScriptModel:
    from demo_providers.script_writer import DemoScriptWriter

    get_logger(stage="script").warning(
        "demo_provider", detail="offline demo script writer, no Gemini"
    )
    return DemoScriptWriter()


def narrator(settings: Settings) -> Narrator:
    from demo_providers.narrator import EspeakNarrator

    return EspeakNarrator()


def video_model(settings: Settings, blobs: BlobStore) -> VideoModel:
    if settings.demo_video_mode == "instant":
        from demo_providers.instant import InstantVideoModel

        get_logger(stage="video").warning(
            "demo_provider", detail="instant demo video model: every block copies one clip"
        )
        return InstantVideoModel(
            blobs, settings.workdir / "demo-instant", settings.demo_video_latency_seconds
        )
    from demo_providers.video_model import DemoVideoModel

    get_logger(stage="video").warning("demo_provider", detail="offline demo video model, no Veo")
    return DemoVideoModel(
        blobs,
        settings.workdir / "demo-video",
        settings.demo_video_latency_seconds,
        settings.demo_video_fail_blocks,
    )


def image_model(settings: Settings) -> ImageModel:
    from demo_providers.image_model import DemoImageModel

    get_logger(stage="characters").warning(
        "demo_provider", detail="offline character images, no Gemini image model"
    )
    return DemoImageModel()


def instant_transcriber(settings: Settings) -> Transcriber:
    from demo_providers.instant import InstantTranscriber

    get_logger(stage="assemble").warning(
        "demo_provider", detail="instant transcriber: the instant clip's line, no Whisper"
    )
    return InstantTranscriber()
