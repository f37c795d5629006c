"""The functions' caller check: Google-style ID tokens verified with google-auth."""

import base64
import json

import pytest

from devstack.local_oidc import ensure_local_keys, sign_id_token
from shortvideo import oidc
from shortvideo.errors import Forbidden, Unauthorized
from shortvideo.oidc import CertificateCache, authorize_call, verify_caller
from shortvideo.settings import settings_from

AUDIENCE = "http://127.0.0.1:8082/"
TASKS = "tasks@p.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_local_keys(tmp_path_factory.mktemp("oidc") / "keys")


@pytest.fixture
def settings(keys):
    return settings_from({
        "OIDC_VERIFY": "true", "OIDC_AUDIENCE": AUDIENCE, "OIDC_CERTS_FILE": str(keys.certs_file),
        "OIDC_ALLOWED_SERVICE_ACCOUNTS": f"other@p.iam.gserviceaccount.com, {TASKS}",
    })  # fmt: skip


def token(keys, **kw):
    kw.setdefault("audience", AUDIENCE)
    kw.setdefault("email", TASKS)
    return "Bearer " + sign_id_token(keys.key_file, **kw)


def verify(header, settings):
    return verify_caller(header, settings, oidc.certificates_for(settings))


def test_a_correct_token_names_its_caller(keys, settings):
    assert verify(token(keys), settings) == TASKS
    assert authorize_call(token(keys), settings) == TASKS


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Bearer x.y.z",
                                    "Bearer " + "a" * 5000])
def test_no_or_malformed_token_is_401(settings, header):
    with pytest.raises(Unauthorized) as err:
        verify(header, settings)
    assert err.value.field == "authorization" and err.value.http_status == 401


def test_a_token_for_another_audience_is_401(keys, settings):
    with pytest.raises(Unauthorized):
        verify(token(keys, audience="http://127.0.0.1:8083/"), settings)


def test_without_a_configured_audience_every_token_is_refused(keys, settings):
    unset = settings.model_copy(update={"oidc_audience": None})
    with pytest.raises(Unauthorized):
        verify(token(keys), unset)


def test_an_expired_token_is_401(keys, settings):
    import time

    with pytest.raises(Unauthorized):
        verify(token(keys, now=time.time() - 4000, lifetime_seconds=3600), settings)


def test_a_token_from_the_wrong_service_account_is_403(keys, settings):
    with pytest.raises(Forbidden) as err:
        verify(token(keys, email="intruder@p.iam.gserviceaccount.com"), settings)
    assert err.value.http_status == 403


def test_an_unverified_email_is_403(keys, settings):
    with pytest.raises(Forbidden):
        verify(token(keys, extra={"email_verified": False}), settings)


def test_another_issuer_is_401(keys, settings):
    with pytest.raises(Unauthorized):
        verify(token(keys, extra={"iss": "https://evil.example"}), settings)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_tampered_token_is_401(keys, settings):
    header, payload, signature = token(keys, email="intruder@p.iam.gserviceaccount.com")[
        len("Bearer "):].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["email"] = TASKS  # promote itself to the allowed account, keeping the signature
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(Unauthorized):
        verify("Bearer " + forged, settings)


def test_a_token_signed_by_another_key_is_401(tmp_path, settings):
    stranger = ensure_local_keys(tmp_path / "stranger")
    with pytest.raises(Unauthorized):
        verify(token(stranger), settings)


def test_no_check_when_oidc_verify_is_off(settings):
    assert authorize_call(None, settings.model_copy(update={"oidc_verify": False})) is None


def test_a_certificates_file_is_only_honoured_locally(settings):
    prod = settings.model_copy(update={"environment": "prod"})
    assert oidc.certificates_for(settings) is not oidc.certificates_for(prod)
    assert oidc.certificates_for(prod) is oidc.certificates_for(
        prod.model_copy(update={"oidc_certs_file": None}))  # Google's, whatever the file says


def test_certificates_are_cached_and_refetched_rarely_for_an_unknown_key():
    now = [0.0]
    fetches = []

    def fetch():
        fetches.append(now[0])
        return {"k1": "cert"}

    cache = CertificateCache(fetch, clock=lambda: now[0])
    assert cache.for_key("k1") == {"k1": "cert"} and fetches == [0.0]
    now[0] = 30
    cache.for_key("k1"), cache.for_key("unknown")
    assert fetches == [0.0]  # an unknown key within a minute: no fetch
    now[0] = 61
    cache.for_key("unknown")
    assert fetches == [0.0, 61]
    now[0] = 61 + 3601
    cache.for_key("k1")
    assert len(fetches) == 3  # an hour old: fetched again
