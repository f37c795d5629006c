"""Veo: predictLongRunning starts an operation, fetchPredictOperation reads it.

A submission is checked against rules.py: the request's own fields, and for an extension the
REAL input object downloaded from the GCS emulator and read by ffprobe. A violation answers a
synchronous 400 INVALID_ARGUMENT, or (invalid_as=operation) an operation done with error code 3.
A valid one renders a real clip in a thread (timecode.py) and writes it to the GCS emulator at
{storageUri}{operation id}/sample_0.mp4; an extension is its input followed by the new clip.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fake_vertex import rules
from tests.fake_vertex.catalog import (
    RPC_INVALID_ARGUMENT,
    ApiError,
    support_code_for,
    usage_guidelines_message,
)
from tests.fake_vertex.control import Control
from tests.fake_vertex.media import FPS, MediaFailed, VideoInfo, concat, probe
from tests.fake_vertex.timecode import carries_strip, last_frame_number, render_clip

VIDEO_RESPONSE_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
OPENING_SECONDS, EXTENSION_SECONDS = 8, 7


@dataclass
class Operation:
    name: str
    ready_at: float | None  # None: never finishes
    outcome: str = "ok"
    error: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)
    video: dict[str, Any] | None = None
    render_done: threading.Event = field(default_factory=threading.Event)
    model: str = ""
    video_id: str | None = None  # from storageUri .../veo31_videos/{video_id}/
    block: int | None = None  # 0 for an opening clip, else from the input's last timecode
    submitted_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    fetches: int = 0  # fetchPredictOperation calls that reached it: its name was known
    answered_done: bool = False

    @property
    def billed(self) -> bool:
        """Veo bills the videos it makes."""
        return self.video is not None and self.error is None

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name, "model": self.model, "video_id": self.video_id,
            "block": self.block, "outcome": self.outcome, "billed": self.billed,
            "gcs_uri": (self.video or {}).get("gcsUri"), "error": self.error,
            "submitted_at": self.submitted_at, "finished_at": self.finished_at,
            "fetches": self.fetches, "answered_done": self.answered_done,
        }  # fmt: skip


@dataclass
class Submission:
    """One checked request: where its input lies, what it starts from."""

    instance: dict[str, Any]
    params: dict[str, Any]
    work: Path
    input_path: Path | None = None
    input_info: VideoInfo | None = None
    violations: list[rules.Violation] = field(default_factory=list)


class Veo:
    def __init__(self, control: Control, blob: Callable[[str], Any], workdir: Path) -> None:
        self._control, self._blob, self._workdir = control, blob, workdir
        self._lock = threading.Lock()
        self.operations: dict[str, Operation] = {}
        self._renders: list[threading.Thread] = []

    def join(self) -> None:
        for thread in list(self._renders):
            thread.join(timeout=60)

    def reset(self) -> None:
        with self._lock:
            self.operations.clear()

    def submit(
        self, route: dict[str, str], body: dict[str, Any], behaviour: dict[str, Any],
        call: dict[str, Any],
    ) -> dict[str, Any]:  # fmt: skip
        instances, params = body.get("instances"), body.get("parameters") or {}
        if not isinstance(instances, list) or len(instances) != 1 or not isinstance(params, dict):
            call["violations"] = ["invalid_parameter"]
            raise ApiError(400, "Exactly one instance is required.")
        self._workdir.mkdir(parents=True, exist_ok=True)
        sub = Submission(instances[0], params, Path(tempfile.mkdtemp(dir=self._workdir)))
        try:
            self._check(sub, route["model"])
            call["violations"] = [v.rule for v in sub.violations]
            model_path = (f"projects/{route['project']}/locations/{route['location']}"
                          f"/publishers/{route['publisher']}/models/{route['model']}")  # fmt: skip
            name = f"{model_path}/operations/{uuid.uuid4()}"
            error = self._refusal(sub, behaviour, call)
            op = self._operation(name, route["model"], sub, behaviour, error)
            if op.outcome == "ok" and op.error is None:
                thread = threading.Thread(target=self._render, args=(op, sub), daemon=True)
                self._renders = [t for t in self._renders if t.is_alive()] + [thread]
                thread.start()
                sub = None  # type: ignore[assignment]  # the render thread owns its workdir now
            else:
                op.render_done.set()
            return {"name": name}
        finally:
            if sub is not None:
                shutil.rmtree(sub.work, ignore_errors=True)

    def _check(self, sub: Submission, model: str) -> None:
        sub.violations = rules.check_request(sub.instance, sub.params, model)
        for ref in sub.instance.get("referenceImages") or []:
            uri = ((ref or {}).get("image") or {}).get("gcsUri")
            if uri and not self._exists(uri):
                raise ApiError(400, f"Reference image {uri} could not be read.")
        uri = (sub.instance.get("video") or {}).get("gcsUri")
        if not uri:
            return
        if not self._exists(uri):
            sub.violations.append(rules.Violation(
                "extension_input_unreadable", f"Input video {uri} could not be read."))
            return
        sub.input_path = sub.work / "input.mp4"
        self._blob(uri).download_to_filename(str(sub.input_path))
        try:
            sub.input_info = probe(sub.input_path)
        except MediaFailed:
            sub.violations.append(rules.Violation(
                "extension_input_unreadable", f"Input video {uri} is not a readable video."))
            return
        made_by_veo = carries_strip(sub.input_path) if self._control.require_veo_input else None
        sub.violations += rules.check_extension_input(sub.input_info, sub.params,
                                                      made_by_veo=made_by_veo)  # fmt: skip

    def _refusal(
        self, sub: Submission, behaviour: dict[str, Any], call: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A rule violation or a usage-guidelines refusal: raised (sync) or an op error."""
        if sub.violations:
            first = sub.violations[0]
            if self._control.invalid_as == "sync":
                raise ApiError(first.status, first.message)
            return {"code": RPC_INVALID_ARGUMENT, "message": first.message}
        if behaviour.get("refuse") == "usage_guidelines":
            code = support_code_for(behaviour)
            message = usage_guidelines_message(code, str(behaviour.get("wording") or "prompt"))
            call["refusal"] = {"support_code": code, "as": behaviour.get("as", "sync")}
            if behaviour.get("as", "sync") == "sync":
                raise ApiError(400, message)
            return {"code": RPC_INVALID_ARGUMENT, "message": message}
        return None

    def _operation(
        self, name: str, model: str, sub: Submission, behaviour: dict[str, Any],
        error: dict[str, Any] | None,
    ) -> Operation:  # fmt: skip
        outcome = "error" if error else str(behaviour.get("outcome") or "ok")
        latency = 0.0 if error else float(behaviour.get("op_latency", self._control.op_latency))
        storage = str(sub.params.get("storageUri") or "")
        video_id = storage.split("/veo31_videos/", 1)[1].split("/", 1)[0] if (
            "/veo31_videos/" in storage) else None  # fmt: skip
        op = Operation(
            name=name, ready_at=None if outcome == "never" else time.monotonic() + latency,
            outcome=outcome, error=error or behaviour.get("error"),
            reasons=list(behaviour.get("reasons") or []), model=model, video_id=video_id,
            block=None if sub.input_path else 0,
        )  # fmt: skip
        with self._lock:
            self.operations[name] = op
        return op

    def fetch(self, route: dict[str, str], body: dict[str, Any], behaviour: dict[str, Any]
              ) -> dict[str, Any]:  # fmt: skip
        name = str(body.get("operationName") or "")
        if not name.rpartition("/operations/")[0].endswith(f"/models/{route['model']}"):
            raise ApiError(400, f"Operation {name!r} does not belong to model {route['model']}.")
        with self._lock:
            op = self.operations.get(name)
            if op is None:
                raise ApiError(404, f"Operation {name} not found.")
            op.fetches += 1
        ready = op.ready_at is not None and time.monotonic() >= op.ready_at
        if behaviour.get("not_done") or not ready or not op.render_done.is_set():
            return {"name": name}
        op.answered_done = True
        if op.outcome == "error" or op.error:
            error = op.error or {"code": 13, "message": "Internal error encountered."}
            return {"name": name, "done": True, "error": error}
        response: dict[str, Any] = {"@type": VIDEO_RESPONSE_TYPE}
        if op.outcome == "filtered":
            reasons = op.reasons or [
                "Your current safety settings for person generation prevented this video."
            ]
            response.update(raiMediaFilteredCount=1, raiMediaFilteredReasons=reasons)
        else:
            response.update(raiMediaFilteredCount=0, videos=[op.video])
        return {"name": name, "done": True, "response": response}

    def _render(self, op: Operation, sub: Submission) -> None:
        try:
            prompt = str(sub.instance.get("prompt") or "")
            start = 0
            if sub.input_path is not None and sub.input_info is not None:
                last = last_frame_number(sub.input_path)
                start = last + 1 if last is not None else round(sub.input_info.seconds * FPS)
                op.block = max(1, round((start / FPS - OPENING_SECONDS) / EXTENSION_SECONDS) + 1)
            seconds = int(sub.params.get("durationSeconds") or (
                EXTENSION_SECONDS if sub.input_path else OPENING_SECONDS))  # fmt: skip
            clip = sub.work / "clip.mp4"
            render_clip(clip, seconds=seconds, start_frame=start, style=_style(prompt),
                        dialogue=_dialogue(prompt), language=_language(prompt),
                        light=self._control.render == "light", workdir=sub.work)  # fmt: skip
            result = clip
            if sub.input_path is not None:
                result = sub.work / "extended.mp4"
                concat(sub.input_path, clip, result, sub.work)
            op.video = self._store(op, result, sub.params.get("storageUri"))
        except Exception as exc:
            op.error = {"code": 13, "message": f"fake Veo render failed: {exc}"[:500]}
        finally:
            op.finished_at = time.time()
            op.render_done.set()
            shutil.rmtree(sub.work, ignore_errors=True)

    def _store(self, op: Operation, path: Path, storage_uri: str | None) -> dict[str, Any]:
        if not storage_uri:
            data = base64.b64encode(path.read_bytes()).decode()
            return {"bytesBase64Encoded": data, "mimeType": "video/mp4"}
        prefix = storage_uri if storage_uri.endswith("/") else storage_uri + "/"
        uri = f"{prefix}{op.name.rpartition('/')[2]}/sample_0.mp4"
        self._blob(uri).upload_from_filename(str(path), content_type="video/mp4")
        return {"gcsUri": uri, "mimeType": "video/mp4"}

    def _exists(self, uri: str) -> bool:
        return bool(uri.startswith("gs://") and self._blob(uri).exists())


def _style(prompt: str) -> str:
    found = re.search(r"\bstyle:\s*([a-z]+)", prompt, re.IGNORECASE)
    return found[1].lower() if found else "cinematic"


def _language(prompt: str) -> str:
    found = re.search(r"Dialogue \((fr|en|es)\)", prompt)
    return found[1] if found else "en"


def _dialogue(prompt: str) -> str:
    if "no speech" in prompt:  # a narrated video: ambience only
        return ""
    found = re.search(r'Dialogue \([a-z]{2}\):\s*"(.*)"', prompt)
    return found[1] if found and found[1].strip() else "Hello."
