"""A job keeps a copy of its character: the stages read the job, never the character again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from demo_providers.script_writer import DemoScriptWriter
from shortvideo.stages import intake
from shortvideo.stages.runner import utcnow
from shortvideo.stages.script_stage import handle_script
from shortvideo.stages.video_stage import handle_video
from shortvideo.studio.characters import delete_character
from tests.fakes import FixedScriptModel, ScriptedVideoModel, memory_services


@pytest.fixture
def svc(tmp_path):  # type: ignore[no-untyped-def]
    services = memory_services(tmp_path, VIDEO_POLL_SECONDS="5", MAX_RUNNING_JOBS_PER_CREATOR="0")
    services._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    services._lazy["video"] = ScriptedVideoModel(services.blobs, polls_until_done=1)
    services.blobs.upload_bytes("characters/c1.png", b"\x89PNG card", "image/png")
    services.catalog.add_character(
        {
            "character_id": "c1",
            "created_by": "ada",
            "name": "Ana",
            "description": "a baker",
            "image_object": "characters/c1.png",
            "created_at": utcnow(),
        }
    )
    return services


def test_the_job_uses_its_copy_after_the_character_is_deleted(svc) -> None:  # type: ignore[no-untyped-def]
    job = intake.create_job(svc, {"theme": "bread", "character_id": "c1", "created_by": "ada"})
    video_id = job["video_id"]
    copy = f"job_inputs/{video_id}/character.png"
    assert job["character"] == {"character_id": "c1", "name": "Ana", "description": "a baker",
                                "reference_image_uri": svc.blobs.uri(copy)}  # fmt: skip
    delete_character(svc, "c1", "ada")
    assert not svc.blobs.exists("characters/c1.png") and svc.blobs.exists(copy)
    reads: list[str] = []
    svc.jobs.get_character = lambda cid: reads.append(cid)  # type: ignore[method-assign]
    briefs = []
    writer = DemoScriptWriter()
    svc._lazy["script"] = FixedScriptModel(lambda b: briefs.append(b) or writer.write_script(b))
    assert handle_script(svc, video_id) == {"outcome": "done"}
    assert briefs[-1].character.description == "a baker"
    for _ in range(40):
        doc = svc.jobs.get_job(video_id)
        if doc["status"] == "video_generated":
            break
        if doc.get("wake_at"):
            svc.jobs.jobs[video_id]["wake_at"] = utcnow() - timedelta(seconds=1)
        handle_video(svc, video_id)
    assert svc.jobs.get_job(video_id)["status"] == "video_generated"
    steps = svc.video_model.submitted
    assert len(steps) == 9
    assert all(s.reference_image_uris == (svc.blobs.uri(copy),) for s in steps)
    assert all("Ana, a baker" in s.prompt for s in steps)
    assert reads == []  # neither stage read the (deleted) character


def test_another_creators_character_is_unknown(svc) -> None:  # type: ignore[no-untyped-def]
    from shortvideo.errors import UnknownCharacter

    with pytest.raises(UnknownCharacter):
        intake.create_job(svc, {"theme": "bread", "character_id": "c1", "created_by": "bob"})
    assert svc.jobs.jobs == {}
