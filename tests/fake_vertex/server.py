"""A strict fake of the Vertex AI REST API, as google-genai (Vertex mode) calls it, on 127.0.0.1.

It refuses what Vertex refuses (rules.py, docs/decisions/0007-strict-vertex-fake.md), with
Vertex's answers, and imports nothing from the product.

Endpoints (the SDK's paths; {v} is v1beta1, the SDK's Vertex default, or v1):
  POST /{v}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent (gemini.py)
  POST .../models/{m}:predictLongRunning      Veo: {"name": ".../models/{m}/operations/{id}"}
  POST .../models/{m}:fetchPredictOperation   {"operationName"} -> the operation (veo.py)
A model id not served by that method in that location (the allow-list, catalog.DEFAULT_MODELS)
is 404 NOT_FOUND "Publisher Model `projects/.../models/X` was not found ...".
Veo renders a running timecode (timecode.py; `read_timecodes(path)` decodes it for tests).

Control (JSON):
  POST /_fake/script   a list of behaviours, consumed in order per "kind" (the method name:
                       generateContent, predictLongRunning, fetchPredictOperation), each:
      latency: seconds to wait before answering     times: how many calls it applies to (1)
      status: HTTP error answered with a Google error body (429 RESOURCE_EXHAUSTED, 503, ...)
      message: that error's message                 malformed: "invalid_json" | "missing_fields"
      generateContent:  blocks: N (a script with N blocks), text: the exact answer text,
                        blocked: "SAFETY" (promptFeedback, no candidates), no_image: true,
                        finish_reason: "SAFETY" | "PROHIBITED_CONTENT" | "IMAGE_SAFETY" |
                          "IMAGE_PROHIBITED_CONTENT" | "NO_IMAGE" | "MAX_TOKENS" |
                          "STOP_TEXT_ONLY",
                        text_before_image: true (a text part, then the image)
      predictLongRunning (the operation it starts): outcome: "never" | "error" | "filtered",
                        op_latency: s, error: {code, message}, reasons: [RAI reasons],
                        refuse: "usage_guidelines", support_code: "58061214" (or category:
                          "violence"...; default the table's first), as: "sync" (400
                          INVALID_ARGUMENT) | "operation" (done with {code: 3, message}),
                          wording: "prompt" | "input"
      fetchPredictOperation: not_done: true (answer "not done" whatever the operation's state)
  POST /_fake/config   {"op_latency": s, "fault_rate": 0..1, "seed": n, "fault_kinds": [names],
                        "faults": [behaviours], "render": "full" | "light",
                        "invalid_as": "sync" | "operation", "require_veo_input": bool,
                        "models": {method: {model: [locations]}}}:
                       random faults (chaos runs) hit calls that no scripted behaviour covers.
                       Without "faults", each is one of RANDOM_FAULTS that fits the call (see
                       FAULTS_BY_KIND; predictLongRunning's include usage_guidelines_sync and
                       usage_guidelines_op), limited to "fault_kinds" when given; "faults"
                       replaces that catalogue by a list of behaviours for every call.
                       "render": "light": a cheaper background, same timecode strip and speech.
                       "invalid_as": "operation": rule violations come back as an operation done
                       with error code 3 instead of a synchronous 400.
                       "require_veo_input": an extension input without this fake's timecode
                       strip in every frame is refused (rule extension_input_not_veo).
  POST /_fake/reset    forget behaviours, calls, operations and config
  GET  /_fake/calls    the calls so far: [{kind, model, path, body, status, behaviour,
                       violations: [rule names] ([] when no rule was broken), refusal?}]
  GET  /_fake/violations  every refused call: [{kind, model, path, status, rules, rule, message}]
  GET  /_fake/operations  every Veo operation: {name, model, video_id, block, outcome, billed,
                       gcs_uri, submitted_at, finished_at, fetches, answered_done}
  GET  /_fake/billed   the operations that made a video (Veo bills those), same fields
  GET  /_fake/faults   random faults injected so far: {total, by_kind, by_call}

A malformed answer to predictLongRunning drawn at random starts no billable operation; the
fault kind "submit_answer_lost" is the other case: the video is made and billed, the answer is
unreadable. The pipeline cannot tell them apart, so it waits for a video under the submission's
own storageUri prefix before it submits again (decision 0001).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fake_vertex import rules
from tests.fake_vertex.catalog import ApiError, error_body
from tests.fake_vertex.control import (
    DEFAULT_FAULT_KINDS,
    FAULTS_BY_KIND,
    KINDS,
    RANDOM_FAULTS,
    Control,
    default_message,
    stripped,
)
from tests.fake_vertex.gemini import generate_content
from tests.fake_vertex.veo import Operation, Veo

__all__ = ["DEFAULT_FAULT_KINDS", "FAULTS_BY_KIND", "KINDS", "RANDOM_FAULTS", "FakeVertex",
           "Operation"]  # fmt: skip
ROUTE = re.compile(
    r"^/(?P<version>v1beta1|v1)/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)"
    r"/publishers/(?P<publisher>[^/]+)/models/(?P<model>[^/:]+):(?P<method>\w+)$"
)


class FakeVertex:
    """The fake's state and logic; `start()` serves it over HTTP on 127.0.0.1."""

    def __init__(
        self, port: int = 0, *, op_latency: float = 1.0, fault_rate: float = 0.0,
        seed: int | None = None, workdir: Path | None = None,
    ) -> None:  # fmt: skip
        self.port = port
        self.control = Control(op_latency=op_latency, fault_rate=fault_rate, seed=seed)
        self._workdir = workdir or Path(tempfile.gettempdir()) / "fake-vertex"
        self._lock = threading.Lock()
        self._calls: list[dict[str, Any]] = []
        self._storage: Any = None
        self.veo = Veo(self.control, self._bucket_blob, self._workdir)
        self._server: ThreadingHTTPServer | None = None

    # Kept for callers that set them directly.
    @property
    def render(self) -> str:
        return self.control.render

    @render.setter
    def render(self, mode: str) -> None:
        self.control.configure({"render": mode})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeVertex:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(*fake.handle("GET", self.path, b"", dict(self.headers)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                self._answer(*fake.handle("POST", self.path, body, dict(self.headers)))

            def _answer(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.veo.join()

    # -- control ---------------------------------------------------------------------------
    def script(self, behaviours: list[dict[str, Any]]) -> None:
        self.control.script(behaviours)

    def configure(self, settings: dict[str, Any]) -> None:
        self.control.configure(settings)

    def reset(self) -> None:
        self.control.reset()
        self.veo.reset()
        with self._lock:
            self._calls.clear()

    def calls(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._calls if kind is None or c["kind"] == kind]

    def violations(self) -> list[dict[str, Any]]:
        """Every call refused for breaking a rule, with its rules."""
        with self._lock:
            refused = [c for c in self._calls if c.get("violations")]
        return [{"kind": c["kind"], "model": c["model"], "path": c["path"], "status": c["status"],
                 "rules": list(c["violations"]), "rule": c["violations"][0],
                 "message": c.get("message")} for c in refused]  # fmt: skip

    def operations(self, billed_only: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            ops = list(self.veo.operations.values())
        return [op.record() for op in ops if op.billed or not billed_only]

    def faults_injected(self) -> dict[str, Any]:
        return self.control.faults_injected()

    # -- dispatch --------------------------------------------------------------------------
    def handle(
        self, verb: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        path = path.split("?", 1)[0]
        try:
            if path.startswith("/_fake/"):
                return 200, json.dumps(self._control(verb, path, body)).encode()
            route = ROUTE.match(path)
            if verb != "POST" or route is None or route["method"] not in KINDS:
                raise ApiError(404, f"The requested URL {path} was not found on this server.")
            return self._api(route.groupdict(), path, body, headers)
        except ApiError as exc:
            return exc.status, json.dumps(error_body(exc.status, exc.message)).encode()
        except Exception as exc:  # a bug or a missing emulator: answer like a server would
            return 500, json.dumps(error_body(500, f"fake Vertex failed: {exc}"[:500])).encode()

    def _control(self, verb: str, path: str, body: bytes) -> Any:
        data = json.loads(body) if body else None
        getters: dict[str, Callable[[], Any]] = {
            "/_fake/calls": self.calls, "/_fake/violations": self.violations,
            "/_fake/health": lambda: {"ok": True}, "/_fake/faults": self.faults_injected,
            "/_fake/operations": self.operations,
            "/_fake/billed": lambda: self.operations(billed_only=True),
        }  # fmt: skip
        if verb == "GET" and path in getters:
            return getters[path]()
        try:
            if verb == "POST" and path == "/_fake/script":
                self.script(data if isinstance(data, list) else [data or {}])
                return {"ok": True}
            if verb == "POST" and path == "/_fake/config":
                self.configure(data or {})
                return {"ok": True}
        except (TypeError, ValueError) as exc:
            raise ApiError(400, str(exc)) from exc
        if verb == "POST" and path == "/_fake/reset":
            self.reset()
            return {"ok": True}
        raise ApiError(404, f"no control endpoint {verb} {path}")

    def _api(
        self, route: dict[str, str], path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        kind = route["method"]
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"_unreadable": raw[:200].decode(errors="replace")}
        behaviour = self.control.next_behaviour(kind)
        call: dict[str, Any] = {
            "kind": kind, "model": route["model"], "path": path, "body": body,
            "behaviour": behaviour, "status": 200, "violations": [],
        }  # fmt: skip
        with self._lock:
            self._calls.append(call)
        try:
            status, payload = self._answer(kind, route, body, behaviour, headers, call)
        except ApiError as exc:
            call["status"], call["message"] = exc.status, exc.message
            raise
        call["status"] = status
        return status, payload

    def _answer(
        self, kind: str, route: dict[str, str], body: dict[str, Any],
        behaviour: dict[str, Any], headers: dict[str, str], call: dict[str, Any],
    ) -> tuple[int, bytes]:  # fmt: skip
        if behaviour.get("latency"):
            time.sleep(float(behaviour["latency"]))
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not auth.startswith("Bearer "):
            raise ApiError(401, "Request is missing required authentication credential.")
        unknown = rules.check_model(kind, route["model"], route["project"], route["location"],
                                    self.control.models)  # fmt: skip
        if unknown is not None:
            call["violations"] = [unknown.rule]
            raise ApiError(unknown.status, unknown.message)
        if behaviour.get("status"):
            status = int(behaviour["status"])
            raise ApiError(status, behaviour.get("message") or default_message(status, route))
        if "_unreadable" in body:
            raise ApiError(400, "Invalid JSON payload received.")
        if kind == "generateContent":
            result = generate_content(route["model"], body, behaviour, self._workdir)
        elif kind == "predictLongRunning":
            result = self.veo.submit(route, body, behaviour, call)
        else:
            result = self.veo.fetch(route, body, behaviour)
        if behaviour.get("malformed") == "invalid_json":
            return 200, b'{"name": "projects/broken", "done": tru'
        if behaviour.get("malformed") == "missing_fields":
            result = stripped(kind, result)
        return 200, json.dumps(result).encode()

    # -- GCS emulator ----------------------------------------------------------------------
    def _bucket_blob(self, uri: str) -> Any:
        bucket, _, name = uri.removeprefix("gs://").partition("/")
        with self._lock:
            if self._storage is None:
                self._storage = _storage_client()
        return self._storage.bucket(bucket).blob(name)


def _storage_client() -> Any:
    import google.cloud.storage as storage
    from google.auth.credentials import AnonymousCredentials

    host = os.environ.get("STORAGE_EMULATOR_HOST")
    if not host:
        raise RuntimeError("the fake writes videos to the GCS emulator: set STORAGE_EMULATOR_HOST")
    return storage.Client(
        project=os.environ.get("GOOGLE_CLOUD_PROJECT", "fake-vertex"),
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": host},
    )


if __name__ == "__main__":
    from tests.fake_vertex.cli import main

    main()
