"""The repository's deployment as data: Terraform parsed by python-hcl2, the staging table."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TF_DIR = ROOT / "infra" / "terraform"
ENVIRONMENTS = ("dev", "staging", "prod")
# The rules file the emulator rules test runs and the one Terraform deploys must be this one.
RULES_FILE = ROOT / "firestore.rules"
INDEXES_FILE = ROOT / "firestore.indexes.json"


def unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals ('"api"'): drop them, recursively."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1]
        return value
    if isinstance(value, list):
        return [unquote(item) for item in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items()
                if k not in ("__comments__", "__inline_comments__")}
    return value


def parse_file(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        parsed: dict[str, Any] = unquote(hcl2.load(handle))
    return parsed


@functools.cache
def module(folder: str = "") -> dict[str, Any]:
    """Merge the .tf files of the root module ("") or of modules/<folder>."""
    base = TF_DIR / "modules" / folder if folder else TF_DIR
    merged: dict[str, Any] = {"locals": {}, "resource": {}, "module": {}, "variable": {},
                              "output": {}, "data": {}}
    for path in sorted(base.glob("*.tf")):
        tree = parse_file(path)
        for block in tree.get("locals", []):
            merged["locals"].update(block)
        for kind in ("resource", "data"):
            for block in tree.get(kind, []):
                for rtype, named in block.items():
                    merged[kind].setdefault(rtype, {}).update(named)
        for kind in ("module", "variable", "output"):
            for block in tree.get(kind, []):
                merged[kind].update(block)
    return merged


@functools.cache
def tfvars(environment: str) -> dict[str, Any]:
    return parse_file(TF_DIR / "environments" / f"{environment}.tfvars")


def references(expression: str, kind: str) -> set[str]:
    """Names referenced as `kind.NAME` in a Terraform expression, e.g. local.sa["api"]."""
    return set(re.findall(rf"{re.escape(kind)}\.([A-Za-z0-9_-]+)", expression))


def sa_key(expression: str) -> str:
    """'${local.sa["monitor"]}' -> 'monitor'."""
    match = re.fullmatch(r'\$\{local\.sa\["([a-z-]+)"\]\}', expression)
    assert match, f"not a service account reference: {expression}"
    return match.group(1)


@functools.cache
def stage_module() -> ModuleType:
    path = ROOT / "infra" / "deploy" / "stage.py"
    spec = importlib.util.spec_from_file_location("infra_stage", path)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    sys.modules["infra_stage"] = loaded
    spec.loader.exec_module(loaded)
    return loaded
