"""What each process of the local stack runs: argv, environment and readiness check."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from devstack.emulators import Launch, coverage_env, http_ok, venv_bin
from devstack.procs import tcp_open


def function(root: Path, source: Path, port: int, env: Mapping[str, str]) -> Launch:
    """functions-framework serving one function's `handle` on loopback."""
    argv = [str(venv_bin(root, ".venv", "functions-framework")), "--target", "handle",
            "--source", str(source), "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    return Launch(argv, {**os.environ, **coverage_env(root), **env}, lambda: tcp_open(port))


def api(root: Path, port: int, env: Mapping[str, str], api_url: str) -> Launch:
    """uvicorn with the API's factory, one worker; requests are logged by the app, not here."""
    argv = [str(venv_bin(root, ".venv", "python")), "-m", "uvicorn",
            "--factory", "shortvideo.api.main:build", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log", "--log-level", "warning",
            "--no-server-header"]  # no banner, as in the documented Cloud Run command
    health = f"{api_url}/health"
    return Launch(argv, {**os.environ, **coverage_env(root), **env}, lambda: http_ok(health))


def fake_vertex(root: Path, port: int, env: Mapping[str, str], base_url: str) -> Launch:
    """python -m tests.fake_vertex.server from the repo root; it writes to the GCS emulator."""
    argv = [str(venv_bin(root, ".venv", "python")), "-m", "tests.fake_vertex.server",
            "--port", str(port)]  # fmt: skip
    health = f"{base_url}/_fake/health"
    return Launch(argv, {**os.environ, **env}, lambda: http_ok(health))


def fake_stripe(root: Path, port: int, env: Mapping[str, str], *, base_url: str,
                webhook_url: str, keys: tuple[str, str]) -> Launch:  # fmt: skip
    """python -m tests.fake_stripe.server, with the prices the API's settings name (0017)."""
    from shortvideo.billing.plans import offers
    from shortvideo.settings import settings_from

    settings = settings_from({**os.environ, **env})
    prices = [f"{o.price_id}:{o.amount}:{o.currency}:"
              + ("recurring" if o.recurring else "one_time")
              for o in offers(settings)]  # fmt: skip
    argv = [str(venv_bin(root, ".venv", "python")), "-m", "tests.fake_stripe.server",
            "--port", str(port), "--api-key", keys[0],
            "--webhook-secret", keys[1], "--webhook-url", webhook_url,
            *[arg for price in prices for arg in ("--price", price)]]  # fmt: skip
    health = f"{base_url}/health"
    return Launch(argv, {**os.environ, **env}, lambda: http_ok(health))


def edge(root: Path, port: int, env: Mapping[str, str], edge_url: str) -> Launch:
    """The one-origin edge (devstack.edge): /api/* to the API in-process, else frontend/dist."""
    argv = [str(venv_bin(root, ".venv", "python")), "-m", "uvicorn",
            "--factory", "devstack.edge:build", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log", "--log-level", "warning",
            "--no-server-header"]  # fmt: skip
    health = f"{edge_url}/api/health"
    dist = {"EDGE_DIST_DIR": str(root / "frontend" / "dist")}
    return Launch(argv, {**os.environ, **coverage_env(root), **env, **dist},
                  lambda: http_ok(health))
