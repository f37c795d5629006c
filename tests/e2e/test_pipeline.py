"""Whole jobs through the local stack: functions-framework processes, emulators, Cloud Tasks."""

import time

import pytest

from tests.e2e.jobs import check_outputs, submit, wait_for, wait_until_done

pytestmark = pytest.mark.e2e


def test_theme_only(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="The secret life of octopuses")
    doc = wait_until_done(video_id)
    report = check_outputs(doc, artifacts_dir / "e2e-theme-only")
    assert doc["provider"] == "demo-offline" and doc["language"] == "en"
    assert doc["attempts"] == {"script": 1, "video": 1, "assemble": 1}
    assert report["duration"] == pytest.approx(64, abs=0.5)
    # One continuous shot from parts: the opening clip whole, then each extension's new 7 s.
    parts = doc["parts"]
    assert [p["block"] for p in parts] == list(range(9)) and parts[0]["start"] == 0
    assert all(p["start"] == pytest.approx(8, abs=0.05) for p in parts[1:])
    assert all(op.get("input_seconds", 8) <= 8.05 for op in doc["video_operations"])
    assert sum(p["seconds"] for p in parts) == pytest.approx(report["duration"], abs=0.15)


@pytest.mark.slow
def test_twelve_blocks_make_85_seconds(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="How lighthouses guide the ships", target_seconds=85)
    doc = wait_until_done(video_id, timeout=900)
    report = check_outputs(doc, artifacts_dir / "e2e-twelve-blocks")
    assert doc["block_count"] == 12 and len(doc["parts"]) == 12
    assert report["duration"] == pytest.approx(85, abs=0.5)
    # Past the 30 s point every extension still got an input within Vertex's 1-30 s.
    inputs = [op["input_seconds"] for op in doc["video_operations"][1:]]
    assert len(inputs) == 11 and all(1 <= s <= 30 for s in inputs)


def test_with_character_and_narrator(local_stack, artifacts_dir):
    video_id = submit(
        local_stack,
        theme="A journey to the rings of Saturn",
        character_id="nova",
        style="fantasy",
        voice="Puck",
    )
    doc = wait_until_done(video_id)
    # The subtitles are Whisper's reading of the narrator's track: the script's lines.
    check_outputs(doc, artifacts_dir / "e2e-character-narrator")
    assert doc["character_id"] == "nova" and doc["voice"] == "Puck"
    assert doc["narration"] == {
        "voice": "Puck", "narrator": "espeak", "lines": doc["total_blocks"],
        "sped_up": doc["narration"]["sped_up"],
    }  # fmt: skip
    assert all(op.get("block") is not None for op in doc["video_operations"])


def test_style_music_and_spanish(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="Los secretos de los volcanes", style="anime",
                      language="es", music="calm", target_seconds=71)
    doc = wait_until_done(video_id)
    report = check_outputs(doc, artifacts_dir / "e2e-anime-music-es")
    assert doc["music"] == "calm" and doc["block_count"] == 10
    assert report["duration"] == pytest.approx(71, abs=0.5)


def test_french_cyberpunk_with_music(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="Les secrets des volcans", style="cyberpunk",
                      language="fr", music="upbeat")
    doc = wait_until_done(video_id)
    # The offline French voice is espeak-ng "fr+m2" with lines chosen for it (demo_script):
    # measured WER 0.03, where plain "fr" gave 0.6-0.75.
    check_outputs(doc, artifacts_dir / "e2e-cyberpunk-fr")
    assert doc["language"] == "fr"


def test_video_model_failure_is_retried_then_succeeds(local_stack, artifacts_dir):
    local_stack.stop_function("video_agent")
    local_stack.start_function("video_agent", {"DEMO_VIDEO_FAIL_BLOCKS": "2"})
    try:
        video_id = submit(local_stack, theme="Why the sky is blue")
        doc = wait_until_done(video_id)
    finally:
        local_stack.stop_function("video_agent")
        local_stack.start_function("video_agent")
    check_outputs(doc, artifacts_dir / "e2e-video-retry")
    assert doc["attempts"]["video"] == 2
    billed_blocks = [op["block"] for op in doc["video_operations"]]
    assert billed_blocks == list(range(doc["total_blocks"]))  # nothing paid for twice
    assert doc["cost"]["billed_seconds"] == 64


def test_killed_assembler_is_recovered_by_the_monitor(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="How bridges stand up")
    wait_for(video_id, lambda d: d["status"] == "assembling", timeout=300)
    time.sleep(2)
    local_stack.stop_function("assembler")  # SIGKILL mid-assembly
    local_stack.start_function("assembler")
    doc = wait_until_done(video_id)
    check_outputs(doc, artifacts_dir / "e2e-killed-assembler")
    assert doc["attempts"]["assemble"] == 2


@pytest.mark.slow
def test_killed_video_agent_resumes_without_rebilling(local_stack, artifacts_dir):
    video_id = submit(local_stack, theme="The life of a honeybee")
    wait_for(video_id, lambda d: d.get("completed_blocks", 0) >= 3, timeout=300)
    local_stack.stop_function("video_agent")
    time.sleep(3)
    local_stack.start_function("video_agent")
    doc = wait_until_done(video_id)
    check_outputs(doc, artifacts_dir / "e2e-killed-video")
    blocks = [op["block"] for op in doc["video_operations"]]
    assert blocks == list(range(doc["total_blocks"]))
    assert doc["cost"]["billed_seconds"] == 64
