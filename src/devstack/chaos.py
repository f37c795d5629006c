"""N jobs through the local stack on the fake Vertex AI, with faults injected at random.

    python -m devstack.chaos --jobs N --fault-rate R [--kill-functions] [--seed S] [--json]
                             [--timeout SECONDS] [--slack-seconds S] [--full-render]
                             [--fault-kinds a,b] [--set K=V]

The stack runs the Google adapters (the real google-genai SDK) against tests/fake_vertex with
fast clocks. The fake answers each call with a fault with probability R, each fault kind drawn at
random among those that fit the call: latency, HTTP 429 RESOURCE_EXHAUSTED, 500, 503, malformed
bodies, a safety-blocked script, usage-guidelines refusals, Veo operations that never finish,
finish with an error or with a safety-filtered result. With --kill-functions a thread SIGKILLs a
random function process (script_agent, video_agent, assembler) every 20 to 40 s and restarts it
2 s later.

The harness waits until every job has ended, or until every unfinished job has outlived the
waits its own document and the configured clocks allow (chaos_watch.Design): such a job is lost;
one still within them is never called lost. Progress goes to stderr. With --json the last stdout
line is one JSON object (chaos_report.summarize): jobs, completed, failed [{video_id, stage,
code, reason}], lost, still_waiting, duplicate_billed_operations, rephrases {total, passed,
refused, pending}, job_faults (each job's faults from the fake's call log, and how it ended),
the rule breaches, retries, throttles, kills, and the evidence behind each number. Exit 0 only
when no rule is broken (chaos_report.verdict).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from devstack.chaos_faults import faults_by_job, job_tag, rule_violations
from devstack.chaos_report import print_report, summarize, verdict
from devstack.chaos_watch import DEFAULT_SLACK_SECONDS, Design, Watch
from devstack.demo import repo_root
from devstack.procs import StackError
from devstack.scheduler import post_json
from devstack.stack import Stack

# Fast clocks (as the e2e tests use) and a Veo rate limit that is not the subject here.
CHAOS_OVERRIDES = {
    "LEASE_SECONDS": "15",
    "RETRY_BACKOFF_SECONDS": "2,4,6",
    "VIDEO_POLL_SECONDS": "1",
    "QUOTA_BACKOFF_SECONDS": "1,2,4",
    "X264_PRESET": "ultrafast",
    "VEO_REQUESTS_PER_MINUTE": "600",
    "MAX_ATTEMPTS": "3",
    # Faster than production's 900 s for "operations that never finish", yet well above the
    # fake's render time under load: 50 jobs render ~40 clips at once on 2 cores, and a run
    # measured operations of up to 178 s (operation_seconds in the summary). With 120 s, 44
    # slow but healthy operations were abandoned, then finished and were billed twice.
    "VIDEO_OPERATION_TIMEOUT_SECONDS": "600",
    "MONTHLY_BUDGET_USD": "1000000",
    # All chaos jobs come from one creator, submitted within seconds: the per-creator abuse
    # limits (5 a minute, 3 running) are not the subject here (0 = no limit).
    "CREATE_VIDEO_PER_MINUTE": "0",
    "CREATE_VIDEO_PER_HOUR": "0",
    "MAX_RUNNING_JOBS_PER_CREATOR": "0",
    # ...nor is billing: one creator's free video a month would make every other job a 402, and
    # the free one would run on the fast model.
    "BILLING_ENFORCED": "false",
}
MONITOR_INTERVAL = 2.0
POLL_SECONDS = 2.0
KILLABLE = ("script_agent", "video_agent", "assembler")
KILL_EVERY = (20.0, 40.0)
KILL_DOWNTIME = 2.0
STYLES = ("cinematic", "anime", "realistic", "sketch", "cyberpunk", "vintage", "fantasy")
LANGUAGES = ("en", "fr", "es")
TAG = re.compile(r"\(job \d{3,}\)")  # see chaos_faults.job_tag
THEMES = (
    "The secret life of octopuses", "Why volcanoes erupt", "A day on the Moon",
    "How bees talk", "The oldest trees on Earth", "Night trains across Europe",
    "The science of rainbows", "Lost cities of the desert", "How glaciers move",
    "A robot learns to paint",
)  # fmt: skip


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.chaos", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--jobs", type=int, required=True, help="number of jobs (>= 1)")
    parser.add_argument(
        "--fault-rate",
        type=float,
        required=True,
        help="probability (0..1) that a call to the fake Vertex AI is a fault",
    )
    parser.add_argument(
        "--kill-functions",
        action="store_true",
        help="SIGKILL a random function now and then, restart it 2 s later",
    )
    parser.add_argument(
        "--kill-every",
        default="20,40",
        metavar="MIN,MAX",
        help="seconds between kills, drawn at random in [MIN, MAX] (20,40)",
    )
    parser.add_argument("--seed", type=int, help="seed of the faults, jobs and kills")
    parser.add_argument("--json", action="store_true", help="last stdout line: a JSON summary")
    parser.add_argument(
        "--timeout",
        type=float,
        help="stop waiting after this many seconds even if jobs are still within their designed "
        "waits (they are then reported as still waiting, and the run fails); default: the "
        "worst case a job may take by design",
    )
    parser.add_argument(
        "--slack-seconds",
        type=float,
        default=DEFAULT_SLACK_SECONDS,
        help="added to every designed wait for a loaded machine (serial emulator queues, slow "
        f"encodes) before a job counts as overdue ({DEFAULT_SLACK_SECONDS:g})",
    )
    parser.add_argument(
        "--full-render",
        action="store_true",
        help="render clips with the full demo look (slow) instead of plain colour",
    )
    parser.add_argument(
        "--fault-kinds", help="comma-separated fault kinds (default: all)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the functions",
    )
    parser.add_argument("--log-dir", type=Path, help="stack logs (default .devstack/logs)")
    parser.add_argument(
        "--tasks-max-retries",
        type=int,
        default=5,
        help="Cloud Tasks emulator dispatch retries (5; it retries every 0.1 s, "
        "so a task due while a function is down is dropped after ~0.5 s)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        low, high = (float(part) for part in args.kill_every.split(","))
    except ValueError:
        parser.error("--kill-every wants MIN,MAX in seconds, e.g. 20,40")
    if not 0 < low <= high:
        parser.error("--kill-every wants 0 < MIN <= MAX")
    args.kill_every = (low, high)
    if not 0 <= args.fault_rate <= 1:
        parser.error("--fault-rate must be between 0 and 1")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 1_000_000)
    return args


def chaos_overrides(extra: Sequence[str]) -> dict[str, str]:
    overrides = dict(CHAOS_OVERRIDES)
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--set wants KEY=VALUE, not {item!r}")
        overrides[key] = value
    return overrides


def job_requests(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """A mix of themes, styles and languages; every third with Nova, every fourth with music.

    Each theme ends with its job's tag, so the fake's Gemini calls can be told apart by job.
    """
    requests = []
    for i in range(count):
        request: dict[str, Any] = {
            "theme": f"{THEMES[i % len(THEMES)]} {job_tag(i + 1)}",
            "style": STYLES[i % len(STYLES)],
            "language": LANGUAGES[i % len(LANGUAGES)],
        }
        if i % 3 == 1:
            request["character_id"] = "nova"
        if i % 4 == 2:
            request["music"] = "calm"
        requests.append(request)
    rng.shuffle(requests)
    return requests


# -- the fake's control API ------------------------------------------------------------------
def fake_get(base_url: str, path: str) -> Any:
    with urllib.request.urlopen(f"{base_url}{path}", timeout=30) as response:
        return json.loads(response.read())


def settled_operations(base_url: str, timeout: float = 90.0) -> list[dict[str, Any]]:
    """The fake's operations once every render under way has finished (Veo bills those too)."""
    deadline = time.monotonic() + timeout
    while True:
        operations: list[dict[str, Any]] = fake_get(base_url, "/_fake/operations")
        rendering = [op for op in operations if op["outcome"] == "ok" and not op["finished_at"]]
        if not rendering or time.monotonic() > deadline:
            return operations
        time.sleep(1)


def fake_configure(base_url: str, settings: Mapping[str, Any]) -> None:
    status, text = post_json(f"{base_url}/_fake/config", dict(settings), timeout=30)
    if status != 200:
        raise StackError(f"the fake Vertex AI refused its config ({status}): {text[:300]}")


# -- killing functions -----------------------------------------------------------------------
class Killer:
    """SIGKILLs a random function every 20-40 s (by default) and restarts it 2 s later."""

    def __init__(
        self, stack: Stack, rng: random.Random, every: tuple[float, float] = KILL_EVERY
    ) -> None:
        self.stack = stack
        self.rng = rng
        self.every = every
        self.kills: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chaos-killer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(*self.every)):
            name = self.rng.choice(KILLABLE)
            self.stack.stop_function(name, hard=True)
            self.kills.append({"function": name, "at": time.time()})
            say(f"[chaos] kill -9 {name} (kill #{len(self.kills)})")
            self._stop.wait(KILL_DOWNTIME)
            for attempt in (1, 2, 3):  # restart even when stopping: leave the stack whole
                try:
                    self.stack.start_function(name)
                    break
                except StackError as exc:
                    self.errors.append(f"restart of {name} failed (try {attempt}): {exc}")
                    say(f"[chaos] restart of {name} failed: {str(exc).splitlines()[0]}")


# -- the run ---------------------------------------------------------------------------------
def submit_jobs(
    stack: Stack, requests: list[dict[str, Any]], rng: random.Random
) -> tuple[list[str], list[dict[str, Any]]]:
    """POST each request to the creator API, spread over a few seconds; (ids, rejections)."""
    spread = min(10.0, 1.0 + 0.2 * len(requests))
    video_ids, rejected = [], []
    for request in requests:
        status, text = 0, ""
        for _ in range(5):
            try:
                status, text = stack.submit_video(request, timeout=60)
            except OSError as exc:
                status, text = 0, str(exc)
            if status == 202 or 400 <= status < 500:
                break
            time.sleep(1)
        try:
            reply = json.loads(text) if status else {}
        except ValueError:
            reply = {}
        if status == 202 and "video_id" in reply:
            video_ids.append(str(reply["video_id"]))
        else:
            rejected.append({"request": request, "status": status, "answer": text[:300]})
            say(f"[chaos] job rejected ({status}): {text[:200]}")
        time.sleep(rng.uniform(0, 2 * spread / len(requests)))
    return video_ids, rejected


def run(args: argparse.Namespace, stack: Stack) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    stack.start()
    stack_seconds = time.monotonic() - started
    say(f"[chaos] stack up in {stack_seconds:.0f} s; fake Vertex AI at {stack.fake_vertex_url}")
    kinds = [k.strip() for k in (args.fault_kinds or "").split(",") if k.strip()]
    fake_configure(stack.fake_vertex_url, {
        "fault_rate": args.fault_rate, "seed": args.seed,
        "render": "full" if args.full_render else "light",
        **({"fault_kinds": kinds} if kinds else {}),
    })  # fmt: skip
    design = Design.from_overrides(stack.overrides, MONITOR_INTERVAL, args.slack_seconds)
    cap = args.timeout if args.timeout is not None else design.worst_case_seconds() + 60
    say(f"[chaos] {args.jobs} jobs, fault rate {args.fault_rate}, seed {args.seed}"
        f"{', killing functions' if args.kill_functions else ''}; a job is overdue "
        f"{design.allowance:.0f} s after its last designed wait; cap {cap:.0f} s")  # fmt: skip
    began = time.monotonic()
    video_ids, rejected = submit_jobs(stack, job_requests(args.jobs, rng), rng)
    watch = Watch(stack.env(), video_ids, design)
    killer = None
    if args.kill_functions:
        killer = Killer(stack, random.Random(args.seed + 1), args.kill_every)
    if killer:
        killer.start()
    try:
        stopped = _wait_for_jobs(stack, watch, killer, began, cap)
    finally:
        if killer:
            killer.stop()
    wall = time.monotonic() - began
    watch.refresh()
    operations = settled_operations(stack.fake_vertex_url)
    faults = fake_get(stack.fake_vertex_url, "/_fake/faults")
    calls = fake_get(stack.fake_vertex_url, "/_fake/calls")
    job_faults, unattributed = faults_by_job(calls, operations, job_tags(watch.docs),
                                             recorded_blocks(watch.docs))  # fmt: skip
    extra = {"rejected": rejected, "stack_start_seconds": round(stack_seconds, 1),
             "crashed_components": sorted(stopped["crashed"]), "stopped_by": stopped["by"],
             "render": "full" if args.full_render else "light",
             "restart_errors": killer.errors if killer else [],
             "rule_violations": rule_violations(calls)}  # fmt: skip
    return summarize(args=args, watch=watch, operations=operations, faults=faults,
                     job_faults=job_faults, unattributed=unattributed,
                     kills=killer.kills if killer else [], wall_seconds=wall,
                     extra=extra)  # fmt: skip


def _wait_for_jobs(
    stack: Stack, watch: Watch, killer: Killer | None, began: float, cap: float
) -> dict[str, Any]:
    """Until every job ended, or every unfinished one is overdue, or the cap: what stopped it."""
    last_line, last_print = "", 0.0
    crashed: set[str] = set()
    while True:
        watch.refresh()
        elapsed = time.monotonic() - began
        line = watch.status_line(elapsed, len(killer.kills) if killer else 0)
        body = line.split("]", 1)[1]
        if body != last_line or time.monotonic() - last_print > 30:
            say(line)
            last_line, last_print = body, time.monotonic()
        for name in set(stack.dead()) - crashed:
            crashed.add(name)
            say(f"[chaos] {name} exited on its own; see {stack.log_dir}/{name}.log")
        reason = stop_reason(watch, elapsed, cap)
        if reason is not None:
            unfinished = len(watch.unfinished())
            if reason == "all_unfinished_overdue":
                say(f"[chaos] {unfinished} unfinished job(s), all past their designed waits,"
                    f" and none moved for {watch.design.allowance:.0f} s")
            elif reason == "timeout":
                say(f"[chaos] cap of {cap:.0f} s reached: {unfinished} job(s) unfinished")
            return {"by": reason, "crashed": crashed}
        time.sleep(POLL_SECONDS)


def stop_reason(watch: Watch, elapsed: float, cap: float) -> str | None:
    """Why the wait ends now, if it does: every job ended, the run is stuck, or the cap."""
    unfinished = watch.unfinished()
    if not unfinished:
        return "all_ended"
    # Past their own waits is not enough: jobs queued behind the one-at-a-time assembler are
    # overdue while it still works through them. Stuck means, besides, that nothing moved.
    stuck = watch.quiet_seconds() > watch.design.allowance
    if stuck and all(watch.is_overdue(v) for v in unfinished):
        return "all_unfinished_overdue"
    if elapsed > cap:
        return "timeout"
    return None


def job_tags(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """video_id -> the job tag its theme ends with (see job_requests)."""
    tags = {}
    for video_id, doc in docs.items():
        found = TAG.search(str(doc.get("theme") or ""))
        if found:
            tags[video_id] = found[0]
    return tags


def recorded_blocks(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Operation name -> block, from what the jobs recorded (finished and pending operations)."""
    blocks = {}
    for doc in docs.values():
        for op in [*(doc.get("video_operations") or []), doc.get("veo_operation") or {}]:
            if op.get("name") and op.get("block") is not None:
                blocks[str(op["name"])] = int(op["block"])
    return blocks


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    stack = Stack(repo_root(), overrides=chaos_overrides(args.overrides),
                  monitor_interval=MONITOR_INTERVAL, provider="google-fake",
                  tasks_max_retries=args.tasks_max_retries)  # fmt: skip
    if args.log_dir:
        stack.log_dir = args.log_dir.resolve()
    say(f"[chaos] starting the local stack on the fake Vertex AI (logs: {stack.log_dir})")
    try:
        summary = run(args, stack)
    except StackError as exc:
        say(f"[chaos] local stack failed: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop()
    problems = verdict(summary)
    print_report(summary, problems, say)
    if args.json:
        print(json.dumps(summary, default=str), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
