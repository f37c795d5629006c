"""The chaos run's figures and verdict: what happened to each job, and whether that is right.

Rules (issue 8): nothing lost (a job unfinished after its designed deadline, see chaos_watch);
no block billed twice; every failed job says why; every job that met only transient faults
(kills included) completes; a block refused for its content is rephrased once before its job
may fail, and then fails with a content_filtered.<category> code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from devstack.chaos_faults import job_fault_summary
from devstack.chaos_watch import Watch, seconds_since

STAGES = ("script", "video", "assemble")
REPHRASE_OUTCOMES = ("passed", "refused", "pending")


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



def lost_evidence(
    watch: Watch, operations: Sequence[Mapping[str, Any]], video_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Why each of `video_ids` (unfinished jobs) did not end: what it was waiting for."""
    by_name = {op["name"]: op for op in operations}
    found = []
    for video_id in video_ids:
        doc = watch.docs.get(video_id, {})
        op = doc.get("veo_operation") or {}
        fake_op = by_name.get(op.get("name") or "", {})
        quiet = watch.quiet_for(video_id)
        status = doc.get("status", "missing")
        if fake_op.get("outcome") == "never":
            why = (
                f"waits on Veo operation {_short(op.get('name'))} (block {op.get('block')}),"
                f" which never finishes: polled {op.get('polls')} times"
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
        due = watch.design.due_at(doc)
        found.append({
            "video_id": video_id, "status": status,
            "completed_blocks": doc.get("completed_blocks"),
            "total_blocks": doc.get("total_blocks"),
            "attempts": doc.get("attempts"), "lease_owner": doc.get("lease_owner"),
            "veo_operation": {"name": _short(op.get("name")), "block": op.get("block"),
                              "polls": op.get("polls")} if op else None,
            "seconds_since_update": _round(seconds_since(doc.get("updated_at"))),
            "seconds_without_progress": round(quiet),
            "due_at": due.isoformat() if due else None, "diagnosis": why,
        })  # fmt: skip
    return found


def _round(value: float | None) -> float | None:
    return None if value is None else round(value)


def rephrase_figures(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The jobs' rephrases (a refused block's prompt rewritten once), by outcome."""
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for doc in docs.values():
        for entry in (doc.get("rephrases") or {}).values():
            outcomes[str(entry.get("outcome"))] += 1
            reasons[str(entry.get("reason_code"))] += 1
    return {"total": sum(outcomes.values()),
            **{o: outcomes.get(o, 0) for o in REPHRASE_OUTCOMES},
            "by_reason_code": dict(reasons)}  # fmt: skip


def job_entry(video_id: str, doc: Mapping[str, Any], faults: Sequence[Mapping[str, Any]]
              ) -> dict[str, Any]:  # fmt: skip
    """One job in the JSON: how it ended, the faults it met, its rephrases."""
    error = doc.get("error") or {}
    return {
        "video_id": video_id,
        "status": doc.get("status", "missing"),
        "error_code": error.get("code"),
        "blocks": doc.get("total_blocks"),
        **job_fault_summary(faults),
        "rephrases": {block: {"reason_code": e.get("reason_code"), "outcome": e.get("outcome")}
                      for block, e in sorted((doc.get("rephrases") or {}).items())},
    }  # fmt: skip


def rule_breaches(jobs: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Jobs whose ending breaks a rule about faults and refusals (see the module docstring)."""
    transient_failed, unrephrased, miscoded = [], [], []
    for job in jobs:
        brief = {"video_id": job["video_id"], "error_code": job["error_code"],
                 "by_fault": job["by_fault"]}  # fmt: skip
        if job["status"] == "failed" and job["only_transient"]:
            transient_failed.append(brief)
        missing = [b for b in job["refused_blocks"] if str(b) not in job["rephrases"]]
        if missing:
            unrephrased.append({**brief, "blocks": missing})
        refused = [b for b, e in job["rephrases"].items() if e["outcome"] == "refused"]
        code = str(job["error_code"] or "")
        if job["status"] == "failed" and refused and not code.startswith("content_filtered."):
            miscoded.append({**brief, "blocks": refused})
    return {"failed_after_transient_faults_only": transient_failed,
            "refused_blocks_not_rephrased": unrephrased,
            "refused_jobs_without_category_code": miscoded}  # fmt: skip


def summarize(
    *,
    args: Any,
    watch: Watch,
    operations: Sequence[Mapping[str, Any]],
    faults: Mapping[str, Any],
    job_faults: Mapping[str, Sequence[Mapping[str, Any]]],
    unattributed: Sequence[Mapping[str, Any]],
    kills: Sequence[Mapping[str, Any]],
    wall_seconds: float,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    docs = {v: watch.docs.get(v, {}) for v in watch.video_ids}
    completed = [v for v, d in docs.items() if d.get("status") == "completed"]
    failed = []
    for video_id, doc in docs.items():
        if doc.get("status") != "failed":
            continue
        error = doc.get("error") or {}
        failed.append({"video_id": video_id, "stage": error.get("stage"),
                       "code": error.get("code"), "reason": str(error.get("message") or "")})
    duplicates, evidence, billed, unrecorded = duplicate_billing(docs, operations, kills)
    retries = {s: sum(max(0, int((d.get("attempts") or {}).get(s, 0)) - 1) for d in docs.values())
               for s in STAGES}  # fmt: skip
    throttles = {s: sum(int((d.get("throttles") or {}).get(s, 0)) for d in docs.values())
                 for s in STAGES}  # fmt: skip
    overdue = [v for v in watch.unfinished() if watch.is_overdue(v)]
    waiting = [v for v in watch.unfinished() if not watch.is_overdue(v)]
    lost = lost_evidence(watch, operations, overdue)
    jobs = [job_entry(v, docs[v], job_faults.get(v, ())) for v in watch.video_ids]
    cost = sum(float((d.get("cost") or {}).get("actual_usd") or 0) for d in docs.values())
    return {
        "jobs": len(docs),
        "completed": len(completed),
        "failed": failed,
        "lost": len(lost),
        "still_waiting": len(waiting),
        "duplicate_billed_operations": duplicates,
        "rephrases": rephrase_figures(docs),
        "retries_by_stage": retries,
        "throttles_by_stage": throttles,
        "fallbacks": sum(1 for d in docs.values() if d.get("model_fallback")),
        "kills": len(kills),
        "kills_by_function": dict(Counter(k["function"] for k in kills)),
        "faults_injected": faults.get("by_kind", {}),
        "faults_total": faults.get("total", 0),
        "faults_attributed": sum(len(f) for f in job_faults.values()),
        "faults_unattributed": list(unattributed),
        "jobs_with_only_transient_faults": sum(1 for j in jobs if j["only_transient"]),
        "jobs_with_refusals": sum(1 for j in jobs if not j["only_transient"]),
        **rule_breaches(jobs),
        "wall_seconds": round(wall_seconds, 1),
        "fault_rate": args.fault_rate,
        "seed": args.seed,
        "failed_by_code": dict(Counter(str(f["code"]) for f in failed)),
        "lost_jobs": lost,
        "still_waiting_jobs": lost_evidence(watch, operations, waiting),
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
        "overdue_flags": watch.overdue_flags,
        "design": {"due_allowance_seconds": watch.design.allowance,
                   "operation_timeout_seconds": watch.design.operation_timeout,
                   "worst_case_job_seconds": round(watch.design.worst_case_seconds())},
        "job_faults": jobs,
        **extra,
    }  # fmt: skip


def verdict(summary: Mapping[str, Any]) -> list[str]:
    """What makes the run a failure; empty when it passed."""
    problems = []
    if summary["lost"]:
        problems.append(f"{summary['lost']} job(s) lost")
    if summary["still_waiting"]:
        problems.append(f"stopped with {summary['still_waiting']} job(s) still within their "
                        "designed waits: no verdict on them")  # fmt: skip
    if summary["duplicate_billed_operations"]:
        problems.append(f"{summary['duplicate_billed_operations']} block(s) billed twice")
    unexplained = [f["video_id"] for f in summary["failed"] if not f["reason"].strip()]
    if unexplained:
        problems.append(f"failed without a reason: {', '.join(unexplained)}")
    for key, what in (
        ("failed_after_transient_faults_only", "failed after transient faults only"),
        ("refused_blocks_not_rephrased", "refused block(s) never rephrased"),
        ("refused_jobs_without_category_code", "refused without a content_filtered.* code"),
    ):
        if summary[key]:
            ids = ", ".join(j["video_id"] for j in summary[key])
            problems.append(f"{len(summary[key])} job(s) {what}: {ids}")
    if summary.get("rejected"):
        problems.append(f"{len(summary['rejected'])} job request(s) rejected")
    if summary.get("rule_violations"):
        problems.append(f"{len(summary['rule_violations'])} request(s) broke a Vertex rule "
                        "(the fake's call log)")  # fmt: skip
    return problems


def print_report(summary: Mapping[str, Any], problems: list[str], say: Any) -> None:
    rephrases = summary["rephrases"]
    say(f"[chaos] {summary['jobs']} jobs: {summary['completed']} completed, "
        f"{len(summary['failed'])} failed, {summary['lost']} lost, "
        f"{summary['still_waiting']} still waiting; "
        f"{summary['duplicate_billed_operations']} duplicate billed operation(s); "
        f"{rephrases['total']} rephrase(s), {rephrases['passed']} passed; "
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
