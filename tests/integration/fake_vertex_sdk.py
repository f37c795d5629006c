"""The real google-genai SDK in Vertex mode against the in-process fake, and input videos."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import google.oauth2.credentials
from google import genai
from google.genai import types

from tests.fake_vertex.server import FakeVertex

PROJECT, LOCATION = "test-project", "us-central1"
# The fake's own codec parameters, so that an extension of these inputs joins by stream copy.
FAKE_LIKE = [
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
    "-video_track_timescale", "12288", "-c:a", "aac", "-ar", "48000", "-ac", "2",
]  # fmt: skip

_CLIENTS: dict[tuple[str, str], genai.Client] = {}


def client(fake: FakeVertex, location: str = LOCATION) -> genai.Client:
    """One SDK client per fake and location, kept alive (a collected client closes its HTTP)."""
    key = (fake.url, location)
    if key not in _CLIENTS:
        _CLIENTS[key] = _client(fake, location)
    return _CLIENTS[key]


def _client(fake: FakeVertex, location: str) -> genai.Client:
    return genai.Client(
        vertexai=True, project=PROJECT, location=location,
        credentials=google.oauth2.credentials.Credentials(token="fake"),  # type: ignore[no-untyped-call]
        http_options=types.HttpOptions(base_url=fake.url, api_version="v1beta1"),
    )  # fmt: skip


def make_video(path: Path, seconds: float, fps: int = 24, size: str = "720x1280") -> Path:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s={size}:r={fps}:d={seconds}",
         "-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}", "-shortest", *FAKE_LIKE,
         str(path)],
        check=True, timeout=300,
    )  # fmt: skip
    return path


def wait_video(fake: FakeVertex, operation: types.GenerateVideosOperation) -> str:
    """Poll until done; the video's gs:// URI."""
    deadline = time.monotonic() + 240
    while not operation.done:
        assert time.monotonic() < deadline, "the fake's render did not finish"
        time.sleep(0.3)
        operation = client(fake).operations.get(operation)
    assert operation.error is None, operation.error
    assert operation.response and operation.response.generated_videos
    video = operation.response.generated_videos[0].video
    assert video is not None and video.uri
    return video.uri
