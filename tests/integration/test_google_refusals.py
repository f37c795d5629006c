"""Refusals and locations through the REAL google-genai SDK (Vertex AI mode) against the fake.

Each refusal shape Vertex answers must come out as the right typed error with its reason code;
each adapter must call its model in its own location (decision 0011). Split from
test_google_adapters.py, which is long enough.
"""

from __future__ import annotations

from typing import Any

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.adapters.google_models import (
    GeminiNarrator,
    GeminiScriptWriter,
    NanoBananaImageModel,
    VeoVideoModel,
)
from shortvideo.errors import ContentFiltered, ProviderRejected, ScriptInvalid
from shortvideo.models import Language, Style
from shortvideo.ports import ScriptBrief, VideoStep
from shortvideo.settings import Settings, settings_from
from shortvideo.stages.video_submit import block_prompt
from tests.fake_vertex.server import FakeVertex

pytestmark = pytest.mark.integration

PROJECT, LOCATION = "test-project", "us-central1"
REFUSAL = (
    "The prompt could not be submitted. This prompt contains words that violate Vertex AI's "
    "usage guidelines. If you think this was an error, send feedback. Support codes: {code}"
)


@pytest.fixture
def fake(fake_vertex: FakeVertex) -> FakeVertex:
    fake_vertex.reset()  # each test starts from no calls and no scripted behaviour
    return fake_vertex


def settings(fake: FakeVertex, **env: str) -> Settings:
    return settings_from({
        "VERTEX_PROJECT": PROJECT, "VERTEX_LOCATION": LOCATION,
        "VERTEX_API_BASE_URL": fake.url, "PIPELINE_BUCKET": "no-bucket", **env,
    })  # fmt: skip


def step(video_id: str, index: int) -> VideoStep:
    script = DemoScriptWriter().write_script(ScriptBrief("bees", Style.ANIME, Language.EN, 9))
    block = script.blocks[index]
    return VideoStep(
        video_id=video_id, block_index=index, seconds=block.seconds,
        prompt=block_prompt(script, index, None), visual=block.visual, dialogue=block.dialogue,
        style=Style.ANIME, language=Language.EN, output_prefix=f"veo31_videos/{video_id}/",
    )  # fmt: skip


def brief() -> ScriptBrief:
    return ScriptBrief("the secret life of octopuses", Style.ANIME, Language.EN, 9)


# -- Veo ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "reason_code"),
    [("58061214", "content_filtered.child"), ("29310472", "content_filtered.celebrity"),
     ("61493863", "content_filtered.violence"), ("90789179", "content_filtered.sexual")],
)  # fmt: skip
def test_veo_sync_usage_guidelines_refusal_is_content_filtered(
    fake: FakeVertex, code: str, reason_code: str
) -> None:
    fake.script([{"kind": "predictLongRunning", "status": 400,
                  "message": REFUSAL.format(code=code)}])  # fmt: skip
    with pytest.raises(ContentFiltered) as caught:
        VeoVideoModel(settings(fake)).submit(step("r1", 2))
    assert caught.value.code == reason_code and caught.value.retryable is False
    assert caught.value.support_codes == (code,)
    assert len(fake.calls()) == 1  # refused once, not retried by the SDK or the adapter


def test_veo_sync_invalid_request_is_rejected_not_filtered(fake: FakeVertex) -> None:
    fake.script([{"kind": "predictLongRunning", "status": 400,
                  "message": "Video duration must be between 1 and 30 seconds."}])  # fmt: skip
    with pytest.raises(ProviderRejected) as caught:
        VeoVideoModel(settings(fake)).submit(step("r2", 1))
    assert type(caught.value) is ProviderRejected and caught.value.code == "provider_rejected"


def test_veo_operation_refused_with_code_3_is_filtered(fake: FakeVertex) -> None:
    model = VeoVideoModel(settings(fake))
    fake.script([{"kind": "predictLongRunning", "outcome": "error", "op_latency": 0,
                  "error": {"code": 3, "message": REFUSAL.format(code="62263041")}}])  # fmt: skip
    status = model.poll(model.submit(step("r3", 0)))
    assert status.done and status.filtered and status.retryable is False
    assert status.error_code == "content_filtered.dangerous"
    assert status.video_uri is None


def test_veo_operation_invalid_argument_is_not_retryable(fake: FakeVertex) -> None:
    model = VeoVideoModel(settings(fake))
    fake.script([{"kind": "predictLongRunning", "outcome": "error", "op_latency": 0,
                  "error": {"code": 3, "message": "Unsupported input video."}}])  # fmt: skip
    status = model.poll(model.submit(step("r4", 0)))
    assert status.done and not status.filtered and status.retryable is False
    assert status.error_code == "veo_invalid_argument"


# -- Gemini ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("blocked", "reason_code"),
    [("SAFETY", "content_filtered.other"), ("PROHIBITED_CONTENT", "content_filtered.prohibited")],
)
def test_script_prompt_blocked_is_content_filtered(
    fake: FakeVertex, blocked: str, reason_code: str
) -> None:
    fake.script([{"kind": "generateContent", "blocked": blocked}])
    with pytest.raises(ContentFiltered) as caught:
        GeminiScriptWriter(settings(fake)).write_script(brief())
    assert caught.value.code == reason_code
    assert len(fake.calls()) == 1  # not retried as an invalid script


def test_gemini_rephrases_a_refused_visual(fake: FakeVertex) -> None:
    block = DemoScriptWriter().write_script(brief()).blocks[3]
    fake.script([{"kind": "generateContent", "text": '  "A calm garden, adults only."\n'}])
    writer = GeminiScriptWriter(settings(fake))
    rephrased = writer.rephrase_visual(block, Language.FR, Style.ANIME, "content_filtered.child")
    assert rephrased == "A calm garden, adults only."
    [call] = fake.calls()
    assert call["path"].endswith(f"/locations/{LOCATION}/publishers/google/models/"
                                 "gemini-2.5-flash:generateContent")  # fmt: skip
    prompt = call["body"]["contents"][0]["parts"][0]["text"]
    assert block.visual in prompt and block.dialogue in prompt
    assert "content_filtered.child" in prompt and "children" in prompt and "French" in prompt


def test_the_fake_answers_a_rewrite_request_with_a_scene_not_a_script(fake: FakeVertex) -> None:
    """Unscripted, as in a chaos run: the fake's Gemini rewrites the scene in plain text."""
    block = DemoScriptWriter().write_script(brief()).blocks[2]
    writer = GeminiScriptWriter(settings(fake))
    rephrased = writer.rephrase_visual(block, Language.EN, Style.ANIME, "content_filtered.child")
    assert block.visual in rephrased and len(rephrased.split()) <= 80
    assert not rephrased.lstrip().startswith("{")


def test_an_unusable_rephrase_is_an_invalid_answer_not_a_transient_fault(fake: FakeVertex) -> None:
    block = DemoScriptWriter().write_script(brief()).blocks[2]
    fake.script([{"kind": "generateContent", "text": "word " * 400}])
    writer = GeminiScriptWriter(settings(fake))
    with pytest.raises(ScriptInvalid) as caught:
        writer.rephrase_visual(block, Language.EN, Style.ANIME, "content_filtered.child")
    assert caught.value.retryable and not caught.value.transient  # spends an attempt (0014)


# -- locations ---------------------------------------------------------------------------------
def location_of(call: dict[str, Any]) -> str:
    return str(call["path"]).split("/locations/")[1].split("/")[0]


def test_each_adapter_calls_its_model_in_its_own_location(fake: FakeVertex, tmp_path) -> None:
    # Within the fake's default allow-list: Gemini moved to `global`, the rest regional.
    env = {"GEMINI_LOCATION": "global", "VEO_LOCATION": "us-central1",
           "IMAGE_LOCATION": "us-central1"}  # fmt: skip
    GeminiScriptWriter(settings(fake, **env)).write_script(brief())
    NanoBananaImageModel(settings(fake, **env)).make_character_image("Nova", "a fox", Style.ANIME)
    GeminiNarrator(settings(fake, **env)).speak("Hello.", Language.EN, "Kore", tmp_path / "a.wav")
    VeoVideoModel(settings(fake, **env)).submit(step("l1", 0))
    assert [location_of(c) for c in fake.calls()] == [
        "global", "us-central1", "global", "us-central1"  # TTS: `global` (its default)
    ]  # fmt: skip


def test_locations_default_to_vertex_location_except_tts(fake: FakeVertex) -> None:
    plain = settings(fake)
    assert [plain.location_for(k) for k in ("gemini", "veo", "image", "tts")] == [
        LOCATION, LOCATION, LOCATION, "global"
    ]  # fmt: skip
    moved = settings(fake, TTS_LOCATION="us-central1")
    assert GeminiNarrator(moved).location == "us-central1"
