"""The chaos harness's judgement: faults per job, rule breaches, designed deadlines, verdict."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from devstack.chaos import job_tags, recorded_blocks, stop_reason
from devstack.chaos_faults import faults_by_job, job_fault_summary, job_tag, rule_violations
from devstack.chaos_report import rephrase_figures, rule_breaches, summarize, verdict
from devstack.chaos_watch import Design

BUCKET = "gs://shortvideo-local"
JOB_NUMBERS = itertools.count(1)


def veo_call(video_id: str, block: int, fault: str | None = None, **extra: Any) -> dict[str, Any]:
    prefix = f"{BUCKET}/veo31_videos/{video_id}/b{block:02d}-ab12cd34/"
    body = {"instances": [{"prompt": "p"}], "parameters": {"storageUri": prefix}}
    behaviour = {"fault": fault, "random_fault": True} if fault else {}
    return {"kind": "predictLongRunning", "model": "veo-3.1-generate-001", "body": body,
            "behaviour": behaviour, "status": extra.get("status", 200)}  # fmt: skip


def gemini_call(prompt: str, fault: str | None = None) -> dict[str, Any]:
    behaviour = {"fault": fault, "random_fault": True} if fault else {}
    return {"kind": "generateContent", "model": "gemini-2.5-flash", "status": 200,
            "body": {"contents": [{"parts": [{"text": prompt}]}]}, "behaviour": behaviour}


def fetch_call(operation: str, fault: str) -> dict[str, Any]:
    return {"kind": "fetchPredictOperation", "model": "veo-3.1-generate-001", "status": 503,
            "body": {"operationName": operation},
            "behaviour": {"fault": fault, "random_fault": True}}  # fmt: skip


def test_faults_are_attributed_to_jobs_by_storage_prefix_operation_and_tag() -> None:
    tags = {"aaa": job_tag(1), "bbb": job_tag(12)}
    calls = [
        gemini_call(f"Write a script about bees {job_tag(12)}", "http_503"),
        gemini_call("Write a script about bees (job 120)", "http_500"),  # nobody's tag
        veo_call("aaa", 0),  # no fault: not listed
        veo_call("aaa", 3, "usage_guidelines_sync", status=400),
        fetch_call("ops/1", "http_503"),
        {**veo_call("bbb", 1), "behaviour": {"fault": "scripted"}},  # a scripted behaviour
    ]
    operations = [{"name": "ops/1", "video_id": "bbb"}]
    by_job, unattributed = faults_by_job(calls, operations, tags, {"ops/1": 4})
    assert [(f["call"], f["fault"], f["block"]) for f in by_job["aaa"]] == [
        ("predictLongRunning", "usage_guidelines_sync", 3)
    ]
    assert by_job["aaa"][0]["class"] == "refusal" and by_job["aaa"][0]["status"] == 400
    polled = [(f["fault"], f["block"]) for f in by_job["bbb"]]
    assert polled == [("http_503", None), ("http_503", 4)]
    assert [f["fault"] for f in unattributed] == ["http_500"]


def test_tags_and_blocks_come_from_the_job_documents() -> None:
    docs = {
        "aaa": {"theme": f"How bees talk {job_tag(7)}",
                "video_operations": [{"name": "ops/1", "block": 0}],
                "veo_operation": {"name": "ops/2", "block": 1}},
        "bbb": {"theme": "no tag here"},
    }  # fmt: skip
    assert job_tags(docs) == {"aaa": "(job 007)"}
    assert recorded_blocks(docs) == {"ops/1": 0, "ops/2": 1}


def job(status: str, faults: list[dict[str, Any]], error_code: str | None = None,
        rephrases: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    return {"video_id": f"v{next(JOB_NUMBERS)}", "status": status, "error_code": error_code,
            "rephrases": rephrases or {}, **job_fault_summary(faults)}  # fmt: skip


def fault(name: str, cls: str, block: int | None = 2, call: str = "predictLongRunning") -> dict:
    return {"call": call, "fault": name, "class": cls, "block": block, "model": "m", "status": 0}


def test_a_job_that_met_only_transient_faults_must_complete() -> None:
    transient = [fault("http_503", "transient"), fault("op_never_done", "transient")]
    breaches = rule_breaches([job("failed", transient, "retries_exhausted"),
                              job("completed", transient), job("failed", [], "x")])  # fmt: skip
    assert [b["error_code"] for b in breaches["failed_after_transient_faults_only"]] == [
        "retries_exhausted", "x"
    ]


def test_a_refused_block_must_be_rephrased_and_a_refused_job_say_its_category() -> None:
    refusal = [fault("usage_guidelines_op", "refusal", block=4)]
    rephrased = {"4": {"reason_code": "content_filtered.person", "outcome": "refused"}}
    ok = job("failed", refusal, "content_filtered.person", rephrased)
    passed = job("completed", refusal, None, {"4": {"outcome": "passed"}})
    unrephrased = job("failed", refusal, "content_filtered.person")
    uncoded = job("failed", refusal, "content_filtered", rephrased)
    breaches = rule_breaches([ok, passed, unrephrased, uncoded])
    assert breaches["failed_after_transient_faults_only"] == []
    assert [(b["video_id"], b["blocks"]) for b in breaches["refused_blocks_not_rephrased"]] == [
        (unrephrased["video_id"], [4])
    ]
    assert [b["error_code"] for b in breaches["refused_jobs_without_category_code"]] == [
        "content_filtered"
    ]


PERSON, VIOLENCE = "content_filtered.person", "content_filtered.violence"


def test_rephrases_are_counted_by_outcome() -> None:
    docs = {
        "a": {"rephrases": {"3": {"outcome": "passed", "reason_code": PERSON},
                            "5": {"outcome": "refused", "reason_code": VIOLENCE}}},
        "b": {"rephrases": {"0": {"outcome": "passed", "reason_code": PERSON}}},
        "c": {},
    }  # fmt: skip
    figures = rephrase_figures(docs)
    assert (figures["total"], figures["passed"], figures["refused"], figures["pending"]) == (
        3, 2, 1, 0
    )  # fmt: skip
    assert figures["by_reason_code"] == {PERSON: 2, VIOLENCE: 1}


DESIGN = Design(lease=15, poll=1, operation_timeout=600, retry_backoffs=(2, 4, 6),
                quota_backoffs=(1, 2, 4), max_attempts=3, monitor_interval=2, slack=60)  # fmt: skip


def ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


def test_a_job_waiting_on_a_veo_operation_is_due_only_after_the_operation_timeout() -> None:
    assert DESIGN.allowance == 2 + 15 + 1 + 60
    doc = {"status": "generating_video", "updated_at": ago(500),
           "veo_operation": {"name": "op", "block": 3, "submitted_at": ago(500)}}  # fmt: skip
    due = DESIGN.due_at(doc)
    assert due is not None and due > datetime.now(UTC)  # within 600 s + allowance
    doc["veo_operation"]["submitted_at"] = ago(600 + DESIGN.allowance + 5)
    doc["updated_at"] = ago(600 + DESIGN.allowance + 5)
    due = DESIGN.due_at(doc)
    assert due is not None and due < datetime.now(UTC)


def test_a_lost_submit_a_retry_and_a_lease_each_set_the_deadline() -> None:
    old = ago(10_000)
    intent = {"status": "generating_video", "updated_at": old,
              "veo_submit_intent": {"block": 2, "at": ago(300)}}  # fmt: skip
    retry = {"status": "script_generated", "updated_at": old, "next_retry_at": ago(-50)}
    lease = {"status": "assembling", "updated_at": old, "lease_expires_at": ago(-10)}
    quiet = {"status": "queued", "updated_at": ago(DESIGN.allowance + 1)}
    for doc in (intent, retry, lease):
        assert DESIGN.due_at(doc) > datetime.now(UTC), doc  # type: ignore[operator]
    assert DESIGN.due_at(quiet) < datetime.now(UTC)  # type: ignore[operator]


def test_the_worst_case_follows_the_configured_clocks() -> None:
    base = DESIGN.worst_case_seconds(blocks=12)
    slower = Design(**{**DESIGN.__dict__, "operation_timeout": 900}).worst_case_seconds(12)
    more = Design(**{**DESIGN.__dict__, "max_attempts": 4,
                     "retry_backoffs": (2, 4, 6, 8)}).worst_case_seconds(12)  # fmt: skip
    # One timed-out operation at the end of each block's stall window, then 3 counted attempts.
    assert slower - base == pytest.approx(12 * (1 + 3) * 300)
    assert more > base
    assert base > 12 * 3 * 600  # three timed-out operations on every block fit in it
    longer = Design(**{**DESIGN.__dict__, "stall": DESIGN.stall + 100}).worst_case_seconds(12)
    assert longer - base == pytest.approx((2 + 12) * 100)  # the stall window bounds every step


class FakeWatch:
    def __init__(self, docs: dict[str, dict[str, Any]], overdue: set[str], quiet: float = 1.0):
        self.docs, self.video_ids, self._overdue = docs, list(docs), overdue
        self.design, self.overdue_flags, self.quiet = DESIGN, [], quiet

    def quiet_seconds(self) -> float:
        return self.quiet

    def unfinished(self) -> list[str]:
        return [v for v, d in self.docs.items() if d["status"] not in ("completed", "failed")]

    def is_overdue(self, video_id: str) -> bool:
        return video_id in self._overdue

    def quiet_for(self, video_id: str) -> float:
        return 1.0


def run_summary(docs: dict[str, dict[str, Any]], overdue: set[str],
                job_faults: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:  # fmt: skip
    args = SimpleNamespace(fault_rate=0.3, seed=1)
    return summarize(args=args, watch=FakeWatch(docs, overdue),  # type: ignore[arg-type]
                     operations=[], faults={"total": 1}, job_faults=job_faults,
                     unattributed=[], kills=[], wall_seconds=1.0, extra={})  # fmt: skip


def test_only_an_overdue_job_is_lost_and_a_waiting_one_gives_no_pass() -> None:
    docs = {"done": {"status": "completed"}, "late": {"status": "generating_video"},
            "waiting": {"status": "generating_video"}}  # fmt: skip
    summary = run_summary(docs, {"late"}, {})
    assert summary["lost"] == 1 and [j["video_id"] for j in summary["lost_jobs"]] == ["late"]
    assert summary["still_waiting"] == 1
    assert summary["still_waiting_jobs"][0]["video_id"] == "waiting"
    problems = verdict(summary)
    assert any("1 job(s) lost" in p for p in problems)
    assert any("still within their designed waits" in p for p in problems)


def test_the_wait_stops_on_overdue_jobs_only_once_nothing_moves() -> None:
    queued = {"done": {"status": "completed"}, "a": {"status": "video_generated"},
              "b": {"status": "video_generated"}}  # fmt: skip
    # Both queued behind the one-at-a-time assembler, past their own waits, while it works.
    moving = FakeWatch(queued, {"a", "b"}, quiet=5.0)
    assert stop_reason(moving, elapsed=100, cap=1000) is None  # type: ignore[arg-type]
    stuck = FakeWatch(queued, {"a", "b"}, quiet=DESIGN.allowance + 1)
    assert stop_reason(stuck, 100, 1000) == "all_unfinished_overdue"  # type: ignore[arg-type]
    one_waiting = FakeWatch(queued, {"a"}, quiet=DESIGN.allowance + 1)
    assert stop_reason(one_waiting, 100, 1000) is None  # type: ignore[arg-type]
    assert stop_reason(one_waiting, 1001, 1000) == "timeout"  # type: ignore[arg-type]
    ended = FakeWatch({"done": {"status": "completed"}}, set())
    assert stop_reason(ended, 1001, 1000) == "all_ended"  # type: ignore[arg-type]


def test_the_verdict_fails_a_transient_only_failure_and_passes_a_refused_one() -> None:
    docs = {
        "t": {"status": "failed", "error": {"code": "retries_exhausted", "message": "3 tries"}},
        "r": {"status": "failed", "error": {"code": "content_filtered.person", "message": "m"},
              "rephrases": {"2": {"outcome": "refused", "reason_code": "x"}}},
        "ok": {"status": "completed"},
    }  # fmt: skip
    faults = {"t": [fault("http_503", "transient")], "r": [fault("op_filtered", "refusal")],
              "ok": [fault("op_filtered", "refusal"), fault("latency", "transient")]}  # fmt: skip
    docs["ok"]["rephrases"] = {"2": {"outcome": "passed", "reason_code": "x"}}
    summary = run_summary(docs, set(), faults)
    assert summary["jobs_with_only_transient_faults"] == 1
    assert summary["rephrases"]["passed"] == 1 and summary["rephrases"]["refused"] == 1
    by_id = {j["video_id"]: j for j in summary["job_faults"]}
    assert by_id["ok"]["by_fault"] == {"op_filtered": 1, "latency": 1}
    assert verdict(summary) == ["1 job(s) failed after transient faults only: t"]


def test_a_request_that_broke_a_vertex_rule_fails_the_run() -> None:
    calls = [{**veo_call("a", 5), "status": 400, "violations": ["extension_input_too_long"]},
             {**veo_call("a", 4), "violations": []}, veo_call("a", 3)]  # fmt: skip
    found = rule_violations(calls)
    assert found == [{"call": "predictLongRunning", "model": "veo-3.1-generate-001",
                      "status": 400, "rules": ["extension_input_too_long"]}]  # fmt: skip
    summary = run_summary({"ok": {"status": "completed"}}, set(), {})
    assert verdict(summary) == []
    summary["rule_violations"] = found
    assert verdict(summary) == ["1 request(s) broke a Vertex rule (the fake's call log)"]


def test_the_chaos_stack_admits_fifty_jobs_from_its_one_creator_at_once(tmp_path) -> None:
    """`--jobs 50` comes from one creator within seconds: the abuse limits must not refuse it."""
    from devstack.chaos import CHAOS_OVERRIDES
    from shortvideo.stages.creator_limits import admit_new_video
    from tests.fakes import memory_services

    svc = memory_services(tmp_path, **CHAOS_OVERRIDES)
    for _ in range(50):
        admit_new_video(svc, "chaos-creator")
        svc.jobs.jobs[f"v{len(svc.jobs.jobs)}"] = {"created_by": "chaos-creator",
                                                    "status": "generating_video"}  # fmt: skip
