"""hadolint on every Dockerfile and actionlint on the CI workflow: both clean."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.infra.model import ROOT

BIN = ROOT / ".venv-infra" / "bin"
DOCKERFILES = sorted((ROOT / "infra" / "docker").glob("*.Dockerfile"))


def tool(name: str) -> Path:
    path = BIN / name
    assert path.is_file(), f"run ./dev.sh bootstrap ({name} lives in .venv-infra)"
    return path


def test_there_is_a_dockerfile_per_kind_of_service() -> None:
    names = {p.name for p in DOCKERFILES}
    assert names == {"api.Dockerfile", "function.Dockerfile", "media.Dockerfile",
                     "assembler.Dockerfile"}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_is_clean(dockerfile: Path) -> None:
    done = subprocess.run([str(tool("hadolint")), str(dockerfile)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_images_run_as_non_root_from_a_pinned_base(dockerfile: Path) -> None:
    lines = dockerfile.read_text().splitlines()
    base = next(line for line in lines if line.startswith("FROM "))
    assert base.split()[1].count(":") == 1 and "latest" not in base, base
    assert [line for line in lines if line.startswith("USER ")][-1] == "USER 10001"


def test_actionlint_is_clean_on_the_ci_workflow() -> None:
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    assert "./dev.sh test" in text and "push" in text and "pull_request" in text
    done = subprocess.run([str(tool("actionlint")), "-no-color", str(workflow)],
                          capture_output=True, text=True, timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
