"""Each function through functions-framework's test client, against the real emulators.

The functions check their caller (OIDC_VERIFY=true, as the local stack and production run them):
tokens are signed with the local stack's key and verified against its certificate. Jobs are
created as creators create them: POST /videos on the creator API, with a creator token.
"""

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from functions_framework import create_app
from google.cloud import firestore, storage

from devstack.creators import add_creator
from devstack.local_oidc import SCHEDULER_SERVICE_ACCOUNT, TASKS_SERVICE_ACCOUNT, sign_id_token
from shortvideo import wiring
from shortvideo.api import create_app as create_api
from shortvideo.settings import get_settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
AUDIENCE = "https://script-agent.test/"  # what OIDC_AUDIENCE says this function's URL is


def client(name):
    return create_app("handle", str(ROOT / "functions" / name / "main.py")).test_client()


def _reset():
    get_settings.cache_clear()
    wiring.services.cache_clear()


@pytest.fixture
def env(clean_emulators, monkeypatch):
    monkeypatch.setenv("OIDC_VERIFY", "true")
    monkeypatch.setenv("OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("OIDC_ALLOWED_SERVICE_ACCOUNTS", TASKS_SERVICE_ACCOUNT)
    _reset()
    yield clean_emulators
    _reset()


def signed(stack, email=TASKS_SERVICE_ACCOUNT, audience=AUDIENCE, **kw):
    token = sign_id_token(stack.oidc_keys.key_file, audience=audience, email=email, **kw)
    return {"Authorization": f"Bearer {token}"}


def job_count():
    return len(list(firestore.Client().collection("video_status").stream()))


def post(app, body, headers=None):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return app.post("/", data=data, content_type="application/json", headers=headers or {})


def create_job_through_the_api(stack, **request):
    _, token = add_creator(stack.env(), "Ada Lovelace", creator_id="ada")
    api = TestClient(create_api(wiring.services()))
    created = api.post("/videos", json=request, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 202, created.text
    return created.json()["video_id"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"theme": "A theme: jobs are created by the API now"}, 400, "theme"),
        ({"theme": "ok", "created_by": "someone-else"}, 400, "created_by"),
        ("not json", 400, "body"),
        ("[1, 2]", 400, "body"),
        ({"theme": "y" * 70000}, 413, "body"),
        ({}, 400, "video_id"),
        ({"video_id": "0" * 32}, 404, "video_id"),
        ({"video_id": "../../etc"}, 400, "video_id"),
        ({"video_id": "abc", "theme": "both"}, 400, "theme"),
    ],
)
def test_script_agent_takes_doorbells_only_and_writes_nothing(env, body, status, field):
    response = post(client("script_agent"), body, signed(env))
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field
    assert "Traceback" not in response.get_data(as_text=True)
    assert job_count() == 0


def _refusals(stack):
    return {
        "unsigned": ({}, 401),
        "not bearer": ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        "wrong audience": (signed(stack, audience="https://video-agent.test/"), 401),
        "expired": (signed(stack, now=time.time() - 7200, lifetime_seconds=3600), 401),
        "wrong service account": (signed(stack, email=SCHEDULER_SERVICE_ACCOUNT), 403),
        "tampered": ({"Authorization": signed(stack)["Authorization"][:-6] + "AAAAAA"}, 401),
    }


def test_a_doorbell_from_an_unverified_caller_is_refused_and_reveals_nothing(env):
    video_id = create_job_through_the_api(env, theme="Private doorbells")
    app = client("script_agent")
    for case, (headers, status) in _refusals(env).items():
        existing = post(app, {"video_id": video_id}, headers)
        missing = post(app, {"video_id": "f" * 32}, headers)
        assert existing.status_code == status, case
        # Another creator's job and no job at all are answered alike.
        assert existing.get_data() == missing.get_data(), case
        error = existing.get_json()["error"]
        assert error["field"] == "authorization", case
        assert error["code"] == ("forbidden" if status == 403 else "unauthorized"), case
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc["status"] == "queued" and not doc.get("attempts")  # nothing was claimed


def test_created_through_the_api_then_signed_doorbells_are_idempotent(env):
    video_id = create_job_through_the_api(
        env, theme="Les abeilles et les fleurs", language="fr", style="sketch",
        character_id="nova", music="calm",
    )  # fmt: skip
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc["status"] == "queued" and doc["provider"] == "demo-offline"
    assert doc["created_by"] == "ada"
    app = client("script_agent")
    first = post(app, {"video_id": video_id}, signed(env))
    assert first.status_code == 200 and first.get_json() == {"outcome": "done"}
    again = post(app, {"video_id": video_id}, signed(env))
    assert again.get_json()["outcome"] == "skipped"
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc["status"] == "script_generated" and doc["attempts"] == {"script": 1}
    bucket = storage.Client().bucket(doc["script_file"].split("/")[2])
    script = json.loads(bucket.blob(f"scripts/{video_id}.json").download_as_bytes())
    assert len(script["blocks"]) == 9 and script["language"] == "fr"
    assert "Nova" in script["blocks"][0]["dialogue"]
    names = [b.name for b in storage.Client().list_blobs(bucket)]
    assert all("abeilles" not in name for name in names)  # user text never names an object


@pytest.mark.parametrize("name", ["video_agent", "assembler"])
def test_the_other_stages_refuse_unsigned_doorbells_too(env, name):
    app = client(name)
    assert post(app, {"video_id": "f" * 32}).status_code == 401
    assert post(app, {"video_id": "f" * 32}, signed(env)).status_code == 404


def test_get_is_not_allowed(env):
    response = client("video_agent").get("/", headers=signed(env))
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert client("video_agent").get("/").status_code == 401  # the caller is checked first


def test_monitor_answers_its_scheduler_only(env, monkeypatch):
    monkeypatch.setenv("OIDC_ALLOWED_SERVICE_ACCOUNTS", SCHEDULER_SERVICE_ACCOUNT)
    _reset()
    app = client("monitor")
    scheduler = signed(env, email=SCHEDULER_SERVICE_ACCOUNT)
    response = app.post("/", data="", headers=scheduler)
    assert response.status_code == 200
    assert response.get_json()["checked"] == 0
    for headers, status in [({}, 401), (signed(env), 403)]:  # nobody, then the tasks identity
        refused = app.post("/", data="", headers=headers)
        assert refused.status_code == status
        assert "checked" not in refused.get_data(as_text=True)  # no totals
    bad = post(app, {"force": True}, scheduler)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "force"
