"""Session fixtures: one local stack per test session; emulators first, functions on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import Stack
from shortvideo.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
# Fast clocks so that leases, retries and Veo polling happen within a test's patience.
LOCAL_STACK_OVERRIDES = {
    "LEASE_SECONDS": "15",
    "RETRY_BACKOFF_SECONDS": "2,4,6",
    "VIDEO_POLL_SECONDS": "1",
    "DEMO_VIDEO_LATENCY_SECONDS": "1",
    # The product encodes with preset fast (unit-tested in test_ffmpeg_args); end-to-end runs
    # use ultrafast so that seven whole jobs fit in the test budget on two cores.
    "X264_PRESET": "ultrafast",
}
LOCAL_STACK_MONITOR_INTERVAL = 2.0
# Cloud Scheduler calls the series dispatcher every 5 minutes; the tests' stack every 5 s.
LOCAL_STACK_SERIES_INTERVAL = 5.0


def _export(stack: Stack, environ: pytest.MonkeyPatch) -> None:
    """Point this test process's clients and settings at the stack."""
    for key, value in stack.env().items():
        environ.setenv(key, value)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (gitignored): files worth looking at after a run."""
    path = REPO_ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def _session_environ() -> Iterator[pytest.MonkeyPatch]:
    environ = pytest.MonkeyPatch()
    yield environ
    environ.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _session_stack(_session_environ: pytest.MonkeyPatch) -> Iterator[Stack]:
    """The only stack of the session; the functions join it when local_stack is first used."""
    stack = Stack(REPO_ROOT, functions=False, monitor_interval=LOCAL_STACK_MONITOR_INTERVAL,
                  series_interval=LOCAL_STACK_SERIES_INTERVAL)
    stack.start()
    try:
        _export(stack, _session_environ)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def emulators(_session_stack: Stack) -> Stack:
    """Firestore, GCS and Cloud Tasks emulators (seeded); os.environ points at them."""
    return _session_stack


@pytest.fixture(scope="session")
def local_stack(_session_stack: Stack, _session_environ: pytest.MonkeyPatch) -> Stack:
    """The emulators plus the four functions and a monitor call every 2 s."""
    _session_stack.start_functions(
        overrides=LOCAL_STACK_OVERRIDES, monitor_interval=LOCAL_STACK_MONITOR_INTERVAL
    )
    _export(_session_stack, _session_environ)
    return _session_stack


@pytest.fixture(autouse=True)
def _functions_only_where_asked(request: pytest.FixtureRequest) -> None:
    """Functions run during tests that use local_stack and are stopped for emulator-only tests.

    Otherwise, once local_stack has started them, they would answer the Cloud Tasks that an
    emulator-only test enqueues and move its jobs on behind its back.
    """
    if "_session_stack" not in request.fixturenames:
        return
    stack: Stack = request.getfixturevalue("_session_stack")
    if "local_stack" in request.fixturenames:
        stack.start_functions(  # restarts any function a previous test stopped or killed
            overrides=LOCAL_STACK_OVERRIDES, monitor_interval=LOCAL_STACK_MONITOR_INTERVAL
        )
    else:
        stack.stop_functions()


@pytest.fixture
def clean_emulators(emulators: Stack) -> Stack:
    """The emulators with every document and object deleted, then seeded again."""
    emulators.wipe()
    return emulators
