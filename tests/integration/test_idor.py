"""Two creators over every route and method: the other's ids are 404 and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud import firestore

from devstack import Stack
from devstack.auth_emulator import AuthEmulator
from tests.integration.accounts_client import Browser, app_client, new_user

pytestmark = pytest.mark.integration

# Every route, with what bob sends when he aims at ada's data (her ids fill the path).
ATTEMPTS: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/videos/{video_id}"): None,
    ("POST", "/videos/{video_id}/cancel"): None,
    ("DELETE", "/me/tokens/{token_id}"): None,
    ("GET", "/schedules/{schedule_id}"): None,
    ("PATCH", "/schedules/{schedule_id}"): {"paused": True},
    ("DELETE", "/schedules/{schedule_id}"): None,
    ("DELETE", "/videos/{video_id}"): None,
    ("POST", "/videos/{video_id}/favorite"): None,
    ("DELETE", "/videos/{video_id}/favorite"): None,
    ("POST", "/videos/{video_id}/view"): None,
    ("GET", "/videos/{video_id}/events"): None,
    ("GET", "/characters/{character_id}"): None,
    ("DELETE", "/characters/{character_id}"): None,
}
# Admin routes: bob (a creator) is refused with 403 whatever he aims at.
ADMIN_ONLY: dict[tuple[str, str], dict[str, Any] | None] = {
    ("POST", "/admin/music"): {"track_id": "mine", "name": "Mine", "category": "calm",
                               "duration": 8.0, "object": "music/calm.mp3", "license": "CC0"},
    ("DELETE", "/admin/music/{track_id}"): None,
    ("POST", "/billing/admin/credits"): {"creator_id": "{ada}", "credits": 50, "reason": "x"},
}
# Token management is for the session only: with a token the answer is 403 session_required.
SESSION_ONLY = {("DELETE", "/me/tokens/{token_id}")}
# Routes without an id: bob gets his own data only (checked below) and changes only his own.
OWN_ONLY = {("POST", "/videos"), ("GET", "/videos/my-videos"), ("POST", "/session"),
            ("DELETE", "/session"), ("POST", "/session/sign-out-everywhere"), ("GET", "/me"),
            ("DELETE", "/me"), ("GET", "/me/export"), ("POST", "/me/tokens"),
            ("GET", "/me/tokens"), ("GET", "/admin/users"), ("POST", "/schedules"),
            ("GET", "/schedules"), ("POST", "/characters"), ("GET", "/characters"),
            ("GET", "/music"), ("POST", "/billing/checkout"), ("POST", "/billing/portal"),
            ("GET", "/billing/status"), ("GET", "/billing/history"),
            ("GET", "/pricing"), ("GET", "/voices")}
SCHEDULE = {"name": "daily", "cron": "0 9 * * *", "time_zone": "UTC", "themes": ["octopus"]}


COLLECTIONS = ("video_status", "api_tokens", "users", "series_schedules", "series_slots",
               "characters", "music_tracks", "idempotency_keys", "billing_accounts",
               "billing_ledger")


def snapshot(db: firestore.Client, attacker: str) -> dict[str, Any]:
    """Every document; the attacker's own token's last use is his to change."""
    found = {f"{c}/{d.id}": d.to_dict() or {} for c in COLLECTIONS
             for d in db.collection(c).stream()}
    for doc in found.values():
        if doc.get("owner") == attacker:
            doc.pop("last_used_at", None)
    return found


def test_every_route_is_covered_and_the_others_ids_are_404(clean_emulators: Stack) -> None:
    http, _ = app_client()
    document = http.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    known = set(ATTEMPTS) | set(ADMIN_ONLY) | OWN_ONLY
    assert routes == known, routes ^ known

    auth = AuthEmulator(clean_emulators.env())
    ada, bob = Browser(http), Browser(http)
    ada_user, _ = new_user(auth)
    assert ada.sign_in(ada_user).status_code == 200
    bob_user, _ = new_user(auth)
    assert bob.sign_in(bob_user).status_code == 200
    video_id = ada.request("POST", "/videos", json={"theme": "mine"}).json()["video_id"]
    ada_token = ada.request("POST", "/me/tokens", json={"name": "ada"}).json()
    bob_token = bob.request("POST", "/me/tokens", json={"name": "bob"}).json()["token"]
    schedule = ada.request("POST", "/schedules", json=SCHEDULE)
    assert schedule.status_code == 201, schedule.text
    character = ada.request("POST", "/characters", json={
        "name": "Ana", "description": "a diver with a yellow mask", "style": "anime"})
    assert character.status_code == 201, character.text
    ids = {"video_id": video_id, "token_id": ada_token["token_id"],
           "schedule_id": schedule.json()["schedule_id"],
           "character_id": character.json()["character_id"], "track_id": "calm"}
    db = firestore.Client()
    before = snapshot(db, bob_user.uid)

    for (method, path), body in ATTEMPTS.items():
        url = path.format(**ids)
        for name, send in (
            ("session", lambda m, u, b: bob.request(m, u, json=b)),
            ("token", lambda m, u, b: http.request(
                m, u, json=b, headers={"Authorization": f"Bearer {bob_token}"})),
        ):
            answer = send(method, url, body)
            expected = 403 if name == "token" and (method, path) in SESSION_ONLY else 404
            assert answer.status_code == expected, (name, method, url, answer.text)
    for (method, path), body in ADMIN_ONLY.items():
        sent = {k: (v.format(ada=ada_user.uid) if isinstance(v, str) else v)
                for k, v in (body or {}).items()} or None
        answer = bob.request(method, path.format(**ids), json=sent)
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json()["error"]["code"] == "forbidden", answer.text
    # Read-only or own-only routes show bob nothing of ada's.
    for url in ("/videos/my-videos", "/me", "/me/export", "/me/tokens", "/schedules",
                "/characters", "/billing/history"):
        answer = bob.request("GET", url)
        assert answer.status_code == 200, (url, answer.text)
        for secret in (*ids.values(), ada_user.uid, ada_user.email):
            assert secret not in answer.text, (url, secret)
    # Bob's own state changes touch only bob.
    assert bob.request("POST", "/session/sign-out-everywhere").status_code == 204
    assert snapshot(db, bob_user.uid) == before
    assert ada.request("GET", f"/videos/{video_id}").json()["status"] == "queued"
    assert ada.request("GET", f"/schedules/{ids['schedule_id']}").json()["paused"] is False
    assert http.get("/me", headers={"Authorization": f"Bearer {ada_token['token']}"}
                    ).status_code == 200
