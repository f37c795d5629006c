"""The video stage over in-memory ports: tails as extension inputs, kept parts, both routes."""

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.adapters.google_video import VeoVideoModel
from shortvideo.models import Language, Style
from shortvideo.ports import VideoStep
from shortvideo.settings import settings_from
from shortvideo.stages import intake
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from tests.fakes import FixedScriptModel, ScriptedVideoModel, fake_video_seconds, memory_services
from tests.unit.test_stages_in_memory import run_video_to_end


def video_job(tmp_path, target=64, **env):
    svc = memory_services(tmp_path, VIDEO_POLL_SECONDS="5", **env)
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs)
    video_id = intake.create_job(svc, {"theme": "Bees", "target_seconds": target})["video_id"]
    handle_script(svc, video_id)
    return svc, run_video_to_end(svc, video_id)


def input_seconds(svc, step):
    return fake_video_seconds(
        svc.blobs.download_bytes(svc.blobs.name_from_uri(step.previous_video_uri))
    )


def test_each_extension_gets_the_tail_and_only_its_new_seconds_are_kept(tmp_path):
    svc, doc = video_job(tmp_path, target=85)
    steps = svc.video_model.submitted
    assert doc["status"] == "video_generated" and len(steps) == 12
    assert steps[0].previous_video_uri is None
    for step in steps[1:]:  # never the whole video so far: block 11 would send 78 s
        assert step.previous_video_uri.endswith(f"/tails/b{step.block_index:02d}.mp4")
        assert step.previous_video_uri.startswith(
            f"gs://test-bucket/veo31_videos/{doc['video_id']}/"
        )
        assert input_seconds(svc, step) == 8.0 and step.seconds == 7
    # The tail is the last 8 s: the opening clip whole, then 1 s of the part before + 7 s.
    assert svc.editor.tails[0] == [(0.0, 8.0)]
    assert svc.editor.tails[1] == [(7.0, 1.0), (8.0, 7.0)]
    assert svc.editor.tails[5] == [(14.0, 1.0), (8.0, 7.0)]
    parts = doc["parts"]
    assert [p["block"] for p in parts] == list(range(12))
    assert parts[0] == {"block": 0, "uri": doc["video_operations"][0]["video_uri"],
                        "start": 0.0, "seconds": 8.0}  # fmt: skip
    assert all(p["start"] == 8.0 and p["seconds"] == 7.0 for p in parts[1:])
    assert doc["video_seconds"] == 85.0 and "veo31_video_uri" not in doc
    op = doc["video_operations"][4]
    assert (op["input_seconds"], op["output_seconds"], op["keep_from"], op["keep_seconds"]) == (
        8.0, 15.0, 8.0, 7.0,
    )  # fmt: skip
    assert doc["cost"]["billed_seconds"] == 85


def test_output_seconds_billing_bills_each_extension_its_input_too(tmp_path):
    _, doc = video_job(tmp_path, VEO_EXTENSION_BILLING="output_seconds",
                         VEO_EXTENSION_INPUT_SECONDS="5", MAX_JOB_COST_USD="100")  # fmt: skip
    billed = [op["billed_seconds"] for op in doc["video_operations"]]
    assert billed == [8.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0]
    assert doc["cost"]["billed_seconds"] == 104 and doc["cost"]["actual_usd"] == pytest.approx(41.6)
    assert doc["video_seconds"] == 64.0  # the final is as long whatever the billing


def test_an_extension_that_adds_nothing_is_a_provider_error_not_a_part(tmp_path):
    class EchoModel(ScriptedVideoModel):
        def output_for(self, step):  # returns its input unchanged
            return super().output_for(step) if step.block_index < 2 else self.echo(step)

        def echo(self, step):
            return self.blobs.download_bytes(self.blobs.name_from_uri(step.previous_video_uri))

    svc = memory_services(tmp_path, VIDEO_POLL_SECONDS="5")
    svc._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    svc._lazy["video"] = EchoModel(svc.blobs)
    video_id = intake.create_job(svc, {"theme": "Bees"})["video_id"]
    handle_script(svc, video_id)
    for _ in range(10):
        handle_video(svc, video_id)
        doc = svc.jobs.get_job(video_id)
        if doc.get("error"):
            break
    # Retried by the monitor like any provider fault; the empty output is never kept.
    assert doc["status"] == "script_generated" and doc["completed_blocks"] == 2
    assert "nothing new to keep" in doc["error"]["message"]
    assert len(doc["parts"]) == 2 and doc["veo_operation"] is None
    assert doc["last_failed_operation"]["block"] == 2  # the retry submits block 2 again


def test_image_to_video_makes_new_clips_from_the_last_frame(tmp_path):
    svc, doc = video_job(tmp_path, VEO_EXTENSION_ROUTE="image_to_video")
    steps = svc.video_model.submitted
    assert all(step.previous_video_uri is None and step.seconds == 8 for step in steps)
    assert steps[0].first_frame_uri is None
    assert [s.first_frame_uri.rsplit("/", 1)[1] for s in steps[1:]] == [
        f"b{i:02d}.png" for i in range(1, 9)
    ]
    assert all(p["start"] == 0.0 and p["seconds"] == 8.0 for p in doc["parts"])
    assert doc["video_seconds"] == 72.0 and doc["cost"]["billed_seconds"] == 72
    assert svc.editor.tails == []


def step(**fields):
    base = dict(video_id="v", block_index=1, seconds=8, prompt="p", visual="v", dialogue="d",
                style=Style.ANIME, language=Language.EN,
                output_prefix="veo31_videos/v/b01/")  # fmt: skip
    return VideoStep(**{**base, **fields})


def test_veo_request_sends_the_first_frame_as_the_image_and_no_references():
    model = VeoVideoModel(settings_from({"VERTEX_PROJECT": "p", "PIPELINE_BUCKET": "bk"}))
    source, config = model.request(
        step(first_frame_uri="gs://bk/f.png", reference_image_uris=("gs://bk/c.png",))
    )
    assert source.image.gcs_uri == "gs://bk/f.png" and source.image.mime_type == "image/png"
    assert source.video is None and config.reference_images is None
    assert config.duration_seconds == 8
    source, _ = model.request(step(previous_video_uri="gs://bk/t.mp4", seconds=7))
    assert source.video.uri == "gs://bk/t.mp4" and source.image is None
