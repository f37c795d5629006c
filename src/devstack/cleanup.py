"""Run a stop function at interpreter exit and on SIGINT/SIGTERM, then let the signal go on."""

from __future__ import annotations

import atexit
import signal
import threading
from collections.abc import Callable
from types import FrameType


class CleanupHooks:
    def __init__(self, stop: Callable[[], None]) -> None:
        self._stop = stop
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        atexit.register(self._stop)
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread
        for signum in (signal.SIGINT, signal.SIGTERM):
            current = signal.getsignal(signum)
            if current not in (self._on_signal, signal.SIG_IGN):  # ignored stays ignored
                self._previous[signum] = current
                signal.signal(signum, self._on_signal)

    def remove(self) -> None:
        atexit.unregister(self._stop)
        if threading.current_thread() is not threading.main_thread():
            return
        for signum, previous in self._previous.items():
            if signal.getsignal(signum) == self._on_signal:
                signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous.get(signum)
        self._stop()  # also removes these hooks
        if callable(previous):
            previous(signum, frame)  # e.g. KeyboardInterrupt for SIGINT
        else:
            raise SystemExit(128 + signum)
