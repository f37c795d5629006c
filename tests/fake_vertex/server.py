"""A fake of the Vertex AI REST API, as google-genai (Vertex mode) calls it, on 127.0.0.1.

Endpoints (the SDK's paths; {v} is v1beta1, the SDK's Vertex default, or v1):
  POST /{v}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent
       text: candidates[0].content.parts[0].text is a script as JSON {title, blocks}
       image (generationConfig.responseModalities has IMAGE): parts[0].inlineData, a 720x1280 PNG
       speech (responseModalities has AUDIO, speechConfig...voiceName a Gemini voice, else 400):
       parts[0].inlineData audio/L16;codec=pcm;rate=24000, espeak-ng reading the prompt's
       lines after the first
  POST .../models/{m}:predictLongRunning      Veo: {"name": ".../models/{m}/operations/{id}"}
  POST .../models/{m}:fetchPredictOperation   {"operationName"} -> the operation
Veo renders a REAL clip (demo_providers.render: the prompt's `Style: x.` line, its
`Dialogue (xx): "..."` line spoken by espeak-ng, durationSeconds long) and writes it to the GCS
emulator (STORAGE_EMULATOR_HOST) at {storageUri}{operation id}/sample_0.mp4; an extension
(instances[0].video.gcsUri) is the input video followed by the new clip, as Veo's extend is.
An operation is done once its latency (default 1 s) has passed and its clip is written.

Control (JSON):
  POST /_fake/script   a list of behaviours, consumed in order per "kind" (the method name:
                       generateContent, predictLongRunning, fetchPredictOperation), each:
      latency: seconds to wait before answering     times: how many calls it applies to (1)
      status: HTTP error answered with a Google error body (429 RESOURCE_EXHAUSTED, 503, ...)
      message: that error's message                 malformed: "invalid_json" | "missing_fields"
      generateContent:  blocks: N (a script with N blocks), text: the exact answer text,
                        blocked: "SAFETY" (promptFeedback, no candidates), no_image: true
      predictLongRunning (the operation it starts): outcome: "never" | "error" | "filtered",
                        op_latency: s, error: {code, message}, reasons: [RAI reasons]
      fetchPredictOperation: not_done: true (answer "not done" whatever the operation's state)
  POST /_fake/config   {"op_latency": s, "fault_rate": 0..1, "seed": n, "fault_kinds": [names],
                        "faults": [behaviours], "render": "full" | "light"}:
                       random faults (chaos runs) hit calls that no scripted behaviour covers.
                       Without "faults", each is one of RANDOM_FAULTS that fits the call (see
                       FAULTS_BY_KIND), limited to "fault_kinds" when given; "faults" replaces
                       that catalogue by a list of behaviours for every call. "render": "light"
                       renders plain-colour clips (same speech, same codecs): for many jobs.
  POST /_fake/reset    forget behaviours, calls, operations and config
  GET  /_fake/calls    the calls so far: [{kind, model, path, body, status, behaviour}]
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

import argparse
import base64
import json
import os
import random
import re
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from demo_providers.render import FONT_FILE, extend_video, render_block_clip
from demo_providers.script_writer import DemoScriptWriter
from demo_providers.speech import espeak_voice, speak_to_fit
from shortvideo.media.ffmpeg import escape_filter_value, probe, run_ffmpeg
from shortvideo.models import Character, Language, Style
from shortvideo.ports import ScriptBrief
from shortvideo.voices import GEMINI_VOICES, espeak_variant

KINDS = ("generateContent", "predictLongRunning", "fetchPredictOperation")
ROUTE = re.compile(
    r"^/(?P<version>v1beta1|v1)/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)"
    r"/publishers/(?P<publisher>[^/]+)/models/(?P<model>[^/:]+):(?P<method>\w+)$"
)
STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
    501: "NOT_IMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}  # fmt: skip
VIDEO_RESPONSE_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
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
}
_COMMON_FAULTS = ("latency", "http_429", "http_500", "http_503", "malformed_json",
                  "malformed_fields")
FAULTS_BY_KIND: dict[str, tuple[str, ...]] = {
    "generateContent": (*_COMMON_FAULTS, "safety_blocked"),
    "predictLongRunning": (*_COMMON_FAULTS, "op_never_done", "op_error", "op_filtered",
                           "submit_answer_lost"),
    "fetchPredictOperation": _COMMON_FAULTS,
}
DEFAULT_FAULT_KINDS = tuple(RANDOM_FAULTS)  # used unless "fault_kinds" says otherwise
RENDER_MODES = ("full", "light")
_VIDEO_ID = re.compile(r"/veo31_videos/([^/]+)/")
IMAGE_SIZE = (720, 1280)
TTS_RATE = 24000


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "error": {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}
    }


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
    block: int | None = None  # 0 for an opening clip, else from the input video's length
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


class FakeVertex:
    """The fake's state and logic; `start()` serves it over HTTP on 127.0.0.1."""

    def __init__(
        self, port: int = 0, *, op_latency: float = 1.0, fault_rate: float = 0.0,
        seed: int | None = None, workdir: Path | None = None,
    ) -> None:  # fmt: skip
        self.port = port
        self.op_latency = op_latency
        self.fault_rate = fault_rate
        self.faults: list[dict[str, Any]] | None = None  # None: RANDOM_FAULTS
        self.fault_kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS
        self.render = "full"
        self._fault_counts: dict[str, dict[str, int]] = {k: {} for k in KINDS}
        self._rng = random.Random(seed)
        self._workdir = workdir or Path(tempfile.gettempdir()) / "fake-vertex"
        self._lock = threading.Lock()
        self._behaviours: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        self._calls: list[dict[str, Any]] = []
        self._operations: dict[str, Operation] = {}
        self._renders: list[threading.Thread] = []
        self._storage: Any = None
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------
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
        for thread in list(self._renders):
            thread.join(timeout=60)

    # -- control ---------------------------------------------------------------------------
    def script(self, behaviours: list[dict[str, Any]]) -> None:
        with self._lock:
            for behaviour in behaviours:
                kind = behaviour.get("kind")
                if kind not in KINDS:
                    raise ValueError(f"behaviour kind must be one of {KINDS}, not {kind!r}")
                self._behaviours[kind].append(dict(behaviour))

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
            if "render" in settings:
                if settings["render"] not in RENDER_MODES:
                    raise ValueError(f"render must be one of {RENDER_MODES}")
                self.render = str(settings["render"])

    def reset(self) -> None:
        with self._lock:
            self._behaviours = {k: [] for k in KINDS}
            self._calls.clear()
            self._operations.clear()
            self.fault_rate, self.faults, self.op_latency = 0.0, None, 1.0
            self.fault_kinds, self.render = DEFAULT_FAULT_KINDS, "full"
            self._fault_counts = {k: {} for k in KINDS}

    def calls(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._calls if kind is None or c["kind"] == kind]

    def operations(self, billed_only: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            ops = list(self._operations.values())
        return [op.record() for op in ops if op.billed or not billed_only]

    def faults_injected(self) -> dict[str, Any]:
        with self._lock:
            by_call = {k: dict(v) for k, v in self._fault_counts.items() if v}
        by_kind: dict[str, int] = {}
        for counts in by_call.values():
            for name, n in counts.items():
                by_kind[name] = by_kind.get(name, 0) + n
        return {"total": sum(by_kind.values()), "by_kind": by_kind, "by_call": by_call}

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
        if verb == "GET" and path == "/_fake/calls":
            return self.calls()
        if verb == "GET" and path == "/_fake/health":
            return {"ok": True}
        if verb == "GET" and path in ("/_fake/operations", "/_fake/billed"):
            return self.operations(billed_only=path == "/_fake/billed")
        if verb == "GET" and path == "/_fake/faults":
            return self.faults_injected()
        if verb == "POST" and path == "/_fake/script":
            self.script(data if isinstance(data, list) else [data or {}])
            return {"ok": True}
        if verb == "POST" and path == "/_fake/config":
            try:
                self.configure(data or {})
            except (TypeError, ValueError) as exc:
                raise ApiError(400, str(exc)) from exc
            return {"ok": True}
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
        behaviour = self._next_behaviour(kind)
        call = {"kind": kind, "model": route["model"], "path": path, "body": body,
                "behaviour": behaviour, "status": 200}  # fmt: skip
        with self._lock:
            self._calls.append(call)
        try:
            status, payload = self._answer(kind, route, body, behaviour, headers)
        except ApiError as exc:
            call["status"] = exc.status
            raise
        call["status"] = status
        return status, payload

    def _next_behaviour(self, kind: str) -> dict[str, Any]:
        with self._lock:
            queue = self._behaviours[kind]
            if queue:
                behaviour = queue[0]
                behaviour["times"] = int(behaviour.get("times", 1)) - 1
                if behaviour["times"] <= 0:
                    queue.pop(0)
                return {k: v for k, v in behaviour.items() if k != "times"}
            if self.fault_rate > 0 and self._rng.random() < self.fault_rate:
                if self.faults is not None:  # a list given by the caller, for every call
                    faults = [{**f, "fault": _fault_label(f)} for f in self.faults]
                    if kind == "predictLongRunning":
                        faults.append({"outcome": "error", "fault": "op_error"})
                else:
                    faults = [
                        {**RANDOM_FAULTS[name], "fault": name}
                        for name in FAULTS_BY_KIND[kind] if name in self.fault_kinds
                    ]  # fmt: skip
                if not faults:
                    return {}
                fault = self._rng.choice(faults)
                if kind == "predictLongRunning" and fault["fault"] == "malformed_json":
                    fault["outcome"] = "never"  # started nothing billable: see the docstring
                if kind == "predictLongRunning" and fault["fault"] == "malformed_fields":
                    fault["outcome"] = "never"
                counts = self._fault_counts[kind]
                counts[fault["fault"]] = counts.get(fault["fault"], 0) + 1
                return {**fault, "random_fault": True}
        return {}

    def _answer(
        self, kind: str, route: dict[str, str], body: dict[str, Any],
        behaviour: dict[str, Any], headers: dict[str, str],
    ) -> tuple[int, bytes]:  # fmt: skip
        if behaviour.get("latency"):
            time.sleep(float(behaviour["latency"]))
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not auth.startswith("Bearer "):
            raise ApiError(401, "Request is missing required authentication credential.")
        if behaviour.get("status"):
            status = int(behaviour["status"])
            raise ApiError(status, behaviour.get("message") or _default_message(status, route))
        if "_unreadable" in body:
            raise ApiError(400, "Invalid JSON payload received.")
        if kind == "generateContent":
            result = self._generate_content(route, body, behaviour)
        elif kind == "predictLongRunning":
            result = self._predict_long_running(route, body, behaviour)
        else:
            result = self._fetch_operation(route, body, behaviour)
        if behaviour.get("malformed") == "invalid_json":
            return 200, b'{"name": "projects/broken", "done": tru'
        if behaviour.get("malformed") == "missing_fields":
            result = _strip(kind, result)
        return 200, json.dumps(result).encode()

    # -- Gemini ----------------------------------------------------------------------------
    def _generate_content(
        self, route: dict[str, str], body: dict[str, Any], behaviour: dict[str, Any]
    ) -> dict[str, Any]:
        prompt = _prompt_text(body)
        config = body.get("generationConfig") or {}
        usage = {"promptTokenCount": len(prompt.split()), "totalTokenCount": 0}
        created = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        base = {"modelVersion": route["model"], "responseId": uuid.uuid4().hex[:20],
                "createTime": created}  # fmt: skip
        if behaviour.get("blocked"):
            return {**base, "promptFeedback": {"blockReason": behaviour["blocked"]},
                    "usageMetadata": usage}  # fmt: skip
        modalities = [str(m).upper() for m in config.get("responseModalities") or []]
        if "AUDIO" in modalities:
            pcm = base64.b64encode(self._speech(prompt, config)).decode()
            mime = f"audio/L16;codec=pcm;rate={TTS_RATE}"
            parts = [{"inlineData": {"mimeType": mime, "data": pcm}}]
        elif "IMAGE" in modalities:
            if behaviour.get("no_image"):
                parts: list[dict[str, Any]] = [{"text": "I can't draw that character."}]
            else:
                data = base64.b64encode(self._png(prompt)).decode()
                parts = [{"inlineData": {"mimeType": "image/png", "data": data}}]
        else:
            text = behaviour.get("text")
            if text is None:
                text = json.dumps(_script_for(prompt, behaviour.get("blocks")), ensure_ascii=False)
            parts = [{"text": text}]
        candidate = {"content": {"role": "model", "parts": parts}, "finishReason": "STOP"}
        return {**base, "candidates": [candidate], "usageMetadata": usage}

    def _speech(self, prompt: str, config: dict[str, Any]) -> bytes:
        """Gemini TTS: 16-bit mono PCM at 24 kHz of the prompt's lines after the first."""
        prebuilt = (((config.get("speechConfig") or {}).get("voiceConfig") or {})
                    .get("prebuiltVoiceConfig") or {})  # fmt: skip
        # Proto JSON accepts both field spellings; google-genai 3.4 sends "voice_name".
        voice = prebuilt.get("voiceName") or prebuilt.get("voice_name")
        if voice not in GEMINI_VOICES:
            raise ApiError(400, f"Voice name {voice} is not supported.")
        direction, _, text = prompt.partition("\n")
        found = re.search(r"aloud in (English|French|Spanish)", direction)
        language = {"French": Language.FR, "Spanish": Language.ES}.get(
            found[1] if found else "", Language.EN
        )
        self._workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
            wav, raw = Path(tmp) / "speech.wav", Path(tmp) / "speech.raw"
            speak_to_fit(text or direction, language, wav, 1e9,
                         voice=espeak_voice(language, espeak_variant(voice)))  # fmt: skip
            run_ffmpeg(["-i", str(wav), "-ac", "1", "-ar", str(TTS_RATE), "-f", "s16le",
                        "-c:a", "pcm_s16le", str(raw)], timeout=60)  # fmt: skip
            return raw.read_bytes()

    def _png(self, prompt: str) -> bytes:
        found = re.search(r"named ([^:\n]+):", prompt)
        label = found[1].strip() if found else "character"
        self._workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
            text, out = Path(tmp) / "name.txt", Path(tmp) / "image.png"
            text.write_text(label, encoding="utf-8")
            width, height = IMAGE_SIZE
            run_ffmpeg([
                "-f", "lavfi", "-i", f"gradients=s={width}x{height}:c0=0x1b3a5c:c1=0x7ee8fa",
                "-vf", f"drawtext=fontfile={escape_filter_value(FONT_FILE)}"
                f":textfile={escape_filter_value(text)}:fontsize=64:fontcolor=white"
                ":x=(w-text_w)/2:y=(h-text_h)/2",
                "-frames:v", "1", "-update", "1", str(out),
            ], timeout=60)  # fmt: skip
            return out.read_bytes()

    # -- Veo -------------------------------------------------------------------------------
    def _predict_long_running(
        self, route: dict[str, str], body: dict[str, Any], behaviour: dict[str, Any]
    ) -> dict[str, Any]:
        instance, params = _validate_veo(body)
        for ref in instance.get("referenceImages") or []:
            uri = ref["image"].get("gcsUri")
            if uri and not self._exists(uri):
                raise ApiError(400, f"Reference image {uri} could not be read.")
        model_path = (
            f"projects/{route['project']}/locations/{route['location']}"
            f"/publishers/{route['publisher']}/models/{route['model']}"
        )
        name = f"{model_path}/operations/{uuid.uuid4()}"
        outcome = str(behaviour.get("outcome") or "ok")
        latency = float(behaviour.get("op_latency", self.op_latency))
        found = _VIDEO_ID.search(str(params.get("storageUri") or ""))
        op = Operation(
            name=name,
            ready_at=None if outcome == "never" else time.monotonic() + latency,
            outcome=outcome,
            error=behaviour.get("error"),
            reasons=list(behaviour.get("reasons") or []),
            model=route["model"],
            video_id=found[1] if found else None,
            block=None if (instance.get("video") or {}).get("gcsUri") else 0,
        )
        with self._lock:
            self._operations[name] = op
        if outcome == "ok":
            thread = threading.Thread(target=self._render, args=(op, instance, params), daemon=True)
            self._renders = [t for t in self._renders if t.is_alive()] + [thread]
            thread.start()
        else:
            op.render_done.set()
        return {"name": name}

    def _fetch_operation(
        self, route: dict[str, str], body: dict[str, Any], behaviour: dict[str, Any]
    ) -> dict[str, Any]:
        name = str(body.get("operationName") or "")
        model_path = name.rpartition("/operations/")[0]
        if not model_path.endswith(f"/models/{route['model']}"):
            raise ApiError(400, f"Operation {name!r} does not belong to model {route['model']}.")
        with self._lock:
            op = self._operations.get(name)
        if op is None:
            raise ApiError(404, f"Operation {name} not found.")
        with self._lock:
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

    def _render(self, op: Operation, instance: dict[str, Any], params: dict[str, Any]) -> None:
        try:
            prompt = str(instance.get("prompt") or "")
            self._workdir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
                work = Path(tmp)
                clip, block = work / "clip.mp4", 0
                previous_uri = (instance.get("video") or {}).get("gcsUri")
                if previous_uri:
                    previous = work / "previous.mp4"
                    if not self._exists(previous_uri):
                        op.error = {"code": 3, "message": f"Input video {previous_uri} not found."}
                        return
                    self._bucket_blob(previous_uri).download_to_filename(str(previous))
                    block = max(1, round((probe(previous).duration - 8) / 7) + 1)
                op.block = block
                render_block_clip(
                    out_path=clip, seconds=int(params.get("durationSeconds", 8)),
                    style=_style(prompt), block_index=block,
                    visual=_line(prompt, "Scene") or prompt[:200],
                    dialogue=_dialogue(prompt), language=_language(prompt), workdir=work,
                    light=self.render == "light",
                )  # fmt: skip
                result = clip
                if previous_uri:
                    result = work / "extended.mp4"
                    extend_video(previous, clip, result, work)
                op.video = self._store(op, result, params.get("storageUri"))
        except Exception as exc:
            op.error = {"code": 13, "message": f"fake Veo render failed: {exc}"[:500]}
        finally:
            op.finished_at = time.time()
            op.render_done.set()

    def _store(self, op: Operation, path: Path, storage_uri: str | None) -> dict[str, Any]:
        if not storage_uri:
            data = base64.b64encode(path.read_bytes()).decode()
            return {"bytesBase64Encoded": data, "mimeType": "video/mp4"}
        prefix = storage_uri if storage_uri.endswith("/") else storage_uri + "/"
        uri = f"{prefix}{op.name.rpartition('/')[2]}/sample_0.mp4"
        self._bucket_blob(uri).upload_from_filename(str(path), content_type="video/mp4")
        return {"gcsUri": uri, "mimeType": "video/mp4"}

    # -- GCS emulator ----------------------------------------------------------------------
    def _bucket_blob(self, uri: str) -> Any:
        bucket, _, name = uri.removeprefix("gs://").partition("/")
        with self._lock:
            if self._storage is None:
                self._storage = _storage_client()
        return self._storage.bucket(bucket).blob(name)

    def _exists(self, uri: str) -> bool:
        return bool(uri.startswith("gs://") and self._bucket_blob(uri).exists())


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


def _validate_veo(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    instances, params = body.get("instances"), body.get("parameters") or {}
    if not isinstance(instances, list) or len(instances) != 1 or not isinstance(params, dict):
        raise ApiError(400, "Exactly one instance is required.")
    instance = instances[0]
    if not (instance.get("prompt") or instance.get("image") or instance.get("video")):
        raise ApiError(400, "The instance needs a prompt, an image or a video.")
    checks = [
        (params.get("aspectRatio", "16:9") in ("16:9", "9:16"), "aspectRatio"),
        (params.get("resolution", "720p") in ("720p", "1080p"), "resolution"),
        (params.get("durationSeconds", 8) in range(1, 9), "durationSeconds"),
        (params.get("sampleCount", 1) in range(1, 5), "sampleCount"),
        (str(params.get("storageUri", "gs://")).startswith("gs://"), "storageUri"),
        (len(instance.get("referenceImages") or []) <= 3, "referenceImages"),
        (not (instance.get("video") or {}).get("bytesBase64Encoded"), "video (fake: gcsUri only)"),
    ]
    for ref in instance.get("referenceImages") or []:
        kind = str(ref.get("referenceType", "")).lower()
        checks.append((kind in ("asset", "style") and bool(ref.get("image")), "referenceImages"))
    for ok, name in checks:
        if not ok:
            raise ApiError(400, f"Invalid value for parameter {name}.")
    return instance, params


def _fault_label(behaviour: dict[str, Any]) -> str:
    """A name for a caller-given fault behaviour, for the /_fake/faults counts."""
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
    if behaviour.get("latency"):
        return "latency"
    return "other"


def _strip(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """A 200 answer without the fields a client needs."""
    if kind == "generateContent":
        return {"candidates": [{"content": {"role": "model"}}]}
    if kind == "predictLongRunning":
        return {}
    return {"name": result.get("name"), "done": True}


def _default_message(status: int, route: dict[str, str]) -> str:
    if status == 429:
        return (
            "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model"
            f" with base model: {route['model']}. Please submit a quota increase request."
        )
    if status >= 500:
        return "The service is currently unavailable." if status == 503 else "Internal error."
    return "Request contains an invalid argument."


def _prompt_text(body: dict[str, Any]) -> str:
    texts = [
        str(part.get("text", ""))
        for content in body.get("contents") or []
        for part in (content.get("parts") or [])
        if isinstance(part, dict)
    ]
    return "\n".join(texts)


def _line(prompt: str, label: str) -> str | None:
    found = re.search(rf"^{label}:\s*(.+)$", prompt, re.MULTILINE)
    return found[1].strip() if found else None


def _style(prompt: str) -> Style:
    found = re.search(r"\bstyle:\s*([a-z]+)", prompt, re.IGNORECASE)
    value = found[1].lower() if found else ""
    return Style(value) if value in Style._value2member_map_ else Style.CINEMATIC


def _language(prompt: str) -> Language:
    found = re.search(r"Dialogue \((fr|en|es)\)|LANGUAGE:\s*(fr|en|es)\b", prompt)
    return Language((found[1] or found[2]) if found else "en")


def _dialogue(prompt: str) -> str:
    if "no speech" in prompt:  # a narrated video: ambience only
        return ""
    found = re.search(r'Dialogue \([a-z]{2}\):\s*"(.*)"', prompt)
    return found[1] if found and found[1].strip() else "Hello."


def _script_for(prompt: str, blocks: int | None) -> dict[str, Any]:
    """A valid script for the prompt's theme, language, style, character and block count."""
    found = re.search(r"exactly\s+(\d+)", prompt)
    count = int(blocks if blocks is not None else (found[1] if found else 9))
    character = None
    if match := re.search(r"^MAIN CHARACTER:\s*(.+?)\s+-\s+(.+)$", prompt, re.MULTILINE):
        character = Character(character_id="x", name=match[1], description=match[2])
    brief = ScriptBrief(
        theme=_line(prompt, "THEME") or "the wonders of the sea", style=_style(prompt),
        language=_language(prompt), block_count=max(1, min(count, 12)), character=character,
    )  # fmt: skip
    script = DemoScriptWriter().write_script(brief)
    items = [b.model_dump() for b in script.blocks]
    while len(items) < count:
        items.append({**items[len(items) % len(script.blocks)], "index": len(items)})
    return {"title": script.title, "blocks": items[:count]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--op-latency", type=float, default=1.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--render", choices=RENDER_MODES, default="full")
    args = parser.parse_args()
    fake = FakeVertex(args.port, op_latency=args.op_latency, fault_rate=args.fault_rate,
                      seed=args.seed)  # fmt: skip
    fake.render = args.render
    fake.start()
    print(f"fake Vertex AI listening on {fake.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    fake.stop()


if __name__ == "__main__":
    main()
