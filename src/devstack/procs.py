"""Child processes of the local stack: one process group each, a log file, a pid file."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


class StackError(RuntimeError):
    """A stack component could not be started or answered wrongly."""


def free_port(taken: set[int]) -> int:
    """A loopback TCP port nobody listens on now and not already handed out in `taken`.

    Picked below the kernel's ephemeral range: a port the kernel hands out for bind(0) can be
    taken again by any process binding port 0 (the Firestore emulator's WebSocket server does)
    between our pick and our service's bind; a port outside that range cannot.
    """
    low = _ephemeral_low()
    while True:
        port = random.randrange(max(1024, low - 12000), low)
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def tcp_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class ManagedProcess:
    """A command started in its own session so that its whole process group can be ended."""

    def __init__(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], log_path: Path, cwd: Path,
        pid_dir: Path,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        # unique per process object: two stacks of one owner (a test's own stack beside the
        # session's) must not share, and so unlink, each other's records
        self.pid_file = pid_dir / f"{os.getpid()}-{name}-{uuid.uuid4().hex[:8]}.json"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n=== {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        record = {"owner": os.getpid(), "pgid": self.popen.pid, "argv": self.argv}
        self.pid_file.write_text(json.dumps(record))

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def wait_ready(self, probe: Callable[[], bool], timeout: float) -> float:
        """Seconds until `probe()` held; StackError with the log tail if it died or timed out."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not self.alive():
                code = self.popen.returncode if self.popen else None
                raise StackError(
                    f"{self.name} exited with code {code} while starting.\n"
                    f"--- last lines of {self.log_path} ---\n{self.tail()}"
                )
            if probe():
                return time.monotonic() - started
            time.sleep(0.1)
        raise StackError(
            f"{self.name} did not come up within {timeout:.0f} s.\n"
            f"--- last lines of {self.log_path} ---\n{self.tail()}"
        )

    def signal(self, hard: bool = False) -> None:
        """SIGTERM (or SIGKILL when hard) to the whole process group; no wait."""
        if self.popen is not None and self.popen.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL if hard else signal.SIGTERM)

    def wait_stopped(self, grace: float = 10.0) -> None:
        """Wait for the group leader, SIGKILL the group after `grace` s, forget the process."""
        if self.popen is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # leftovers such as the emulator's JVM
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        self.popen = None
        self.pid_file.unlink(missing_ok=True)

    def stop(self, hard: bool = False, grace: float = 10.0) -> None:
        self.signal(hard)
        self.wait_stopped(grace)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def reap_orphans(pid_dir: Path) -> list[str]:
    """End process groups left behind by a stack whose owner process died without stopping.

    A live owner's groups are never touched, this process's included: a second stack started
    by the same process (an end-to-end test's own stack) must not end the first one's emulators.
    """
    reaped: list[str] = []
    for pid_file in sorted(pid_dir.glob("*.json")):
        try:
            record = json.loads(pid_file.read_text())
            owner, pgid, argv = int(record["owner"]), int(record["pgid"]), list(record["argv"])
        except (OSError, ValueError, KeyError, TypeError):
            pid_file.unlink(missing_ok=True)
            continue
        if _pid_alive(owner):
            continue  # a live stack owns it
        cmdline = _cmdline(pgid)  # wrappers (gcloud, venv scripts) change argv[0] only
        if len(argv) > 1 and cmdline[-(len(argv) - 1):] == argv[1:]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
            reaped.append(f"{pgid}: {' '.join(argv)}")
        pid_file.unlink(missing_ok=True)
    return reaped


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]
