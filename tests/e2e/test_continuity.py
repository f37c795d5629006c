"""64-85 s videos on the strict fake Vertex AI play as one continuous shot (issue 8's first check).

The fake refuses what Vertex refuses, and with `require_veo_input` it also refuses an extension
input that it did not make (one without its timecode strip). Its picture is a running timecode:
the frame number as a strip of squares, and a background (a hue turning, a bar sliding) that
moves smoothly with the running time. So the final, read back from its pixels, must count
0, 1, 2, ... across every part boundary, and the picture must change no more at a boundary than
from one frame to the next inside the parts.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from devstack.chaos import fake_configure, fake_get
from devstack.clients import firestore_client, split_gs_uri, storage_client
from devstack.stack import Stack
from shortvideo.media.ffmpeg import probe, run_ffmpeg
from tests.e2e.jobs import wait_until_ended
from tests.fake_vertex.timecode import read_timecodes

pytestmark = pytest.mark.e2e

FPS = 24
# Rows 140-500: below the strip, above the big running-time digits (y 537+) and the subtitle
# band (780-1000); the fake's sliding bar and turning hue are all that moves there.
MOTION_CROP = "crop=720:360:0:140,scale=180:90:flags=area,format=gray"
MOTION_W, MOTION_H = 180, 90


def motion(path: Path) -> list[float]:
    """Mean absolute grey difference between each frame and the next, in MOTION_CROP."""
    out = path.with_suffix(".gray")
    run_ffmpeg(["-i", str(path), "-an", "-vf", MOTION_CROP, "-fps_mode", "passthrough",
                "-f", "rawvideo", str(out)])  # fmt: skip
    raw = out.read_bytes()
    size = MOTION_W * MOTION_H
    frames = [raw[i : i + size] for i in range(0, len(raw) - size + 1, size)]
    return [sum(abs(a - b) for a, b in zip(x, y, strict=True)) / size
            for x, y in itertools.pairwise(frames)]  # fmt: skip


def run_job(stack: Stack, target_seconds: int, timeout: float) -> dict[str, Any]:
    env = stack.env()
    status, text = stack.submit_video({"theme": "How lighthouses guide the ships",
                                       "style": "cinematic", "target_seconds": target_seconds})
    assert status == 202, text
    document = firestore_client(env).collection("video_status").document(
        json.loads(text)["video_id"])  # fmt: skip
    doc = wait_until_ended(document, timeout)
    assert doc.get("status") == "completed", doc.get("error") or doc.get("status")
    return doc


def download(stack: Stack, uri: str, path: Path) -> Path:
    bucket, name = split_gs_uri(uri)
    storage_client(stack.env()).bucket(bucket).blob(name).download_to_filename(str(path))
    return path


# Both slow: the 9-block case took 7.5 min on 2 cores at load 12 (full render: a moving
# picture, needed to see a cut; its assembly alone 195 s), over the default run's ~4 min share.
@pytest.mark.slow
@pytest.mark.parametrize("blocks", [9, 12])
def test_a_long_video_on_the_strict_fake_plays_as_one_continuous_shot(
    google_fake_stack: Stack, tmp_path: Path, blocks: int
) -> None:
    stack = google_fake_stack
    fake_configure(stack.fake_vertex_url,
                   {"fault_rate": 0, "render": "full", "require_veo_input": True})  # fmt: skip
    seconds = 8 + 7 * (blocks - 1)
    doc = run_job(stack, seconds, timeout=300 + 45 * blocks)

    # Vertex's rules held for every call: nothing refused, every extension sent a video.
    assert fake_get(stack.fake_vertex_url, "/_fake/violations") == []
    calls = fake_get(stack.fake_vertex_url, "/_fake/calls")
    veo = [c for c in calls if c["kind"] == "predictLongRunning"]
    assert len(veo) == blocks and all(c["status"] == 200 for c in veo)
    assert all("video" in c["body"]["instances"][0] for c in veo[1:])
    inputs = [op["input_seconds"] for op in doc["video_operations"][1:]]
    assert len(inputs) == blocks - 1 and all(1 <= s <= 30 for s in inputs)

    final = download(stack, doc["final_video_uri"], tmp_path / "final.mp4")
    assert probe(final).duration == pytest.approx(seconds, abs=0.5)
    parts = doc["parts"]
    assert [p["block"] for p in parts] == list(range(blocks))
    edges, at = [], 0.0
    for part in parts[:-1]:
        at += float(part["seconds"])
        edges.append(round(at * FPS))  # the index of each part's first frame in the final
    assert len(edges) == blocks - 1 and edges[0] == 8 * FPS

    # The timecode the fake drew: one frame further at every step, boundaries included.
    frames = [round(t * FPS) for t in read_timecodes(final)]  # NaN would raise: every frame
    steps = [b - a for a, b in itertools.pairwise(frames)]
    inside = [s for i, s in enumerate(steps) if i + 1 not in edges]
    at_edges = [steps[e - 1] for e in edges]
    print(f"CONTINUITY timecode steps inside {sorted(set(inside))} at edges {at_edges}")
    assert frames[0] == 0 and set(inside) == {1}
    assert at_edges == [1] * len(edges)

    # And the picture: no jump at a boundary larger than any frame-to-frame change inside.
    diffs = motion(final)
    inside_diff = [d for i, d in enumerate(diffs) if i + 1 not in edges]
    edge_diff = [diffs[e - 1] for e in edges]
    print(f"CONTINUITY motion inside max {max(inside_diff):.2f} median "
          f"{median(inside_diff):.2f}; at edges {[round(d, 2) for d in edge_diff]}")  # fmt: skip
    assert median(inside_diff) > 0.3  # the background moves: a jump would be seen
    assert max(edge_diff) <= max(inside_diff)
