"""Which leftover process groups the local stack ends when it starts."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.procs import free_port, reap_orphans


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process group of its own, like an emulator the stack started."""
    proc = subprocess.Popen(["sleep", "120"], start_new_session=True)
    yield proc
    proc.kill()
    proc.wait()


def _dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def _record(pid_dir: Path, owner: int, proc: subprocess.Popen[bytes]) -> Path:
    pid_dir.mkdir(exist_ok=True)
    path = pid_dir / f"{owner}-firestore-0.json"
    path.write_text(json.dumps({"owner": owner, "pgid": proc.pid, "argv": ["sleep", "120"]}))
    return path


def test_a_group_whose_owner_died_is_ended(tmp_path: Path, sleeper: subprocess.Popen[bytes]
                                           ) -> None:
    record = _record(tmp_path, _dead_pid(), sleeper)
    assert reap_orphans(tmp_path) == [f"{sleeper.pid}: sleep 120"]
    assert sleeper.wait(timeout=5) == -9
    assert not record.exists()


def test_a_group_of_this_live_process_is_left_alone(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    # a second stack in the same process (an e2e test's own) must not end the session's
    record = _record(tmp_path, os.getpid(), sleeper)
    assert reap_orphans(tmp_path) == []
    assert sleeper.poll() is None
    assert record.exists()


def test_free_ports_lie_below_the_kernels_ephemeral_range() -> None:
    # An ephemeral port can be taken by any bind(0) between our pick and our bind (seen: the
    # Firestore emulator's WebSocket server took the edge's port in a CI run).
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    taken: set[int] = set()
    ports = [free_port(taken) for _ in range(50)]
    assert all(1024 <= port < low for port in ports)
    assert len(set(ports)) == 50 and taken == set(ports)
