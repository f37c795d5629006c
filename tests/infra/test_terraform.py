"""infra/terraform parses, is typed and described, pins its provider, and passes checkov."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.infra import model
from tests.infra.model import ENVIRONMENTS, ROOT, TF_DIR

CHECKOV = ROOT / ".venv-infra" / "bin" / "checkov"
MODULES = sorted(p.name for p in (TF_DIR / "modules").iterdir() if p.is_dir())


def test_every_terraform_and_variable_file_parses() -> None:
    files = sorted(TF_DIR.rglob("*.tf")) + sorted(TF_DIR.rglob("*.tfvars"))
    assert len(files) > 20
    for path in files:
        assert model.parse_file(path) is not None, path


@pytest.mark.parametrize("folder", ["", *MODULES])
def test_every_variable_is_typed_and_described(folder: str) -> None:
    variables = model.module(folder)["variable"]
    assert variables, folder or "root"
    for name, spec in variables.items():
        assert spec.get("type"), f"{folder or 'root'}: variable {name} has no type"
        assert len(spec.get("description", "")) > 10, f"{folder or 'root'}: {name} undescribed"


@pytest.mark.parametrize("folder", ["", *MODULES])
def test_every_output_is_described(folder: str) -> None:
    for name, spec in model.module(folder)["output"].items():
        assert spec.get("description"), f"{folder or 'root'}: output {name}"


def test_the_google_provider_is_pinned_to_one_version() -> None:
    tree = model.parse_file(TF_DIR / "versions.tf")
    google = tree["terraform"][0]["required_providers"][0]["google"]
    assert google["source"] == "hashicorp/google"
    assert re.fullmatch(r"\d+\.\d+\.\d+", google["version"]), google["version"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_sets_every_root_variable_without_a_default(environment: str) -> None:
    values = model.tfvars(environment)
    required = {name for name, spec in model.module()["variable"].items() if "default" not in spec}
    assert required - set(values) == set(), environment
    assert set(values) - set(model.module()["variable"]) == set(), "unknown variables"
    # One project per environment.
    projects = {model.tfvars(e)["project_id"] for e in ENVIRONMENTS}
    assert len(projects) == len(ENVIRONMENTS)


def checkov_results() -> dict[str, object]:
    assert CHECKOV.is_file(), "run ./dev.sh bootstrap (checkov lives in .venv-infra)"
    done = subprocess.run(
        [str(CHECKOV), "-d", str(TF_DIR), "--framework", "terraform",
         "--skip-download", "-o", "json"],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.stdout.strip(), done.stderr[-2000:]
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    assert report["check_type"] == "terraform"
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 30, "checkov ran (almost) no check"
    results: dict[str, object] = report["results"]
    return results


def test_checkov_finds_no_failed_check_and_every_skip_has_a_reason() -> None:
    results = checkov_results()
    failed = [(f["check_id"], f["resource"]) for f in results["failed_checks"]]  # type: ignore[index, attr-defined]
    assert failed == []
    for skipped in results["skipped_checks"]:  # type: ignore[attr-defined]
        reason = skipped["check_result"].get("suppress_comment", "")
        assert len(reason) > 20, f"{skipped['check_id']} on {skipped['resource']}: no reason"


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on this machine")
def test_terraform_fmt_leaves_every_file_unchanged() -> None:
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", str(TF_DIR)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, f"terraform fmt would change: {done.stdout}"
