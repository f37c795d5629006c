"""The strict fake's pure rules at their boundaries, and its independence from the product."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fake_vertex import rules
from tests.fake_vertex.catalog import DEFAULT_MODELS, SUPPORT_CODES, usage_guidelines_message
from tests.fake_vertex.control import FAULTS_BY_KIND, Control
from tests.fake_vertex.media import VideoInfo

FAKE_DIR = Path(__file__).resolve().parents[1] / "fake_vertex"


def video(
    seconds: float = 8.0, fps: float = 24.0, size: tuple[int, int] = (720, 1280)
) -> VideoInfo:
    return VideoInfo(width=size[0], height=size[1], fps=fps, seconds=seconds, codec="h264",
                     pix_fmt="yuv420p", timescale=12288, audio_codec="aac", audio_rate=48000,
                     audio_channels=2)  # fmt: skip


def broken(info: VideoInfo, params: dict[str, Any] | None = None, **kw: Any) -> list[str]:
    found = rules.check_extension_input(info, params or {"durationSeconds": 7}, **kw)
    return [v.rule for v in found]


def test_the_fake_imports_nothing_from_the_product() -> None:
    offenders = [p.name for p in FAKE_DIR.glob("*.py") if "shortvideo" in p.read_text()]
    assert offenders == []


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(1.0, []), (30.0, []), (30.02, []), (0.9, ["extension_input_too_short"]),
     (30.1, ["extension_input_too_long", "extension_output_too_long"])],
)  # fmt: skip
def test_input_length_limits(seconds: float, expected: list[str]) -> None:
    assert broken(video(seconds)) == expected


def test_output_over_37_s_is_its_own_rule() -> None:
    assert broken(video(30.0), {"durationSeconds": 8}) == ["extension_output_too_long"]


@pytest.mark.parametrize("size", [(720, 1280), (1280, 720), (1080, 1920), (3840, 2160)])
def test_documented_resolutions_pass(size: tuple[int, int]) -> None:
    assert broken(video(size=size)) == []


@pytest.mark.parametrize("size", [(720, 720), (480, 854), (1024, 1792)])
def test_other_resolutions_fail(size: tuple[int, int]) -> None:
    assert broken(video(size=size)) == ["extension_input_resolution"]


@pytest.mark.parametrize("fps", [25.0, 30.0, 23.976])
def test_only_24_fps(fps: float) -> None:
    assert broken(video(fps=fps)) == ["extension_input_fps"]


def test_made_by_veo_only_counts_when_the_check_is_on() -> None:
    assert broken(video(), made_by_veo=None) == []
    assert broken(video(), made_by_veo=True) == []
    assert broken(video(), made_by_veo=False) == ["extension_input_not_veo"]


def test_request_rules_name_each_broken_rule() -> None:
    refs = [{"referenceType": "asset", "image": {"gcsUri": "gs://b/i.png"}}] * 4 + [
        {"referenceType": "style", "image": {"gcsUri": "gs://b/s.png"}}]  # fmt: skip
    found = rules.check_request({"prompt": "x", "referenceImages": refs},
                                {"durationSeconds": 6}, "veo-3.1-fast-generate-001")  # fmt: skip
    assert [v.rule for v in found] == ["too_many_asset_images", "style_reference_on_veo31",
                                       "reference_duration"]  # fmt: skip


def test_unknown_model_is_per_method_and_location() -> None:
    ok = rules.check_model("generateContent", "gemini-2.5-flash", "p", "us-central1",
                           DEFAULT_MODELS)  # fmt: skip
    assert ok is None
    wrong = rules.check_model("predictLongRunning", "gemini-2.5-flash", "p", "us-central1",
                              DEFAULT_MODELS)  # fmt: skip
    assert wrong is not None and wrong.status == 404
    assert rules.check_model("generateContent", "gemini-3.8-flash-tts", "p", "global",
                             DEFAULT_MODELS) is None  # fmt: skip


def test_support_code_table_and_message() -> None:
    assert SUPPORT_CODES["child"] == ("58061214", "17301594")
    assert SUPPORT_CODES["celebrity"] == ("29310472", "15236754")
    assert usage_guidelines_message("61493863").endswith("Support codes: 61493863")


def test_usage_guidelines_faults_are_in_the_veo_catalogue() -> None:
    assert {"usage_guidelines_sync", "usage_guidelines_op"} <= set(
        FAULTS_BY_KIND["predictLongRunning"])
    control = Control(fault_rate=1.0, seed=1)
    control.configure({"fault_rate": 1.0, "fault_kinds": ["usage_guidelines_op"]})
    fault = control.next_behaviour("predictLongRunning")
    assert (fault["refuse"], fault["as"]) == ("usage_guidelines", "operation")
    assert len(fault["support_code"]) == 8
