"""Part 3: orchestration. N jobs (50 by default) through the local stack with instant providers.

The stack is the real one (Firestore emulator, GCS emulator, Cloud Tasks emulator, the four
functions under functions-framework, the monitor called every `monitor_interval` s); only the
providers cost nothing: the offline demo script writer (already instant), the instant demo
video model (DEMO_VIDEO_MODE=instant: every block is a copy of one 4 s clip) and the instant
transcriber (WHISPER_ENGINE=instant: the clip's known line), see
shortvideo/adapters/instant_video.py. The assembler's FFmpeg work on that 4 s video is real
(with `real_whisper`, Whisper too: 2 to 10 s a job, and the emulator runs the assembler queue
one task at a time). The jobs are submitted one after another to the creator API, as fast as it
answers (or `spacing` s apart), with unique themes, so every script is a cache miss.

Figures, from the job documents and the function processes' logs:
- Handoff latency, stage committed -> next stage started: `stage_timings[A].finished_at` (the
  commit of A's done status) to `stage_timings[B].started_at` (B's claim); the first handoff
  is job created -> script claimed. p50 and p95 over all jobs.
- The same net of queue wait: the local Cloud Tasks emulator dispatches each queue serially,
  so in a burst a doorbell waits while the target function serves other jobs. Queue wait is
  the time within the handoff during which another invocation of the target stage was running
  (from `stage_invocation_finished` lines: end time and duration). Real Cloud Tasks dispatches
  concurrently, so the net figure is the one that carries over.
- Orchestration overhead per job: (assemble committed - job created) minus the job's stage
  work. Stage work is the `work_ms` of each of the job's invocations: the stage's work
  function's wall time minus its Firestore and Cloud Tasks calls (model calls, GCS, media).
  So the overhead is everything else: queueing and delivery of doorbells, HTTP, claims,
  commits, progress records, lease renewals, doorbells rung, (with a video latency) waits for
  the operation. Reported whole and net of queue wait, with its two parts: time between
  stages (handoffs) and coordination inside stage invocations.
- Firestore reads and writes per job, as billed: the `reads`/`writes` of the job's
  invocations (skipped doorbells too) and of its creation (`job_created`), counted in the
  Firestore adapters (shortvideo.metering). The monitor's are shared by all jobs: reported
  apart, in total and divided by N. Reads by this bench's own watcher are not counted.
- No job lost: every job completed or failed when the run ends; lost = neither.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devstack.bench.report import percentile
from devstack.clients import firestore_client
from devstack.stack import Stack
from shortvideo.settings import settings_from

DEFAULT_JOBS = 50
STAGES = ("script", "video", "assemble")
# (name, stage before or None for the job's creation, stage after)
HANDOFFS = (
    ("created_to_script", None, "script"),
    ("script_to_video", "script", "video"),
    ("video_to_assemble", "video", "assemble"),
)
FUNCTION_LOGS = {"script_agent": "script", "video_agent": "video", "assembler": "assemble",
                 "monitor": "monitor"}  # fmt: skip
# Instant providers, and the monthly budget out of the way (50 x $25.60 would fit, 100 not).
# The rest are the product's defaults (lease 90 s, poll 10 s, monitor every 120 s), except
# the final encode's preset: ultrafast, as in the end-to-end tests (it is stage work anyway).
INSTANT_OVERRIDES = {
    "PIPELINE_PROVIDER": "demo",
    "DEMO_VIDEO_MODE": "instant",
    "DEMO_VIDEO_LATENCY_SECONDS": "0",
    "WHISPER_ENGINE": "instant",
    "X264_PRESET": "ultrafast",
    "MONTHLY_BUDGET_USD": "1000000",
    # Every job comes from the stack's one API creator (decision 0012): the API's per-creator
    # limits (0 = none) would refuse a burst of 50.
    "CREATE_VIDEO_PER_MINUTE": "0",
    "CREATE_VIDEO_PER_HOUR": "0",
    "MAX_RUNNING_JOBS_PER_CREATOR": "0",
    "BILLING_ENFORCED": "false",  # nor one free video a month (decision 0017)
}
THEMES = (
    "The secret life of octopuses", "Why volcanoes erupt", "A day on the Moon",
    "How bees talk", "The oldest trees on Earth", "Night trains across Europe",
    "The science of rainbows", "Lost cities of the desert", "How glaciers move",
    "A robot learns to paint",
)  # fmt: skip
STYLES = ("cinematic", "anime", "realistic", "sketch", "cyberpunk", "vintage", "fantasy")
TERMINAL = ("completed", "failed")

Progress = Callable[[str], None]


# -- the logs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invocation:
    """One stage invocation, from its `stage_invocation_finished` line."""

    stage: str
    video_id: str
    outcome: str
    start: datetime
    end: datetime
    work_seconds: float
    reads: int
    writes: int
    rings: int
    poll_due_at: datetime | None = None

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class LogRecords:
    invocations: list[Invocation] = field(default_factory=list)
    created: dict[str, dict[str, Any]] = field(default_factory=dict)  # video_id -> job_created
    monitor_runs: list[dict[str, Any]] = field(default_factory=list)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 timestamp (a trailing Z allowed) as an aware UTC datetime, else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_log_lines(lines: Iterable[str], since: datetime | None = None) -> LogRecords:
    """The records this bench reads from function logs (other lines are skipped)."""
    records = LogRecords()
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        when = parse_time(entry.get("time"))
        if when is None or (since is not None and when < since):
            continue
        event = entry.get("event")
        if event == "stage_invocation_finished" and entry.get("video_id"):
            duration = float(entry.get("duration_ms") or 0.0) / 1000
            records.invocations.append(Invocation(
                stage=str(entry.get("stage")), video_id=str(entry["video_id"]),
                outcome=str(entry.get("outcome")), start=when - timedelta(seconds=duration),
                end=when, work_seconds=float(entry.get("work_ms") or 0.0) / 1000,
                reads=int(entry.get("reads") or 0), writes=int(entry.get("writes") or 0),
                rings=int(entry.get("rings") or 0),
                poll_due_at=parse_time(entry.get("poll_due_at")),
            ))  # fmt: skip
        elif event == "job_created" and entry.get("video_id"):
            records.created[str(entry["video_id"])] = entry
        elif event == "monitor_summary":
            records.monitor_runs.append({**entry, "time": when})
    return records


def read_logs(log_dir: Path, since: datetime | None = None) -> LogRecords:
    lines: list[str] = []
    for name in (*FUNCTION_LOGS, "api"):  # the creator API logs job_created (decision 0012)
        path = log_dir / f"{name}.log"
        if path.is_file():
            lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    return parse_log_lines(lines, since)


# -- the statistics ---------------------------------------------------------------------------
def stats(values: Sequence[float], digits: int = 3) -> dict[str, Any]:
    """n, p50, p95, mean, min, max of the values (None figures when there are none)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "mean": None, "min": None, "max": None}
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), digits),
        "p95": round(percentile(values, 0.95), digits),
        "mean": round(sum(values) / len(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def busy_seconds(
    intervals: Iterable[tuple[datetime, datetime]], t0: datetime, t1: datetime
) -> float:
    """Seconds of [t0, t1] covered by the union of the intervals."""
    clipped = sorted((max(a, t0), min(b, t1)) for a, b in intervals if b > t0 and a < t1)
    total, cursor = 0.0, t0
    for start, end in clipped:
        start = max(start, cursor)
        if end > start:
            total += (end - start).total_seconds()
            cursor = end
    return total


def _stage_time(doc: Mapping[str, Any], stage: str, key: str) -> datetime | None:
    return parse_time(((doc.get("stage_timings") or {}).get(stage) or {}).get(key))


def job_handoffs(
    doc: Mapping[str, Any], busy: Mapping[str, list[Invocation]]
) -> dict[str, tuple[float, float]]:
    """Handoff name -> (latency s, queue wait s) for the handoffs this job went through.

    Queue wait counts the target stage's invocations for other jobs (and this job's earlier
    or doubled doorbells) that ran inside the handoff; the invocation that claimed is the one
    of this job running at the claim time, and is left out.
    """
    video_id = doc.get("video_id")
    out: dict[str, tuple[float, float]] = {}
    for name, before, after in HANDOFFS:
        t0 = parse_time(doc.get("created_at")) if before is None else _stage_time(
            doc, before, "finished_at")  # fmt: skip
        t1 = _stage_time(doc, after, "started_at")
        if t0 is None or t1 is None:
            continue
        others = [(i.start, i.end) for i in busy.get(after, [])
                  if not (i.video_id == video_id and i.start <= t1 <= i.end)]  # fmt: skip
        latency = (t1 - t0).total_seconds()
        out[name] = (latency, min(busy_seconds(others, t0, t1), max(latency, 0.0)))
    return out


def summarize(
    docs: Mapping[str, Mapping[str, Any]],
    records: LogRecords,
    *,
    wall_seconds: float,
    window: tuple[datetime, datetime] | None = None,
) -> dict[str, Any]:
    """The part's figures from the final job documents and the parsed logs."""
    video_ids = list(docs)
    mine = set(video_ids)
    by_job: dict[str, list[Invocation]] = defaultdict(list)
    by_stage: dict[str, list[Invocation]] = defaultdict(list)
    for inv in records.invocations:
        by_stage[inv.stage].append(inv)
        if inv.video_id in mine:
            by_job[inv.video_id].append(inv)
    statuses = Counter(str(d.get("status", "missing")) for d in docs.values())
    failed = [{"video_id": v, "error": d.get("error")} for v, d in docs.items()
              if d.get("status") == "failed"]  # fmt: skip
    lost = [{"video_id": v, "status": d.get("status", "missing"),
             "completed_blocks": d.get("completed_blocks")}
            for v, d in docs.items() if d.get("status") not in TERMINAL]  # fmt: skip

    latencies: dict[str, list[float]] = defaultdict(list)
    net: dict[str, list[float]] = defaultdict(list)
    per_job: dict[str, list[float]] = defaultdict(list)
    reads, writes = [], []
    stage_reads: dict[str, list[int]] = defaultdict(list)
    stage_writes: dict[str, list[int]] = defaultdict(list)
    outcomes: Counter[str] = Counter()
    invocations_per_job: list[float] = []
    missing_logs = []
    for video_id, doc in docs.items():
        invs = by_job.get(video_id, [])
        created = records.created.get(video_id, {})
        claimed = {i.stage for i in invs if i.outcome not in ("skipped", "error")}
        if doc.get("status") == "completed" and (
            not created or not claimed >= set(STAGES)
        ):  # fmt: skip
            missing_logs.append(video_id)
        for stage in ("intake", *STAGES):
            if stage == "intake":
                r, w = int(created.get("reads") or 0), int(created.get("writes") or 0)
            else:
                r = sum(i.reads for i in invs if i.stage == stage)
                w = sum(i.writes for i in invs if i.stage == stage)
            stage_reads[stage].append(r)
            stage_writes[stage].append(w)
        reads.append(sum(stage_reads[s][-1] for s in ("intake", *STAGES)))
        writes.append(sum(stage_writes[s][-1] for s in ("intake", *STAGES)))
        outcomes.update(f"{i.stage}:{i.outcome}" for i in invs)
        invocations_per_job.append(len(invs))
        if doc.get("status") != "completed":
            continue
        handoffs = job_handoffs(doc, by_stage)
        for name, (latency, wait) in handoffs.items():
            latencies[name].append(latency)
            net[name].append(latency - wait)
            latencies["all"].append(latency)
            net["all"].append(latency - wait)
        created_at = parse_time(doc.get("created_at"))
        finished = _stage_time(doc, "assemble", "finished_at")
        if created_at is None or finished is None:
            continue
        end_to_end = (finished - created_at).total_seconds()
        work = sum(i.work_seconds for i in invs)
        queue_wait = sum(wait for _, wait in handoffs.values())
        between = sum(latency for latency, _ in handoffs.values())
        per_job["end_to_end_seconds"].append(end_to_end)
        per_job["work_seconds"].append(work)
        per_job["overhead_seconds"].append(end_to_end - work)
        per_job["overhead_net_of_queue_wait_seconds"].append(end_to_end - work - queue_wait)
        per_job["queue_wait_seconds"].append(queue_wait)
        per_job["between_stages_seconds"].append(between)
        per_job["in_stage_coordination_seconds"].append(end_to_end - work - between)
    lateness = [(i.start - i.poll_due_at).total_seconds() for v in video_ids
                for i in by_job.get(v, []) if i.poll_due_at is not None]  # fmt: skip

    runs = records.monitor_runs
    if window is not None:
        runs = [r for r in runs if window[0] <= r["time"] <= window[1]]
    monitor_reads = sum(int(r.get("reads") or 0) for r in runs)
    monitor_writes = sum(int(r.get("writes") or 0) for r in runs)
    count = max(len(docs), 1)
    return {
        "jobs": len(docs),
        "completed": statuses.get("completed", 0),
        "failed": failed,
        "lost": len(lost),
        "lost_jobs": lost,
        "statuses": dict(statuses),
        "wall_seconds": round(wall_seconds, 1),
        "jobs_per_minute": round(statuses.get("completed", 0) / wall_seconds * 60, 2)
        if wall_seconds > 0
        else None,
        "handoff_seconds": {name: stats(values) for name, values in latencies.items()},
        "handoff_net_of_queue_wait_seconds": {name: stats(v) for name, v in net.items()},
        "poll_lateness_seconds": stats(lateness),
        "per_job": {name: stats(values) for name, values in per_job.items()},
        "firestore": {
            "reads_per_job": stats(reads, 1),
            "writes_per_job": stats(writes, 1),
            "reads_per_job_by_stage": {s: stats(v, 2)["mean"] for s, v in stage_reads.items()},
            "writes_per_job_by_stage": {s: stats(v, 2)["mean"] for s, v in stage_writes.items()},
            "monitor": {
                "runs": len(runs),
                "reads": monitor_reads,
                "writes": monitor_writes,
                "reads_per_job": round(monitor_reads / count, 2),
                "writes_per_job": round(monitor_writes / count, 2),
                "doorbells_rung": sum(int(r.get("rung") or 0) for r in runs),
            },
        },
        "invocations_per_job": stats(invocations_per_job, 2),
        "invocations_by_outcome": dict(sorted(outcomes.items())),
        "jobs_missing_from_logs": missing_logs,
    }


def verdict(summary: Mapping[str, Any]) -> list[str]:
    """What makes the run a failure; empty when it passed."""
    problems = []
    if summary["lost"]:
        problems.append(f"{summary['lost']} job(s) lost (neither completed nor failed)")
    if summary["failed"]:
        problems.append(f"{len(summary['failed'])} job(s) failed")
    if summary["jobs_missing_from_logs"]:
        problems.append(f"{len(summary['jobs_missing_from_logs'])} job(s) missing from the logs")
    if summary.get("rejected"):
        problems.append(f"{len(summary['rejected'])} job request(s) rejected")
    return problems


# -- the run ----------------------------------------------------------------------------------
def job_requests(count: int) -> list[dict[str, Any]]:
    """Unique themes (every script a cache miss); every 3rd with Nova, every 4th with music.

    All in English, the language of the instant clip's line: Whisper told to hear French or
    Spanish in English speech falls back to slower decoding (10 to 60 s instead of 2 s, seen
    here), stage work that would only stretch the run.
    """
    requests = []
    for i in range(count):
        request: dict[str, Any] = {
            "theme": f"{THEMES[i % len(THEMES)]}, episode {i + 1}",
            "style": STYLES[i % len(STYLES)],
            "language": "en",
        }
        if i % 3 == 1:
            request["character_id"] = "nova"
        if i % 4 == 2:
            request["music"] = "calm"
        requests.append(request)
    return requests


def submit_jobs(
    stack: Stack, requests: Sequence[Mapping[str, Any]], spacing: float
) -> tuple[list[str], list[dict[str, Any]]]:
    """POST each request to the creator API; (video ids, rejected requests)."""
    video_ids: list[str] = []
    rejected: list[dict[str, Any]] = []
    for request in requests:
        status, text = 0, ""
        for _ in range(3):
            try:
                status, text = stack.submit_video(request, timeout=60)
            except (OSError, urllib.error.URLError) as exc:
                status, text = 0, str(exc)
            if status == 202 or 400 <= status < 500:
                break
            time.sleep(1)
        try:
            answer = json.loads(text) if status == 202 else {}
        except ValueError:
            answer = {}
        if status == 202 and isinstance(answer, dict) and answer.get("video_id"):
            video_ids.append(str(answer["video_id"]))
        else:
            rejected.append({"request": dict(request), "status": status, "answer": text[:300]})
        if spacing > 0:
            time.sleep(spacing)
    return video_ids, rejected


def wait_until_terminal(
    env: Mapping[str, str], video_ids: Sequence[str], timeout: float, progress: Progress
) -> dict[str, dict[str, Any]]:
    """The job documents once all are completed or failed, or when `timeout` s have passed."""
    db = firestore_client(env)
    refs = [db.collection("video_status").document(v) for v in video_ids]
    docs: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    last_line, last_print = "", -60.0
    while True:
        for snapshot in db.get_all(refs):
            if snapshot.exists:
                docs[snapshot.id] = snapshot.to_dict() or {}
        counts = Counter(str(docs.get(v, {}).get("status", "missing")) for v in video_ids)
        line = " · ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        elapsed = time.monotonic() - started
        if (line != last_line and elapsed - last_print > 5) or elapsed - last_print > 30:
            progress(f"orchestration {elapsed:5.0f}s: {line}")
            last_line, last_print = line, elapsed
        if all(docs.get(v, {}).get("status") in TERMINAL for v in video_ids):
            break
        if elapsed > timeout:
            progress(f"orchestration: timeout after {elapsed:.0f} s")
            break
        time.sleep(2)
    return {v: docs.get(v, {"video_id": v, "status": "missing"}) for v in video_ids}


def wait_for_logs(
    log_dir: Path, docs: Mapping[str, Mapping[str, Any]], since: datetime, timeout: float = 30.0
) -> LogRecords:
    """Logs once every completed job's closing invocation has been written (or `timeout`)."""
    deadline = time.monotonic() + timeout
    wanted = {v for v, d in docs.items() if d.get("status") == "completed"}
    while True:
        records = read_logs(log_dir, since)
        done = {i.video_id for i in records.invocations
                if i.stage == "assemble" and i.outcome == "done"}  # fmt: skip
        if wanted <= done or time.monotonic() > deadline:
            return records
        time.sleep(0.5)


def run_jobs(
    stack: Stack,
    jobs: int,
    *,
    spacing: float = 0.0,
    timeout: float | None = None,
    progress: Progress = lambda _: None,
) -> dict[str, Any]:
    """Submit `jobs` jobs to a running stack (whose video agent is instant) and measure."""
    timeout = timeout if timeout is not None else 300.0 + 6.0 * jobs
    since = datetime.now(UTC) - timedelta(seconds=1)
    began = time.monotonic()
    video_ids, rejected = submit_jobs(stack, job_requests(jobs), spacing)
    submit_seconds = time.monotonic() - began
    progress(f"orchestration: {len(video_ids)} jobs submitted in {submit_seconds:.1f} s")
    docs = wait_until_terminal(stack.env(), video_ids, timeout, progress)
    wall = time.monotonic() - began
    ended = datetime.now(UTC)
    records = wait_for_logs(stack.log_dir, docs, since)
    summary = summarize(docs, records, wall_seconds=wall, window=(since, ended))
    summary["rejected"] = rejected
    summary["submit_seconds"] = round(submit_seconds, 1)
    summary["providers"] = dict(Counter(str(d.get("provider")) for d in docs.values()))
    summary["problems"] = verdict(summary)
    return summary


def _code_version(root: Path) -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    # The functions run the working tree: say whether its code differs from the commit.
    changed = git("status", "--porcelain", "--", "src", "functions")
    return {"commit": git("rev-parse", "--short", "HEAD"), "code_changed": bool(changed),
            "changed_files": [line[3:] for line in changed.splitlines()]}  # fmt: skip


def bench_orchestration(
    root: Path,
    workdir: Path,
    jobs: int = DEFAULT_JOBS,
    *,
    spacing: float = 0.0,
    video_latency: float = 0.0,
    monitor_interval: float = 120.0,
    real_whisper: bool = False,
    progress: Progress = lambda _: None,
) -> dict[str, Any]:
    """Start a stack of its own (fresh emulators, logs under `workdir`), run, stop."""
    overrides = {**INSTANT_OVERRIDES, "DEMO_VIDEO_LATENCY_SECONDS": f"{video_latency:g}"}
    if real_whisper:
        del overrides["WHISPER_ENGINE"]
    stack = Stack(root, overrides=overrides, monitor_interval=monitor_interval)
    stack.log_dir = workdir / "logs"
    shutil.rmtree(stack.log_dir, ignore_errors=True)
    started = time.monotonic()
    try:
        progress(f"orchestration: starting the local stack (logs: {stack.log_dir})")
        stack.start()
        stack_seconds = time.monotonic() - started
        warm_up(stack, progress)
        summary = run_jobs(stack, jobs, spacing=spacing, progress=progress)
    finally:
        stack.stop()
    resolved = settings_from(overrides)
    summary["settings"] = {
        "jobs": jobs, "spacing_seconds": spacing, "video_latency_seconds": video_latency,
        "monitor_interval_seconds": monitor_interval, "overrides": overrides,
        "lease_seconds": resolved.lease_seconds, "video_poll_seconds": resolved.video_poll_seconds,
    }  # fmt: skip
    summary["stack_start_seconds"] = round(stack_seconds, 1)
    summary["code"] = _code_version(root)
    return summary


def warm_up(stack: Stack, progress: Progress) -> None:
    """One job first, not measured: the clip is rendered (and Whisper loaded) before the run."""
    progress("orchestration: one warm-up job (renders the clip)")
    ids, rejected = submit_jobs(stack, [{"theme": "Warm-up"}], 0.0)
    if rejected:
        raise RuntimeError(f"the warm-up job was refused: {rejected[0]}")
    docs = wait_until_terminal(stack.env(), ids, 180.0, lambda _: None)
    doc = docs[ids[0]]
    if doc.get("status") != "completed":
        raise RuntimeError(f"the warm-up job did not complete: {doc.get('status')} "
                           f"{doc.get('error')}")  # fmt: skip
