"""The fake Veo draws a running timecode; an extension continues it from its input's last frame.

Also the optional stricter reading of "videos that you previously generated using Veo":
require_veo_input refuses inputs without the fake's strip, and accepts a trimmed, re-encoded
tail of its own output (decision 0007).
"""

from __future__ import annotations

import itertools
import math
import subprocess
import uuid
from pathlib import Path

import pytest
from google.genai import errors as genai_errors
from google.genai import types

from devstack import Stack
from devstack.clients import storage_client
from tests.fake_vertex.server import FakeVertex
from tests.fake_vertex.timecode import read_timecodes
from tests.integration.fake_vertex_sdk import FAKE_LIKE, client, make_video, wait_video

pytestmark = pytest.mark.integration

VEO = "veo-3.1-generate-001"
FRAME = 1 / 24


@pytest.fixture(scope="module")
def fake(fake_vertex: FakeVertex) -> FakeVertex:
    return fake_vertex


def generate(fake: FakeVertex, out: str, video: str | None = None) -> types.GenerateVideosOperation:
    source = types.GenerateVideosSource(
        prompt='Style: fantasy. Scene: a glowing forest. Dialogue (en): "The lights are waking."',
        video=types.Video(uri=video, mime_type="video/mp4") if video else None,
    )
    config = types.GenerateVideosConfig(aspect_ratio="9:16", resolution="720p",
                                        duration_seconds=7 if video else 8,
                                        output_gcs_uri=out, number_of_videos=1)  # fmt: skip
    return client(fake).models.generate_videos(model=VEO, source=source, config=config)


class Bucket:
    def __init__(self, emulators: Stack, prefix: str) -> None:
        self.name, self.prefix = emulators.bucket, prefix
        self._bucket = storage_client(emulators.env()).bucket(emulators.bucket)

    def upload(self, path: Path) -> str:
        self._bucket.blob(f"{self.prefix}/{path.name}").upload_from_filename(str(path))
        return f"gs://{self.name}/{self.prefix}/{path.name}"

    def download(self, uri: str, path: Path) -> Path:
        self._bucket.blob(uri.split("/", 3)[3]).download_to_filename(str(path))
        return path


@pytest.fixture(scope="module")
def bucket(emulators: Stack) -> Bucket:
    return Bucket(emulators, f"fake-timecode/{uuid.uuid4().hex}")


@pytest.fixture(scope="module")
def opening(fake: FakeVertex, bucket: Bucket, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An 8 s opening clip made by the fake (full render), downloaded."""
    fake.reset()
    uri = wait_video(fake, generate(fake, f"gs://{bucket.name}/{bucket.prefix}/out/"))
    return bucket.download(uri, tmp_path_factory.mktemp("opening") / "opening.mp4")


def tail(src: Path, out: Path, start_frame: int) -> Path:
    """Frames from `start_frame` on, re-encoded (as a pipeline's trim would be)."""
    start = start_frame / 24
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
                    "-vf", f"trim=start_frame={start_frame},setpts=PTS-STARTPTS",
                    "-af", f"atrim=start={start},asetpts=PTS-STARTPTS", "-r", "24",
                    *FAKE_LIKE, "-crf", "30", str(out)], check=True, timeout=120)  # fmt: skip
    return out


def assert_continuous(times: list[float], first: float, frames: int) -> None:
    assert len(times) == frames
    assert not any(math.isnan(t) for t in times)
    assert times[0] == pytest.approx(first)
    steps = {round(b - a, 6) for a, b in itertools.pairwise(times)}
    assert steps == {round(FRAME, 6)}, steps


def test_opening_clip_shows_its_running_time(opening: Path) -> None:
    assert_continuous(read_timecodes(opening), 0.0, 8 * 24)


def test_extension_of_a_trimmed_tail_continues_the_timecode(
    fake: FakeVertex, bucket: Bucket, opening: Path, tmp_path: Path
) -> None:
    fake.reset()
    short = tail(opening, tmp_path / "tail.mp4", start_frame=72)  # 3.000 .. 7.958
    assert_continuous(read_timecodes(short), 3.0, 5 * 24)
    out = wait_video(fake, generate(fake, f"gs://{bucket.name}/{bucket.prefix}/ext/",
                                    video=bucket.upload(short)))  # fmt: skip
    extended = bucket.download(out, tmp_path / "extended.mp4")
    # Veo's extend: the input, then 7 new seconds that carry on from its last frame.
    assert_continuous(read_timecodes(extended), 3.0, 5 * 24 + 7 * 24)
    assert [op["block"] for op in fake.operations()] == [1]


def test_require_veo_input_refuses_what_the_fake_did_not_make(
    fake: FakeVertex, bucket: Bucket, opening: Path, tmp_path: Path
) -> None:
    fake.reset()
    fake.configure({"require_veo_input": True})
    foreign = bucket.upload(make_video(tmp_path / "foreign.mp4", 8))
    with pytest.raises(genai_errors.ClientError) as caught:
        generate(fake, f"gs://{bucket.name}/{bucket.prefix}/x/", video=foreign)
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert [v["rule"] for v in fake.violations()] == ["extension_input_not_veo"]

    fake.reset()
    fake.configure({"require_veo_input": True})
    fake.script([{"kind": "predictLongRunning", "outcome": "never"}])
    own_tail = bucket.upload(tail(opening, tmp_path / "own-tail.mp4", start_frame=48))
    generate(fake, f"gs://{bucket.name}/{bucket.prefix}/y/", video=own_tail)
    assert fake.calls()[-1]["violations"] == [] and fake.violations() == []


def test_without_require_veo_input_a_foreign_input_is_extended(
    fake: FakeVertex, bucket: Bucket, tmp_path: Path
) -> None:
    fake.reset()
    fake.configure({"render": "light"})
    foreign = bucket.upload(make_video(tmp_path / "foreign2.mp4", 2))
    out = wait_video(fake, generate(fake, f"gs://{bucket.name}/{bucket.prefix}/z/", foreign))
    times = read_timecodes(bucket.download(out, tmp_path / "z.mp4"))
    # No strip to read in the input: the new part starts at the input's length.
    assert len(times) == 9 * 24 and all(math.isnan(t) for t in times[:48])
    assert_continuous(times[48:], 2.0, 7 * 24)
