"""The served OpenAPI document: every $ref resolves from its root, auth is a bearer scheme,
every error status carries the real error body."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shortvideo.api import create_app
from tests.fakes import memory_services


@pytest.fixture
def document(tmp_path) -> dict[str, Any]:
    served: dict[str, Any] = (
        TestClient(create_app(memory_services(tmp_path))).get("/openapi.json").json()
    )
    return served


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(root: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_ref_resolves_from_the_document_root(document):
    refs = _refs(document)
    assert "#/components/schemas/Style" in refs and "#/components/schemas/ErrorBody" in refs
    for ref in refs:
        assert isinstance(_resolve(document, ref), dict), ref
    assert "$defs" not in repr(document)


# Signing in and out is done without a principal (the cookie, when any, is only cleared);
# the prices and the voices are public (the dashboard's landing and create pages).
UNAUTHENTICATED = {("post", "/session"), ("delete", "/session"), ("get", "/pricing"),
                   ("get", "/voices")}


def test_auth_is_a_bearer_or_a_cookie_security_scheme_not_a_parameter(document):
    assert document["components"]["securitySchemes"] == {
        "HTTPBearer": {"type": "http", "scheme": "bearer",
                       "description": "a personal API token (svt1_...)"},
        "APIKeyCookie": {"type": "apiKey", "in": "cookie", "name": "__session",
                         "description": "the browser session (POST /session); state changes "
                         "need Origin: APP_ORIGIN"},
    }
    seen = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            seen.add((method, path))
            # Either one: two requirement objects are alternatives in OpenAPI.
            expected = None if (method, path) in UNAUTHENTICATED else [
                {"HTTPBearer": []}, {"APIKeyCookie": []}]
            assert operation.get("security") == expected, (method, path)
            names = [p["name"].lower() for p in operation.get("parameters", [])]
            assert "authorization" not in names and "__session" not in names
    assert seen >= UNAUTHENTICATED and ("get", "/admin/users") in seen


def test_every_error_status_is_documented_with_the_error_body(document):
    statuses: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                statuses.add(status)
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, status
    # 403: admin only, unverified email, session required; 503: Stripe unreachable.
    assert statuses == {"400", "401", "402", "403", "404", "405", "409", "413", "422", "429",
                        "500", "503"}
    body = document["components"]["schemas"]["ErrorBody"]
    detail = _resolve(document, body["properties"]["error"]["$ref"])
    assert set(detail["required"]) == {"code", "message", "field"}
    # FastAPI's own {"detail": [...]} shapes are not offered: they are never answered.
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])
