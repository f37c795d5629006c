"""What a creator is shown when a stage fails unexpectedly: a stable code, no internals."""

from __future__ import annotations

from shortvideo.stages import intake
from shortvideo.stages.script_stage import handle_script
from tests.fakes import FixedScriptModel, memory_services


def _explode(brief: object) -> object:
    raise KeyError("/srv/secret/path.json")


def test_an_unexpected_exception_stores_a_stable_code_and_a_generic_message(tmp_path, capsys):
    svc = memory_services(tmp_path, RETRY_BACKOFF_SECONDS="0,0,0", MAX_ATTEMPTS="1")
    svc._lazy["script"] = FixedScriptModel(_explode)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    outcome = handle_script(svc, video_id)
    error = svc.jobs.get_job(video_id)["error"]
    assert outcome["outcome"] == "failed"
    assert error["code"] == "internal" and error["stage"] == "script"
    assert "an internal error interrupted the script stage" in error["message"]
    for leaked in ("KeyError", "secret", "/srv"):
        assert leaked not in error["message"]
        assert leaked not in repr(outcome)
    # The detail is in the log, for the operator.
    logged = capsys.readouterr()
    assert "KeyError" in logged.out + logged.err
