"""The local stack: Firestore, GCS, Cloud Tasks and Firebase Auth emulators, the functions,
the API."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from devstack import launches, seed
from devstack.cleanup import CleanupHooks
from devstack.creators import StackCreator
from devstack.emulators import (
    AUTH_AUX_PORTS,
    EMULATOR_NAMES,
    Launch,
    emulator_launches,
    queue_path,
    wipe_emulators,
)
from devstack.local_oidc import (
    TASKS_SERVICE_ACCOUNT,
    LocalKeys,
    caller_check_env,
    caller_of,
    ensure_local_keys,
    sign_id_token,
)
from devstack.procs import ManagedProcess, StackError, free_port, reap_orphans
from devstack.scheduler import MonitorScheduler, post_json

log = logging.getLogger("devstack")

FUNCTION_NAMES = ("script_agent", "video_agent", "assembler", "monitor", "series_dispatcher")
URL_VARIABLES = {"script_agent": "SCRIPT_AGENT_URL", "video_agent": "VIDEO_AGENT_URL",
                 "assembler": "ASSEMBLER_URL", "monitor": "MONITOR_URL",
                 "series_dispatcher": "SERIES_DISPATCHER_URL"}
# "demo": offline demo models. "google-fake": the Google adapters (real google-genai SDK) against
# tests/fake_vertex, a fake of the Vertex AI REST API started as one more process.
PROVIDERS = ("demo", "google-fake")
FAKE_VERTEX = "fake_vertex"
API = "api"  # the creator API (uvicorn), started with Stack(api=True) or start_api()
# With the API: the one-origin edge (devstack.edge): the dashboard and the API under /api.
EDGE = "edge"
# With the API (Stack(api=True)): tests/fake_stripe, the local Stripe fake (decision 0017).
FAKE_STRIPE = "fake_stripe"
LOCAL_STRIPE_KEY, LOCAL_STRIPE_WEBHOOK_SECRET = "sk_test_local_stack", "whsec_local_stack"
FAKE_VERTEX_PROJECT = "local-fake"
FAKE_VERTEX_LOCATION = "us-central1"


class Stack:
    """start() brings everything up, stop() ends it; env() is what clients and functions use."""

    def __init__(
        self, root: Path, overrides: Mapping[str, str] | None = None,
        monitor_interval: float = 120.0, functions: bool = True, *,
        project: str = "demo-shortvideo", bucket: str = "shortvideo-local",
        tasks_location: str = "us-central1", ports: Mapping[str, int] | None = None,
        startup_timeout: float = 90.0, tasks_max_retries: int = 5, provider: str = "demo",
        api: bool = False, series_interval: float = 60.0,
    ) -> None:
        if provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {PROVIDERS}, not {provider!r}")
        self.root = Path(root).resolve()
        self.provider = provider
        self.overrides = dict(overrides or {})
        self.monitor_interval = monitor_interval
        # Cloud Scheduler calls the series dispatcher every 5 minutes; locally every minute.
        self.series_interval = series_interval
        self.with_functions = functions
        self.with_api = api
        self.project, self.bucket, self.tasks_location = project, bucket, tasks_location
        self.startup_timeout, self.tasks_max_retries = startup_timeout, tasks_max_retries
        given = dict(ports or {})
        taken = set(given.values())
        extra = ((FAKE_VERTEX,) if provider == "google-fake" else ()) + (
            (FAKE_STRIPE,) if api else ())
        self.ports = {name: given.get(name) or free_port(taken)
                      for name in (*EMULATOR_NAMES, *AUTH_AUX_PORTS, *FUNCTION_NAMES, API, EDGE,
                                   *extra)}
        self.log_dir = self.root / ".devstack" / "logs"
        # Signs the doorbells and the monitor's calls; the functions verify them (decision 0012).
        self.oidc_keys = LocalKeys.at(self.root / ".devstack" / "oidc")
        self.creator = StackCreator(self.env)  # who the stack's own clients are on the API
        self.startup_seconds: dict[str, float] = {}
        self._processes: dict[str, ManagedProcess] = {}
        self._scheduler: MonitorScheduler | None = None
        self._series_scheduler: MonitorScheduler | None = None
        self._lock = threading.RLock()
        self._cleanup = CleanupHooks(self.stop)

    def env(self) -> dict[str, str]:
        values = {
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{self.ports['firestore']}",
            "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{self.ports['storage']}",
            "CLOUD_TASKS_EMULATOR_HOST": f"127.0.0.1:{self.ports['tasks']}",
            "FIREBASE_AUTH_EMULATOR_HOST": f"127.0.0.1:{self.ports['auth']}",
            "PIPELINE_BUCKET": self.bucket,
            "TASKS_LOCATION": self.tasks_location,
            "PYTHONUNBUFFERED": "1",
            "ENVIRONMENT": "local",
            "TASKS_SERVICE_ACCOUNT": TASKS_SERVICE_ACCOUNT,
            "OIDC_CERTS_FILE": str(self.oidc_keys.certs_file),
            "OIDC_SIGNING_KEY_FILE": str(self.oidc_keys.key_file),
        }
        values.update({var: self.url(name) for name, var in URL_VARIABLES.items()})
        values["CREATOR_API_URL"] = self.api_url
        # The one origin of the dashboard and the API (decisions 0015, 0019): the edge's.
        values["APP_ORIGIN"] = self.edge_url
        values["DASHBOARD_URL"] = self.edge_url
        values["BILLING_RETURN_URL"] = f"{self.edge_url}/billing"
        if self.provider == "google-fake":
            values.update({
                "PIPELINE_PROVIDER": "google",
                "VERTEX_PROJECT": FAKE_VERTEX_PROJECT,
                "VERTEX_LOCATION": FAKE_VERTEX_LOCATION,
                "VERTEX_API_BASE_URL": self.fake_vertex_url,
            })  # fmt: skip
        if FAKE_STRIPE in self.ports:
            values.update({
                "STRIPE_API_BASE": self.fake_stripe_url,
                "STRIPE_SECRET_KEY": LOCAL_STRIPE_KEY,
                "STRIPE_WEBHOOK_SECRET": LOCAL_STRIPE_WEBHOOK_SECRET,
            })  # fmt: skip
        values.update(self.overrides)
        return values

    @property
    def fake_stripe_url(self) -> str:
        """Base URL of the local Stripe fake (a stack with the API only)."""
        if FAKE_STRIPE not in self.ports:
            raise StackError("no Stripe fake: the stack has no API")
        return f"http://127.0.0.1:{self.ports[FAKE_STRIPE]}"

    @property
    def fake_vertex_url(self) -> str:
        """Base URL of the fake Vertex AI API (provider google-fake only)."""
        if FAKE_VERTEX not in self.ports:
            raise StackError(f"no fake Vertex AI with provider {self.provider!r}")
        return f"http://127.0.0.1:{self.ports[FAKE_VERTEX]}"

    @property
    def edge_url(self) -> str:
        """The dashboard's origin: the edge, which also serves the API under /api."""
        return f"http://127.0.0.1:{self.ports[EDGE]}"

    @property
    def api_url(self) -> str:
        """Base URL of the creator API (no trailing slash)."""
        return f"http://127.0.0.1:{self.ports[API]}"

    def url(self, function_name: str) -> str:
        if function_name not in FUNCTION_NAMES:
            raise KeyError(f"unknown function {function_name!r}; one of {FUNCTION_NAMES}")
        return f"http://127.0.0.1:{self.ports[function_name]}/"

    def queue_path(self, queue: str) -> str:
        return queue_path(self.env(), queue)

    def pid(self, name: str) -> int | None:
        """Process (and process group) id of a running component, e.g. "api" or "firestore"."""
        proc = self._processes.get(name)
        return proc.popen.pid if proc is not None and proc.popen is not None else None

    def dead(self) -> list[str]:
        """Components that were started and have exited since."""
        return [name for name, proc in self._processes.items() if not proc.alive()]

    def caller_token(self, function_name: str, email: str | None = None) -> str:
        """An ID token for calling a function as its legitimate caller (or as `email`)."""
        return sign_id_token(self.oidc_keys.key_file, audience=self.url(function_name),
                             email=email or caller_of(function_name))

    def submit_video(self, request: Mapping[str, object], timeout: float = 60.0) -> tuple[
        int, str
    ]:
        """POST /videos to the creator API (started if needed); (status, response text)."""
        self.start_api()
        return post_json(f"{self.api_url}/videos", dict(request), timeout=timeout,
                         headers=self.creator.headers())

    def start(self) -> None:
        with self._lock:
            self._cleanup.install()
            ensure_local_keys(self.oidc_keys.directory)
            for leftover in reap_orphans(self.root / ".devstack" / "pids"):
                log.warning("ended a process left behind by a dead stack: %s", leftover)
            try:
                if not all(name in self._processes for name in EMULATOR_NAMES):
                    launches = emulator_launches(
                        self.root, self.env(), self.ports, self.tasks_max_retries)
                    if self.provider == "google-fake" and FAKE_VERTEX not in self._processes:
                        launches[FAKE_VERTEX] = self._fake_vertex_launch()
                    if FAKE_STRIPE in self.ports and FAKE_STRIPE not in self._processes:
                        launches[FAKE_STRIPE] = self._fake_stripe_launch()
                    self._launch_and_wait(launches)
                    self._seed()
                if self.with_functions:
                    self.start_functions()
                if self.with_api:
                    self.start_api()
            except BaseException:
                self.stop()
                raise

    def start_functions(
        self, overrides: Mapping[str, str] | None = None, monitor_interval: float | None = None
    ) -> None:
        """Start the four functions and the scheduler; restart functions if overrides change."""
        with self._lock:
            if not all(name in self._processes for name in EMULATOR_NAMES):
                raise StackError("call Stack.start() (the emulators) before the functions")
            missing = [str(self._source(n)) for n in FUNCTION_NAMES if not self._source(n).exists()]
            if missing:
                raise StackError(f"function sources missing: {', '.join(missing)}")
            changed = {k: v for k, v in (overrides or {}).items() if self.overrides.get(k) != v}
            self.overrides.update(changed)
            self._stop_group([n for n in FUNCTION_NAMES if n in self._processes
                              and (changed or not self._processes[n].alive())])
            todo = [n for n in FUNCTION_NAMES if n not in self._processes]
            self._launch_and_wait({n: self._function_launch(n, None) for n in todo})
            if monitor_interval is not None and monitor_interval != self.monitor_interval:
                self.monitor_interval = monitor_interval
                self._stop_scheduler()
            if self._scheduler is None and self.monitor_interval > 0:
                self._scheduler = MonitorScheduler(
                    self.url("monitor"), self.monitor_interval, self.log_dir / "scheduler.log",
                    authorization=lambda: f"Bearer {self.caller_token('monitor')}")
                self._scheduler.start()
            if self._series_scheduler is None and self.series_interval > 0:
                self._series_scheduler = MonitorScheduler(
                    self.url("series_dispatcher"), self.series_interval,
                    self.log_dir / "series-scheduler.log", name="series_dispatcher",
                    authorization=lambda: f"Bearer {self.caller_token('series_dispatcher')}")
                self._series_scheduler.start()

    def start_api(self) -> None:
        """Start the creator API (uvicorn) and the edge beside the emulators, unless running."""
        with self._lock:
            if not all(name in self._processes for name in EMULATOR_NAMES):
                raise StackError("call Stack.start() (the emulators) before the API")
            todo = {name: launch for name, launch in ((API, self._api_launch),
                                                      (EDGE, self._edge_launch))
                    if not (name in self._processes and self._processes[name].alive())}
            if not todo:
                return
            self._stop_group([name for name in todo if name in self._processes])
            self._launch_and_wait({name: launch() for name, launch in todo.items()})

    def stop_api(self) -> None:
        with self._lock:
            self._stop_group([name for name in (API, EDGE) if name in self._processes])

    def start_function(self, name: str, extra_env: Mapping[str, str] | None = None) -> None:
        """(Re)start one function, e.g. after stop_function or with a changed environment."""
        self.url(name)  # KeyError for an unknown function name
        with self._lock:
            self._stop_group([name])
            self._launch_and_wait({name: self._function_launch(name, extra_env)})

    def stop_function(self, name: str, hard: bool = True) -> None:
        """SIGKILL (hard: simulates a crash) or SIGTERM one function's process group."""
        self.url(name)
        with self._lock:
            proc = self._processes.pop(name, None)
            if proc is not None:
                proc.stop(hard=hard)

    def stop_functions(self) -> None:
        """Stop the scheduler and all functions; the emulators keep running (and their data)."""
        with self._lock:
            self._stop_scheduler()
            self._stop_group([n for n in FUNCTION_NAMES if n in self._processes])

    def stop(self) -> None:
        """End everything this stack started. Idempotent; also run at exit and on signals."""
        with self._lock:
            self.stop_functions()
            self.stop_api()
            self._stop_group([n for n in (*EMULATOR_NAMES, FAKE_VERTEX, FAKE_STRIPE)
                              if n in self._processes])
            self._cleanup.remove()

    def wipe(self) -> None:
        """Delete all Firestore documents and GCS objects, then seed again."""
        wipe_emulators(self.env())
        self.creator.forget()  # its creator is gone
        self._seed()

    def _seed(self) -> None:
        started = time.monotonic()
        version = hashlib.sha256(Path(seed.__file__).read_bytes()).hexdigest()[:10]
        seed.seed(self.env(), self.root / ".devstack" / "seed" / version)
        self.startup_seconds["seed"] = time.monotonic() - started

    def _source(self, name: str) -> Path:
        return self.root / "functions" / name / "main.py"

    def _function_launch(self, name: str, extra_env: Mapping[str, str] | None) -> Launch:
        env = {**self.env(), **caller_check_env(name, self.url(name)), **(extra_env or {})}
        return launches.function(self.root, self._source(name), self.ports[name], env)

    def _api_launch(self) -> Launch:
        return launches.api(self.root, self.ports[API], self.env(), self.api_url)

    def _edge_launch(self) -> Launch:
        return launches.edge(self.root, self.ports[EDGE], self.env(), self.edge_url)

    def _fake_vertex_launch(self) -> Launch:
        return launches.fake_vertex(self.root, self.ports[FAKE_VERTEX], self.env(),
                                    self.fake_vertex_url)  # fmt: skip

    def _fake_stripe_launch(self) -> Launch:
        return launches.fake_stripe(self.root, self.ports[FAKE_STRIPE], self.env(),
                                    base_url=self.fake_stripe_url,
                                    webhook_url=f"{self.api_url}/billing/webhook",
                                    keys=(LOCAL_STRIPE_KEY, LOCAL_STRIPE_WEBHOOK_SECRET))

    def _launch_and_wait(self, launches: Mapping[str, Launch]) -> None:
        """Start all at once, then wait for each; seconds since launch go to startup_seconds."""
        launched = time.monotonic()
        for name, launch in launches.items():
            self._processes[name] = proc = ManagedProcess(
                name, launch.argv, launch.env, self.log_dir / f"{name}.log", self.root,
                self.root / ".devstack" / "pids")
            proc.start()
        for name, launch in launches.items():
            allowed = max(self.startup_timeout, launch.min_startup_seconds)
            remaining = allowed - (time.monotonic() - launched)
            self._processes[name].wait_ready(launch.ready, max(remaining, 1.0))
            self.startup_seconds[name] = round(time.monotonic() - launched, 2)
            log.info("%s ready on 127.0.0.1:%s after %.1f s", name, self.ports[name],
                     self.startup_seconds[name])

    def _stop_group(self, names: list[str]) -> None:
        procs = [self._processes.pop(name) for name in names if name in self._processes]
        for proc in procs:
            proc.signal()
        for proc in procs:
            proc.wait_stopped()

    def _stop_scheduler(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()
            self._scheduler = None
        if self._series_scheduler is not None:
            self._series_scheduler.stop()
            self._series_scheduler = None
