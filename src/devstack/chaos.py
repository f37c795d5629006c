"""N jobs through the local stack on the fake Vertex AI, with faults injected at random.

    python -m devstack.chaos --jobs N --fault-rate R [--kill-functions] [--seed S] [--json]
                             [--timeout SECONDS] [--full-render] [--fault-kinds a,b] [--set K=V]

The stack runs the Google adapters (the real google-genai SDK) against tests/fake_vertex with
fast clocks. The fake answers each call with a fault with probability R, each fault kind drawn at
random among those that fit the call: latency, HTTP 429 RESOURCE_EXHAUSTED, 500, 503, malformed
bodies, a safety-blocked script, Veo operations that never finish, finish with an error or with
a safety-filtered result. With --kill-functions a thread SIGKILLs a random function process
(script_agent, video_agent, assembler) every 20 to 40 s and restarts it 2 s later.

Progress goes to stderr. With --json the last stdout line is one JSON object: jobs, completed,
failed [{video_id, stage, code, reason}], lost (jobs neither completed nor failed at the end),
duplicate_billed_operations (a block the fake made and billed more than once for one job),
retries_by_stage, throttles_by_stage, fallbacks, kills, faults_injected, wall_seconds, and the
evidence behind each number (lost_jobs, duplicates, stuck_flags). Exit 0 only when no job was
lost, no block was billed twice, and every failed job says why.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devstack.clients import firestore_client
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
}
MONITOR_INTERVAL = 2.0
POLL_SECONDS = 2.0
KILLABLE = ("script_agent", "video_agent", "assembler")
KILL_EVERY = (20.0, 40.0)
KILL_DOWNTIME = 2.0
STAGES = ("script", "video", "assemble")
TERMINAL = ("completed", "failed")
STYLES = ("cinematic", "anime", "realistic", "sketch", "cyberpunk", "vintage", "fantasy")
LANGUAGES = ("en", "fr", "es")
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
        "--timeout", type=float, help="seconds to wait for the jobs (default 300 + 75 per job)"
    )
    parser.add_argument(
        "--stall-seconds",
        type=float,
        help="give up early when no unfinished job has moved on for this long (default: the "
        "operation timeout + 300 s: a job may rightly wait that long for a lost submit's video)",
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
    if args.timeout is None:
        args.timeout = 300.0 + 75.0 * args.jobs
    return args


def chaos_overrides(extra: Sequence[str]) -> dict[str, str]:
    overrides = dict(CHAOS_OVERRIDES)
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--set wants KEY=VALUE, not {item!r}")
        overrides[key] = value
    return overrides


def stuck_after_seconds(overrides: Mapping[str, str]) -> float:
    """3 lease periods plus the longest backoff: a job quieter than this looks stuck."""
    lease = float(overrides.get("LEASE_SECONDS", "90"))
    waits = [
        float(part)
        for key in ("RETRY_BACKOFF_SECONDS", "QUOTA_BACKOFF_SECONDS")
        for part in overrides.get(key, "").split(",")
        if part.strip()
    ]
    return 3 * lease + max(waits, default=0.0)


def job_requests(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """A mix of themes, styles and languages; every third with Nova, every fourth with music."""
    requests = []
    for i in range(count):
        request: dict[str, Any] = {
            "theme": THEMES[i % len(THEMES)],
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


# -- watching the jobs -----------------------------------------------------------------------
def progress_signature(doc: Mapping[str, Any]) -> str:
    """What changes when a job really moves on (not a mere poll of the same operation)."""
    op = doc.get("veo_operation") or {}
    error = doc.get("error") or {}
    return json.dumps([
        doc.get("status"), doc.get("completed_blocks"), doc.get("attempts"),
        doc.get("throttles"), op.get("name"), error.get("code"), error.get("attempt"),
    ], sort_keys=True, default=str)  # fmt: skip


@dataclass
class Watch:
    """Reads every job every POLL_SECONDS; remembers when each last moved."""

    env: Mapping[str, str]
    video_ids: list[str]
    stuck_after: float
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    moved_at: dict[str, float] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    stuck_flags: list[dict[str, Any]] = field(default_factory=list)
    _flagged: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        db = firestore_client(self.env)
        self._refs = [db.collection("video_status").document(v) for v in self.video_ids]
        self._db = db

    def refresh(self) -> None:
        now = time.monotonic()
        for snapshot in self._db.get_all(self._refs):
            if not snapshot.exists:
                continue
            doc = snapshot.to_dict() or {}
            video_id = snapshot.id
            signature = progress_signature(doc)
            if self.signatures.get(video_id) != signature:
                self.signatures[video_id] = signature
                self.moved_at[video_id] = now
            self.docs[video_id] = doc
            self._check_stuck(video_id, doc)

    def _check_stuck(self, video_id: str, doc: Mapping[str, Any]) -> None:
        """Flag (once per quiet spell) a job whose updated_at has not moved for too long."""
        if doc.get("status") in TERMINAL:
            return
        quiet = seconds_since(doc.get("updated_at"))
        if quiet is None or quiet <= self.stuck_after:
            self._flagged.discard(video_id)
            return
        if video_id not in self._flagged:
            self._flagged.add(video_id)
            flag = {"video_id": video_id, "status": doc.get("status"),
                    "seconds_without_update": round(quiet),
                    "completed_blocks": doc.get("completed_blocks"),
                    "lease_owner": doc.get("lease_owner"),
                    "next_retry_at": _iso(doc.get("next_retry_at"))}  # fmt: skip
            self.stuck_flags.append(flag)
            say(f"[chaos] stuck? {video_id} {doc.get('status')}: no update for {quiet:.0f} s")

    def unfinished(self) -> list[str]:
        return [v for v in self.video_ids if self.docs.get(v, {}).get("status") not in TERMINAL]

    def quiet_for(self, video_id: str) -> float:
        return time.monotonic() - self.moved_at.get(video_id, time.monotonic())

    def status_line(self, elapsed: float, kills: int) -> str:
        counts = Counter(str(self.docs.get(v, {}).get("status", "unknown")) for v in self.video_ids)
        done = sum(int(d.get("completed_blocks") or 0) for d in self.docs.values())
        total = sum(int(d.get("total_blocks") or 0) for d in self.docs.values())
        order = ("queued", "scripting", "script_generated", "generating_video",
                 "video_generated", "assembling", "completed", "failed")  # fmt: skip
        parts = [f"{s} {counts[s]}" for s in order if counts.get(s)]
        return (f"[chaos {elapsed:5.0f}s] {' · '.join(parts)} · blocks {done}/{total}"
                f" · kills {kills}")  # fmt: skip


def seconds_since(value: Any) -> float | None:
    if not isinstance(value, datetime):
        return None
    when = value if value.tzinfo else value.replace(tzinfo=UTC)
    return (datetime.now(UTC) - when).total_seconds()


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


# -- the figures -----------------------------------------------------------------------------
def _short(name: str | None) -> str | None:
    return name.rpartition("/")[2] if name else name


def duplicate_billing(
    docs: Mapping[str, Mapping[str, Any]],
    operations: Sequence[Mapping[str, Any]],
    kills: Sequence[Mapping[str, Any]],
) -> tuple[int, list[dict[str, Any]], int, int]:
    """(duplicates, their evidence, billed operations, billed operations no job recorded).

    A duplicate is a block of a job that the fake made (and Veo would bill) more than once, or
    that the job's video_operations list more than once. The block of an operation is the one
    the job recorded for it, else the fake's own reckoning (from the input video's length).
    """
    billed = [op for op in operations if op.get("billed") and op.get("video_id") in docs]
    count, details, unrecorded = 0, [], 0
    for video_id, doc in docs.items():
        recorded = list(doc.get("video_operations") or [])
        recorded_block = {r.get("name"): r.get("block") for r in recorded}
        per_block: dict[Any, list[dict[str, Any]]] = {}
        for op in (o for o in billed if o["video_id"] == video_id):
            is_recorded = op["name"] in recorded_block
            unrecorded += not is_recorded
            block = recorded_block[op["name"]] if is_recorded else op.get("block")
            per_block.setdefault(block, []).append({**op, "recorded": is_recorded})
        listed = Counter(r.get("block") for r in recorded)
        for block in sorted(set(per_block) | set(listed), key=lambda b: (b is None, b)):
            ops = per_block.get(block, [])
            extra = max(len(ops), listed.get(block, 0)) - 1
            if extra <= 0:
                continue
            count += extra
            details.append(_duplicate_evidence(video_id, block, ops, listed[block], kills))
    return count, details, len(billed), unrecorded


def _duplicate_evidence(
    video_id: str,
    block: Any,
    ops: list[dict[str, Any]],
    listed: int,
    kills: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    items = []
    for op in sorted(ops, key=lambda o: o.get("submitted_at") or 0):
        submitted = float(op.get("submitted_at") or 0)
        near = [k for k in kills if k["function"] == "video_agent"
                and -5 <= k["at"] - submitted <= 5]  # fmt: skip
        finished = op.get("finished_at")
        items.append({
            "operation": _short(op.get("name")), "model": op.get("model"),
            "recorded": op["recorded"], "polled": int(op.get("fetches") or 0) > 0,
            "video_agent_killed_within_5s": bool(near),
            "seconds_to_video": round(float(finished) - submitted, 1) if finished else None,
        })  # fmt: skip
    never_polled = [i for i in items if not i["polled"] and not i["recorded"]]
    if listed > 1:
        why = f"block {block} appears {listed} times in video_operations"
    elif never_polled:
        why = (
            "an operation's name never reached the job (it was never polled): the submit "
            "answer was lost, e.g. the video agent died between submit and commit"
        )
    else:
        why = (
            "the pipeline knew (polled) an operation for this block and submitted it again, "
            "e.g. it gave up on a slow operation (VIDEO_OPERATION_TIMEOUT_SECONDS) that then "
            "finished anyway"
        )
    return {"video_id": video_id, "block": block, "billed": len(ops), "listed": listed,
            "operations": items, "diagnosis": why}  # fmt: skip


def lost_evidence(watch: Watch, operations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    by_name = {op["name"]: op for op in operations}
    lost = []
    for video_id in watch.unfinished():
        doc = watch.docs.get(video_id, {})
        op = doc.get("veo_operation") or {}
        fake_op = by_name.get(op.get("name") or "", {})
        quiet = watch.quiet_for(video_id)
        status = doc.get("status", "missing")
        if fake_op.get("outcome") == "never":
            why = (
                f"waits on Veo operation {_short(op.get('name'))} (block {op.get('block')}),"
                f" which never finishes: polled {op.get('polls')} times, no timeout"
            )
        elif doc.get("veo_submit_intent"):
            intent = doc["veo_submit_intent"]
            why = (
                f"waits for the video of block {intent.get('block')}'s submit, whose answer was"
                f" lost ({intent.get('checks', 0)} checks), for {quiet:.0f} s"
            )
        elif doc.get("lease_owner") and doc.get("lease_owner") != "waiting":
            why = f"{status}: lease held by {doc.get('lease_owner')}, no progress for {quiet:.0f} s"
        else:
            why = f"{status}: no progress for {quiet:.0f} s"
        lost.append({
            "video_id": video_id, "status": status,
            "completed_blocks": doc.get("completed_blocks"),
            "total_blocks": doc.get("total_blocks"),
            "attempts": doc.get("attempts"), "lease_owner": doc.get("lease_owner"),
            "veo_operation": {"name": _short(op.get("name")), "block": op.get("block"),
                              "polls": op.get("polls")} if op else None,
            "seconds_since_update": _round(seconds_since(doc.get("updated_at"))),
            "seconds_without_progress": round(quiet), "diagnosis": why,
        })  # fmt: skip
    return lost


def operation_seconds(operations: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """How long the fake took to make the videos it billed (submit to video written)."""
    took = sorted(
        float(op["finished_at"]) - float(op["submitted_at"])
        for op in operations
        if op.get("billed") and op.get("finished_at")
    )
    if not took:
        return {}
    return {
        "p50": round(took[len(took) // 2], 1),
        "p90": round(took[int(len(took) * 0.9)], 1),
        "max": round(took[-1], 1),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value)


def summarize(
    args: argparse.Namespace,
    watch: Watch,
    operations: Sequence[Mapping[str, Any]],
    faults: Mapping[str, Any],
    killer: Killer | None,
    wall_seconds: float,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    docs = {v: watch.docs.get(v, {}) for v in watch.video_ids}
    kills = killer.kills if killer else []
    completed = [v for v, d in docs.items() if d.get("status") == "completed"]
    failed = []
    for video_id, doc in docs.items():
        if doc.get("status") != "failed":
            continue
        error = doc.get("error") or {}
        failed.append(
            {
                "video_id": video_id,
                "stage": error.get("stage"),
                "code": error.get("code"),
                "reason": str(error.get("message") or ""),
            }
        )
    duplicates, evidence, billed, unrecorded = duplicate_billing(docs, operations, kills)
    retries = {s: sum(max(0, int((d.get("attempts") or {}).get(s, 0)) - 1) for d in docs.values())
               for s in STAGES}  # fmt: skip
    throttles = {s: sum(int((d.get("throttles") or {}).get(s, 0)) for d in docs.values())
                 for s in STAGES}  # fmt: skip
    lost = lost_evidence(watch, operations)
    cost = sum(float((d.get("cost") or {}).get("actual_usd") or 0) for d in docs.values())
    return {
        "jobs": len(docs),
        "completed": len(completed),
        "failed": failed,
        "lost": len(lost),
        "duplicate_billed_operations": duplicates,
        "retries_by_stage": retries,
        "throttles_by_stage": throttles,
        "fallbacks": sum(1 for d in docs.values() if d.get("model_fallback")),
        "kills": len(kills),
        "kills_by_function": dict(Counter(k["function"] for k in kills)),
        "faults_injected": faults.get("by_kind", {}),
        "faults_total": faults.get("total", 0),
        "wall_seconds": round(wall_seconds, 1),
        "fault_rate": args.fault_rate,
        "seed": args.seed,
        "failed_by_code": dict(Counter(str(f["code"]) for f in failed)),
        "lost_jobs": lost,
        "duplicates": evidence,
        "billed_operations": billed,
        "unrecorded_billed_operations": unrecorded,
        # blocks whose submit answer was lost to a kill and whose video was adopted, not re-paid
        "adopted_submits": sum(
            1 for d in docs.values() for op in d.get("video_operations") or [] if op.get("adopted")
        ),
        "actual_cost_usd": round(cost, 2),
        "operation_seconds": operation_seconds(operations),
        "providers": dict(Counter(str(d.get("provider")) for d in docs.values())),
        "stuck_flags": watch.stuck_flags,
        **extra,
    }


def verdict(summary: Mapping[str, Any]) -> list[str]:
    """What makes the run a failure; empty when it passed."""
    problems = []
    if summary["lost"]:
        problems.append(f"{summary['lost']} job(s) lost")
    if summary["duplicate_billed_operations"]:
        problems.append(f"{summary['duplicate_billed_operations']} block(s) billed twice")
    unexplained = [f["video_id"] for f in summary["failed"] if not f["reason"].strip()]
    if unexplained:
        problems.append(f"failed without a reason: {', '.join(unexplained)}")
    if summary.get("rejected"):
        problems.append(f"{len(summary['rejected'])} job request(s) rejected")
    return problems


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
    overrides = stack.overrides
    stall = args.stall_seconds or float(overrides["VIDEO_OPERATION_TIMEOUT_SECONDS"]) + 300
    say(f"[chaos] {args.jobs} jobs, fault rate {args.fault_rate}, seed {args.seed}"
        f"{', killing functions' if args.kill_functions else ''}")  # fmt: skip
    began = time.monotonic()
    video_ids, rejected = submit_jobs(stack, job_requests(args.jobs, rng), rng)
    watch = Watch(stack.env(), video_ids, stuck_after_seconds(overrides))
    killer = None
    if args.kill_functions:
        killer = Killer(stack, random.Random(args.seed + 1), args.kill_every)
    if killer:
        killer.start()
    last_line, last_print = "", 0.0
    crashed: set[str] = set()
    try:
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
            unfinished = watch.unfinished()
            if not unfinished:
                break
            if elapsed > args.timeout:
                say(f"[chaos] timeout: {len(unfinished)} job(s) unfinished after {elapsed:.0f} s")
                break
            if min(watch.quiet_for(v) for v in unfinished) > stall:
                say(f"[chaos] giving up: no unfinished job moved on for {stall:.0f} s")
                break
            time.sleep(POLL_SECONDS)
    finally:
        if killer:
            killer.stop()
    wall = time.monotonic() - began
    watch.refresh()
    operations = settled_operations(stack.fake_vertex_url)
    faults = fake_get(stack.fake_vertex_url, "/_fake/faults")
    extra = {"rejected": rejected, "stack_start_seconds": round(stack_seconds, 1),
             "crashed_components": sorted(crashed), "render": "full" if args.full_render
             else "light", "restart_errors": killer.errors if killer else []}  # fmt: skip
    return summarize(args, watch, operations, faults, killer, wall, extra)


def print_report(summary: Mapping[str, Any], problems: list[str]) -> None:
    say(f"[chaos] {summary['jobs']} jobs: {summary['completed']} completed, "
        f"{len(summary['failed'])} failed, {summary['lost']} lost; "
        f"{summary['duplicate_billed_operations']} duplicate billed operation(s); "
        f"{summary['kills']} kill(s); {summary['faults_total']} fault(s); "
        f"{summary['wall_seconds']:.0f} s")  # fmt: skip
    for failure in summary["failed"]:
        say(f"  failed {failure['video_id']} [{failure['stage']}/{failure['code']}]: "
            f"{failure['reason']}")  # fmt: skip
    for lost in summary["lost_jobs"]:
        say(f"  LOST {lost['video_id']}: {lost['diagnosis']}")
    for dup in summary["duplicates"]:
        say(f"  DUPLICATE {dup['video_id']} block {dup['block']}: {dup['diagnosis']}")
    say("[chaos] PASS" if not problems else f"[chaos] FAIL: {'; '.join(problems)}")


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
    print_report(summary, problems)
    if args.json:
        print(json.dumps(summary, default=str), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
