"""Fixtures of the integration tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_vertex.server import FakeVertex


@pytest.fixture(scope="module")
def fake_vertex() -> Iterator[FakeVertex]:
    """One fake Vertex AI per test module, answering quickly."""
    server = FakeVertex(op_latency=0.2).start()
    yield server
    server.stop()
