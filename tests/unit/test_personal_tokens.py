"""Personal API tokens: signed by the server, refused before any read when not, shown once,
stored as a hash, revoked at once on every instance, never managed by a token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shortvideo.accounts.tokens import TOKEN_PREFIX, hash_token, is_signed_token, new_token
from shortvideo.api import create_app
from shortvideo.settings import LOCAL_TOKEN_SECRET
from tests.fakes import MemoryIdentity, ScriptedVideoModel, memory_services, register_creator

ORIGIN = "http://testserver"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _forgeries(good: str) -> list[str]:
    body = good[len(TOKEN_PREFIX) :]
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    return [
        "svt_" + "a" * 43,  # the old unsigned format
        TOKEN_PREFIX + flipped,  # one character of the signature changed
        TOKEN_PREFIX + body[:43] + body[:43],  # the random part as its own signature
        new_token("some-other-server-secret"),  # signed, but not by us
        good[:-1],  # truncated
        good + "A",
        TOKEN_PREFIX + "!" * 86,
    ]


@pytest.fixture
def svc(tmp_path):
    services = memory_services(tmp_path, APP_ORIGIN=ORIGIN, API_TOKENS_PER_HOUR="3")
    services._lazy["video"] = ScriptedVideoModel(services.blobs)
    return services


def session_of(svc, uid: str) -> dict[str, str]:
    identity = svc.accounts.identity
    assert isinstance(identity, MemoryIdentity)
    id_token = identity.add_user(uid)
    client = TestClient(create_app(svc))
    answer = client.post("/session", json={"id_token": id_token}, headers={"Origin": ORIGIN})
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"].split(";", 1)[0]
    return {"Cookie": cookie, "Origin": ORIGIN}


def test_a_token_not_signed_with_the_server_secret_is_refused_without_a_lookup(svc):
    _, token = register_creator(svc, "Ada")
    api = TestClient(create_app(svc))
    store = svc.accounts.store
    assert is_signed_token(token, LOCAL_TOKEN_SECRET)
    assert not is_signed_token(token, "another-secret-xx")
    for forged in _forgeries(token):
        assert api.get("/me", headers=auth(forged)).status_code == 401
    assert store.lookups == 0
    assert api.get("/me", headers=auth(token)).json()["uid"] == "ada"
    assert api.get("/me", headers=auth(token)).json()["auth"] == "token"
    assert store.lookups == 2  # no positive cache: every request asks the store


def test_create_list_revoke_shown_once_stored_as_a_hash(svc):
    api = TestClient(create_app(svc))
    ada = session_of(svc, "ada")
    created = api.post("/me/tokens", json={"name": "my script"}, headers=ada)
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert token.startswith(TOKEN_PREFIX) and created.json()["prefix"] == token[:13]
    (stored,) = svc.accounts.store.tokens.values()
    assert stored.sha256 == hash_token(token) and token not in repr(stored)
    assert api.get("/videos/my-videos", headers=auth(token)).status_code == 200
    listed = api.get("/me/tokens", headers=ada).json()["tokens"]
    assert [(t["name"], t["prefix"]) for t in listed] == [("my script", token[:13])]
    assert "token" not in listed[0] and listed[0]["created_at"] and listed[0]["last_used_at"]
    token_id = listed[0]["token_id"]
    instances = [TestClient(create_app(svc)), TestClient(create_app(svc))]
    for other in instances:
        assert other.get("/me", headers=auth(token)).status_code == 200
    assert api.delete(f"/me/tokens/{token_id}", headers=ada).status_code == 204
    for other in instances:  # revoked: refused at once by every instance
        refused = other.post("/videos", json={"theme": "after"}, headers=auth(token))
        assert refused.status_code == 401 and refused.json()["error"]["field"] == "authorization"
    assert svc.jobs.jobs == {}
    assert api.delete(f"/me/tokens/{token_id}", headers=ada).status_code == 404


def test_a_token_cannot_mint_tokens_or_revoke_or_delete_the_account(svc):
    api = TestClient(create_app(svc))
    _, token = register_creator(svc, "Ada")
    (record,) = svc.accounts.store.tokens.values()
    for method, url, body in (("POST", "/me/tokens", {"name": "more"}),
                              ("DELETE", f"/me/tokens/{record.token_id}", None),
                              ("DELETE", "/me", {"confirm": "delete my account"})):
        refused = api.request(method, url, json=body, headers=auth(token))
        assert refused.status_code == 403, (url, refused.text)
        assert refused.json()["error"]["code"] == "session_required"
    assert len(svc.accounts.store.tokens) == 1 and "ada" in svc.accounts.store.users


def test_token_creation_is_rate_limited_per_creator(svc):
    api = TestClient(create_app(svc))
    ada, bob = session_of(svc, "ada"), session_of(svc, "bob")
    answers = [api.post("/me/tokens", json={"name": f"t{i}"}, headers=ada) for i in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"
    assert int(answers[-1].headers["retry-after"]) > 0
    assert api.post("/me/tokens", json={"name": "b"}, headers=bob).status_code == 201


def test_someone_elses_token_id_is_a_404_and_stays(svc):
    api = TestClient(create_app(svc))
    ada, bob = session_of(svc, "ada"), session_of(svc, "bob")
    token = api.post("/me/tokens", json={"name": "ada's"}, headers=ada).json()
    assert api.delete(f"/me/tokens/{token['token_id']}", headers=bob).status_code == 404
    assert api.get("/me", headers=auth(token["token"])).status_code == 200
