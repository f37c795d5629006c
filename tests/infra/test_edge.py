"""The one origin (seams contract, decision 0015): the edge's URL map read as the LB reads it.

`route` follows the URL map semantics the edge module relies on: the host rule picks a path
matcher, its route rules match by ascending priority (prefix_match), the matched rule's
url_rewrite replaces the matched prefix, and its custom error response policy (if any) turns
a backend status into another object of the error service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.infra import model

EDGE = model.module("edge")
URL_MAP = EDGE["resource"]["google_compute_url_map"]["edge"]
API = "${google_compute_backend_service.api.id}"
DASHBOARD = "${google_compute_backend_bucket.dashboard.id}"


@dataclass(frozen=True)
class Routed:
    service: str
    path: str
    # Backend status -> (object served instead, status answered), from the rule's policy.
    on_error: dict[str, tuple[str, int]]


def _policy(rule: dict[str, Any]) -> dict[str, tuple[str, int]]:
    on_error: dict[str, tuple[str, int]] = {}
    for policy in rule.get("custom_error_response_policy", []):
        for error in policy["error_response_rule"]:
            for code in error["match_response_codes"]:
                on_error[code] = (error["path"], error.get("override_response_code", int(code)))
    return on_error


def route(host: str, path: str) -> Routed:
    name = next(rule["path_matcher"] for rule in URL_MAP["host_rule"] if host in rule["hosts"])
    matcher = next(m for m in URL_MAP["path_matcher"] if m["name"] == name)
    # A policy at the matcher or map level would apply to every route without its own.
    assert "default_custom_error_response_policy" not in matcher
    assert "default_custom_error_response_policy" not in URL_MAP
    for rule in sorted(matcher.get("route_rules", []), key=lambda r: r["priority"]):
        prefix = rule["match_rules"][0]["prefix_match"]
        if path.startswith(prefix):
            rewrite = [r for action in rule.get("route_action", [])
                       for r in action.get("url_rewrite", [])]
            new_path = rewrite[0]["path_prefix_rewrite"] + path[len(prefix):] if rewrite else path
            return Routed(rule["service"], new_path, _policy(rule))
    return Routed(matcher["default_service"], path, {})


@pytest.mark.parametrize(("path", "api_path"), [
    ("/api/videos/my-videos", "/videos/my-videos"),
    ("/api/session", "/session"),
    ("/api/health", "/health"),
])  # fmt: skip
def test_api_paths_reach_the_api_with_the_prefix_rewritten(path: str, api_path: str) -> None:
    routed = route("${var.app_domain}", path)
    assert routed == Routed(API, api_path, {})  # the API's own 404 JSON passes through


@pytest.mark.parametrize("path", ["/", "/index.html", "/assets/index-3f2a9c.js",
                                  "/videos/3eb5", "/account/tokens", "/apiary"])
def test_everything_else_is_the_spa_and_unknown_paths_answer_index_html(path: str) -> None:
    routed = route("${var.app_domain}", path)
    assert routed.service == DASHBOARD and routed.path == path
    assert routed.on_error == {"404": ("/index.html", 200)}
    policy = URL_MAP["path_matcher"][0]["route_rules"][1]["custom_error_response_policy"][0]
    assert policy["error_service"] == DASHBOARD


def test_the_dashboard_bucket_is_a_website_whose_cache_follows_the_uploaded_headers() -> None:
    bucket = model.module("media")["resource"]["google_storage_bucket"]["dashboard"]
    assert bucket["website"][0]["main_page_suffix"] == "index.html"
    assert bucket["website"][0]["not_found_page"] == "index.html"
    backend = EDGE["resource"]["google_compute_backend_bucket"]["dashboard"]
    # deploy.sh sets Cache-Control per object (immutable assets, no-cache index.html).
    assert backend["cdn_policy"][0]["cache_mode"] == "USE_ORIGIN_HEADERS"
    api = EDGE["resource"]["google_compute_backend_service"]["api"]
    assert api["enable_cdn"] is False


def test_media_is_its_own_host_and_app_origin_is_the_app_domain() -> None:
    assert route("${var.media_domain}", "/finals/x.mp4").service == (
        "${google_compute_backend_bucket.media.id}"
    )
    root = model.module()
    assert root["locals"]["computed_settings"]["APP_ORIGIN"] == "https://${var.app_domain}"
    assert root["module"]["edge"]["app_domain"] == "${var.app_domain}"
    assert EDGE["output"]["app_url"]["value"] == "https://${var.app_domain}"
