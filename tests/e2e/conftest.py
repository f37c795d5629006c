"""Fixtures shared by the end-to-end tests that need a stack of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.chaos import CHAOS_OVERRIDES
from devstack.stack import Stack
from tests.conftest import REPO_ROOT


@pytest.fixture
def google_fake_stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack of its own on the Google adapters and the fake Vertex AI (chaos clocks)."""
    stack = Stack(REPO_ROOT, overrides=CHAOS_OVERRIDES, monitor_interval=2.0,
                  provider="google-fake")  # fmt: skip
    stack.log_dir = tmp_path / "logs"
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
