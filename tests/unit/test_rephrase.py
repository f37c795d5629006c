"""A refused block: one safer rephrase, then it passes or the job fails with a reason code."""

from datetime import timedelta

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.models import Block, Language, Style
from shortvideo.stages import intake, monitor_stage
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services


@pytest.fixture
def svc(tmp_path):
    services = memory_services(tmp_path, VIDEO_POLL_SECONDS="5", RETRY_BACKOFF_SECONDS="0,0,0")
    services._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    return services


def start_job(svc, refusals):
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs, refusals=refusals)
    video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]
    handle_script(svc, video_id)
    return video_id


def run_video(svc, video_id, limit=60):
    for _ in range(limit):
        doc = svc.jobs.get_job(video_id)
        if doc["status"] not in ("generating_video", "script_generated"):
            return doc
        if doc.get("wake_at"):
            svc.jobs.jobs[video_id]["wake_at"] = utcnow() - timedelta(seconds=1)
        handle_video(svc, video_id)
    raise AssertionError("video stage did not finish")


def submitted_visuals(svc, block):
    return [s.visual for s in svc.video_model.submitted if s.block_index == block]


@pytest.mark.parametrize("way", ["sync", "operation"])
def test_a_refused_block_is_rephrased_once_and_then_passes(svc, way):
    video_id = start_job(svc, {3: [way]})
    doc = run_video(svc, video_id)
    assert doc["status"] == "video_generated" and doc["completed_blocks"] == 9
    original, rephrased = submitted_visuals(svc, 3)
    assert rephrased == f"safer: {original}"  # the second submission used the rephrase
    assert f"Scene: {rephrased}" in [s.prompt for s in svc.video_model.submitted][-6]
    assert svc.script_model.rephrased == [(3, "content_filtered.child")]
    entry = doc["rephrases"]["3"]
    assert entry["reason_code"] == "content_filtered.child"
    assert (entry["original_prompt"], entry["rephrased_prompt"]) == (original, rephrased)
    assert entry["outcome"] == "passed" and entry["at"] <= entry["passed_at"]
    assert list(doc["rephrases"]) == ["3"]
    assert doc.get("error") is None and doc["attempts"]["video"] == 1  # no retry was spent


@pytest.mark.parametrize("ways", [["sync", "sync"], ["operation", "sync"], ["sync", "operation"]])
def test_a_block_refused_after_its_rephrase_fails_the_job_with_the_reason_code(svc, ways):
    video_id = start_job(svc, {2: ways})
    doc = run_video(svc, video_id)
    assert doc["status"] == "failed"
    assert doc["error"]["code"] == "content_filtered.child"
    assert "refused again after one safer rephrase" in doc["error"]["message"]
    assert doc["completed_blocks"] == 2
    assert len(submitted_visuals(svc, 2)) == 2  # the original and the rephrase, nothing more
    assert doc["rephrases"]["2"]["outcome"] == "refused"
    assert doc["rephrases"]["2"]["rephrased_prompt"] == submitted_visuals(svc, 2)[1]
    assert doc.get("veo_operation") is None and doc.get("veo_submit_intent") is None
    assert monitor_stage.run_monitor(svc)["rung"] == []  # failed for good: nothing retries it


def test_a_refusal_the_script_model_will_not_rephrase_fails_with_the_video_reason(svc):
    video_id = start_job(svc, {0: ["sync"]})
    svc.script_model.refuse_rephrase = True
    doc = run_video(svc, video_id)
    assert doc["status"] == "failed" and doc["error"]["code"] == "content_filtered.child"
    assert doc["rephrases"]["0"]["outcome"] == "refused"
    assert doc["rephrases"]["0"]["rephrased_prompt"] is None
    assert len(svc.video_model.submitted) == 1


def test_each_refused_block_gets_its_own_rephrase(svc):
    video_id = start_job(svc, {1: ["operation"], 6: ["sync"]})
    doc = run_video(svc, video_id)
    assert doc["status"] == "video_generated"
    assert {k: e["outcome"] for k, e in doc["rephrases"].items()} == {"1": "passed", "6": "passed"}
    assert [b for b, _ in svc.script_model.rephrased] == [1, 6]


def test_a_deterministic_operation_error_is_not_retried(svc):
    video_id = start_job(svc, {})
    model = svc.video_model
    original_poll = model.poll

    def invalid_argument(name):
        status = original_poll(name)
        if name == "ops/1":
            return type(status)(
                done=True,
                error_code="veo_invalid_argument",
                error_message="Unsupported input video.",
                retryable=False,
            )
        return status

    model.poll = invalid_argument
    doc = run_video(svc, video_id)
    assert doc["status"] == "failed" and doc["error"]["code"] == "provider_rejected"
    assert len(model.submitted) == 2 and not doc.get("rephrases")


def test_the_demo_writer_rephrases_by_category_and_keeps_the_scene():
    block = Block(index=2, visual="cinematic close-up: a narrator presents bees", dialogue="Hi.")
    writer = DemoScriptWriter()
    child = writer.rephrase_visual(block, Language.EN, Style.CINEMATIC, "content_filtered.child")
    other = writer.rephrase_visual(block, Language.EN, Style.CINEMATIC, "content_filtered.hate")
    assert child.startswith(block.visual) and "adults only" in child
    assert other.startswith(block.visual) and other != child


def test_a_rephrase_call_that_fails_is_retried_and_the_refused_prompt_never_resubmitted(svc):
    from shortvideo.errors import ProviderError

    video_id = start_job(svc, {4: ["operation"]})
    model = svc.script_model
    real, calls = model.rephrase_visual, []

    def fails_once(*args):
        calls.append(args[0].visual)
        if len(calls) == 1:
            raise ProviderError("Gemini: HTTP 503 UNAVAILABLE")
        return real(*args)

    model.rephrase_visual = fails_once
    doc = run_video(svc, video_id)
    assert doc["status"] == "video_generated", doc.get("error")
    original, rephrased = submitted_visuals(svc, 4)  # the refused one, then its rephrase only
    assert rephrased == f"safer: {original}" and calls == [original, original]
    entry = doc["rephrases"]["4"]
    assert entry["outcome"] == "passed" and entry["rephrased_prompt"] == rephrased
