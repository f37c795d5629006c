"""The pipeline on the Google adapters against the fake Vertex AI: one clean job, then chaos.

Each test runs a second, complete local stack (provider google-fake) beside the session's one:
its ports are picked free, its logs go to the test's tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from demo_providers.render import extend_video, render_block_clip
from devstack.chaos import fake_configure, fake_get
from devstack.clients import firestore_client
from devstack.stack import Stack
from shortvideo.media.ffmpeg import probe, run_ffmpeg
from shortvideo.models import Language, Style
from tests.conftest import LOCAL_STACK_OVERRIDES, REPO_ROOT
from tests.e2e.jobs import wait_until_ended

pytestmark = pytest.mark.e2e

# The whole subprocess, stack start to summary (~140 s unloaded; its own cap, --timeout, is 420 s
# of waiting for jobs). Kills come every 20-40 s: at 8-20 s, an assembly under load (60-250 s
# measured while other suites ran) was killed at every attempt, and no job could complete.
CHAOS_SECONDS = 560
# Variables the session stack exports into this process; the chaos stack must not inherit them.
SESSION_VARIABLES = {
    "FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST",
    "GOOGLE_CLOUD_PROJECT", "PIPELINE_BUCKET", "TASKS_LOCATION", "SCRIPT_AGENT_URL",
    "VIDEO_AGENT_URL", "ASSEMBLER_URL", "MONITOR_URL", *LOCAL_STACK_OVERRIDES,
}  # fmt: skip


def test_light_clips_join_full_clips_by_stream_copy(tmp_path: Path) -> None:
    """The fake's light render keeps the codec parameters that Veo-style extension needs."""
    full, light, joined = tmp_path / "full.mp4", tmp_path / "light.mp4", tmp_path / "joined.mp4"
    common: dict[str, Any] = {"style": Style.ANIME, "visual": "a cat", "workdir": tmp_path}
    render_block_clip(out_path=full, seconds=8, block_index=0, dialogue="Hello there.",
                      language=Language.EN, **common)  # fmt: skip
    render_block_clip(out_path=light, seconds=7, block_index=1, dialogue="Bonjour à tous.",
                      language=Language.FR, light=True, **common)  # fmt: skip
    a, b = probe(full), probe(light)
    assert (b.width, b.height, b.video_codec, b.audio_codec) == (720, 1280, "h264", "aac")
    assert round(b.frame_rate) == 24 and abs(b.duration - 7) < 0.1
    assert (a.width, a.height, a.video_codec, a.audio_codec) == (720, 1280, "h264", "aac")
    extend_video(full, light, joined, tmp_path)
    assert abs(probe(joined).duration - 15) < 0.2
    run_ffmpeg(["-xerror", "-i", str(joined), "-f", "null", "-"])  # decodes without error


def test_google_fake_provider_runs_a_job_on_the_google_adapters(google_fake_stack: Stack) -> None:
    stack = google_fake_stack
    env = stack.env()
    assert env["PIPELINE_PROVIDER"] == "google" and env["VERTEX_PROJECT"] == "local-fake"
    assert env["VERTEX_API_BASE_URL"] == stack.fake_vertex_url
    assert (stack.log_dir / "fake_vertex.log").exists()
    fake_configure(stack.fake_vertex_url, {"fault_rate": 0, "render": "light"})

    status, text = stack.submit_video({
        "theme": "How glaciers move", "language": "fr", "style": "vintage",
        "character_id": "nova", "music": "calm", "voice": "Sabik",
    })  # fmt: skip
    assert status == 202, text
    video_id = json.loads(text)["video_id"]
    document = firestore_client(env).collection("video_status").document(video_id)
    doc = wait_until_ended(document, 480)  # a whole narrated job, on a loaded machine too

    assert doc.get("status") == "completed", doc.get("error") or doc.get("status")
    assert doc["provider"] == "google" and doc["video_model"] == "veo-3.1-generate-001"
    assert doc["attempts"] == {"script": 1, "video": 1, "assemble": 1}
    recorded = doc["video_operations"]
    assert [op["block"] for op in recorded] == list(range(doc["total_blocks"]))
    billed = [op for op in fake_get(stack.fake_vertex_url, "/_fake/billed")
              if op["video_id"] == video_id]  # fmt: skip
    assert sorted(op["name"] for op in billed) == sorted(op["name"] for op in recorded)
    assert sorted(op["block"] for op in billed) == list(range(doc["total_blocks"]))
    calls = fake_get(stack.fake_vertex_url, "/_fake/calls")
    models = {(c["kind"], c["model"]) for c in calls}
    assert ("generateContent", "gemini-2.5-flash") in models
    assert ("predictLongRunning", "veo-3.1-generate-001") in models
    veo = [c for c in calls if c["kind"] == "predictLongRunning"]
    character = firestore_client(env).collection("characters").document("nova").get().to_dict()
    assert character
    # Nova's card, as the job's own copy (a later delete of her cannot break the job, 0016),
    # went to the opening clip's request, and no further one (none with a video); her
    # description (stored with her, not in the request) reached every prompt.
    opening = veo[0]["body"]["instances"][0]
    kept = doc["character"]["reference_image_uri"]
    assert kept == f"gs://{env['PIPELINE_BUCKET']}/job_inputs/{video_id}/character.png"
    assert [r["image"]["gcsUri"] for r in opening["referenceImages"]] == [kept]
    assert all("referenceImages" not in c["body"]["instances"][0] for c in veo[1:])
    assert all(character["description"] in c["body"]["instances"][0]["prompt"] for c in veo)
    assert doc["duration"] == pytest.approx(64, abs=0.5)
    # Narrated: Veo was asked for ambience only, Gemini TTS read each block's line.
    assert all("no speech" in c["body"]["instances"][0]["prompt"] for c in veo)
    tts = [c for c in calls if c["model"] == "gemini-2.5-flash-tts"]
    assert len(tts) == doc["total_blocks"] and doc["voice"] == "Sadaltager"
    assert doc["narration"]["narrator"] == "google" and doc["narration"]["lines"] == len(tts)
    assert "Dialogue" not in doc["transcript"] and len(doc["transcript"].split()) > 40


# Kills and transient provider errors spend no attempt now (decision 0014), so a job that met
# only transient faults completes. Still out of the default run: at load 20 on 2 cores its one
# run (2026-12-02) reached the 420 s cap with both jobs well (assembling; block 8 of 9), and
# it found a refused block resubmitted unrephrased after a failed rephrase call (fixed).
@pytest.mark.slow
def test_chaos_small_run_loses_nothing_and_bills_nothing_twice(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SESSION_VARIABLES}
    command = [sys.executable, "-m", "devstack.chaos", "--jobs", "2", "--fault-rate", "0.3",
               "--kill-functions", "--kill-every", "20,40", "--seed", "4242", "--json",
               "--timeout", "420", "--slack-seconds", "60",
               "--set", "VIDEO_OPERATION_TIMEOUT_SECONDS=40",
               "--log-dir", str(tmp_path / "logs")]  # fmt: skip
    proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        stdout, stderr = proc.communicate(timeout=CHAOS_SECONDS)
    except subprocess.TimeoutExpired:
        proc.terminate()  # SIGTERM: the harness stops its stack on the way out
        stdout, stderr = proc.communicate(timeout=60)
    print(stderr[-6000:], file=sys.stderr)
    lines = stdout.strip().splitlines()
    assert lines, f"no summary on stdout (exit {proc.returncode})"
    summary = json.loads(lines[-1])
    print(f"CHAOS {json.dumps(summary)}")

    assert summary["jobs"] == 2 and summary["providers"] == {"google": 2}
    # Chaos really happened: faults were injected (the seed draws some) and functions died.
    assert summary["faults_total"] > 0
    if summary["wall_seconds"] > 45:  # the first kill comes 20 to 40 s in
        assert summary["kills"] >= 1
    # The run waited for every job: none is still inside a designed wait, none outlived one.
    assert summary["stopped_by"] == "all_ended", summary["stopped_by"]
    assert summary["lost"] == 0 and summary["still_waiting"] == 0, summary["lost_jobs"]
    # A kill during a submit leaves a submit intent; the retry adopts that block's video.
    assert summary["duplicate_billed_operations"] == 0, summary["duplicates"]
    # Every injected fault is in the JSON, under its job or listed as unattributed.
    jobs = {j["video_id"]: j for j in summary["job_faults"]}
    listed = sum(len(j["calls"]) for j in jobs.values()) + len(summary["faults_unattributed"])
    assert listed == summary["faults_total"], (summary["faults_injected"], jobs)
    for job in jobs.values():
        # Transient faults and kills only: the job must have completed.
        if job["only_transient"]:
            assert job["status"] == "completed", job
        # A block refused for its content was rephrased once before the job could fail.
        assert set(map(str, job["refused_blocks"])) <= set(job["rephrases"]), job
        if job["status"] == "failed":
            assert job["error_code"], job
    assert all(f["reason"].strip() for f in summary["failed"]), summary["failed"]
    rephrased = sum(len(j["rephrases"]) for j in jobs.values())
    assert summary["rephrases"]["total"] == rephrased
    assert proc.returncode == 0, stderr[-2000:]
