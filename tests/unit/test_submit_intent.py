"""A video agent that dies while its submit is in flight must not pay for the block again."""

from datetime import timedelta

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.errors import ProviderError, ProviderUnanswered
from shortvideo.stages import intake, monitor_stage
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services
from tests.unit.test_stages_in_memory import run_video_to_end


class ProcessDied(BaseException):
    """Stands for SIGKILL: nothing after the call runs, no handler sees it."""


class DyingVideoModel(ScriptedVideoModel):
    """Accepts the submit of `die_on_block` (the model will bill it), then the caller dies."""

    def __init__(self, blobs, die_on_block: int, write_output: bool) -> None:
        super().__init__(blobs)
        self.die_on_block = die_on_block
        self.write_output = write_output
        self.lost_steps = []

    def submit(self, step):
        if step.block_index == self.die_on_block and not self.lost_steps:
            self.lost_steps.append(step)
            self.submitted.append(step)
            if self.write_output:
                self.finish_lost()
            raise ProcessDied()
        return super().submit(step)

    def finish_lost(self):
        step = self.lost_steps[0]
        self.blobs.upload_bytes(
            f"{step.output_prefix}123/sample_0.mp4", self.output_for(step), "video/mp4"
        )


@pytest.fixture
def svc(tmp_path):
    services = memory_services(
        tmp_path,
        VIDEO_POLL_SECONDS="5",
        RETRY_BACKOFF_SECONDS="0,0,0",
        VIDEO_OPERATION_TIMEOUT_SECONDS="60",
    )
    services._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    return services


def die_during_submit(svc, model):
    svc._lazy["video"] = model
    video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]
    handle_script(svc, video_id)
    with pytest.raises(ProcessDied):
        run_video_to_end(svc, video_id)
    doc = svc.jobs.get_job(video_id)
    assert doc["veo_operation"] is None
    intent = doc["veo_submit_intent"]
    assert intent["block"] == model.die_on_block
    assert intent["output_prefix"] == model.lost_steps[0].output_prefix
    svc.jobs.jobs[video_id]["lease_expires_at"] = utcnow() - timedelta(seconds=1)
    assert monitor_stage.run_monitor(svc)["recovered"][0]["video_id"] == video_id
    return video_id


def submits_of(model, block):
    return [s.block_index for s in model.submitted].count(block)


def test_a_lost_submit_whose_video_exists_is_adopted(svc):
    model = DyingVideoModel(svc.blobs, die_on_block=2, write_output=True)
    video_id = die_during_submit(svc, model)
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated"
    assert submits_of(model, 2) == 1 and len(model.submitted) == 9
    adopted = doc["video_operations"][2]
    assert adopted["adopted"] is True and adopted["name"] is None
    assert adopted["video_uri"].endswith("123/sample_0.mp4")
    assert doc["cost"]["billed_seconds"] == 64  # the adopted block is counted as billed
    assert doc["veo_submit_intent"] is None


def test_a_lost_submit_is_waited_for_until_its_video_appears(svc):
    model = DyingVideoModel(svc.blobs, die_on_block=0, write_output=False)
    video_id = die_during_submit(svc, model)
    for _ in range(2):
        svc.jobs.jobs[video_id]["wake_at"] = utcnow() - timedelta(seconds=1)
        assert handle_video(svc, video_id)["outcome"] == "waiting"
    assert svc.jobs.get_job(video_id)["veo_submit_intent"]["checks"] == 2
    model.finish_lost()
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated" and submits_of(model, 0) == 1


def test_a_lost_submit_with_no_video_after_the_timeout_is_submitted_again(svc):
    model = DyingVideoModel(svc.blobs, die_on_block=1, write_output=False)
    video_id = die_during_submit(svc, model)
    svc.jobs.jobs[video_id]["veo_submit_intent"]["at"] = utcnow() - timedelta(seconds=61)
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated" and submits_of(model, 1) == 2
    assert doc["last_failed_operation"]["block"] == 1


def test_each_submission_writes_under_a_prefix_of_its_own(svc):
    model = ScriptedVideoModel(svc.blobs)
    svc._lazy["video"] = model
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    handle_script(svc, video_id)
    run_video_to_end(svc, video_id)
    prefixes = [s.output_prefix for s in model.submitted]
    assert len(set(prefixes)) == len(prefixes) == 9
    assert all(p.startswith(f"veo31_videos/{video_id}/b0") for p in prefixes)


def test_a_rejected_submit_clears_its_intent(svc):
    class Rejecting(ScriptedVideoModel):
        def submit(self, step):
            raise ProviderError("503 UNAVAILABLE")

    svc._lazy["video"] = Rejecting(svc.blobs)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    handle_script(svc, video_id)
    assert handle_video(svc, video_id)["outcome"] == "retry_scheduled"
    assert svc.jobs.get_job(video_id)["veo_submit_intent"] is None


def test_an_unreadable_submit_answer_waits_for_the_video_instead_of_paying_again(svc):
    class AnswerLost(ScriptedVideoModel):
        """Starts the operation (its video appears at once), but the answer is unreadable."""

        def submit(self, step):
            if step.block_index == 1 and not any(s.block_index == 1 for s in self.submitted):
                self.submitted.append(step)
                self.blobs.upload_bytes(
                    f"{step.output_prefix}9/sample_0.mp4", self.output_for(step), "video/mp4"
                )
                raise ProviderUnanswered("malformed response from the API")
            return super().submit(step)

    model = AnswerLost(svc.blobs)
    svc._lazy["video"] = model
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    handle_script(svc, video_id)
    doc = run_video_to_end(svc, video_id)
    assert doc["status"] == "video_generated" and submits_of(model, 1) == 1
    assert doc["video_operations"][1]["adopted"] is True
    assert doc["attempts"]["video"] == 1  # waiting for the answer spent no attempt
