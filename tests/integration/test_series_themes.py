"""Gemini proposes a series' next theme: the REAL google-genai SDK against the fake Vertex."""

from __future__ import annotations

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.adapters.google_models import GeminiScriptWriter
from shortvideo.errors import ProviderError
from shortvideo.models import Language
from shortvideo.settings import settings_from
from tests.fake_vertex.server import FakeVertex

pytestmark = pytest.mark.integration


@pytest.fixture
def fake(fake_vertex: FakeVertex) -> FakeVertex:
    fake_vertex.reset()  # each test starts from no calls and no scripted behaviour
    return fake_vertex


def writer(fake: FakeVertex) -> GeminiScriptWriter:
    return GeminiScriptWriter(settings_from({
        "VERTEX_PROJECT": "test-project", "VERTEX_LOCATION": "us-central1",
        "VERTEX_API_BASE_URL": fake.url, "PIPELINE_BUCKET": "no-bucket",
    }))  # fmt: skip


def prompt_of(call: dict) -> str:
    return str(call["body"]["contents"][0]["parts"][0]["text"])


def test_gemini_proposes_a_theme_told_which_themes_to_avoid(fake: FakeVertex) -> None:
    fake.script([{"kind": "generateContent", "text": ' "Octopus camouflage"\n'}])
    theme = writer(fake).propose_theme("Ocean animals", Language.FR, ["Whale songs", "Crabs"])
    assert theme == "Octopus camouflage"
    [call] = fake.calls()
    prompt = prompt_of(call)
    assert "Ocean animals" in prompt and "French" in prompt
    assert "- Whale songs" in prompt and "- Crabs" in prompt


def test_a_repeated_theme_is_refused_and_asked_again(fake: FakeVertex) -> None:
    fake.script([
        {"kind": "generateContent", "text": "whale songs"},
        {"kind": "generateContent", "text": "Coral reefs at night"},
    ])  # fmt: skip
    theme = writer(fake).propose_theme("Ocean animals", Language.EN, ["Whale songs"])
    assert theme == "Coral reefs at night"
    first, second = fake.calls()
    assert "REJECTED" not in prompt_of(first) and "'whale songs' was already used" in prompt_of(
        second
    )


def test_twice_a_repeat_is_a_provider_error(fake: FakeVertex) -> None:
    fake.script([{"kind": "generateContent", "text": "Crabs"}] * 2)
    with pytest.raises(ProviderError):
        writer(fake).propose_theme("Ocean animals", Language.EN, ["crabs"])


def test_the_offline_writer_never_repeats_the_themes_to_avoid() -> None:
    demo = DemoScriptWriter()
    seen: list[str] = []
    for _ in range(20):  # more than its angles: it numbers further rounds
        theme = demo.propose_theme("the deep sea", Language.ES, seen[-10:])
        assert theme not in seen[-10:] and "the deep sea" in theme
        seen.append(theme)
