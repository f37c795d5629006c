#!/usr/bin/env bash
# Deploy to Google Cloud. ./deploy.sh help
#
#   deploy.sh --env dev|staging|prod [--dry-run]      stage, build, plan, apply, dashboard,
#                                                      record, URLs
#   deploy.sh rollback --env ENV [--to RELEASE] [--dry-run]
#                                                      apply the previous recorded image digests
#                                                      and put back that release's dashboard
#   deploy.sh smoke --env ENV [--dry-run]              check a deployed environment from outside
#   deploy.sh lock                                     regenerate infra/deploy/requirements*.lock
#
# With --dry-run every command is printed in order (prefixed with "+ ") and none runs: no
# gcloud, terraform or network is needed. Terraform owns what runs: images are passed to it
# by digest, so a console edit is undone by the next apply and the plan shows any drift.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TF_DIR="$ROOT/infra/terraform"
STAGE_DIR="$ROOT/build/stage"
OUT_DIR="$ROOT/build/deploy"
FRONTEND="$ROOT/frontend"
# Vite writes content-hashed files under dist/assets/: cached for a year; the rest
# (index.html, favicon, ...) is revalidated on every load so a deploy shows at once.
HASHED_CACHE="public, max-age=31536000, immutable"
UNHASHED_CACHE="no-cache"
SERVICES=(api script-agent video-agent assembler monitor series-dispatcher)

die() { printf 'deploy: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'deploy: %s\n' "$*" >&2; }

DRY_RUN=0
ENV=""
ROLLBACK_TO=""

# Print a command (shell-quoted, so it can be pasted); run it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  [ "$DRY_RUN" -eq 1 ] || "$@"
}

# Like run, for a command whose stdout is a value the next steps need; --dry-run yields a
# placeholder that names what it stands for.
capture() {
  local placeholder="$1"
  shift
  printf '+' >&2
  printf ' %q' "$@" >&2
  printf '\n' >&2
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '%s' "$placeholder"
  else
    "$@"
  fi
}

tfvar() {
  # A top-level string variable of the environment's tfvars file, e.g. project_id.
  sed -n "s/^$1[[:space:]]*=[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$TF_DIR/environments/$ENV.tfvars" | head -n1
}

parse_args() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --env) ENV="${2:-}"; shift 2 ;;
      --dry-run) DRY_RUN=1; shift ;;
      --to) ROLLBACK_TO="${2:-}"; shift 2 ;;
      *) die "unknown argument: $1 (./deploy.sh help)" ;;
    esac
  done
  case "$ENV" in
    dev | staging | prod) ;;
    *) die "--env must be dev, staging or prod" ;;
  esac
  [ -f "$TF_DIR/environments/$ENV.tfvars" ] || die "missing infra/terraform/environments/$ENV.tfvars"
  PROJECT="$(tfvar project_id)"
  REGION="$(tfvar region)"
  [ -n "$PROJECT" ] && [ -n "$REGION" ] || die "$ENV.tfvars must set project_id and region"
  STATE_BUCKET="$PROJECT-tfstate"
  # The dashboard bucket Terraform makes (platform.tf: "${var.project_id}-dashboard").
  DASHBOARD_BUCKET="gs://$PROJECT-dashboard"
  REPO="$REGION-docker.pkg.dev/$PROJECT/shortvideo"
  RELEASES="gs://$STATE_BUCKET/releases/$ENV"
  VAR_FILE="$TF_DIR/environments/$ENV.tfvars"
}

tf() { run terraform -chdir="$TF_DIR" "$@"; }

tf_init() {
  tf init -input=false -reconfigure \
    "-backend-config=bucket=$STATE_BUCKET" "-backend-config=prefix=terraform/$ENV"
}

plan_and_apply() {
  local images_file="$1" plan="$OUT_DIR/$ENV.tfplan"
  tf plan -input=false "-var-file=$VAR_FILE" "-var-file=$images_file" "-out=$plan"
  tf apply -input=false "$plan"
}

# Copy a built dashboard (a local dist or a recorded release) into the dashboard bucket:
# the hashed assets first, so the new index.html never names a file not yet there. Old
# assets stay: a browser still holding the previous index.html may ask for them.
publish_dashboard() {
  local source="$1"
  run gcloud storage rsync "$source/assets" "$DASHBOARD_BUCKET/assets" --recursive \
    "--cache-control=$HASHED_CACHE" "--project=$PROJECT"
  run gcloud storage rsync "$source" "$DASHBOARD_BUCKET" --recursive "--exclude=^assets/" \
    "--cache-control=$UNHASHED_CACHE" "--project=$PROJECT"
}

print_urls() {
  tf output -json service_urls
  tf output -raw app_url
}

deploy() {
  local tag
  tag="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo untracked)"
  if [ -n "$(git -C "$ROOT" status --porcelain -- src functions infra frontend pyproject.toml 2>/dev/null)" ]; then
    [ "$DRY_RUN" -eq 1 ] || die "uncommitted changes in src, functions, infra, frontend or pyproject.toml: commit first"
    note "uncommitted changes (allowed with --dry-run only)"
  fi
  run mkdir -p "$STAGE_DIR" "$OUT_DIR"

  note "1/7 stage each service's folder and build the dashboard (fails before anything is touched)"
  for svc in "${SERVICES[@]}"; do
    run python3 "$ROOT/infra/deploy/stage.py" "$STAGE_DIR" "$svc"
  done
  [ "$DRY_RUN" -eq 1 ] || [ -f "$FRONTEND/package-lock.json" ] || die "no frontend/package-lock.json"
  run npm --prefix "$FRONTEND" ci
  run npm --prefix "$FRONTEND" run build
  [ "$DRY_RUN" -eq 1 ] || [ -f "$FRONTEND/dist/index.html" ] || die "the build made no frontend/dist/index.html"

  note "2/7 the APIs, the image repository and the secret containers (idempotent; needed first)"
  tf_init
  tf apply -input=false -auto-approve "-var-file=$VAR_FILE" \
    -target=google_project_service.apis -target=google_artifact_registry_repository.images \
    -target=module.secrets
  # The media backend bucket registers the CDN key at plan time: its value is added by hand.
  run gcloud secrets versions describe latest --secret=cdn-signing-key "--project=$PROJECT" \
    "--format=value(name)" || die "add the CDN signing key first (README, Operating it)"

  note "3/7 build and push each image (Cloud Build), then read its digest"
  local images_file="$OUT_DIR/$ENV-images.tfvars.json" images="" digest
  for svc in "${SERVICES[@]}"; do
    run gcloud builds submit "$STAGE_DIR/$svc" "--project=$PROJECT" "--region=$REGION" \
      "--tag=$REPO/$svc:$tag"
    digest="$(capture "sha256:<digest of $svc>" gcloud artifacts docker images describe \
      "$REPO/$svc:$tag" "--project=$PROJECT" "--format=value(image_summary.digest)")"
    images="$images${images:+,}\"$svc\": \"$REPO/$svc@$digest\""
  done
  printf '+ write %s\n' "$images_file"
  [ "$DRY_RUN" -eq 1 ] || printf '{"images": {%s}}\n' "$images" >"$images_file"

  note "4/7 terraform plan, 5/7 terraform apply (the image digests as variables)"
  plan_and_apply "$images_file"

  note "6/7 the dashboard, once the API it calls runs"
  publish_dashboard "$FRONTEND/dist"

  note "7/7 record the release (what rollback applies: digests and dashboard) and print the URLs"
  local record
  record="$RELEASES/$(date -u +%Y%m%dT%H%M%SZ)-$tag"
  run gcloud storage cp "$images_file" "$record.json" "--project=$PROJECT"
  run gcloud storage rsync "$FRONTEND/dist" "$record.dashboard" --recursive "--project=$PROJECT"
  print_urls
}

rollback() {
  run mkdir -p "$OUT_DIR"
  local release="$ROLLBACK_TO" images_file="$OUT_DIR/$ENV-rollback.tfvars.json"
  if [ -z "$release" ]; then
    # Releases are named by UTC time: the last one is what runs, the one before it is the target.
    local listing
    listing="$(capture "$RELEASES/<previous release>.json" \
      gcloud storage ls "--project=$PROJECT" "$RELEASES/" | grep '\.json$')"
    if [ "$DRY_RUN" -eq 0 ] && [ "$(printf '%s\n' "$listing" | grep -c .)" -lt 2 ]; then
      die "fewer than two releases recorded under $RELEASES: nothing to roll back to"
    fi
    release="$(printf '%s\n' "$listing" | sort | tail -n 2 | head -n 1)"
  fi
  [ -n "$release" ] || die "no previous release recorded under $RELEASES"
  run gcloud storage cp "$release" "$images_file" "--project=$PROJECT"
  tf_init
  plan_and_apply "$images_file"
  publish_dashboard "${release%.json}.dashboard"
  local record
  record="$RELEASES/$(date -u +%Y%m%dT%H%M%SZ)-rollback"
  run gcloud storage cp "$images_file" "$record.json" "--project=$PROJECT"
  run gcloud storage rsync "${release%.json}.dashboard" "$record.dashboard" --recursive \
    "--project=$PROJECT"
  print_urls
}

# Expect an HTTP status from a URL: smoke_expect NAME STATUS CURL_ARGS...
smoke_expect() {
  local name="$1" want="$2" got
  shift 2
  got="$(capture "$want" curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "$@")"
  if [ "$got" = "$want" ]; then
    printf 'smoke: ok    %s (%s)\n' "$name" "$got"
  else
    printf 'smoke: FAIL  %s (wanted %s, got %s)\n' "$name" "$want" "$got"
    SMOKE_FAILED=1
  fi
}

smoke() {
  SMOKE_FAILED=0
  tf_init
  local app script_agent
  app="$(capture "https://<app_domain>" terraform -chdir="$TF_DIR" output -raw app_url)"
  script_agent="https://script-agent-<project number>.$REGION.run.app/"
  if [ "$DRY_RUN" -eq 0 ]; then
    script_agent="$(terraform -chdir="$TF_DIR" output -json service_urls \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["script-agent"])')"
  fi
  # A creator made for smoke tests (README: manual steps) whose library stays empty.
  local token="${SMOKE_TOKEN:-}"
  if [ -z "$token" ] && [ "$DRY_RUN" -eq 0 ]; then
    die "set SMOKE_TOKEN to the smoke creator's personal API token (README, Operating it)"
  fi
  smoke_expect "dashboard index" 200 "$app/"
  smoke_expect "dashboard deep link answers the SPA" 200 "$app/videos/smoke-deep-link"
  smoke_expect "API health" 200 "$app/api/health"
  smoke_expect "signed-in creator's empty library" 200 \
    -H "Authorization: Bearer ${token:-<SMOKE_TOKEN>}" "$app/api/videos/my-videos"
  smoke_expect "API refuses a missing token" 401 "$app/api/videos/my-videos"
  smoke_expect "webhook refuses an unsigned call" 400 -X POST -H 'Content-Type: application/json' \
    --data '{}' "$app/api/billing/webhook"
  smoke_expect "script_agent refuses an anonymous call" 403 -X POST \
    -H 'Content-Type: application/json' --data '{}' "$script_agent"
  [ "$SMOKE_FAILED" -eq 0 ] || die "smoke failed"
}

lock() {
  # What deployed services install: pinned, hash-checked, generated from pyproject.toml.
  local uv="$ROOT/.venv-infra/bin/uv"
  [ -x "$uv" ] || die "run ./dev.sh bootstrap first (uv lives in .venv-infra)"
  local common=(pip compile "$ROOT/pyproject.toml" --generate-hashes --python-version 3.11
    --python-platform x86_64-unknown-linux-gnu --no-header --quiet)
  run "$uv" "${common[@]}" -o "$ROOT/infra/deploy/requirements.lock"
  run "$uv" "${common[@]}" --extra transcription -o "$ROOT/infra/deploy/requirements-transcription.lock"
}

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

command="deploy"
case "${1:-}" in
  rollback | smoke | lock) command="$1"; shift ;;
  help | -h | --help) usage; exit 0 ;;
  "") usage; exit 2 ;;
esac
if [ "$command" = "lock" ]; then
  lock
  exit 0
fi
parse_args "$@"
note "$command: environment $ENV, project $PROJECT, region $REGION$([ "$DRY_RUN" -eq 1 ] && echo ', dry run: nothing runs')"
"$command"
