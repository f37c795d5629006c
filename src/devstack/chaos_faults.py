"""Which faults each chaos job met, from the fake Vertex AI's call log, and what they were.

The fake records every call with the behaviour it answered with (GET /_fake/calls: kind, model,
path, body, status, behaviour); a random fault's behaviour carries its name (`fault`) and
`random_fault`. A call is a job's when
- predictLongRunning: its storageUri is under veo31_videos/{video_id}/ (the block is the
  submission's own prefix, b{NN}-...);
- fetchPredictOperation: it polls an operation that such a call started;
- generateContent (script, rephrase, images, speech): its prompt carries the job's tag, a
  unique "(job NNN)" that the harness puts in each theme.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Faults a retry can get past: the job must still complete (kills are transient too).
TRANSIENT_FAULTS = frozenset({
    "latency", "http_429", "http_500", "http_503", "malformed_json", "malformed_fields",
    "op_never_done", "op_error", "submit_answer_lost",
})  # fmt: skip
# Refusals of the content: the block gets one rephrase, then the job may rightly fail.
REFUSAL_FAULTS = frozenset({
    "safety_blocked", "op_filtered", "usage_guidelines_sync", "usage_guidelines_op",
})  # fmt: skip
_STORAGE = re.compile(r"/veo31_videos/(?P<video_id>[^/]+)/(?:b(?P<block>\d+)-)?")


def job_tag(number: int) -> str:
    """The marker a chaos job's theme carries, so that its Gemini calls can be told apart."""
    return f"(job {number:03d})"


def fault_class(name: str) -> str:
    if name in TRANSIENT_FAULTS:
        return "transient"
    if name in REFUSAL_FAULTS:
        return "refusal"
    return "unclassified"


def _storage_uri(body: Mapping[str, Any]) -> str:
    return str((body.get("parameters") or {}).get("storageUri") or "")


def _veo_target(body: Mapping[str, Any]) -> tuple[str | None, int | None]:
    found = _STORAGE.search(_storage_uri(body))
    if not found:
        return None, None
    block = found["block"]
    return found["video_id"], int(block) if block is not None else None


def faults_by_job(
    calls: Sequence[Mapping[str, Any]],
    operations: Sequence[Mapping[str, Any]],
    tags: Mapping[str, str],
    op_blocks: Mapping[str, int],
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """({video_id: [fault, ...]} in call order, faults that no job could be found for).

    Each fault: {call, fault, class, model, block, status}; block is None when unknown (a poll
    of an operation that no job recorded). `op_blocks`: operation name -> block, as the jobs
    recorded them.
    """
    op_job = {str(op.get("name")): op.get("video_id") for op in operations}
    by_job: dict[str, list[dict[str, Any]]] = {v: [] for v in tags}
    unattributed: list[dict[str, Any]] = []
    for call in calls:
        body = call.get("body") or {}
        kind = str(call.get("kind"))
        video_id: str | None = None
        block: int | None = None
        if kind == "predictLongRunning":
            video_id, block = _veo_target(body)
        elif kind == "fetchPredictOperation":
            operation = str(body.get("operationName") or "")
            video_id, block = op_job.get(operation), op_blocks.get(operation)
        else:
            text = json.dumps(body, ensure_ascii=False)
            video_id = next((v for v, tag in tags.items() if tag in text), None)
        behaviour = call.get("behaviour") or {}
        name = behaviour.get("fault")
        if not name or not behaviour.get("random_fault"):
            continue
        fault = {"call": kind, "fault": name, "class": fault_class(str(name)),
                 "model": call.get("model"), "block": block,
                 "status": call.get("status")}  # fmt: skip
        if video_id in by_job:
            by_job[video_id].append(fault)
        else:
            unattributed.append(fault)
    return by_job, unattributed


def job_fault_summary(faults: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A job's faults for the JSON: counts by name and class, refused blocks, the list."""
    by_name: dict[str, int] = {}
    for fault in faults:
        by_name[str(fault["fault"])] = by_name.get(str(fault["fault"]), 0) + 1
    classes = {str(f["class"]) for f in faults}
    refused = sorted({f["block"] for f in faults
                      if f["class"] == "refusal" and f["block"] is not None})  # fmt: skip
    return {
        "by_fault": by_name,
        "only_transient": classes <= {"transient"},
        "refused_blocks": refused,
        "script_refused": any(
            f["class"] == "refusal" and f["call"] == "generateContent" for f in faults
        ),
        "calls": list(faults),
    }


def rule_violations(calls: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Requests the fake refused as breaking one of Vertex's rules (its `violations` per call):
    the product must never send one, faults or not."""
    return [{"call": c.get("kind"), "model": c.get("model"), "status": c.get("status"),
             "rules": list(c.get("violations") or [])}
            for c in calls if c.get("violations")]  # fmt: skip
