"""The deployed package imports none of the local-only code (demo providers, devstack, tests)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shortvideo import wiring
from shortvideo.errors import ConfigError

PRODUCT = Path(__file__).resolve().parents[2] / "src" / "shortvideo"
LOCAL_ONLY = ("demo_providers", "devstack", "tests")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_product_package_imports_no_local_only_code():
    offenders = {
        f"{path.relative_to(PRODUCT)}: {name}"
        for path in PRODUCT.rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] in LOCAL_ONLY
    }
    assert not offenders


def test_demo_providers_are_found_by_entry_point_only():
    plugin = wiring._plugin(wiring.PROVIDER_GROUP, "demo")
    assert plugin.__name__ == "demo_providers.plugin"
    with pytest.raises(ConfigError, match=r"no shortvideo\.providers plugin named 'nope'"):
        wiring._plugin(wiring.PROVIDER_GROUP, "nope")
