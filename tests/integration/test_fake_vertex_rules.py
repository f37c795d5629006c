"""The strict fake refuses what Veo on Vertex refuses: through the real google-genai SDK.

Each rule: a request breaking it is refused (400 INVALID_ARGUMENT, or with invalid_as=operation
an operation done with error code 3) and named in the call log; a request within the limits is
accepted. Input videos are real files rendered here with ffmpeg and read by the fake from the
GCS emulator (decision 0007).
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from google.genai import errors as genai_errors
from google.genai import types

from devstack import Stack
from devstack.clients import storage_client
from tests.fake_vertex.catalog import ALL_SUPPORT_CODES
from tests.fake_vertex.server import FakeVertex
from tests.integration.fake_vertex_sdk import LOCATION, PROJECT, client, make_video

pytestmark = pytest.mark.integration

VEO = "veo-3.1-generate-001"


@pytest.fixture
def fake(fake_vertex: FakeVertex) -> FakeVertex:
    fake_vertex.reset()  # each test starts from no calls and no scripted behaviour
    return fake_vertex


@pytest.fixture(scope="module")
def uploads(emulators: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Input videos (and a PNG) in the GCS emulator: name -> gs:// URI."""
    work = tmp_path_factory.mktemp("inputs")
    bucket = storage_client(emulators.env()).bucket(emulators.bucket)
    specs = {
        "ok": (8, 24, "720x1280"), "one_second": (1, 24, "720x1280"),
        "thirty": (30, 24, "720x1280"), "landscape": (8, 24, "1280x720"),
        "full_hd": (8, 24, "1080x1920"), "short": (0.5, 24, "720x1280"),
        "long": (31, 24, "720x1280"), "fps25": (8, 25, "720x1280"),
        "square": (8, 24, "720x720"), "sd": (8, 24, "480x854"),
    }  # fmt: skip
    uris = {}
    prefix = f"fake-rules/{uuid.uuid4().hex}"
    for name, (seconds, fps, size) in specs.items():
        path = make_video(work / f"{name}.mp4", seconds, fps, size)
        bucket.blob(f"{prefix}/{name}.mp4").upload_from_filename(str(path), "video/mp4")
        uris[name] = f"gs://{emulators.bucket}/{prefix}/{name}.mp4"
    png = work / "ref.png"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=teal:s=768x1344", "-frames:v", "1", str(png)], check=True)  # fmt: skip
    bucket.blob(f"{prefix}/ref.png").upload_from_filename(str(png), "image/png")
    uris["png"] = f"gs://{emulators.bucket}/{prefix}/ref.png"
    uris["out"] = f"gs://{emulators.bucket}/{prefix}/out/"
    return uris


def submit(
    fake: FakeVertex, uploads: dict[str, str], *, video: str | None = None, seconds: int = 7,
    resolution: str = "720p", refs: tuple[str, ...] = (), model: str = VEO,
) -> types.GenerateVideosOperation:  # fmt: skip
    references = [
        types.VideoGenerationReferenceImage(
            image=types.Image(gcs_uri=uploads["png"], mime_type="image/png"),
            reference_type=types.VideoGenerationReferenceType(kind.upper()),
        )
        for kind in refs
    ] or None
    source = types.GenerateVideosSource(
        prompt='Style: anime. Scene: a lighthouse. Dialogue (en): "Hello there."',
        video=types.Video(uri=uploads[video], mime_type="video/mp4") if video else None,
    )
    config = types.GenerateVideosConfig(
        aspect_ratio="9:16", resolution=resolution, duration_seconds=seconds,
        output_gcs_uri=uploads["out"], reference_images=references, number_of_videos=1,
    )  # fmt: skip
    return client(fake).models.generate_videos(model=model, source=source, config=config)


def assert_refused(fake: FakeVertex, mode: str, rule: str, call: Callable[[], Any]) -> str:
    """The call is refused for `rule` the way `mode` says; returns Vertex's message."""
    fake.configure({"invalid_as": mode})
    if mode == "sync":
        with pytest.raises(genai_errors.ClientError) as caught:
            call()
        assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
        message = str(caught.value.message)
    else:
        operation = call()
        done = client(fake).operations.get(operation)
        assert done.done and done.error is not None and done.error["code"] == 3
        assert not done.response
        message = str(done.error["message"])
    [last] = fake.calls("predictLongRunning")
    assert last["violations"][0] == rule, last["violations"]
    assert [v["rule"] for v in fake.violations()] == [rule]
    assert fake.operations(billed_only=True) == []
    return message


def assert_accepted(fake: FakeVertex, call: Callable[[], Any]) -> None:
    fake.script([{"kind": "predictLongRunning", "outcome": "never"}])  # no render needed
    operation = call()
    assert operation.name and "/operations/" in operation.name
    [last] = fake.calls("predictLongRunning")
    assert (last["status"], last["violations"]) == (200, [])
    assert fake.violations() == []


MODES = ("sync", "operation")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("video", "rule"),
    [("short", "extension_input_too_short"), ("long", "extension_input_too_long"),
     ("fps25", "extension_input_fps"), ("square", "extension_input_resolution"),
     ("sd", "extension_input_resolution")],
)  # fmt: skip
def test_extension_input_is_checked_on_the_real_object(
    fake: FakeVertex, uploads: dict[str, str], mode: str, video: str, rule: str
) -> None:
    message = assert_refused(fake, mode, rule, lambda: submit(fake, uploads, video=video))
    assert "input video" in message.lower()


def test_a_31_s_input_also_makes_an_output_over_37_s(
    fake: FakeVertex, uploads: dict[str, str]
) -> None:
    with pytest.raises(genai_errors.ClientError):
        submit(fake, uploads, video="long")
    assert fake.calls()[-1]["violations"] == ["extension_input_too_long",
                                              "extension_output_too_long"]  # fmt: skip


@pytest.mark.parametrize("video", ["ok", "one_second", "thirty", "landscape", "full_hd"])
def test_extension_inputs_within_the_limits_are_accepted(
    fake: FakeVertex, uploads: dict[str, str], video: str
) -> None:
    assert_accepted(fake, lambda: submit(fake, uploads, video=video))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [({"video": "ok", "seconds": 8}, "extension_duration"),
     ({"video": "ok", "resolution": "1080p"}, "extension_resolution"),
     ({"video": "ok", "refs": ("asset",)}, "references_with_video"),
     ({"seconds": 8, "refs": ("asset",) * 4}, "too_many_asset_images"),
     ({"seconds": 6, "refs": ("asset",)}, "reference_duration"),
     ({"seconds": 8, "refs": ("style",)}, "style_reference_on_veo31"),
     ({"seconds": 5}, "opening_duration"), ({"seconds": 7}, "opening_duration")],
)  # fmt: skip
def test_request_rules(
    fake: FakeVertex, uploads: dict[str, str], mode: str, kwargs: dict[str, Any], rule: str
) -> None:
    assert_refused(fake, mode, rule, lambda: submit(fake, uploads, **kwargs))


@pytest.mark.parametrize(
    "kwargs",
    [{"seconds": 4}, {"seconds": 6}, {"seconds": 8}, {"seconds": 8, "refs": ("asset",) * 3},
     {"video": "ok", "seconds": 7}],
)  # fmt: skip
def test_requests_within_the_limits_are_accepted(
    fake: FakeVertex, uploads: dict[str, str], kwargs: dict[str, Any]
) -> None:
    assert_accepted(fake, lambda: submit(fake, uploads, **kwargs))


def test_unknown_model_is_vertex_404(fake: FakeVertex, uploads: dict[str, str]) -> None:
    with pytest.raises(genai_errors.ClientError) as caught:
        submit(fake, uploads, seconds=8, model="veo-9.9-generate-001")
    assert (caught.value.code, caught.value.status) == (404, "NOT_FOUND")
    assert str(caught.value.message).startswith(
        f"Publisher Model `projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/"
        "veo-9.9-generate-001` was not found or your project does not have access to it."
    )
    assert [v["rule"] for v in fake.violations()] == ["unknown_model"]


# -- usage-guidelines refusals ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("behaviour", "code"),
    [({}, "58061214"), ({"support_code": "29310472"}, "29310472"),
     ({"category": "violence"}, "61493863")],
)  # fmt: skip
def test_usage_guidelines_refusal_sync(
    fake: FakeVertex, uploads: dict[str, str], behaviour: dict[str, Any], code: str
) -> None:
    fake.script([{"kind": "predictLongRunning", "refuse": "usage_guidelines", **behaviour}])
    with pytest.raises(genai_errors.ClientError) as caught:
        submit(fake, uploads, seconds=8)
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert str(caught.value.message).endswith(f"Support codes: {code}")
    assert "could not be submitted" in str(caught.value.message)
    assert fake.violations() == []  # a refusal of content is not a broken rule


def test_usage_guidelines_refusal_as_operation(fake: FakeVertex, uploads: dict[str, str]) -> None:
    fake.script([{"kind": "predictLongRunning", "refuse": "usage_guidelines", "as": "operation",
                  "support_code": "39322892", "wording": "input"}])  # fmt: skip
    done = client(fake).operations.get(submit(fake, uploads, seconds=8))
    assert done.done and done.error is not None and done.error["code"] == 3
    assert "violates Vertex AI's usage guidelines" in done.error["message"]
    assert done.error["message"].endswith("Support codes: 39322892")
    assert fake.operations(billed_only=True) == []


@pytest.mark.parametrize("kind", ["usage_guidelines_sync", "usage_guidelines_op"])
def test_usage_guidelines_as_a_chaos_fault(
    fake: FakeVertex, uploads: dict[str, str], kind: str
) -> None:
    fake.configure({"fault_rate": 1.0, "seed": 3, "fault_kinds": [kind]})
    if kind.endswith("sync"):
        with pytest.raises(genai_errors.ClientError) as caught:
            submit(fake, uploads, seconds=8)
        message = str(caught.value.message)
    else:
        done = client(fake).operations.get(submit(fake, uploads, seconds=8))
        assert done.error is not None and done.error["code"] == 3
        message = done.error["message"]
    code = message.rpartition("Support codes: ")[2]
    assert code in ALL_SUPPORT_CODES
    assert fake.faults_injected()["by_kind"] == {kind: 1}
