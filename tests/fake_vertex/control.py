"""The fake's settings, scripted behaviours and random (chaos) faults."""

from __future__ import annotations

import random
import threading
from typing import Any

from tests.fake_vertex.catalog import ALL_SUPPORT_CODES, DEFAULT_MODELS

KINDS = ("generateContent", "predictLongRunning", "fetchPredictOperation")
# Random faults by name; FAULTS_BY_KIND says which fit which call.
RANDOM_FAULTS: dict[str, dict[str, Any]] = {
    "latency": {"latency": 1.5},
    "http_429": {"status": 429},
    "http_500": {"status": 500},
    "http_503": {"status": 503},
    "malformed_json": {"malformed": "invalid_json"},
    "malformed_fields": {"malformed": "missing_fields"},
    "safety_blocked": {"blocked": "SAFETY"},
    "op_never_done": {"outcome": "never"},
    "op_error": {"outcome": "error"},
    "op_filtered": {"outcome": "filtered"},
    "submit_answer_lost": {"malformed": "invalid_json"},
    "usage_guidelines_sync": {"refuse": "usage_guidelines", "as": "sync"},
    "usage_guidelines_op": {"refuse": "usage_guidelines", "as": "operation"},
}
_COMMON_FAULTS = ("latency", "http_429", "http_500", "http_503", "malformed_json",
                  "malformed_fields")  # fmt: skip
FAULTS_BY_KIND: dict[str, tuple[str, ...]] = {
    "generateContent": (*_COMMON_FAULTS, "safety_blocked"),
    "predictLongRunning": (
        *_COMMON_FAULTS, "op_never_done", "op_error", "op_filtered", "submit_answer_lost",
        "usage_guidelines_sync", "usage_guidelines_op",
    ),
    "fetchPredictOperation": _COMMON_FAULTS,
}
DEFAULT_FAULT_KINDS = tuple(RANDOM_FAULTS)  # used unless "fault_kinds" says otherwise
RENDER_MODES = ("full", "light")
INVALID_AS = ("sync", "operation")


def fault_label(behaviour: dict[str, Any]) -> str:
    """A name for a caller-given fault behaviour, for the /_fake/faults counts."""
    if behaviour.get("refuse"):
        return "usage_guidelines_op" if behaviour.get("as") == "operation" else (
            "usage_guidelines_sync")  # fmt: skip
    if behaviour.get("status"):
        return f"http_{behaviour['status']}"
    if behaviour.get("malformed"):
        return "malformed_json" if behaviour["malformed"] == "invalid_json" else "malformed_fields"
    if behaviour.get("outcome"):
        return {"never": "op_never_done", "error": "op_error", "filtered": "op_filtered"}.get(
            str(behaviour["outcome"]), f"op_{behaviour['outcome']}"
        )
    if behaviour.get("blocked"):
        return "safety_blocked"
    return "latency" if behaviour.get("latency") else "other"


class Control:
    """Settings (POST /_fake/config), behaviours (POST /_fake/script), faults drawn at random."""

    def __init__(self, *, op_latency: float = 1.0, fault_rate: float = 0.0,
                 seed: int | None = None) -> None:  # fmt: skip
        self._lock = threading.Lock()
        self._initial = (op_latency, fault_rate)
        self._rng = random.Random(seed)
        self.reset()
        self.op_latency, self.fault_rate = op_latency, fault_rate

    def reset(self) -> None:
        with self._lock:
            self.behaviours: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
            self.op_latency, self.fault_rate = 1.0, 0.0
            self.faults: list[dict[str, Any]] | None = None  # None: RANDOM_FAULTS
            self.fault_kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS
            self.render = "full"
            self.invalid_as = "sync"
            self.require_veo_input = False
            self.models = {m: dict(ids) for m, ids in DEFAULT_MODELS.items()}
            self.fault_counts: dict[str, dict[str, int]] = {k: {} for k in KINDS}

    def script(self, behaviours: list[dict[str, Any]]) -> None:
        with self._lock:
            for behaviour in behaviours:
                kind = behaviour.get("kind")
                if kind not in KINDS:
                    raise ValueError(f"behaviour kind must be one of {KINDS}, not {kind!r}")
                self.behaviours[kind].append(dict(behaviour))

    def configure(self, settings: dict[str, Any]) -> None:
        with self._lock:
            self.op_latency = float(settings.get("op_latency", self.op_latency))
            self.fault_rate = float(settings.get("fault_rate", self.fault_rate))
            if "seed" in settings:
                self._rng = random.Random(settings["seed"])
            if "faults" in settings:
                faults = settings["faults"]
                self.faults = None if faults is None else [dict(f) for f in faults]
            if "fault_kinds" in settings:
                kinds = tuple(settings["fault_kinds"] or DEFAULT_FAULT_KINDS)
                unknown = sorted(set(kinds) - set(RANDOM_FAULTS))
                if unknown:
                    raise ValueError(f"unknown fault kinds {unknown}; known: {list(RANDOM_FAULTS)}")
                self.fault_kinds = kinds
            self.render = _choice(settings, "render", RENDER_MODES, self.render)
            self.invalid_as = _choice(settings, "invalid_as", INVALID_AS, self.invalid_as)
            self.require_veo_input = bool(settings.get("require_veo_input",
                                                       self.require_veo_input))  # fmt: skip
            for method, ids in (settings.get("models") or {}).items():
                if method not in KINDS or not isinstance(ids, dict):
                    raise ValueError(f"models: {{method: {{model: [locations]}}}}, in {KINDS}")
                self.models[method] = {str(m): tuple(locs) for m, locs in ids.items()}

    def allow_model(self, method: str, model: str, locations: tuple[str, ...]) -> None:
        with self._lock:
            self.models.setdefault(method, {})[model] = locations

    def next_behaviour(self, kind: str) -> dict[str, Any]:
        """The next scripted behaviour for this call, else maybe a random fault, else {}."""
        with self._lock:
            queue = self.behaviours[kind]
            if queue:
                behaviour = queue[0]
                behaviour["times"] = int(behaviour.get("times", 1)) - 1
                if behaviour["times"] <= 0:
                    queue.pop(0)
                return {k: v for k, v in behaviour.items() if k != "times"}
            if self.fault_rate <= 0 or self._rng.random() >= self.fault_rate:
                return {}
            if self.faults is not None:  # a list given by the caller, for every call
                faults = [{**f, "fault": fault_label(f)} for f in self.faults]
                if kind == "predictLongRunning":
                    faults.append({"outcome": "error", "fault": "op_error"})
            else:
                faults = [{**RANDOM_FAULTS[name], "fault": name}
                          for name in FAULTS_BY_KIND[kind] if name in self.fault_kinds]  # fmt: skip
            if not faults:
                return {}
            fault = self._rng.choice(faults)
            if kind == "predictLongRunning" and fault["fault"] in ("malformed_json",
                                                                   "malformed_fields"):
                fault["outcome"] = "never"  # started nothing billable (see the server docstring)
            if fault.get("refuse") and not fault.get("support_code"):
                fault["support_code"] = self._rng.choice(ALL_SUPPORT_CODES)
                fault["wording"] = self._rng.choice(("prompt", "input"))
            counts = self.fault_counts[kind]
            counts[fault["fault"]] = counts.get(fault["fault"], 0) + 1
            return {**fault, "random_fault": True}

    def faults_injected(self) -> dict[str, Any]:
        with self._lock:
            by_call = {k: dict(v) for k, v in self.fault_counts.items() if v}
        by_kind: dict[str, int] = {}
        for counts in by_call.values():
            for name, n in counts.items():
                by_kind[name] = by_kind.get(name, 0) + n
        return {"total": sum(by_kind.values()), "by_kind": by_kind, "by_call": by_call}


def _choice(settings: dict[str, Any], key: str, allowed: tuple[str, ...], current: str) -> str:
    if key not in settings:
        return current
    if settings[key] not in allowed:
        raise ValueError(f"{key} must be one of {allowed}")
    return str(settings[key])


def stripped(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """A 200 answer without the fields a client needs."""
    if kind == "generateContent":
        return {"candidates": [{"content": {"role": "model"}}]}
    if kind == "predictLongRunning":
        return {}
    return {"name": result.get("name"), "done": True}


def default_message(status: int, route: dict[str, str]) -> str:
    if status == 429:
        return (
            "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model"
            f" with base model: {route['model']}. Please submit a quota increase request."
        )
    if status >= 500:
        return "The service is currently unavailable." if status == 503 else "Internal error."
    return "Request contains an invalid argument."
