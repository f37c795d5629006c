"""The instant demo providers (DEMO_VIDEO_MODE=instant, WHISPER_ENGINE=instant)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from demo_providers import instant as instant_video
from demo_providers.instant import (
    CLIP_OBJECT,
    InstantTranscriber,
    InstantVideoModel,
    operation_name,
    parse_operation_name,
)
from shortvideo.errors import ConfigError
from shortvideo.models import Language, Style
from shortvideo.ports import VideoStep
from shortvideo.settings import settings_from
from tests.fakes import DirBlobStore, memory_services

INSTANT = {"DEMO_VIDEO_MODE": "instant", "WHISPER_ENGINE": "instant"}


def step(index: int, prefix: str = "veo31_videos/v1/") -> VideoStep:
    return VideoStep(
        video_id="v1", block_index=index, seconds=8 if index == 0 else 7, prompt="p",
        visual="v", dialogue="d", style=Style.ANIME, language=Language.EN, output_prefix=prefix,
    )  # fmt: skip


@pytest.fixture
def blobs(tmp_path: Path) -> DirBlobStore:
    store = DirBlobStore(tmp_path / "blobs")
    store.upload_bytes(CLIP_OBJECT, b"the clip", "video/mp4")  # rendered by an earlier process
    return store


def test_operation_names_carry_the_object_and_the_time() -> None:
    name = operation_name("veo31_videos/v1/b00-x/block-00-ab.mp4", 1763712000.25)
    assert parse_operation_name(name) == ("veo31_videos/v1/b00-x/block-00-ab.mp4", 1763712000.25)
    for bad in ("demo_operations/abc", "demo-instant-op/soon/x.mp4", "demo-instant-op/12/"):
        with pytest.raises(ValueError):
            parse_operation_name(bad)


def test_submit_copies_the_clip_under_the_prefix_and_is_done_at_once(blobs, tmp_path) -> None:
    model = InstantVideoModel(blobs, tmp_path / "work")
    names = [model.submit(step(i)) for i in range(3)]
    statuses = [model.poll(name) for name in names]
    assert all(s.done and not s.error_code for s in statuses)
    uris = [s.video_uri or "" for s in statuses]
    assert len(set(uris)) == 3
    for i, uri in enumerate(uris):
        object_name = blobs.name_from_uri(uri)
        assert object_name.startswith(f"veo31_videos/v1/block-{i:02d}-")
        assert blobs.download_bytes(object_name) == b"the clip"
    assert statuses[0].billed_seconds == 0  # the stage bills the seconds it asked for


def test_latency_makes_the_stage_poll(blobs, tmp_path) -> None:
    model = InstantVideoModel(blobs, tmp_path / "work", latency_seconds=0.3)
    name = model.submit(step(0))
    assert model.poll(name).done is False
    time.sleep(0.35)
    assert model.poll(name).done is True


def test_the_clip_is_rendered_once_and_only_when_the_bucket_lacks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[Path] = []

    def fake_render(self: InstantVideoModel) -> Path:
        path = tmp_path / "clip.mp4"
        path.write_bytes(b"rendered")
        rendered.append(path)
        return path

    monkeypatch.setattr(InstantVideoModel, "render_clip", fake_render)
    store = DirBlobStore(tmp_path / "blobs")
    first = InstantVideoModel(store, tmp_path / "work")
    first.submit(step(0))
    first.submit(step(1))
    InstantVideoModel(store, tmp_path / "work").submit(step(2))  # another process
    assert len(rendered) == 1 and store.download_bytes(CLIP_OBJECT) == b"rendered"


def test_the_instant_transcriber_returns_the_clip_line_in_order() -> None:
    words = InstantTranscriber().transcribe(Path("unused.wav"), Language.FR)
    assert " ".join(w.text for w in words) == instant_video.CLIP_LINE
    assert all(0 < w.start < w.end <= instant_video.CLIP_SECONDS for w in words)
    assert all(a.end <= b.start for a, b in itertools.pairwise(words))


def test_settings_and_wiring_choose_the_instant_providers(tmp_path) -> None:
    with pytest.raises(ConfigError, match="DEMO_VIDEO_MODE"):
        settings_from({"DEMO_VIDEO_MODE": "fast"})
    with pytest.raises(ConfigError, match="needs DEMO_VIDEO_MODE=instant"):
        settings_from({"WHISPER_ENGINE": "instant"})
    assert settings_from({}).demo_video_mode == "render"
    svc = memory_services(tmp_path, **INSTANT)
    assert isinstance(svc.video_model, InstantVideoModel)
    assert isinstance(svc.transcriber, InstantTranscriber)
    assert svc.video_model.provider == "demo-instant"
