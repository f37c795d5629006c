"""Each function through functions-framework's test client, against the real emulators."""

import json
from pathlib import Path

import pytest
from functions_framework import create_app
from google.cloud import firestore, storage

from shortvideo import wiring

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def client(name):
    return create_app("handle", str(ROOT / "functions" / name / "main.py")).test_client()


@pytest.fixture
def env(clean_emulators):
    wiring.services.cache_clear()
    yield clean_emulators
    wiring.services.cache_clear()


def job_count():
    return len(list(firestore.Client().collection("video_status").stream()))


def post(app, body, **kw):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return app.post("/", data=data, content_type="application/json", **kw)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"theme": ""}, 400, "theme"),
        ({"theme": "x" * 501}, 400, "theme"),
        ({"theme": "ok", "style": "baroque"}, 400, "style"),
        ({"theme": "ok", "language": "it"}, 400, "language"),
        ({"theme": "ok", "character_id": "nobody"}, 400, "character_id"),
        ({"theme": "ok", "music": "polka"}, 400, "music"),
        ("not json", 400, "body"),
        ("[1, 2]", 400, "body"),
        ({"theme": "y" * 70000}, 413, "body"),
        ({"video_id": "0" * 32}, 404, "video_id"),
        ({"video_id": "../../etc"}, 400, "video_id"),
        ({"video_id": "abc", "theme": "both"}, 400, "theme"),
    ],
)
def test_script_agent_rejects_bad_input_and_writes_nothing(env, body, status, field):
    response = post(client("script_agent"), body)
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field
    assert "Traceback" not in response.get_data(as_text=True)
    assert job_count() == 0


def test_get_is_not_allowed(env):
    response = client("monitor").get("/")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_create_then_script_doorbell_is_idempotent(env):
    app = client("script_agent")
    created = post(
        app,
        {
            "theme": "Les abeilles et les fleurs",
            "language": "fr",
            "style": "sketch",
            "character_id": "nova",
            "music": "calm",
        },
    )
    assert created.status_code == 202
    video_id = created.get_json()["video_id"]
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc["status"] == "queued" and doc["provider"] == "demo-offline"
    first = post(app, {"video_id": video_id})
    assert first.status_code == 200 and first.get_json() == {"outcome": "done"}
    again = post(app, {"video_id": video_id})
    assert again.get_json()["outcome"] == "skipped"
    doc = firestore.Client().collection("video_status").document(video_id).get().to_dict()
    assert doc["status"] == "script_generated" and doc["attempts"] == {"script": 1}
    bucket = storage.Client().bucket(doc["script_file"].split("/")[2])
    script = json.loads(bucket.blob(f"scripts/{video_id}.json").download_as_bytes())
    assert len(script["blocks"]) == 9 and script["language"] == "fr"
    assert "Nova" in script["blocks"][0]["dialogue"]
    names = [b.name for b in storage.Client().list_blobs(bucket)]
    assert all("abeilles" not in name for name in names)  # user text never names an object


def test_monitor_returns_a_summary_and_rejects_arguments(env):
    app = client("monitor")
    response = app.post("/", data="")
    assert response.status_code == 200
    assert response.get_json()["checked"] == 0
    bad = post(app, {"force": True})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "force"
