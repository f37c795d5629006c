"""The API's edge: redirects, docs pages, CORS, security headers, deep bodies, the 402 text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shortvideo.api import create_app
from shortvideo.api.edge import SECURITY_HEADERS
from tests.fakes import ScriptedVideoModel, memory_services, register_creator

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _services(tmp_path: Any, **env: str) -> Any:
    svc = memory_services(tmp_path, **env)
    svc._lazy["video"] = ScriptedVideoModel(svc.blobs)
    return svc


@pytest.fixture
def svc(tmp_path):
    return _services(tmp_path)


@pytest.fixture
def token(svc) -> str:
    return register_creator(svc, "Ada")[1]


@pytest.fixture
def client(svc) -> TestClient:
    return TestClient(create_app(svc), raise_server_exceptions=False)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_trailing_slash_is_a_404_and_never_a_redirect_built_from_host(client, token):
    for path in ("/videos/", "/videos/my-videos/", "/health/"):
        response = client.get(
            path, headers={**auth(token), "Host": "evil.example"}, follow_redirects=False
        )
        assert response.status_code == 404, (path, response.status_code)
        assert "location" not in response.headers
        assert response.json()["error"]["code"] == "not_found"


def test_no_docs_pages_but_the_openapi_document_stays(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


def test_security_headers_on_every_answer(client, svc, token):
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret")

    answers = [
        client.get("/health"),
        client.get("/openapi.json"),
        client.get("/videos/my-videos", headers=auth(token)),  # 200, authenticated
        client.post("/videos", json={"theme": "Bees"}, headers=auth(token)),  # 202
        client.get("/videos/my-videos"),  # 401
        client.get("/nowhere"),  # 404
        client.put("/videos/my-videos", headers=auth(token)),  # 405
        client.post("/videos", json={"theme": ""}, headers=auth(token)),  # 422
    ]
    svc.library.list_library = boom
    answers.append(client.get("/videos/my-videos", headers=auth(token)))  # 500
    assert [a.status_code for a in answers] == [200, 200, 200, 202, 401, 404, 405, 422, 500]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers.get(name) == value, (answer.status_code, name)
        assert "server" not in answer.headers


def test_cors_is_granted_to_no_origin_by_default(client, token):
    preflight = client.options(
        "/videos",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    plain = client.get(
        "/videos/my-videos", headers={**auth(token), "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in plain.headers


def test_cors_only_for_configured_origins(tmp_path):
    svc = _services(tmp_path, CORS_ALLOWED_ORIGINS="https://app.example, https://b.example")
    _, token = register_creator(svc, "Ada")
    client = TestClient(create_app(svc))
    ask = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type"}  # fmt: skip
    good = client.options("/videos", headers={"Origin": "https://app.example", **ask})
    assert good.status_code == 200
    assert good.headers["access-control-allow-origin"] == "https://app.example"
    assert good.headers["x-content-type-options"] == "nosniff"
    bad = client.options("/videos", headers={"Origin": "https://evil.example", **ask})
    assert "access-control-allow-origin" not in bad.headers
    listed = client.get("/videos/my-videos", headers={**auth(token), "Origin": "https://b.example"})
    assert listed.headers["access-control-allow-origin"] == "https://b.example"


@pytest.mark.parametrize(
    "body", ["[" * 2000 + "]" * 2000, '{"theme": ' + "[" * 2000 + "]" * 2000 + "}"]
)
def test_a_deeply_nested_body_is_a_400_naming_body(client, svc, token, body):
    response = client.post("/videos", content=body, headers=auth(token))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == "body"
    assert svc.jobs.jobs == {}


def test_a_402_says_the_service_is_at_capacity_and_nothing_about_amounts(tmp_path):
    svc = _services(tmp_path, MONTHLY_BUDGET_USD="30")
    _, token = register_creator(svc, "Ada")
    client = TestClient(create_app(svc))
    assert client.post("/videos", json={"theme": "a"}, headers=auth(token)).status_code == 202
    refused = client.post("/videos", json={"theme": "b"}, headers=auth(token))
    assert refused.status_code == 402
    message = refused.json()["error"]["message"]
    assert "capacity" in message
    assert not any(ch.isdigit() for ch in message) and "$" not in message
