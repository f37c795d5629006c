"""Fail closed: outside ENVIRONMENT=local each rule refuses to start, naming its variable."""

import pytest

from shortvideo.settings import settings_from
from shortvideo.startup import FUNCTIONS, SERVICES, startup_problems

# A deployment's environment that passes every rule (per service: the function's own audience).
PROD = {
    "ENVIRONMENT": "prod",
    "GOOGLE_CLOUD_PROJECT": "acme-shortvideo",
    "PIPELINE_BUCKET": "acme-shortvideo-media",
    "VERTEX_PROJECT": "acme-shortvideo",
    "SCRIPT_AGENT_URL": "https://script-agent-abc-uc.a.run.app/",
    "VIDEO_AGENT_URL": "https://video-agent-abc-uc.a.run.app/",
    "ASSEMBLER_URL": "https://assembler-abc-uc.a.run.app/",
    "TASKS_SERVICE_ACCOUNT": "tasks@acme-shortvideo.iam.gserviceaccount.com",
    "OIDC_VERIFY": "true",
    "OIDC_AUDIENCE": "https://video-agent-abc-uc.a.run.app/",
    "OIDC_ALLOWED_SERVICE_ACCOUNTS": "tasks@acme-shortvideo.iam.gserviceaccount.com",
    "API_TOKEN_SECRET": "s" * 48,
    "STRIPE_SECRET_KEY": "sk_live_" + "k" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "w" * 32,
    "BILLING_PACKS": "pack_5:price_1Live5:5:4900",
    "BILLING_SUBSCRIPTION": "monthly:price_1LiveM:10:8900",
    "BILLING_RETURN_URL": "https://app.acme.example/billing",
    "APP_ORIGIN": "https://app.acme.example",
}


def problems(service, env):
    return [p.variable for p in startup_problems(service, settings_from(env), env)]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_a_configured_deployment_starts(service, environment):
    assert problems(service, {**PROD, "ENVIRONMENT": environment}) == []


@pytest.mark.parametrize("service", SERVICES)
def test_local_starts_on_the_local_stack_defaults(service):
    local = {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:1", "PIPELINE_PROVIDER": "demo",
             "DEMO_VIDEO_MODE": "instant", "OIDC_CERTS_FILE": "/tmp/certs.json"}
    assert problems(service, local) == []
    assert problems(service, {**local, "ENVIRONMENT": "local"}) == []


OVERRIDES = [
    ("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"),
    ("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9023"),
    ("CLOUD_TASKS_EMULATOR_HOST", "127.0.0.1:8123"),
    ("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"),
    ("VERTEX_API_BASE_URL", "http://127.0.0.1:7000"),
    ("STRIPE_API_BASE", "http://127.0.0.1:12111"),
    ("OIDC_CERTS_FILE", "/tmp/certs.json"),
    ("OIDC_SIGNING_KEY_FILE", "/tmp/key.pem"),
    ("DEMO_VIDEO_MODE", "render"),
    ("DEMO_VIDEO_FAIL_BLOCKS", "1"),
]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(("variable", "value"), OVERRIDES)
def test_an_emulator_fake_or_demo_override_is_refused(service, variable, value):
    assert problems(service, {**PROD, variable: value}) == [variable]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GOOGLE_CLOUD_PROJECT", "demo-shortvideo"),
        ("GOOGLE_CLOUD_PROJECT", "demo-anything"),
        ("PIPELINE_BUCKET", "shortvideo-local"),
        ("SCRIPT_AGENT_URL", "http://127.0.0.1:8081/"),
        ("VIDEO_AGENT_URL", "https://localhost/"),
        ("ASSEMBLER_URL", "http://assembler-abc-uc.a.run.app/"),  # plain http
        ("ASSEMBLER_URL", "https://10.0.0.7/"),
        ("PIPELINE_PROVIDER", "demo"),
        ("WHISPER_ENGINE", "instant"),
    ],
)
@pytest.mark.parametrize("service", SERVICES)
def test_a_local_looking_or_demo_value_is_refused(service, variable, value):
    env = {**PROD, variable: value}
    if variable == "WHISPER_ENGINE":  # the settings insist on instant videos with it
        assert problems(service, {**env, "DEMO_VIDEO_MODE": "instant"}) == [
            "DEMO_VIDEO_MODE", variable]
    else:
        assert problems(service, env) == [variable]


@pytest.mark.parametrize(
    "variable",
    ["GOOGLE_CLOUD_PROJECT", "PIPELINE_BUCKET", "SCRIPT_AGENT_URL", "VIDEO_AGENT_URL",
     "ASSEMBLER_URL", "TASKS_SERVICE_ACCOUNT"],
)
@pytest.mark.parametrize("service", SERVICES)
def test_a_missing_setting_is_refused(service, variable):
    env = {k: v for k, v in PROD.items() if k != variable}
    assert problems(service, env) == [variable]


@pytest.mark.parametrize("service", SERVICES)
def test_without_a_vertex_project_only_the_monitor_starts(service):
    env = {k: v for k, v in PROD.items() if k != "VERTEX_PROJECT"}
    assert problems(service, env) == ([] if service == "monitor" else ["VERTEX_PROJECT"])


@pytest.mark.parametrize("service", FUNCTIONS)
@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"OIDC_VERIFY": "false"}, "OIDC_VERIFY"),
        ({"OIDC_VERIFY": None}, "OIDC_VERIFY"),
        ({"OIDC_AUDIENCE": None}, "OIDC_AUDIENCE"),
        ({"OIDC_AUDIENCE": "http://127.0.0.1:8082/"}, "OIDC_AUDIENCE"),
        ({"OIDC_ALLOWED_SERVICE_ACCOUNTS": " , "}, "OIDC_ALLOWED_SERVICE_ACCOUNTS"),
    ],
)
def test_a_function_must_verify_its_callers(service, change, variable):
    env = {k: v for k, v in {**PROD, **change}.items() if v is not None}
    assert problems(service, env) == [variable]
    # The creator API authenticates creators, not OIDC callers: none of this concerns it.
    assert problems("api", env) == []


@pytest.mark.parametrize("origin", [None, "http://app.acme.example", "https://127.0.0.1:8080"])
def test_the_api_needs_its_one_https_app_origin(origin):
    env = {k: v for k, v in PROD.items() if k != "APP_ORIGIN"}
    if origin:
        env["APP_ORIGIN"] = origin
    assert problems("api", env) == ["APP_ORIGIN"]
    assert problems("video_agent", env) == []


def test_the_api_needs_its_token_secret():
    env = {k: v for k, v in PROD.items() if k != "API_TOKEN_SECRET"}
    assert problems("api", env) == ["API_TOKEN_SECRET"]
    assert problems("video_agent", env) == []


@pytest.mark.parametrize("variable", ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])
def test_the_api_needs_stripes_key_and_webhook_secret(variable):
    env = {k: v for k, v in PROD.items() if k != variable}
    assert problems("api", env) == [variable]
    assert problems("monitor", env) == []


BILLING_OFFERS = ["BILLING_PACKS", "BILLING_SUBSCRIPTION", "BILLING_RETURN_URL"]


@pytest.mark.parametrize("variable", BILLING_OFFERS)
def test_the_api_refuses_the_local_fakes_prices_and_return_url(variable):
    assert problems("api", {k: v for k, v in PROD.items() if k != variable}) == [variable]


def test_the_api_refuses_billing_off_or_a_test_key_in_prod():
    assert problems("api", {**PROD, "BILLING_ENFORCED": "false"}) == ["BILLING_ENFORCED"]
    test_key = {**PROD, "STRIPE_SECRET_KEY": "sk_test_abc"}
    assert problems("api", test_key) == ["STRIPE_SECRET_KEY"]
    assert problems("api", {**test_key, "ENVIRONMENT": "staging"}) == []


def test_every_problem_is_reported_at_once():
    env = {"ENVIRONMENT": "prod", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:1"}
    named = problems("api", env)
    assert {"FIRESTORE_EMULATOR_HOST", "GOOGLE_CLOUD_PROJECT", "PIPELINE_BUCKET",
            "VERTEX_PROJECT", "TASKS_SERVICE_ACCOUNT", "API_TOKEN_SECRET"} <= set(named)


def test_an_unknown_environment_is_a_settings_error():
    from shortvideo.errors import ConfigError

    with pytest.raises(ConfigError, match="ENVIRONMENT"):
        settings_from({"ENVIRONMENT": "production"})


CDN = {"MEDIA_URL_MODE": "cdn", "MEDIA_CDN_BASE_URL": "https://media.acme.example",
       "MEDIA_CDN_KEY_NAME": "media-1", "MEDIA_CDN_KEY": "nZtRohdNF9m3cKM24IcK4w=="}


def test_cdn_media_urls_need_their_base_key_name_and_a_valid_key():
    assert problems("api", {**PROD, **CDN}) == []
    for variable in ("MEDIA_CDN_BASE_URL", "MEDIA_CDN_KEY_NAME", "MEDIA_CDN_KEY"):
        assert problems("api", {k: v for k, v in {**PROD, **CDN}.items() if k != variable}) == [
            variable
        ]
    assert problems("api", {**PROD, **CDN, "MEDIA_CDN_KEY": "c2hvcnQ="}) == ["MEDIA_CDN_KEY"]
    local_base = {**PROD, **CDN, "MEDIA_CDN_BASE_URL": "http://127.0.0.1:9000"}
    assert problems("api", local_base) == ["MEDIA_CDN_BASE_URL"]
    assert problems("api", {**PROD, "MEDIA_SIGNING_KEY_FILE": "/k.json"}) == [
        "MEDIA_SIGNING_KEY_FILE"
    ]
