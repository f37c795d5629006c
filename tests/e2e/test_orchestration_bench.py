"""The orchestration bench's path on the session stack: 3 jobs with the instant providers."""

from __future__ import annotations

import pytest

from devstack.bench import orchestration as orch
from devstack.bench.report import results_rows

pytestmark = pytest.mark.e2e

INSTANT = {"DEMO_VIDEO_MODE": "instant", "DEMO_VIDEO_LATENCY_SECONDS": "0",
           "WHISPER_ENGINE": "instant"}  # fmt: skip
INSTANT_FUNCTIONS = ("video_agent", "assembler")


def test_three_jobs_through_the_stack_are_measured(local_stack):
    for name in INSTANT_FUNCTIONS:
        local_stack.start_function(name, INSTANT)  # restarts it with the instant providers
    try:
        summary = orch.run_jobs(local_stack, 3, timeout=150, progress=print)
    finally:
        for name in INSTANT_FUNCTIONS:
            local_stack.start_function(name)  # as the other tests expect it
    assert summary["problems"] == [], summary["problems"]
    assert (summary["completed"], summary["lost"], summary["failed"]) == (3, 0, [])
    for name in ("created_to_script", "script_to_video", "video_to_assemble", "all"):
        handoff = summary["handoff_seconds"][name]
        net = summary["handoff_net_of_queue_wait_seconds"][name]
        assert handoff["n"] == (9 if name == "all" else 3)
        assert 0 < net["p50"] <= handoff["p50"] and net["p95"] <= handoff["p95"] < 60
    per_job = summary["per_job"]
    assert per_job["work_seconds"]["min"] > 0
    net_overhead = per_job["overhead_net_of_queue_wait_seconds"]["p50"]
    assert 0 < net_overhead <= per_job["overhead_seconds"]["p50"]
    assert per_job["overhead_seconds"]["p50"] < per_job["end_to_end_seconds"]["p50"]
    # Every job: its creation, and a claim and a done commit per stage at least, plus one
    # progress record per video block; the video agent's invocations did the bulk of them.
    firestore = summary["firestore"]
    assert firestore["writes_per_job"]["min"] >= 2 + 3 * 2 + 9
    # Each stage's claim and done are read-then-write transactions (intake's counters are blind
    # increments since billing, 0017, so writes may outnumber reads).
    assert firestore["reads_per_job"]["min"] >= 3 * 2
    by_stage = firestore["writes_per_job_by_stage"]
    # Intake: the job, the budget reservation, the creator's rate-limit record, and the account's
    # running-slot and payment increments (two writes, decision 0017).
    assert by_stage["video"] > by_stage["script"] >= 2 and by_stage["intake"] == 5
    assert summary["invocations_by_outcome"].get("video:done") == 3
    rows = {label: value for label, value, _ in results_rows({"orchestration": summary})}
    assert rows["Orchestration: jobs completed / failed / lost"] == "3 / 0 / 0 of 3"
