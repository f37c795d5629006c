"""The API bench's pure parts: request bodies, per-endpoint figures, the report rows."""

from __future__ import annotations

import random

import pytest

from devstack.bench import report
from devstack.bench.api_bench import CREATE, LIST, Sample, summarize, video_body
from shortvideo.models import VideoRequest


def test_generated_bodies_are_valid_requests_without_a_creator():
    rng = random.Random(1)
    bodies = [video_body(rng, n) for n in range(200)]
    for body in bodies:
        assert "created_by" not in body
        VideoRequest.model_validate(body)
    assert any("music" in b for b in bodies) and any("character_id" in b for b in bodies)


def test_summary_per_endpoint_counts_errors_and_percentiles():
    samples = [Sample(LIST, i * 0.1, (i + 1) / 1000, 200) for i in range(100)]
    samples += [Sample(CREATE, 0.0, 0.050, 202), Sample(CREATE, 0.0, 0.070, 500)]
    samples += [Sample(CREATE, 0.0, 30.0, 0, "ReadTimeout")]
    result = summarize(samples, wall_seconds=10.0)
    listing = result["endpoints"][LIST]
    assert listing["requests"] == 100 and listing["errors"] == 0
    assert listing["requests_per_second"] == 10.0
    assert listing["p50_ms"] == pytest.approx(50.5)
    assert listing["p95_ms"] == pytest.approx(95.05, abs=0.1)
    create = result["endpoints"][CREATE]
    assert create["errors"] == 2 and create["error_kinds"] == {"500": 1, "ReadTimeout": 1}
    assert create["max_ms"] == 30000.0
    assert result["overall"]["requests"] == 103 and result["overall"]["errors"] == 2


def test_report_rows_show_both_endpoints_once_measured():
    assert not [r for r in report.results_rows({}) if r[0].startswith("API")]
    samples = [Sample(LIST, 0, 0.02, 200), Sample(CREATE, 0, 0.08, 202)]
    results = {
        "api": {
            "setup": {"clients": 50, "seconds": 30.0, "post_share": 0.2},
            **summarize(samples, 1.0),
        }
    }
    rows = {label: (value, note) for label, value, note in report.results_rows(results)}
    value, note = rows["API GET /videos/my-videos: p50 / p95, ms"]
    assert value == "20 / 20"
    assert note.startswith("50 closed-loop clients, 30 s, 80% GET / 20% POST")
    assert rows["API POST /videos: requests/s, errors"] == ("1, 0", "of 1")


def test_group_cpu_seconds_adds_the_processes_of_one_group(tmp_path):
    import os

    from devstack.bench.api_bench import group_cpu_seconds

    tick = os.sysconf("SC_CLK_TCK")
    for pid, pgrp, utime, stime in ((10, 10, tick, tick), (11, 10, 2 * tick, 0), (12, 99, 5, 5)):
        rest = " ".join(["0"] * 4)  # minflt, cminflt, majflt, cmajflt
        stat = f"{pid} (python x) S 1 {pgrp} {pgrp} 0 -1 0 {rest} {utime} {stime} 0 0"
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat)
    assert group_cpu_seconds(10, tmp_path) == 4.0
    assert group_cpu_seconds(None, tmp_path) == 0.0
