from pathlib import Path

import pytest
from functions_framework import create_app

from shortvideo.errors import ConfigError, InvalidRequest
from shortvideo.http import decode_json_object, doorbell_video_id
from shortvideo.settings import settings_from


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "video_id"),
        ({"video_id": 7}, "video_id"),
        ({"video_id": "a/b"}, "video_id"),
        ({"video_id": ""}, "video_id"),
        ({"video_id": "a", "x": 1}, "x"),
    ],
)
def test_doorbell_body_is_exactly_a_video_id(payload, field):
    with pytest.raises(InvalidRequest) as err:
        doorbell_video_id(payload)
    assert err.value.field == field


def test_backoff_schedule_and_settings_validation():
    settings = settings_from({})
    assert [settings.backoff_for(n) for n in (1, 2, 3, 4)] == [60, 180, 600, 600]
    assert settings.model_provider == "demo"
    assert settings_from({"VERTEX_PROJECT": "p"}).model_provider == "google"
    with pytest.raises(ConfigError):
        settings_from({"PIPELINE_PROVIDER": "openai"})
    with pytest.raises(ConfigError):
        settings_from({"LEASE_SECONDS": "1"})


FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
DEEP_BODY = "[" * 2000 + "]" * 2000  # 4 KB that sent the C decoder into RecursionError


@pytest.mark.parametrize("name", ["script_agent", "video_agent", "assembler", "monitor"])
@pytest.mark.parametrize("body", [DEEP_BODY, '{"theme": ' + DEEP_BODY + "}", "{" * 2000])
def test_functions_refuse_a_deeply_nested_body_with_400_naming_body(name, body):
    app = create_app("handle", str(FUNCTIONS_DIR / name / "main.py")).test_client()
    response = app.post("/", data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == "body"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_nesting_depth_ignores_brackets_inside_strings():
    assert decode_json_object(b'{"theme": "' + b"[{" * 500 + b'\\""}') == {
        "theme": "[{" * 500 + '"'
    }
    with pytest.raises(InvalidRequest) as err:
        decode_json_object(b'{"a": ' + b"[" * 33 + b"]" * 33 + b"}")
    assert err.value.field == "body"
    assert decode_json_object(b'{"a": ' + b"[" * 31 + b"]" * 31 + b"}")["a"]
