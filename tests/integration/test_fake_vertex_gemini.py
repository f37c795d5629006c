"""The strict fake's Gemini: endings Vertex really sends, real image sizes, its model allow-list.

Through the real google-genai SDK in Vertex mode (decision 0007).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator

import pytest
from google.genai import errors as genai_errors
from google.genai import types

from tests.fake_vertex.server import FakeVertex
from tests.integration.fake_vertex_sdk import LOCATION, PROJECT, client

pytestmark = pytest.mark.integration

IMAGE = types.GenerateContentConfig(
    response_modalities=["IMAGE"], image_config=types.ImageConfig(aspect_ratio="9:16")
)
SCRIPT_PROMPT = "THEME: volcanoes\nLANGUAGE: fr (French).\nBLOCKS: exactly 10, indexed 0 to 9."


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeVertex]:
    server = FakeVertex().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh(fake: FakeVertex) -> None:
    fake.reset()


def ask(
    fake: FakeVertex, config: types.GenerateContentConfig | None = None,
    model: str = "gemini-2.5-flash", prompt: str = SCRIPT_PROMPT, location: str = LOCATION,
) -> types.GenerateContentResponse:  # fmt: skip
    return client(fake, location).models.generate_content(
        model=model, contents=prompt, config=config
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_script_answer_is_valid_json_for_the_prompt(fake: FakeVertex) -> None:
    answer = json.loads(ask(fake).text or "")
    assert [b["index"] for b in answer["blocks"]] == list(range(10))
    assert set(answer["blocks"][0]) == {"index", "visual", "dialogue", "sound_effects"}
    assert "volcanoes" in answer["blocks"][0]["dialogue"]  # French line naming the theme
    assert answer["blocks"][0]["dialogue"].startswith("Bienvenue")
    assert fake.calls()[0]["violations"] == []


@pytest.mark.parametrize(
    ("ending", "image"),
    [("SAFETY", False), ("PROHIBITED_CONTENT", False), ("IMAGE_SAFETY", True),
     ("IMAGE_PROHIBITED_CONTENT", True), ("NO_IMAGE", True)],
)  # fmt: skip
def test_candidates_ending_without_content(fake: FakeVertex, ending: str, image: bool) -> None:
    fake.script([{"kind": "generateContent", "finish_reason": ending}])
    response = ask(fake, IMAGE if image else None, "gemini-2.5-flash-image" if image else
                   "gemini-2.5-flash")  # fmt: skip
    [candidate] = response.candidates or []
    assert candidate.finish_reason == types.FinishReason(ending)
    assert not (candidate.content and candidate.content.parts)


def test_max_tokens_cuts_the_text(fake: FakeVertex) -> None:
    fake.script([{"kind": "generateContent", "finish_reason": "MAX_TOKENS"}])
    response = ask(fake)
    assert response.candidates and response.candidates[0].finish_reason == (
        types.FinishReason.MAX_TOKENS)  # fmt: skip
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text or "")


def test_image_request_answered_with_text_only(fake: FakeVertex) -> None:
    fake.script([{"kind": "generateContent", "finish_reason": "STOP_TEXT_ONLY"}])
    response = ask(fake, IMAGE, "gemini-2.5-flash-image")
    [candidate] = response.candidates or []
    assert candidate.finish_reason == types.FinishReason.STOP
    parts = candidate.content.parts if candidate.content else None
    assert parts and all(p.inline_data is None for p in parts) and parts[0].text


def test_image_after_a_text_part(fake: FakeVertex) -> None:
    fake.script([{"kind": "generateContent", "text_before_image": True}])
    response = ask(fake, IMAGE, "gemini-2.5-flash-image")
    parts = (response.candidates or [])[0].content.parts or []  # type: ignore[union-attr]
    assert parts[0].text and parts[0].inline_data is None
    assert parts[1].inline_data is not None and parts[1].inline_data.data
    assert png_size(parts[1].inline_data.data) == (768, 1344)


@pytest.mark.parametrize(("ratio", "size"), [("9:16", (768, 1344)), ("1:1", (1024, 1024)),
                                             ("16:9", (1344, 768))])  # fmt: skip
def test_image_sizes_are_gemini_flash_images(
    fake: FakeVertex, ratio: str, size: tuple[int, int]
) -> None:
    config = types.GenerateContentConfig(
        response_modalities=["IMAGE"], image_config=types.ImageConfig(aspect_ratio=ratio)
    )
    parts = (ask(fake, config, "gemini-2.5-flash-image").candidates or [])[0].content.parts  # type: ignore[union-attr]
    assert parts and parts[0].inline_data and parts[0].inline_data.data
    assert png_size(parts[0].inline_data.data) == size


def tts(voice: str) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["AUDIO"],
        speech_config=types.SpeechConfig(voice_config=types.VoiceConfig(
            prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=voice))),
    )  # fmt: skip


def test_tts_answers_24_khz_pcm_for_a_gemini_voice(fake: FakeVertex) -> None:
    response = ask(fake, tts("Kore"), "gemini-2.5-flash-tts",
                   "Read the following aloud in English:\nHello and welcome.")  # fmt: skip
    blob = (response.candidates or [])[0].content.parts[0].inline_data  # type: ignore[union-attr,index]
    assert blob is not None and blob.mime_type == "audio/L16;codec=pcm;rate=24000"
    assert blob.data and 0.5 < len(blob.data) / 2 / 24000 < 5


def test_tts_refuses_a_voice_gemini_does_not_have(fake: FakeVertex) -> None:
    with pytest.raises(genai_errors.ClientError) as caught:
        ask(fake, tts("Wavenet-A"), "gemini-2.5-flash-tts", "Read:\nHello.")
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")


@pytest.mark.parametrize(
    ("model", "location"),
    [("gemini-2.5-flash-preview-tts", LOCATION),  # a Gemini Developer API id, not Vertex's
     ("gemini-3.8-flash-tts", LOCATION),  # served in global (and us, eu) only
     ("gemini-9-flash", "global")],
)  # fmt: skip
def test_models_vertex_does_not_serve_there_are_404(
    fake: FakeVertex, model: str, location: str
) -> None:
    with pytest.raises(genai_errors.ClientError) as caught:
        ask(fake, model=model, location=location)
    assert (caught.value.code, caught.value.status) == (404, "NOT_FOUND")
    assert f"projects/{PROJECT}/locations/{location}/publishers/google/models/{model}`" in str(
        caught.value.message)  # fmt: skip
    assert [v["rule"] for v in fake.violations()] == ["unknown_model"]


def test_a_global_only_model_is_served_in_global(fake: FakeVertex) -> None:
    response = ask(fake, tts("Puck"), "gemini-3.8-flash-tts", "Read:\nHello.", "global")
    assert (response.candidates or [])[0].content.parts[0].inline_data  # type: ignore[union-attr,index]


def test_the_allow_list_is_a_setting(fake: FakeVertex) -> None:
    fake.configure({"models": {"generateContent": {"gemini-9-flash": ["us-central1"]}}})
    assert json.loads(ask(fake, model="gemini-9-flash").text or "")["blocks"]
    with pytest.raises(genai_errors.ClientError):  # the method's list was replaced
        ask(fake, model="gemini-2.5-flash")
