"""Stands in for Cloud Scheduler: POSTs {} to a function (the monitor, the series dispatcher)
every few seconds."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger("devstack.scheduler")


def post_json(
    url: str, body: object, timeout: float = 60.0, headers: Mapping[str, str] | None = None
) -> tuple[int, str]:
    """(HTTP status, response text); HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode(errors="replace")


class MonitorScheduler:
    """A daemon thread that rings the monitor every `interval` seconds until stopped.

    `authorization` gives each call's Authorization header, as Cloud Scheduler's OIDC token does.
    """

    def __init__(
        self, url: str, interval: float, log_path: Path,
        authorization: Callable[[], str] | None = None, name: str = "monitor",
    ) -> None:
        self.name = name
        self.url = url
        self.authorization = authorization
        self.interval = interval
        self.log_path = log_path
        self.ticks = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{name}-scheduler", daemon=True)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        self.ticks += 1
        try:
            headers = {"Authorization": self.authorization()} if self.authorization else None
            status, text = post_json(self.url, {}, headers=headers)
        except OSError as exc:
            line = f"{self.name} unreachable: {exc}"
            log.warning(line)
        else:
            try:
                reply = json.dumps(json.loads(text), sort_keys=True)
            except ValueError:
                reply = text.strip()[:500]
            line = f"{self.name} {status}: {reply}"
            if 200 <= status < 300:
                log.info(line)
            else:
                log.warning(line)
        with self.log_path.open("a") as out:
            out.write(f"{time.strftime('%H:%M:%S')} {line}\n")
