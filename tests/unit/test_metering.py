"""Per-invocation metering: scopes, threads, and the runner's closing log line."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from structlog.testing import capture_logs

from demo_providers.script_writer import DemoScriptWriter
from shortvideo import metering
from shortvideo.logs import configure_logging
from shortvideo.models import SCRIPT
from shortvideo.ports import Mutation
from shortvideo.stages import intake
from shortvideo.stages.runner import StageContext, run_stage
from shortvideo.stages.script_stage import handle_script
from tests.fakes import FixedScriptModel, MemoryJobStore, memory_services


def test_records_go_to_the_current_meter_only() -> None:
    metering.record(reads=5)  # no meter: dropped
    with metering.meter() as outer:
        metering.record(reads=1, writes=2)
        with metering.meter() as inner:
            metering.record(reads=10, rings=1, tasks_seconds=0.5)
        metering.record(writes=1)
    assert (outer.reads, outer.writes, outer.rings) == (1, 3, 0)
    assert (inner.reads, inner.rings, inner.tasks_seconds) == (10, 1, 0.5)
    assert metering.current() is None
    assert inner.fields() == {"reads": 10, "writes": 0, "firestore_ms": 0.0, "rings": 1,
                              "tasks_ms": 500.0}  # fmt: skip


def test_firestore_call_times_and_counts_even_when_the_call_fails() -> None:
    with metering.meter() as usage:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            time.sleep(0.01)
        with pytest.raises(RuntimeError), metering.firestore_call() as counts:
            counts["reads"] += 1
            raise RuntimeError("aborted")
    assert usage.reads == 2 and usage.writes == 0
    assert usage.firestore_seconds >= 0.01
    assert usage.coordination_seconds == usage.firestore_seconds


def test_threads_keep_their_own_meters() -> None:
    seen: list[metering.Usage | None] = []

    def other() -> None:
        seen.append(metering.current())  # a new thread starts without the caller's meter
        with metering.meter() as mine:
            metering.record(reads=7)
        seen.append(mine)

    with metering.meter() as usage:
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        metering.record(reads=1)
    assert seen[0] is None and seen[1] is not None and seen[1].reads == 7
    assert usage.reads == 1


class MeteredJobStore(MemoryJobStore):
    """The in-memory store metered like the Firestore one; each transaction takes 20 ms."""

    def mutate_job(self, video_id: str, mutation: Mutation) -> Any:
        with metering.firestore_call() as counts:
            time.sleep(0.02)
            counts["reads"] += 1
            before = self.writes
            result = super().mutate_job(video_id, mutation)
            counts["writes"] += self.writes - before
        return result

    def create_job(
        self, doc: Any, charge: Any = None, admission: Any = None, also_create: Any = None
    ) -> Any:
        with metering.firestore_call() as counts:
            written = super().create_job(doc, charge, admission, also_create)
            counts["reads"], counts["writes"] = 1, 2
        return written


@pytest.fixture
def svc(tmp_path):
    configure_logging()  # before capture_logs, which it would otherwise undo
    services = memory_services(tmp_path)
    services.jobs = MeteredJobStore()
    services._lazy["script"] = FixedScriptModel(DemoScriptWriter().write_script)
    return services


def _finished(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in logs if e["event"] == "stage_invocation_finished"]


def test_every_invocation_logs_its_outcome_work_and_counts(svc) -> None:
    with capture_logs() as logs:
        video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]
        handle_script(svc, video_id)
        handle_script(svc, video_id)  # a doubled doorbell: skipped, one read
    created = next(e for e in logs if e["event"] == "job_created")
    assert (created["reads"], created["writes"]) == (1, 2)
    done, skipped = _finished(logs)
    assert done["video_id"] == video_id and done["outcome"] == "done"
    assert (done["reads"], done["writes"]) == (2, 2)  # claim, complete
    assert 0 < done["work_ms"] <= done["duration_ms"]
    assert done["firestore_ms"] >= 40
    assert "poll_due_at" not in done
    assert skipped["outcome"] == "skipped" and skipped["work_ms"] == 0
    assert (skipped["reads"], skipped["writes"]) == (1, 0)


def test_work_time_leaves_out_the_coordination_inside_the_work(svc) -> None:
    video_id = intake.create_job(svc, {"theme": "Bees and flowers"})["video_id"]

    def work(ctx: StageContext) -> None:
        time.sleep(0.05)  # the stage's own work
        ctx.progress(note="x")  # 20 ms of "Firestore"
        with metering.firestore_call():
            time.sleep(0.2)  # and a slow call
        raise RuntimeError("boom")  # recorded as a failure: the work time still counts

    with capture_logs() as logs:
        outcome = run_stage(svc, SCRIPT, video_id, work)
    assert outcome["outcome"] == "retry_scheduled"
    (line,) = _finished(logs)
    assert line["outcome"] == "retry_scheduled"
    assert 45 <= line["work_ms"] < 150
    assert line["duration_ms"] >= line["work_ms"] + 200
    assert (line["reads"], line["writes"]) == (3, 3)  # claim, progress, failure
