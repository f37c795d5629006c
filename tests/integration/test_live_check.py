"""./dev.sh live-check against the fake Vertex AI: refuses without a project or a confirmation,
then makes the opening clip and the extensions past 30 s with the product's Veo adapter."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import Stack, live_check
from tests.fake_vertex.server import FakeVertex

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeVertex]:
    server = FakeVertex(op_latency=0.5).start()
    yield server
    server.stop()


@pytest.fixture
def env(fake: FakeVertex, emulators: Stack, tmp_path: Path) -> dict[str, str]:
    fake.reset()
    fake.configure({"render": "light", "op_latency": 0.5})
    return {
        **os.environ, "VERTEX_PROJECT": "test-project", "VERTEX_LOCATION": "us-central1",
        "VERTEX_API_BASE_URL": fake.url, "PIPELINE_BUCKET": emulators.bucket,
        "VIDEO_POLL_SECONDS": "0.5", "PIPELINE_WORKDIR": str(tmp_path / "work"),
    }  # fmt: skip


def run(env: dict[str, str], *argv: str, typed: str = "") -> tuple[int, dict]:
    out = io.StringIO()
    code = live_check.main(list(argv), stdin=io.StringIO(typed), stdout=out, env=env)
    return code, json.loads(out.getvalue()) if out.getvalue() else {}


def test_it_refuses_without_a_project_or_the_typed_cost_and_calls_nothing(fake, env):
    no_project = {k: v for k, v in env.items() if k != "VERTEX_PROJECT"}
    assert run(no_project, typed="33.20\n")[0] == live_check.EXIT_NOT_RUN
    assert run(env, typed="17.20\n")[0] == live_check.EXIT_NOT_RUN  # the lower reading: no
    assert run(env, typed="yes\n")[0] == live_check.EXIT_NOT_RUN
    code, report = run(env, "--dry-run")
    assert code == 0 and report["dry_run"] is True
    assert report["plan"]["cost_by_billing"] == {
        "new_seconds": {"billed_seconds": 43.0, "usd": 17.2},
        "output_seconds": {"billed_seconds": 83.0, "usd": 33.2},
    }
    assert fake.calls() == []


def test_it_extends_past_30_seconds_with_tails_and_reports_what_vertex_did(fake, env):
    code, report = run(env, typed="33.20\n")
    assert code == 0, report
    blocks = report["blocks"]
    assert [b["accepted"] for b in blocks] == [True] * 6 and report["refused"] == 0
    assert blocks[0]["output_seconds"] == pytest.approx(8, abs=0.3)
    for block in blocks[1:]:  # each input is an 8 s tail; the output is input + 7 s
        assert block["input_uri"].endswith(f"/tails/b{block['block']:02d}.mp4")
        assert block["input_seconds"] == pytest.approx(8, abs=0.05)
        assert block["output_seconds"] == pytest.approx(15, abs=0.3)
        assert block["kept_seconds"] == pytest.approx(7, abs=0.3)
        assert block["billed_seconds"] == 7 and block["billed_usd"] == 2.8
    assert report["video_seconds"] == pytest.approx(43, abs=1)  # past the 30 s point
    assert report["billed_usd"] == pytest.approx(17.2)
    submits = fake.calls("predictLongRunning")
    assert len(submits) == 6
    assert all("video" in c["body"]["instances"][0] for c in submits[1:])
    assert all(c["body"]["parameters"]["durationSeconds"] == 7 for c in submits[1:])


def test_a_refusal_is_reported_with_vertex_error_and_stops(fake, env):
    fake.script([{"kind": "predictLongRunning", "status": 400}])
    code, report = run(env, "--blocks", "3", typed="15.20\n")
    assert code == live_check.EXIT_REFUSED_BY_VERTEX
    [refused] = report["blocks"]
    assert refused["accepted"] is False and refused["error"]["code"] == "provider_rejected"
    assert report["billed_usd"] == 0 and len(fake.calls("predictLongRunning")) == 1
