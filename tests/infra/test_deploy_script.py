"""deploy.sh --dry-run prints every step in order and runs none, with no gcloud or terraform."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.infra import model
from tests.infra.model import ROOT

SERVICES = (
    "api", "script-agent", "video-agent", "assembler", "monitor", "series-dispatcher",
)  # fmt: skip
# Only what deploy.sh itself needs; gcloud, terraform, docker and curl are absent.
TOOLS = ("bash", "env", "sed", "head", "git", "date", "dirname", "cat", "sort", "tail", "grep")


@pytest.fixture(scope="module")
def bare_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    bin_dir = tmp_path_factory.mktemp("bin")
    for name in TOOLS:
        found = shutil.which(name)
        assert found, name
        (bin_dir / name).symlink_to(found)
    return str(bin_dir)


def dry_run(bare_path: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": bare_path, "HOME": os.environ.get("HOME", "/root")}
    for absent in ("gcloud", "terraform", "docker", "curl", "python3"):
        assert shutil.which(absent, path=bare_path) is None, absent
    # One stream: commands whose output is a value are echoed on stderr, the rest on stdout.
    return subprocess.run([str(ROOT / "deploy.sh"), *args, "--dry-run"], env=env, cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60, check=False)


def commands(output: str) -> list[str]:
    return [line[2:] for line in output.splitlines() if line.startswith("+ ")]


def first(lines: list[str], *needles: str) -> int:
    for index, line in enumerate(lines):
        if all(n in line for n in needles):
            return index
    raise AssertionError(f"no step with {needles}")


def test_prod_dry_run_prints_stage_build_plan_apply_for_every_service_in_order(
    bare_path: str,
) -> None:
    done = dry_run(bare_path, "--env", "prod")
    assert done.returncode == 0, done.stdout
    lines = commands(done.stdout)
    plan = first(lines, "terraform", " plan ", "prod.tfvars", "prod-images.tfvars.json")
    apply = first(lines, "terraform", " apply ", "prod.tfplan")
    for service in SERVICES:
        staged = first(lines, "infra/deploy/stage.py", f"build/stage {service}")
        built = first(lines, "gcloud builds submit", f"build/stage/{service} ")
        digest = first(lines, "gcloud artifacts docker images describe", f"/{service}:")
        assert staged < built < digest < plan < apply, service
        assert "--project=shortvideo-prod" in lines[built]
    assert all(first(lines, "stage.py", f" {s}") < first(lines, "builds submit") for s in SERVICES)
    base = first(lines, "terraform", "-target=google_artifact_registry_repository.images")
    assert base < first(lines, "gcloud builds submit")
    # The secret containers first, then the CDN key's value must exist before the full plan.
    assert "-target=module.secrets" in lines[base]
    assert base < first(lines, "gcloud secrets versions describe", "cdn-signing-key") < plan
    record = first(lines, "gcloud storage cp", "gs://shortvideo-prod-tfstate/releases/prod/")
    assert apply < record
    assert "dry run: nothing runs" in done.stdout


def test_prod_dry_run_builds_the_dashboard_first_and_uploads_it_after_the_apply(
    bare_path: str,
) -> None:
    lines = commands(dry_run(bare_path, "--env", "prod").stdout)
    # The seams contract: cd frontend && npm ci && npm run build -> frontend/dist.
    ci = first(lines, "npm --prefix", "/frontend ci")
    build = first(lines, "npm --prefix", "/frontend run build")
    assert ci < build < first(lines, "gcloud builds submit")  # a broken build touches nothing
    apply = first(lines, "terraform", " apply ", "prod.tfplan")
    bucket = "gs://shortvideo-prod-dashboard"  # platform.tf: "${var.project_id}-dashboard"
    assert model.module()["module"]["media"]["dashboard_bucket_name"] == (
        "${var.project_id}-dashboard"
    )
    assets = first(lines, "gcloud storage rsync", "/frontend/dist/assets", f"{bucket}/assets")
    rest = first(lines, "gcloud storage rsync", "/frontend/dist ", f"{bucket} ")
    assert apply < assets < rest, "assets before the index.html that names them"
    assert "max-age=31536000" in lines[assets] and "immutable" in lines[assets]
    assert "--cache-control=no-cache" in lines[rest] and "--exclude=\\^assets/" in lines[rest]
    assert "delete-unmatched" not in lines[assets] + lines[rest]  # old assets stay for old tabs
    kept = first(lines, "gcloud storage rsync", "/frontend/dist ", "releases/prod/", ".dashboard")
    assert rest < kept, "the release records the dashboard it published"


def test_dry_run_touches_nothing(bare_path: str) -> None:
    before = {p for p in (ROOT / "build").rglob("*")} if (ROOT / "build").exists() else set()
    done = dry_run(bare_path, "--env", "staging")
    assert done.returncode == 0, done.stdout
    after = {p for p in (ROOT / "build").rglob("*")} if (ROOT / "build").exists() else set()
    assert after == before


def test_rollback_dry_run_applies_the_previous_recorded_release(bare_path: str) -> None:
    done = dry_run(bare_path, "rollback", "--env", "prod")
    assert done.returncode == 0, done.stdout
    lines = commands(done.stdout)
    listed = first(lines, "gcloud storage ls", "releases/prod/")
    fetched = first(lines, "gcloud storage cp", "previous", "prod-rollback")
    plan = first(lines, "terraform", " plan ", "prod-rollback.tfvars.json")
    apply = first(lines, "terraform", " apply ", "prod.tfplan")
    assert listed < fetched < plan < apply
    # The previous release's own dashboard goes back too, assets first.
    assets = first(lines, "gcloud storage rsync", "previous", ".dashboard/assets",
                   "gs://shortvideo-prod-dashboard/assets")
    rest = first(lines, "gcloud storage rsync", "previous", ".dashboard ",
                 "gs://shortvideo-prod-dashboard ")
    assert apply < assets < rest


def test_smoke_dry_run_checks_health_library_webhook_and_private_functions(
    bare_path: str,
) -> None:
    done = dry_run(bare_path, "smoke", "--env", "dev")
    assert done.returncode == 0, done.stdout
    lines = commands(done.stdout)
    for path in ("/api/health", "/api/videos/my-videos", "/api/billing/webhook", "/videos/"):
        assert any("curl" in line and path in line for line in lines), path
    assert any("curl" in line and "script-agent-" in line for line in lines)
    assert done.stdout.count("smoke: ok") == 7


def smoke_api_checks() -> list[tuple[str, str, int, bool]]:
    """(method, API path, expected status, sends a token) of each smoke check of /api/..."""
    script = (ROOT / "deploy.sh").read_text().replace("\\\n", " ")
    body = script[script.index("smoke() {"):script.index("\nlock() {")]
    checks = []
    for line in re.findall(r"^\s*smoke_expect .*$", body, re.M):
        path = re.search(r'"\$app/api(/[a-z/-]+)"', line)
        if path:
            method = "POST" if "-X POST" in line else "GET"
            status = int(line.split('" ', 1)[1].split()[0])
            checks.append((method, path.group(1), status, "Authorization" in line))
    return checks


def test_smoke_expects_of_each_api_route_what_the_api_answers() -> None:
    # /api/<path> reaches the API as /<path> (the edge's rewrite): run the smoke's own
    # expectations against the real app in memory (a token check only needs the route).
    from fastapi.testclient import TestClient

    from shortvideo.api.app import create_app
    from tests.fakes import memory_services

    checks = smoke_api_checks()
    assert {path for _, path, _, _ in checks} == {"/health", "/videos/my-videos",
                                                   "/billing/webhook"}
    services = memory_services(Path(tempfile.mkdtemp()), STRIPE_WEBHOOK_SECRET="whsec_smoke")
    client = TestClient(create_app(services))
    for method, path, status, with_token in checks:
        answer = client.request(method, path, json={} if method == "POST" else None)
        if with_token:
            assert answer.status_code != 404, path
        else:
            assert answer.status_code == status, (method, path, answer.text)


@pytest.mark.parametrize("args", [("--env", "qa"), ("--env",), ()])
def test_a_wrong_environment_is_refused(bare_path: str, args: tuple[str, ...]) -> None:
    env = {"PATH": bare_path, "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run([str(ROOT / "deploy.sh"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert not commands(done.stdout)


def test_deploy_sh_is_executable() -> None:
    assert os.access(Path(ROOT / "deploy.sh"), os.X_OK)
