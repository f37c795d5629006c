"""Each staged service folder holds only product code and imports in a clean virtualenv.

The clean virtualenvs install the service's own requirements.txt (the hashed lock) with
--require-hashes --no-deps, as the Dockerfiles do with pip; services sharing a lock share one
venv. The installer here is uv (pinned in .venv-infra): its cache makes a warm install a few
seconds, where pip took minutes on this shared machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.infra import model
from tests.infra.model import ROOT

stage = model.stage_module()

FORBIDDEN_PATH_PARTS = re.compile(r"(^|/)(tests?|devstack|demo_providers|bench|fake_vertex)(/|$)")
FORBIDDEN_FILES = re.compile(r"(^|/)(demo_[^/]*|instant_[^/]*|espeak_narrator\.py|fakes?\.py)$")
FORBIDDEN_IMPORTS = re.compile(
    r"^(from|import)\s+(devstack|demo_providers|tests|shortvideo\.adapters\.(demo_|instant_))",
    re.M,
)


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("stage")
    return {svc.name: stage.stage(svc, out) for svc in stage.SERVICES}


def test_each_folder_holds_its_entry_point_the_package_and_its_own_requirements(
    staged: dict[str, Path],
) -> None:
    for svc in stage.SERVICES:
        folder = staged[svc.name]
        assert (folder / "shortvideo" / "__init__.py").is_file()
        assert (folder / "main.py").is_file() == (svc.function is not None), svc.name
        if svc.function:
            source = ROOT / "functions" / svc.function / "main.py"
            assert (folder / "main.py").read_bytes() == source.read_bytes()
        lock = (ROOT / "infra" / "deploy" / svc.lock).read_text()
        assert (folder / "requirements.txt").read_text() == lock
        dockerfile = (folder / "Dockerfile").read_text()
        for copied in re.findall(r"^COPY\s+(\S+)\s", dockerfile, re.M):
            assert (folder / copied).exists(), f"{svc.name}: Dockerfile copies missing {copied}"
        assert not any(p.is_symlink() for p in folder.rglob("*")), "deploy tools skip symlinks"


def test_no_folder_holds_demo_bench_or_test_code(staged: dict[str, Path]) -> None:
    for name, folder in staged.items():
        for path in folder.rglob("*"):
            relative = path.relative_to(folder).as_posix()
            assert not FORBIDDEN_PATH_PARTS.search(relative), f"{name}: {relative}"
            assert not FORBIDDEN_FILES.search(relative), f"{name}: {relative}"
            if path.suffix == ".py":
                hit = FORBIDDEN_IMPORTS.search(path.read_text())
                assert not hit, f"{name}: {relative} imports {hit.group(0).strip()}"


UV = ROOT / ".venv-infra" / "bin" / "uv"


def _clean_venv(where: Path, requirements: Path) -> Path:
    assert UV.is_file(), "run ./dev.sh bootstrap (uv lives in .venv-infra)"
    subprocess.run([str(UV), "venv", "-q", "-p", sys.executable, str(where)],
                   check=True, timeout=120, capture_output=True)
    python = where / "bin" / "python"
    subprocess.run(
        [str(UV), "pip", "install", "-q", "--python", str(python), "--require-hashes",
         "--no-deps", "-r", str(requirements)],
        check=True, timeout=900, capture_output=True,
    )
    return python


@pytest.fixture(scope="module")
def clean_pythons(
    staged: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Path]]:
    base = tmp_path_factory.mktemp("venvs")
    pythons = {}
    for lock in sorted({svc.lock for svc in stage.SERVICES}):
        pythons[lock] = _clean_venv(base / lock.removesuffix(".lock"), ROOT / "infra/deploy" / lock)
    yield pythons


IMPORT_CHECK = r"""
import importlib, pkgutil, sys
import shortvideo
assert shortvideo.__file__.startswith(sys.argv[1]), shortvideo.__file__
for info in pkgutil.walk_packages(shortvideo.__path__, "shortvideo."):
    importlib.import_module(info.name)
entry = sys.argv[2]
if entry == "main":
    # What the container's functions-framework --target handle --source main.py does first.
    from functions_framework import create_app
    create_app("handle", "main.py")
else:
    import uvicorn  # noqa: F401
    module = importlib.import_module(entry)
    assert callable(getattr(module, sys.argv[3]))
print("imported", len(sys.modules))
"""


def test_each_entry_point_imports_in_a_clean_venv_from_its_own_requirements(
    staged: dict[str, Path], clean_pythons: dict[str, Path]
) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    for svc in stage.SERVICES:
        folder = staged[svc.name]
        done = subprocess.run(
            [str(clean_pythons[svc.lock]), "-s", "-c", IMPORT_CHECK, str(folder),
             svc.entry_module, svc.entry_attribute],
            cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, f"{svc.name}: {done.stderr[-3000:]}"
        assert done.stdout.startswith("imported"), svc.name


def test_only_the_assembler_carries_whisper(clean_pythons: dict[str, Path]) -> None:
    probe = "import importlib.util as u; print(u.find_spec('faster_whisper') is not None)"
    by_lock = {
        lock: subprocess.run([str(py), "-s", "-c", probe], capture_output=True, text=True,
                             check=True, timeout=60).stdout.strip()
        for lock, py in clean_pythons.items()
    }
    assert by_lock == {"requirements.lock": "False", "requirements-transcription.lock": "True"}
    assert {s.name for s in stage.SERVICES if s.lock != "requirements.lock"} == {"assembler"}


def test_the_locks_are_generated_from_pyproject_and_hash_every_package() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}

    for lock, extras in stage.LOCKS.items():
        text = (ROOT / "infra" / "deploy" / lock).read_text()
        pinned = dict(re.findall(r"^([a-z0-9._-]+)==(\S+)", text, re.M))
        wanted = names(project["dependencies"])
        for extra in extras:
            wanted |= names(project["optional-dependencies"][extra])
        missing = {n for n in wanted if n.replace("_", "-") not in pinned}
        assert not missing, f"{lock} is stale: run ./dev.sh lock ({missing})"
        top_level = set(re.findall(r"^    # via shortvideo|^    #   shortvideo", text, re.M))
        assert top_level, lock
        # Every pinned package carries at least one hash (pip --require-hashes needs them).
        blocks = re.split(r"\n(?=[a-z0-9])", text.strip())
        assert all("--hash=sha256:" in block for block in blocks), lock
    assert sys.version_info[:2] == (3, 11), "the locks and images are for Python 3.11"
