"""Helpers for end-to-end runs: submit a job over HTTP, wait for it, check what came out."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from google.cloud import firestore, storage

from shortvideo.media.ffmpeg import probe
from shortvideo.media.wer import word_error_rate
from shortvideo.models import Style
from tests.e2e.evidence import pause_level_db, style_evidence, style_mismatches

# Mean volume where no subtitle is shown (median over the pauses) in e2e finals, measured
# 2026-12-02: with music -36.3 dB (calm) and -39.8 dB (upbeat), without -91.0 dB (no sound
# at all between the lines). The bounds sit well inside that gap.
MUSIC_FLOOR_DB = -48.0
SILENCE_CEILING_DB = -70.0


def submit(stack: Any, **request: Any) -> str:
    """Create a job as a creator does: POST /videos to the creator API, with a creator token."""
    status, text = stack.submit_video(request, timeout=30)
    assert status == 202, text
    video_id: str = json.loads(text)["video_id"]
    return video_id


def job(video_id: str) -> dict[str, Any]:
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc is not None
    return doc


def wait_for(video_id: str, predicate: Any, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = job(video_id)
        if predicate(doc):
            return doc
        if doc["status"] in ("completed", "failed"):
            raise AssertionError(f"job ended {doc['status']}: {doc.get('error')}")
        time.sleep(0.5)
    raise AssertionError(f"timed out; last status {job(video_id)['status']}")


def wait_until_done(video_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = job(video_id)
        if doc["status"] in ("completed", "failed"):
            return doc
        time.sleep(0.5)
    raise AssertionError(f"job {video_id} still {job(video_id)['status']} after {timeout}s")


def wait_until_ended(document: firestore.DocumentReference, timeout: float) -> dict[str, Any]:
    """The job's document once completed or failed, or as last seen at the deadline.

    For stacks other than the session's, whose Firestore is not this process's default.
    """
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while time.monotonic() < deadline:
        doc = document.get().to_dict() or {}
        if doc.get("status") in ("completed", "failed"):
            break
        time.sleep(1)
    return doc


def download(uri: str, path: Path) -> Path:
    bucket, name = uri.removeprefix("gs://").split("/", 1)
    storage.Client().bucket(bucket).blob(name).download_to_filename(str(path))
    return path


def srt_text(srt: str) -> str:
    lines = [ln for ln in srt.splitlines() if ln.strip() and not ln.strip().isdigit()]
    return " ".join(ln for ln in lines if "-->" not in ln)


def check_outputs(doc: dict[str, Any], out: Path, max_wer: float) -> dict[str, Any]:
    """The issue's checks on a completed job; returns figures for the report."""
    assert doc["status"] == "completed", doc.get("error")
    out.mkdir(parents=True, exist_ok=True)
    final = probe(download(doc["final_video_uri"], out / "final.mp4"))
    assert (final.width, final.height) == (720, 1280)
    assert 63.5 <= final.duration <= 85.5  # 64, 71, 78 or 85 s
    assert final.video_codec == "h264" and final.audio_codec == "aac"
    assert final.faststart
    assert doc["duration"] == pytest_approx(final.duration)
    thumb = probe(download(doc["thumbnail_uri"], out / "thumbnail.jpg"))
    assert (thumb.width, thumb.height) == (540, 960)
    srt = download(doc["subtitles_uri"], out / "subtitles.srt").read_text(encoding="utf-8")
    assert re.search(r"00:00:\d\d,\d{3} --> ", srt)
    script_uri = doc["script_file"]
    script = json.loads(download(script_uri, out / "script.json").read_text(encoding="utf-8"))
    dialogue = " ".join(block["dialogue"] for block in script["blocks"])
    wer = word_error_rate(dialogue, srt_text(srt))
    looks = style_evidence(out / "final.mp4")
    style_problems = style_mismatches(Style(doc["style"]), looks)
    pause_db, pauses = pause_level_db(out / "final.mp4", srt)
    report = {
        "video_id": doc["video_id"],
        "language": doc["language"],
        "style": doc["style"],
        "duration": final.duration,
        "size_bytes": final.size_bytes,
        "wer": round(wer, 3),
        "looks": looks,
        "pause_level_db": pause_db,
        "pauses": pauses,
        "stage_seconds": {k: v.get("seconds") for k, v in doc["stage_timings"].items()},
    }
    (out / "report.json").write_text(json.dumps(report, indent=1))
    print(f"E2E {report}")
    assert wer <= max_wer, f"subtitles do not match the dialogue (WER {wer:.3f})"
    # The requested style shaped the picture: it looks like that style's render.
    assert not style_problems, (style_problems, report)
    if not doc.get("voice"):  # a narrated job's pauses hold Veo's ambience: not checked here
        if doc.get("music"):
            assert pause_db > MUSIC_FLOOR_DB, f"no music heard between the lines: {report}"
        else:
            assert pause_db < SILENCE_CEILING_DB, f"sound between the lines: {report}"
    return report


def pytest_approx(value: float) -> Any:
    import pytest

    return pytest.approx(value, abs=0.01)
