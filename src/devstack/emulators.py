"""How to launch, probe and wipe the emulators (Firestore, GCS, Cloud Tasks, Firebase Auth)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.clients import tasks_client
from devstack.procs import StackError, tcp_open

EMULATOR_NAMES = ("firestore", "storage", "tasks", "auth")
# The Firebase CLI also opens its emulator hub and logging ports: free ones, per stack.
AUTH_AUX_PORTS = ("auth_hub", "auth_logging", "auth_vscode")
FIREBASE_CLI = Path("tools") / "firebase" / "node_modules" / ".bin" / "firebase"
QUEUE_NAMES = ("script-agent", "video-agent", "assembler")
_GCLOUD_QUIET = {
    "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
    "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
}
WIPE_TIMEOUT_SECONDS = 30.0
_COVERAGE_VARIABLES = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG", "COVERAGE_FILE")


@dataclass(frozen=True)
class Launch:
    """A command line, its environment, and a probe that is true once it serves."""

    argv: list[str]
    env: dict[str, str]
    ready: Callable[[], bool]
    # At least this long to come up, whatever the stack's own startup timeout.
    min_startup_seconds: float = 0.0


def http_ok(url: str, method: str = "GET", timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method),
                                    timeout=timeout) as r:
            return 200 <= int(r.status) < 300
    except OSError:
        return False


def venv_bin(root: Path, venv: str, program: str) -> Path:
    """root/<venv>/bin/<program>; for the main venv also the running interpreter's bin."""
    candidates = [root / venv / "bin" / program]
    if venv == ".venv":
        candidates.append(Path(sys.executable).parent / program)
    for path in candidates:
        if path.exists():
            return path
    raise StackError(f"{program} not found in {root / venv} (run ./dev.sh bootstrap)")


def coverage_env(root: Path) -> dict[str, str]:
    """Under pytest-cov, functions measure themselves too (coverage's .pth start hook)."""
    try:
        import coverage
    except ImportError:
        return {}
    current = coverage.Coverage.current()
    if current is None:
        return {}
    return {"COVERAGE_PROCESS_START": str(root / "pyproject.toml"),
            "COVERAGE_FILE": str(Path(current.config.data_file).resolve())}


def queue_path(env: Mapping[str, str], queue: str) -> str:
    return (f"projects/{env['GOOGLE_CLOUD_PROJECT']}/locations/{env['TASKS_LOCATION']}"
            f"/queues/{queue}")


def emulator_launches(
    root: Path, env: Mapping[str, str], ports: Mapping[str, int], max_retries: int
) -> dict[str, Launch]:
    if shutil.which("gcloud") is None:
        raise StackError("gcloud not found: install google-cloud-cli with its Firestore emulator "
                         "component, and Java 17+ (./dev.sh bootstrap checks this)")
    base = {k: v for k, v in os.environ.items() if k not in _COVERAGE_VARIABLES}
    firestore_url = f"http://127.0.0.1:{ports['firestore']}/"
    bucket = env["PIPELINE_BUCKET"]
    bucket_url = f"http://127.0.0.1:{ports['storage']}/storage/v1/b/{bucket}"
    tasks = [str(venv_bin(root, ".venv-tasks", "gcloud-tasks-emulator")), "start",
             "-p", str(ports["tasks"]), "-r", str(max_retries)]
    for queue in QUEUE_NAMES:
        tasks += ["-d", queue_path(env, queue)]
    return {
        "firestore": Launch(
            ["gcloud", "emulators", "firestore", "start",
             f"--host-port=127.0.0.1:{ports['firestore']}"],
            {**base, **_GCLOUD_QUIET}, lambda: http_ok(firestore_url),
        ),
        "storage": Launch(
            [str(venv_bin(root, ".venv", "gcp-storage-emulator")), "start",
             "--host", "127.0.0.1", "--port", str(ports["storage"]),
             "--default-bucket", bucket, "--in-memory"],
            base, lambda: http_ok(bucket_url),
        ),
        "tasks": Launch(tasks, base, lambda: _queues_listed(env)),
        "auth": _auth_launch(root, env, ports, base),
    }


def _auth_launch(
    root: Path, env: Mapping[str, str], ports: Mapping[str, int], base: Mapping[str, str]
) -> Launch:
    """The Firebase Auth emulator of firebase-tools (tools/firebase, pinned; ./dev.sh bootstrap).

    Its firebase.json (in .devstack/, per port) gives the hub and logging free ports, and its
    TMPDIR its own hub locator file, so stacks side by side never share one. CI=true skips the
    CLI's online message fetch; the VS Code notification goes to a closed port, refused at once.
    """
    cli = root / FIREBASE_CLI
    if not cli.exists():
        raise StackError(f"{cli} not found (run ./dev.sh bootstrap: npm ci in tools/firebase)")
    config_dir = root / ".devstack" / f"firebase-{ports['auth']}"
    config_dir.mkdir(parents=True, exist_ok=True)
    config = {"emulators": {
        "auth": {"host": "127.0.0.1", "port": ports["auth"]},
        "hub": {"host": "127.0.0.1", "port": ports["auth_hub"]},
        "logging": {"host": "127.0.0.1", "port": ports["auth_logging"]},
        "ui": {"enabled": False},
    }}
    (config_dir / "firebase.json").write_text(json.dumps(config, indent=2))
    argv = [str(cli), "emulators:start", "--only", "auth", "--project",
            env["GOOGLE_CLOUD_PROJECT"], "--config", str(config_dir / "firebase.json")]
    # TMPDIR: the CLI writes its hub locator to $TMPDIR/hub-<project>.json; stacks side by side
    # (same project) keep theirs apart.
    tmp = config_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    launch_env = {**base, "CI": "true", "VSCODE_WEBHOOK_PORT": str(ports["auth_vscode"]),
                  "TMPDIR": str(tmp)}
    url = f"http://127.0.0.1:{ports['auth']}/"
    # The Firebase CLI loads some 600 packages before it serves: on a loaded 2-core machine
    # that took over 70 s (load average 24), twice what it takes idle.
    return Launch(argv, launch_env, lambda: http_ok(url), min_startup_seconds=240.0)


def _queues_listed(env: Mapping[str, str]) -> bool:
    """The gRPC API answers and lists the three stage queues."""
    if not tcp_open(int(env["CLOUD_TASKS_EMULATOR_HOST"].rsplit(":", 1)[1])):
        return False
    parent = queue_path(env, "x").rsplit("/queues/", 1)[0]
    try:
        listed = {q.name for q in tasks_client(env).list_queues(parent=parent, timeout=2)}
    except Exception:  # not serving yet
        return False
    return all(queue_path(env, q) in listed for q in QUEUE_NAMES)


def wipe_emulators(env: Mapping[str, str]) -> None:
    """Delete every Firestore document, GCS object (buckets stay) and Firebase Auth user.

    Cloud Tasks queues are left alone: the emulator's dispatcher thread for a queue dies if a
    task it is about to run disappears (purge), so stale doorbells simply ring; handlers find
    no document and must answer 2xx.
    """
    documents = (f"http://{env['FIRESTORE_EMULATOR_HOST']}/emulator/v1/projects/"
                 f"{env['GOOGLE_CLOUD_PROJECT']}/databases/(default)/documents")
    # A wipe is work, not a probe: on a loaded machine it takes more than a probe's 2 s.
    if not http_ok(documents, method="DELETE", timeout=WIPE_TIMEOUT_SECONDS):
        raise StackError(f"Firestore emulator refused DELETE {documents}")
    if not http_ok(f"{env['STORAGE_EMULATOR_HOST']}/wipe?keep-buckets=true",
                   timeout=WIPE_TIMEOUT_SECONDS):
        raise StackError("GCS emulator refused GET /wipe?keep-buckets=true")
    accounts = (f"http://{env['FIREBASE_AUTH_EMULATOR_HOST']}/emulator/v1/projects/"
                f"{env['GOOGLE_CLOUD_PROJECT']}/accounts")
    if not http_ok(accounts, method="DELETE", timeout=WIPE_TIMEOUT_SECONDS):
        raise StackError(f"Firebase Auth emulator refused DELETE {accounts}")
