"""Stage each service's build folder: its entry point, the shared package, its requirements.

    python3 infra/deploy/stage.py OUT_DIR [SERVICE...]

A staged folder is what Cloud Build receives (`gcloud builds submit FOLDER`): a Dockerfile,
the function's main.py (none for the API), a copy of src/shortvideo without the offline demo
adapters, and requirements.txt copied from the lock generated from pyproject.toml with
hashes (infra/deploy/requirements*.lock; ./dev.sh lock). Copies, not symlinks: deploy tools
do not follow symlinks. Standard library only, so deploy.sh needs no virtualenv.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKER_DIR = ROOT / "infra" / "docker"
LOCK_DIR = ROOT / "infra" / "deploy"

# Never shipped: the offline demo and instant providers (moving to src/demo_providers), the
# local stack and bench (src/devstack), tests. Matched on file names inside src/shortvideo.
EXCLUDED_MODULE_PATTERNS = ("demo_*.py", "instant_*.py", "espeak_narrator.py")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", *EXCLUDED_MODULE_PATTERNS)


@dataclass(frozen=True)
class Service:
    name: str  # the Cloud Run service (infra/terraform/services.tf)
    dockerfile: str  # in infra/docker/
    lock: str  # in infra/deploy/
    function: str | None = None  # functions/<function>/main.py, target `handle`
    # What must import in the staged folder for the container's command to start.
    entry_module: str = "main"
    entry_attribute: str = "handle"


SERVICES: tuple[Service, ...] = (
    Service(
        "api",
        "api.Dockerfile",
        "requirements.lock",
        entry_module="shortvideo.api.main",
        entry_attribute="build",
    ),
    Service("script-agent", "function.Dockerfile", "requirements.lock", function="script_agent"),
    Service("video-agent", "media.Dockerfile", "requirements.lock", function="video_agent"),
    Service(
        "assembler",
        "assembler.Dockerfile",
        "requirements-transcription.lock",
        function="assembler",
    ),
    Service("monitor", "function.Dockerfile", "requirements.lock", function="monitor"),
    Service(
        "series-dispatcher",
        "function.Dockerfile",
        "requirements.lock",
        function="series_dispatcher",
    ),
)

# Which pyproject extras each lock holds (deploy.sh lock generates them).
LOCKS = {"requirements.lock": (), "requirements-transcription.lock": ("transcription",)}


def service(name: str) -> Service:
    for candidate in SERVICES:
        if candidate.name == name:
            return candidate
    raise SystemExit(f"unknown service {name!r}; known: {[s.name for s in SERVICES]}")


def stage(svc: Service, out_dir: Path) -> Path:
    """Write the service's build folder under out_dir and return it."""
    dest = out_dir / svc.name
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "src" / "shortvideo", dest / "shortvideo", ignore=IGNORED)
    if svc.function is not None:
        shutil.copy2(ROOT / "functions" / svc.function / "main.py", dest / "main.py")
    shutil.copy2(LOCK_DIR / svc.lock, dest / "requirements.txt")
    shutil.copy2(DOCKER_DIR / svc.dockerfile, dest / "Dockerfile")
    (dest / ".gcloudignore").write_text("__pycache__/\n*.pyc\n")
    manifest = {"service": svc.name, "files_sha256": tree_digest(dest)}
    (dest / "STAGED.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return dest


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "STAGED.json"):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    names = argv[1:] or [s.name for s in SERVICES]
    for name in names:
        print(stage(service(name), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
