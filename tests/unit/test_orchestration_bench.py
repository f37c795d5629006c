"""The orchestration bench's pure parts: log parsing, queue-wait arithmetic, the figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.bench import orchestration as orch
from devstack.bench.report import results_rows

T0 = datetime(2026, 11, 21, 8, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def finished_line(stage: str, video_id: str, end: float, duration: float, work: float,
                  reads: int, writes: int, outcome: str = "done", **extra: Any) -> str:  # fmt: skip
    return json.dumps({
        "stage": stage, "video_id": video_id, "owner": f"{stage}-x", "outcome": outcome,
        "duration_ms": duration * 1000, "work_ms": work * 1000, "reads": reads,
        "writes": writes, "firestore_ms": 1.0, "rings": 1, "tasks_ms": 1.0,
        "event": "stage_invocation_finished", "severity": "INFO",
        "time": at(end).isoformat().replace("+00:00", "Z"), **extra,
    })  # fmt: skip


def test_parse_log_lines_reads_invocations_creations_and_monitor_runs() -> None:
    lines = [
        "=== 08:00:00 start: functions-framework --target handle",
        "[2026-11-21 08:00:00 +0000] [1] [INFO] Booting worker",
        "{not json",
        finished_line("script", "old", end=-10, duration=1, work=0.5, reads=2, writes=2),
        finished_line("video", "v1", end=5, duration=2, work=0.5, reads=29, writes=29,
                      poll_due_at=at(2.5).isoformat()),
        json.dumps({"event": "job_created", "video_id": "v1", "reads": 1, "writes": 2,
                    "time": at(0).isoformat()}),
        json.dumps({"event": "monitor_summary", "reads": 4, "writes": 1, "rung": 1,
                    "time": at(3).isoformat()}),
        json.dumps({"event": "stage_claimed", "video_id": "v1", "time": at(3).isoformat()}),
    ]  # fmt: skip
    records = orch.parse_log_lines(lines, since=T0)
    (inv,) = records.invocations
    assert (inv.stage, inv.video_id, inv.outcome) == ("video", "v1", "done")
    assert inv.start == at(3) and inv.end == at(5) and inv.seconds == 2
    assert (inv.work_seconds, inv.reads, inv.writes, inv.rings) == (0.5, 29, 29, 1)
    assert inv.poll_due_at == at(2.5)
    assert records.created["v1"]["writes"] == 2
    assert [r["reads"] for r in records.monitor_runs] == [4]
    assert orch.parse_time("2026-11-21T08:00:00Z") == T0
    assert orch.parse_time("yesterday") is None and orch.parse_time(None) is None


def test_busy_seconds_is_the_union_of_the_intervals_within_the_window() -> None:
    intervals = [(at(0), at(2)), (at(1), at(3)), (at(5), at(6)), (at(9), at(20))]
    assert orch.busy_seconds(intervals, at(1), at(10)) == pytest.approx(2 + 1 + 1)
    assert orch.busy_seconds([], at(0), at(1)) == 0
    assert orch.busy_seconds([(at(2), at(3))], at(0), at(1)) == 0


def test_stats_percentiles_and_empty() -> None:
    figures = orch.stats([1.0, 2.0, 3.0, 4.0, 10.0])
    assert figures["n"] == 5 and figures["p50"] == 3.0 and figures["mean"] == 4.0
    assert figures["p95"] == pytest.approx(8.8)
    assert orch.stats([])["p50"] is None


def job_doc(video_id: str, created: float, stages: dict[str, tuple[float, float]],
            status: str = "completed") -> dict[str, Any]:  # fmt: skip
    return {
        "video_id": video_id, "status": status, "created_at": at(created),
        "stage_timings": {s: {"started_at": at(a), "finished_at": at(b), "seconds": b - a}
                          for s, (a, b) in stages.items()},
    }  # fmt: skip


def two_jobs() -> tuple[dict[str, dict[str, Any]], orch.LogRecords]:
    """Job a runs alone; job b waits 3 s for the assembler, busy with a."""
    docs = {
        "a": job_doc("a", 0, {"script": (0.1, 0.3), "video": (0.4, 1.4), "assemble": (1.5, 5.5)}),
        "b": job_doc("b", 0.5, {"script": (0.6, 0.8), "video": (1.4, 2.4),
                                "assemble": (5.6, 8.6)}),
        "c": {"video_id": "c", "status": "generating_video"},
    }  # fmt: skip
    lines = [
        json.dumps({"event": "job_created", "video_id": v, "reads": 1, "writes": 2,
                    "time": at(t).isoformat()})
        for v, t in (("a", 0), ("b", 0.5), ("c", 1))
    ] + [
        finished_line("script", "a", 0.35, 0.3, 0.1, 3, 3),
        finished_line("video", "a", 1.45, 1.1, 0.2, 29, 29),
        finished_line("assemble", "a", 5.55, 4.1, 3.8, 2, 2),
        finished_line("script", "b", 0.85, 0.3, 0.1, 4, 3),
        finished_line("video", "b", 2.45, 1.1, 0.2, 38, 29),
        finished_line("video", "b", 2.5, 0.02, 0.0, 1, 0, outcome="skipped"),
        finished_line("assemble", "b", 8.65, 3.1, 2.8, 2, 2),
        json.dumps({"event": "monitor_summary", "reads": 3, "writes": 0, "rung": 0,
                    "time": at(4).isoformat()}),
        json.dumps({"event": "monitor_summary", "reads": 99, "time": at(100).isoformat()}),
    ]  # fmt: skip
    return docs, orch.parse_log_lines(lines)


def test_summarize_handoffs_overhead_firestore_and_lost_jobs() -> None:
    docs, records = two_jobs()
    summary = orch.summarize(docs, records, wall_seconds=10, window=(at(0), at(10)))
    assert (summary["jobs"], summary["completed"], summary["lost"]) == (3, 2, 1)
    assert summary["lost_jobs"][0]["video_id"] == "c"
    handoff = summary["handoff_seconds"]["video_to_assemble"]
    assert handoff["min"] == pytest.approx(0.1) and handoff["max"] == pytest.approx(3.2)
    # b's 3.2 s wait for the assembler: 3.15 s of it a's assembly (until 5.55).
    net = summary["handoff_net_of_queue_wait_seconds"]["video_to_assemble"]
    assert (net["min"], net["max"]) == (pytest.approx(0.05), pytest.approx(0.1))
    assert summary["handoff_seconds"]["all"]["n"] == 6
    per_job = summary["per_job"]
    # a: 5.5 s end to end, 4.1 s of work; b: 8.1 s, 3.1 s of work.
    assert per_job["end_to_end_seconds"]["max"] == pytest.approx(8.1)
    assert per_job["overhead_seconds"]["min"] == pytest.approx(1.4)
    assert per_job["overhead_seconds"]["max"] == pytest.approx(5.0)
    # b also waited 0.6 s for the video agent, busy with a until 1.45.
    assert per_job["queue_wait_seconds"]["max"] == pytest.approx(0.6 + 3.15)
    net_overhead = per_job["overhead_net_of_queue_wait_seconds"]
    assert (net_overhead["min"], net_overhead["max"]) == (pytest.approx(5.0 - 3.75), 1.4)
    b_between = 0.1 + 0.6 + 3.2
    assert per_job["between_stages_seconds"]["max"] == pytest.approx(b_between)
    assert per_job["in_stage_coordination_seconds"]["max"] == pytest.approx(5.0 - b_between)
    firestore = summary["firestore"]
    # a: 1+3+29+2 reads, 2+3+29+2 writes; b: 1+4+38+1+2, 2+3+29+2; c: its creation only.
    assert firestore["reads_per_job"]["max"] == 46 and firestore["reads_per_job"]["min"] == 1
    assert firestore["writes_per_job"]["p50"] == 36
    assert firestore["reads_per_job_by_stage"]["intake"] == 1
    assert firestore["monitor"] == {"runs": 1, "reads": 3, "writes": 0, "reads_per_job": 1.0,
                                    "writes_per_job": 0.0, "doorbells_rung": 0}  # fmt: skip
    assert summary["invocations_by_outcome"]["video:skipped"] == 1
    assert summary["jobs_missing_from_logs"] == []
    assert orch.verdict(summary) == ["1 job(s) lost (neither completed nor failed)"]


def test_a_completed_job_without_its_log_lines_is_flagged() -> None:
    docs, records = two_jobs()
    records.invocations = [i for i in records.invocations if i.video_id != "b"]
    summary = orch.summarize({k: docs[k] for k in ("a", "b")}, records, wall_seconds=10)
    assert summary["jobs_missing_from_logs"] == ["b"]
    assert any("missing from the logs" in p for p in orch.verdict(summary))


def test_job_requests_are_unique_english_and_mixed() -> None:
    requests = orch.job_requests(12)
    assert len({r["theme"] for r in requests}) == 12
    assert {r["language"] for r in requests} == {"en"}
    assert sum("character_id" in r for r in requests) == 4
    assert sum("music" in r for r in requests) == 3


def test_the_table_shows_the_orchestration_figures() -> None:
    docs, records = two_jobs()
    summary = orch.summarize(docs, records, wall_seconds=10)
    rows = {label: (value, note) for label, value, note in results_rows({"orchestration": summary})}
    assert rows["Orchestration: jobs completed / failed / lost"][0] == "2 / 0 / 1 of 3"
    value, note = rows["Handoff video committed → assembler claimed, p50 / p95, s"]
    assert value == "1.65 / 3.04" and note == "net of queue wait: 0.075 / 0.098"
    assert any(label.startswith("Firestore reads / writes per job") for label in rows)
