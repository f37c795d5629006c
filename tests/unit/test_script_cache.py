from datetime import UTC, datetime, timedelta

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.models import Character, Language, Style
from shortvideo.ports import ScriptBrief
from shortvideo.script_cache import cache_entry, cache_key, cached_script

BRIEF = ScriptBrief(theme="Volcanoes", style=Style.CINEMATIC, language=Language.EN, block_count=9)


def test_key_ignores_whitespace_and_case_but_not_what_shapes_the_script():
    base = cache_key(BRIEF, "demo", "m")
    assert (
        cache_key(ScriptBrief("  volcanoes ", Style.CINEMATIC, Language.EN, 9), "demo", "m") == base
    )
    variants = [
        ScriptBrief("Glaciers", Style.CINEMATIC, Language.EN, 9),
        ScriptBrief("Volcanoes", Style.ANIME, Language.EN, 9),
        ScriptBrief("Volcanoes", Style.CINEMATIC, Language.FR, 9),
        ScriptBrief("Volcanoes", Style.CINEMATIC, Language.EN, 10),
        ScriptBrief(
            "Volcanoes",
            Style.CINEMATIC,
            Language.EN,
            9,
            Character(character_id="c", name="Ana", description="d"),
        ),
    ]
    keys = {cache_key(v, "demo", "m") for v in variants}
    assert base not in keys and len(keys) == len(variants)
    assert cache_key(BRIEF, "demo", "other-model") != base
    assert len(base) == 64 and base.isalnum()


def test_entries_expire_after_ttl():
    now = datetime(2026, 11, 21, tzinfo=UTC)
    script = DemoScriptWriter().write_script(BRIEF)
    entry = cache_entry(script, now, ttl_days=7)
    assert cached_script(entry, now + timedelta(days=6)) == script
    assert cached_script(entry, now + timedelta(days=7)) is None
    assert cached_script(None, now) is None
