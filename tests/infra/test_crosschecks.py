"""Cross-checks between the code and infra/terraform: what the code needs is what is deployed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from shortvideo.queries import QUERIES
from shortvideo.settings import Settings
from tests.infra import model
from tests.infra.model import ENVIRONMENTS, ROOT, sa_key

ROOT_MODULE = model.module()
SERVICES = ROOT_MODULE["locals"]["services"]
SERVICE_NAMES = ROOT_MODULE["locals"]["service_names"]

# Overrides that point a service at an emulator or a fake (read by the SDKs or by Settings).
FORBIDDEN_OUTSIDE_LOCAL = {
    "FIRESTORE_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "VERTEX_API_BASE_URL",
    "STRIPE_API_BASE",
    # Locally signed doorbells (the local stack's stand-in for Google's OIDC certificates).
    "OIDC_CERTS_FILE",
    # A private key in a file: Cloud Run signs media URLs through IAM signBlob instead.
    "MEDIA_SIGNING_KEY_FILE",
    "OIDC_SIGNING_KEY_FILE",
}


def setting_names() -> set[str]:
    """Every environment variable Settings reads, from the model itself (follows new fields)."""
    return {field.alias or name.upper() for name, field in Settings.model_fields.items()}


# Production URLs whose names look like a fake's base: the CDN origin of the signed media URLs.
PRODUCTION_BASE_URLS = {"MEDIA_CDN_BASE_URL"}


def forbidden_settings() -> set[str]:
    # Also any future Settings field of the same kinds: emulator hosts, fake bases, demo knobs.
    pattern = re.compile(r"(_EMULATOR_HOST|_BASE_URL|_API_BASE)$|^DEMO_")
    named = {name for name in setting_names() if pattern.search(name)}
    return FORBIDDEN_OUTSIDE_LOCAL | (named - PRODUCTION_BASE_URLS)




def deployed_settings(environment: str) -> dict[str, str]:
    """What a service's environment holds: tfvars settings, computed ones, secrets."""
    values = dict(model.tfvars(environment)["settings"])
    values.update(ROOT_MODULE["locals"]["computed_settings"])
    for settings in ROOT_MODULE["locals"]["service_settings"].values():
        values.update(settings)
    values["OIDC_AUDIENCE"] = "<the service's own URL>"
    for secrets in ROOT_MODULE["locals"]["secret_settings"].values():
        values.update({name: "<a secret from Secret Manager>" for name in secrets})
    return values


# --- every service and function has a deployment and an identity ---------------------------


def code_entry_points() -> set[str]:
    functions = {p.parent.name for p in (ROOT / "functions").glob("*/main.py")}
    return {name.replace("_", "-") for name in functions} | {"api"}


def test_every_function_and_the_api_is_a_deployed_service() -> None:
    assert set(SERVICES) == code_entry_points()
    assert set(SERVICE_NAMES) == set(SERVICES)


def test_every_service_is_staged_from_its_own_code() -> None:
    stage = model.stage_module()
    staged = {s.name: s for s in stage.SERVICES}
    assert set(staged) == set(SERVICES)
    for name, svc in staged.items():
        expected = "api" if name == "api" else f"functions/{svc.function}"
        assert SERVICES[name]["source"] == expected, name
        if svc.function:
            assert (ROOT / "functions" / svc.function / "main.py").is_file()


def test_every_service_runs_as_its_own_service_account() -> None:
    account = ROOT_MODULE["resource"]["google_service_account"]["runtime"]
    assert account["for_each"] == "${toset(local.service_names)}"
    assert "${each.key}" in account["account_id"]
    call = ROOT_MODULE["module"]["service"]
    assert call["service_account_email"] == "${google_service_account.runtime[each.key].email}"
    run_service = model.module("run_service")
    template = run_service["resource"]["google_cloud_run_v2_service"]["service"]["template"][0]
    assert template["service_account"] == "${var.service_account_email}"


# --- settings: provided or defaulted on purpose, and nothing forbidden ----------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_setting_is_provided_or_defaulted_on_purpose(environment: str) -> None:
    provided = set(deployed_settings(environment))
    defaulted = set(model.tfvars(environment)["settings_defaulted"])
    needed = setting_names() - forbidden_settings()
    unaccounted = needed - provided - defaulted
    assert not unaccounted, f"{environment}: set or list in settings_defaulted: {unaccounted}"
    both = provided & defaulted
    assert not both, f"{environment}: both set and defaulted: {both}"
    unknown = defaulted - setting_names()
    assert not unknown, f"{environment}: settings_defaulted names no setting: {unknown}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_deployed_setting_is_one_the_code_reads(environment: str) -> None:
    # A typo in a tfvars or services.tf name would be a setting silently left at its default.
    unknown = set(deployed_settings(environment)) - setting_names()
    assert not unknown, f"{environment}: no Settings field reads {unknown}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_emulator_fake_or_demo_override_is_deployed(environment: str) -> None:
    values = deployed_settings(environment)
    assert not set(values) & forbidden_settings()
    assert values["PIPELINE_PROVIDER"] == "google"
    assert values["ENVIRONMENT"] == "${var.environment}"
    assert model.tfvars(environment)["environment"] == environment
    assert values.get("WHISPER_ENGINE", "faster-whisper") == "faster-whisper"
    assert values["OIDC_VERIFY"] == "true"
    # Doorbells go to the services' HTTPS run.app URLs, never a loopback default.
    assert 'https://${key}-${local.run_host}/' in ROOT_MODULE["locals"]["url"]
    for name in ("SCRIPT_AGENT_URL", "VIDEO_AGENT_URL", "ASSEMBLER_URL"):
        assert values[name].startswith("${local.url["), name


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_deployed_settings_validate_and_the_longest_video_fits_the_job_cap(
    environment: str,
) -> None:
    values = {k: v for k, v in deployed_settings(environment).items() if "${" not in v}
    settings = Settings.model_validate(values)
    longest_seconds = 8 + 7 * 11  # 12 blocks: 85 s
    assert longest_seconds * settings.veo_price_per_second <= settings.max_job_cost_usd
    assert settings.veo_price_per_second == {
        "veo-3.1-generate-001": 0.40,
        "veo-3.1-fast-generate-001": 0.15,
    }[settings.veo_model]


def test_the_api_signs_media_urls_with_the_key_version_the_cdn_checks() -> None:
    api = ROOT_MODULE["locals"]["service_settings"]["api"]
    assert api["MEDIA_URL_MODE"] == "cdn"
    assert api["MEDIA_CDN_BASE_URL"] == "https://${var.media_domain}"
    assert api["MEDIA_CDN_KEY_NAME"] == "${local.cdn_key_name}"
    assert set(ROOT_MODULE["locals"]["service_settings"]) == {"api"}  # only the API signs
    secret = "${local.cdn_key_secret}"
    assert ROOT_MODULE["locals"]["secret_settings"]["api"]["MEDIA_CDN_KEY"] == secret
    data = "data.google_secret_manager_secret_version.cdn_signing_key"
    assert ROOT_MODULE["data"]["google_secret_manager_secret_version"]["cdn_signing_key"][
        "secret"] == secret
    edge_call = ROOT_MODULE["module"]["edge"]
    assert edge_call["cdn_signing_key"] == f"${{{data}.secret_data}}"
    assert edge_call["cdn_signing_key_name"] == "${local.cdn_key_name}"
    # The API reads the very version the backend bucket registered, not "latest".
    versions = ROOT_MODULE["locals"]["secret_versions"]["api"]
    assert versions == {"${(local.cdn_key_secret)}": f"${{{data}.version}}"}
    call = ROOT_MODULE["module"]["service"]
    assert call["secret_versions"] == "${lookup(local.secret_versions, each.key, {})}"
    run = model.module("run_service")["resource"]["google_cloud_run_v2_service"]["service"]
    ref = run["template"][0]["containers"][0]["dynamic"][1]["env"]["content"][0]
    assert ref["value_source"][0]["secret_key_ref"][0]["version"] == (
        '${lookup(var.secret_versions, env.value, "latest")}'
    )
    accessors = ROOT_MODULE["module"]["secrets"]["secrets"]["${(local.cdn_key_secret)}"]
    assert accessors["accessors"] == ['${local.sa["api"]}']
    key = model.module("edge")["resource"]["google_compute_backend_bucket_signed_url_key"]["media"]
    assert key["backend_bucket"] == "${google_compute_backend_bucket.media.name}"
    assert key["key_value"] == "${var.cdn_signing_key}"
    assert model.module("edge")["variable"]["cdn_signing_key"]["sensitive"] is True


def test_the_model_dir_terraform_sets_is_the_one_baked_into_the_assembler_image() -> None:
    dockerfile = (ROOT / "infra" / "docker" / "assembler.Dockerfile").read_text()
    baked = re.search(r"^ENV WHISPER_MODEL_DIR=(\S+)$", dockerfile, re.M)
    assert baked, "assembler.Dockerfile must set WHISPER_MODEL_DIR"
    assert ROOT_MODULE["locals"]["computed_settings"]["WHISPER_MODEL_DIR"] == baked.group(1)
    joined_into = re.search(r"bundled_base_model_dir\(Path\('([^']+)'\)\)", dockerfile)
    assert joined_into and f"{joined_into.group(1)}/whisper-base" == baked.group(1)


# --- queues and scheduler jobs reach existing services their identities may invoke ----------

TASKS_OIDC = "serviceAccount:${module.tasks.oidc_service_account_email}"
SCHEDULER_OIDC = "serviceAccount:${module.scheduler.caller_service_account_email}"


def invokers(service: str) -> list[str]:
    members: list[str] = SERVICES[service]["invokers"]
    return members


def test_every_queue_targets_a_service_the_task_identity_may_invoke() -> None:
    queues = ROOT_MODULE["locals"]["queues"]
    computed = ROOT_MODULE["locals"]["computed_settings"]
    queue_setting = {"script": "SCRIPT_QUEUE", "video": "VIDEO_QUEUE", "assemble": "ASSEMBLE_QUEUE"}
    url_setting = {"script": "SCRIPT_AGENT_URL", "video": "VIDEO_AGENT_URL",
                   "assemble": "ASSEMBLER_URL"}
    assert set(queues) == set(queue_setting)
    for key, queue in queues.items():
        assert queue["target"] in SERVICES, key
        assert TASKS_OIDC in invokers(queue["target"]), key
        assert computed[queue_setting[key]] == f'${{module.tasks.queue_names["{key}"]}}'
        assert computed[url_setting[key]] == f'${{local.url["{queue["target"]}"]}}'
        assert queue["creators"], key
    assert computed["TASKS_SERVICE_ACCOUNT"] == "${module.tasks.oidc_service_account_email}"


def test_only_callers_may_invoke_and_nobody_else() -> None:
    queue_targets = {q["target"] for q in ROOT_MODULE["locals"]["queues"].values()}
    job_targets = {j["target"] for j in ROOT_MODULE["locals"]["scheduler_job_definitions"].values()
                   if "${" not in j["target"]}
    for name in SERVICES:
        expected = set()
        if name in queue_targets:
            expected.add(TASKS_OIDC)
        if name in job_targets:
            expected.add(SCHEDULER_OIDC)
        if name == "api":
            expected = {"allUsers"}  # public behind the load balancer; the API checks tokens
            assert SERVICES[name]["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
        assert set(invokers(name)) == expected, name
    binding = model.module("run_service")["resource"]["google_cloud_run_v2_service_iam_member"]
    assert binding["invokers"]["role"] == "roles/run.invoker"


def test_task_creators_may_act_as_the_oidc_identity_and_enqueue_on_their_queue() -> None:
    tasks = model.module("tasks")["resource"]
    act_as = tasks["google_service_account_iam_member"]["creators_act_as_oidc"]
    assert act_as["role"] == "roles/iam.serviceAccountUser"
    assert act_as["service_account_id"] == "${google_service_account.oidc.name}"
    assert act_as["for_each"] == "${local.all_creators}"
    assert tasks["google_cloud_tasks_queue_iam_member"]["enqueuer"]["role"] == (
        "roles/cloudtasks.enqueuer"
    )
    # Who rings which doorbell, as the code does it.
    creators = {key: {sa_key(c) for c in q["creators"]}
                for key, q in ROOT_MODULE["locals"]["queues"].items()}
    assert creators == {
        "script": {"api", "monitor", "series-dispatcher"},
        "video": {"script-agent", "video-agent", "monitor"},
        "assemble": {"video-agent", "monitor"},
    }


def test_scheduler_jobs_target_services_with_their_own_url_as_audience() -> None:
    jobs = ROOT_MODULE["locals"]["scheduler_job_definitions"]
    assert jobs["monitor"]["schedule"] == "*/2 * * * *"
    assert jobs["monitor"]["target"] in SERVICES
    assert SCHEDULER_OIDC in invokers(jobs["monitor"]["target"])
    call = ROOT_MODULE["module"]["scheduler"]
    assert "uri = local.url[job.target]" in call["jobs"]
    assert "audience = local.url[job.target]" in call["jobs"]
    dispatcher = jobs["series-dispatcher"]
    assert dispatcher["target"] == "series-dispatcher" and dispatcher["target"] in SERVICES
    assert SCHEDULER_OIDC in invokers(dispatcher["target"])
    from shortvideo.settings import Settings

    # Slots due while a call is late are made on the next call: the window covers a few.
    period_minutes = int(dispatcher["schedule"].split()[0].removeprefix("*/"))
    window = Settings.model_fields["series_catchup_seconds"].default
    assert window >= 3 * period_minutes * 60


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_video_queue_never_has_more_in_flight_than_a_minute_of_veo_quota(
    environment: str,
) -> None:
    env = model.tfvars(environment)
    rpm = int(env["settings"]["VEO_REQUESTS_PER_MINUTE"])
    assert env["video_queue_max_concurrent"] <= rpm
    queue = ROOT_MODULE["locals"]["queues"]["assemble"]
    assert queue["max_concurrent_dispatches"] == "${var.assembler_max_instances}"


# --- Firestore: the registry's queries have their indexes; the rules deployed are tested ----


def composite_indexes() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    indexes = json.loads(model.INDEXES_FILE.read_text())["indexes"]
    return [
        (i["collectionGroup"], tuple((f["fieldPath"], f.get("order", "")) for f in i["fields"]))
        for i in indexes
    ]


def index_serves(index: tuple[str, ...], query_collection: str, query: object) -> bool:
    from shortvideo.queries import Query

    assert isinstance(query, Query)
    collection, fields = index[0], index[1]
    if collection != query_collection:
        return False
    equality = {f.field for f in query.filters if f.op in ("==", "in", "array_contains")}
    ordered = [(o.field, o.direction) for o in query.order]
    prefix, rest = fields[: len(equality)], fields[len(equality):]
    return {name for name, _ in prefix} == equality and list(rest) == ordered


def test_every_registered_query_that_needs_a_composite_index_has_one() -> None:
    indexes = composite_indexes()
    needing = [q for q in QUERIES if q.needs_composite_index]
    assert needing, "the registry lists the creator library query, which needs an index"
    for query in needing:
        assert any(index_serves(i, query.collection, query) for i in indexes), query.name


def test_terraform_deploys_the_index_rules_and_ttl_files_the_tests_use() -> None:
    call = ROOT_MODULE["module"]["firestore"]
    tf_dir = model.TF_DIR
    for key, expected in (("rules_file", model.RULES_FILE), ("indexes_file", model.INDEXES_FILE)):
        path = call[key].replace("${path.root}", str(tf_dir))
        assert (tf_dir / path).resolve() == expected.resolve(), key
    from shortvideo.adapters.firestore_jobs import SCRIPT_CACHE
    from shortvideo.adapters.firestore_library import IDEMPOTENCY_KEYS
    from shortvideo.script_cache import cache_entry

    ttl = call["ttl_fields"]
    assert set(ttl) == {SCRIPT_CACHE, IDEMPOTENCY_KEYS}
    # The TTL field is the timestamp the code writes as the entry's expiry.
    now = datetime(2026, 1, 1, tzinfo=UTC)
    script = SimpleNamespace(model_dump=lambda mode: {})
    entry = cache_entry(script, now, ttl_days=7)  # type: ignore[arg-type]
    assert entry[ttl[SCRIPT_CACHE]] == now + timedelta(days=7)
    firestore = model.module("firestore")["resource"]["google_firestore_field"]["ttl"]
    assert firestore["for_each"] == "${var.ttl_fields}"
    assert (firestore["collection"], firestore["field"]) == ("${each.key}", "${each.value}")


def test_idempotency_keys_carry_the_ttl_field_terraform_expires_them_on() -> None:
    ttl_field = ROOT_MODULE["module"]["firestore"]["ttl_fields"]["idempotency_keys"]
    source = (ROOT / "src" / "shortvideo" / "studio" / "idempotency.py").read_text()
    # The reserved key's record sets it to a timestamp (now + the key's lifetime).
    assert re.search(rf'"{ttl_field}": now \+ \w+', source), "the record's expiry field"
