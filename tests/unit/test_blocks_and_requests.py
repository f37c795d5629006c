import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.errors import InvalidRequest, ScriptInvalid
from shortvideo.models import (
    Character,
    Language,
    Style,
    VideoRequest,
    blocks_for_target,
    seconds_for_blocks,
)
from shortvideo.ports import ScriptBrief
from shortvideo.scripts import parse_script, validate_script
from shortvideo.stages.intake import parse_request
from shortvideo.voices import GEMINI_VOICES, espeak_variant


@pytest.mark.parametrize(
    ("target", "blocks"), [(64, 9), (71, 10), (78, 11), (85, 12)],
)
def test_block_count_fits_target(target, blocks):
    assert blocks_for_target(target) == blocks
    assert seconds_for_blocks(blocks) == target
    assert parse_request({"theme": "ok", "target_seconds": target}).target_seconds == target


@pytest.mark.parametrize("target", [60, 63, 65, 70, 72, 86, 90, 8])
def test_only_the_offered_lengths_are_accepted_and_the_error_lists_them(target):
    with pytest.raises(InvalidRequest) as err:
        parse_request({"theme": "ok", "target_seconds": target})
    assert err.value.field == "target_seconds"
    assert "64, 71, 78, 85" in err.value.message
    with pytest.raises(ValueError, match="not one of"):
        blocks_for_target(target)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "theme"),
        ({"theme": ""}, "theme"),
        ({"theme": "   "}, "theme"),
        ({"theme": "x" * 501}, "theme"),
        ({"theme": "ok", "style": "baroque"}, "style"),
        ({"theme": "ok", "language": "de"}, "language"),
        ({"theme": "ok", "character_id": "../etc/passwd"}, "character_id"),
        ({"theme": "ok", "music": "a/b"}, "music"),
        ({"theme": "ok", "target_seconds": 30}, "target_seconds"),
        ({"theme": "ok", "target_seconds": "sixty"}, "target_seconds"),
        ({"theme": "ok", "surprise": 1}, "surprise"),
        ({"theme": "bell\x07"}, "theme"),
        ({"theme": "ok", "voice": "Bob"}, "voice"),
        ({"theme": "ok", "voice": "x" * 65}, "voice"),
        ({"theme": "ok", "voice": 7}, "voice"),
        ({"theme": "ok", "voice": "K\u043ere"}, "voice"),  # a Cyrillic o: not Kore
        ({"theme": "ok", "voice": "../Kore"}, "voice"),
        # Cloud TTS voices of other languages: not the plan's (French) Wavenet-A..D (0011)
        ({"theme": "ok", "voice": "en-US-Wavenet-A"}, "voice"),
        ({"theme": "ok", "voice": "es-ES-Wavenet-C"}, "voice"),
    ],
)
def test_bad_requests_name_the_field(payload, field):
    with pytest.raises(InvalidRequest) as err:
        parse_request(payload)
    assert err.value.field == field
    assert err.value.to_json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("given", "stored"),
    [("Rasalgethi", "Rasalgethi"), ("kore", "Kore"), ("Sabik", "Sadaltager"),
     ("fr-FR-Wavenet-A", "Aoede"), ("wavenet-d", "Orus"), ("Wavenet-B", "Charon"),
     ("en-US-Kore", "Kore"), ("", None)],
)  # fmt: skip
def test_voices_are_stored_as_gemini_voice_names(given, stored):
    assert parse_request({"theme": "ok", "voice": given}).voice == stored


def test_neighbouring_voices_get_different_offline_variants():
    variants = [espeak_variant(v) for v in GEMINI_VOICES[:10]]
    assert len(set(variants)) == 10
    assert espeak_variant("sabik") == espeak_variant("Sadaltager")


def test_request_defaults_and_non_object_body():
    request = parse_request({"theme": "  The secret life of octopuses  "})
    assert request.theme == "The secret life of octopuses"
    assert (request.style, request.language, request.target_seconds) == (
        Style.CINEMATIC,
        Language.EN,
        64,
    )
    with pytest.raises(InvalidRequest):
        parse_request(["theme"])
    assert VideoRequest(theme="x" * 500).theme


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("count", [9, 12])
def test_demo_writer_makes_valid_scripts(language, count):
    character = Character(character_id="nova", name="Nova", description="an explorer")
    brief = ScriptBrief(
        theme="Deep sea creatures that glow",
        style=Style.ANIME,
        language=language,
        block_count=count,
        character=character,
    )
    script = validate_script(DemoScriptWriter().write_script(brief), brief)
    assert len(script.blocks) == count
    assert "Nova" in script.blocks[0].dialogue
    assert all("Deep sea creatures" in b.visual for b in script.blocks)
    assert len({b.dialogue for b in script.blocks}) == count


def test_validation_rejects_wrong_counts_languages_and_shapes():
    brief = ScriptBrief(theme="t", style=Style.SKETCH, language=Language.FR, block_count=9)
    script = DemoScriptWriter().write_script(brief)
    with pytest.raises(ScriptInvalid, match="needs 10"):
        validate_script(script, ScriptBrief("t", Style.SKETCH, Language.FR, 10))
    with pytest.raises(ScriptInvalid, match="language"):
        validate_script(script.model_copy(update={"language": Language.ES}), brief)
    shuffled = script.model_copy(update={"blocks": list(reversed(script.blocks))})
    with pytest.raises(ScriptInvalid, match="indices"):
        validate_script(shuffled, brief)
    with pytest.raises(ScriptInvalid, match="blocks"):
        parse_script({"title": "t", "language": "fr", "style": "sketch", "blocks": [{"index": 0}]})
