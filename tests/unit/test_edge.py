"""The local edge: /api/* to the API with the prefix stripped, the SPA with its fallback and
caching headers, /config.json from the stack's environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from devstack.edge import IMMUTABLE, NOT_BUILT, REVALIDATE, edge_app


def fake_api() -> FastAPI:
    api = FastAPI()

    @api.api_route("/videos/{video_id}", methods=["GET", "POST"])
    def video(video_id: str, request: Request) -> dict[str, str]:
        return {"path": request.url.path, "video_id": video_id, "method": request.method,
                "origin": request.headers.get("origin", "")}  # fmt: skip

    return api


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "sample.mp4").write_bytes(b"\x00" * 64)
    return tmp_path


ENV = {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "GOOGLE_CLOUD_PROJECT": "demo-x"}


def test_api_paths_reach_the_api_without_the_prefix(dist: Path) -> None:
    client = TestClient(edge_app(fake_api(), dist, ENV))
    answer = client.post("/api/videos/v1", headers={"Origin": "http://edge"})
    assert answer.status_code == 200
    assert answer.json() == {"path": "/api/videos/v1", "video_id": "v1", "method": "POST",
                             "origin": "http://edge"}  # fmt: skip
    # An unknown API path is the API's own 404, never the SPA's index.html.
    assert client.get("/api/nothing").headers["content-type"].startswith("application/json")


def test_the_spa_falls_back_to_index_and_hashed_assets_are_immutable(dist: Path) -> None:
    client = TestClient(edge_app(fake_api(), dist, ENV))
    for path in ("/", "/videos", "/videos/abc/progress"):
        page = client.get(path)
        assert page.status_code == 200 and "<title>app</title>" in page.text, path
        assert page.headers["cache-control"] == REVALIDATE
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "connect-src 'self' http://127.0.0.1:9099" in page.headers[
            "content-security-policy"]
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.headers["cache-control"] == IMMUTABLE
    assert client.get("/sample.mp4").headers["cache-control"] == REVALIDATE
    # A stale page asking for an asset of an older build gets a 404, not HTML.
    assert client.get("/assets/index-old.js").status_code == 404
    assert client.get("/missing.png").status_code == 404
    assert client.get("/../../etc/passwd").status_code in (200, 404)  # never outside dist
    assert "root:" not in client.get("/..%2f..%2fetc%2fpasswd").text


def test_config_json_names_the_auth_emulator_of_this_stack(dist: Path) -> None:
    client = TestClient(edge_app(fake_api(), dist, ENV))
    config = client.get("/config.json")
    assert config.headers["cache-control"] == "no-store"
    assert config.json() == {"firebase": {"apiKey": "local-stack-any-key", "projectId": "demo-x"},
                             "authEmulatorUrl": "http://127.0.0.1:9099"}  # fmt: skip


def test_without_a_build_it_says_how_to_build(tmp_path: Path) -> None:
    client = TestClient(edge_app(fake_api(), tmp_path / "nothing", ENV))
    answer = client.get("/")
    assert answer.status_code == 503 and answer.text == NOT_BUILT
    assert client.get("/api/videos/v2").status_code == 200  # the API works without the SPA
