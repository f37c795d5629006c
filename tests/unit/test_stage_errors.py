"""What a creator is shown when a stage fails unexpectedly: a stable code, no internals."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.models import Script
from shortvideo.stages import intake
from shortvideo.stages.script_stage import handle_script
from tests.fakes import FixedScriptModel, memory_services


def _explode(brief: object) -> object:
    raise KeyError("/srv/secret/path.json")


def test_an_unexpected_exception_stores_a_stable_code_and_a_generic_message(tmp_path):
    svc = memory_services(tmp_path, RETRY_BACKOFF_SECONDS="0,0,0", MAX_ATTEMPTS="1")
    svc._lazy["script"] = FixedScriptModel(_explode)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    with capture_logs() as logged:
        outcome = handle_script(svc, video_id)
    error = svc.jobs.get_job(video_id)["error"]
    assert outcome["outcome"] == "failed"
    assert error["code"] == "internal" and error["stage"] == "script"
    assert "an internal error interrupted the script stage" in error["message"]
    for leaked in ("KeyError", "secret", "/srv"):
        assert leaked not in error["message"]
        assert leaked not in repr(outcome)
    # The detail is in the log, for the operator.
    crash = next(entry for entry in logged if entry["event"] == "stage_crashed")
    assert crash["error_type"] == "KeyError"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(
    "theme",
    ["Supercalifragilistic" * 25, "word " * 100, "a" * 497 + " b", "Deux mots " + "z" * 480],
)
def test_the_demo_writer_takes_any_valid_theme_and_keeps_its_start(tmp_path, language, theme):
    svc = memory_services(tmp_path)
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    video_id = intake.create_job(svc, {"theme": theme, "language": language})["video_id"]
    assert handle_script(svc, video_id) == {"outcome": "done"}
    doc = svc.jobs.get_job(video_id)
    raw = svc.blobs.download_bytes(svc.blobs.name_from_uri(doc["script_file"]))
    script = Script.model_validate_json(raw)
    assert script.title.startswith(theme.split()[0][:20])
    assert len(script.title) <= 80
    assert all(len(block.dialogue) <= 400 for block in script.blocks)
