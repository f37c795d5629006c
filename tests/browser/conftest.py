"""The browser tier: the dashboard built in frontend/dist, served by the stack's edge, with the
instant video and transcription providers (a job takes seconds), in Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from devstack.stack import Stack
from tests.browser.browser import chromium
from tests.conftest import REPO_ROOT

INSTANT = {"DEMO_VIDEO_MODE": "instant", "DEMO_VIDEO_LATENCY_SECONDS": "0",
           "WHISPER_ENGINE": "instant"}  # fmt: skip
INSTANT_FUNCTIONS = ("video_agent", "assembler")


@pytest.fixture(scope="module")
def dashboard(local_stack: Stack) -> Iterator[Stack]:
    """The session stack with its API and edge, the video and assembly on instant providers."""
    if not (REPO_ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.fail("frontend/dist is not built: ./dev.sh bootstrap (npm ci && npm run build)")
    local_stack.start_api()
    for name in INSTANT_FUNCTIONS:
        local_stack.start_function(name, INSTANT)
    try:
        yield local_stack
    finally:
        for name in INSTANT_FUNCTIONS:
            local_stack.start_function(name)  # as the other tests expect them


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as found:
        yield found
