"""Tokens: signed by the server, refused before any read when not, revoked at once when deleted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from shortvideo.api import create_app
from shortvideo.api.auth import TokenAuthenticator
from shortvideo.creators import TOKEN_PREFIX, is_signed_token, new_token, register_creator
from shortvideo.errors import CreatorExists, Unauthorized
from shortvideo.settings import LOCAL_TOKEN_SECRET
from tests.fakes import MemoryCreatorStore, ScriptedVideoModel, memory_services

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
SECRET = LOCAL_TOKEN_SECRET


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


def test_a_token_not_signed_with_the_server_secret_is_refused_without_a_lookup():
    store = MemoryCreatorStore()
    _, token = register_creator(store, "Ada", NOW, token_secret=SECRET)
    authenticator = TokenAuthenticator(store, SECRET)
    assert is_signed_token(token, SECRET) and not is_signed_token(token, "another-secret-xx")
    for forged in _forgeries(token):
        with pytest.raises(Unauthorized):
            authenticator.creator_for(f"Bearer {forged}")
    assert store.lookups == 0
    assert authenticator.creator_for(f"Bearer {token}").creator_id == "ada"
    assert authenticator.creator_for(f"Bearer {token}").creator_id == "ada"
    assert store.lookups == 2  # no positive cache: every request asks the store


@pytest.fixture
def svc(tmp_path):
    services = memory_services(tmp_path)
    services._lazy["video"] = ScriptedVideoModel(services.blobs)
    return services


def test_a_deleted_creator_is_refused_at_once_by_every_instance(svc):
    _, token = register_creator(svc.creators, "Ada", NOW, token_secret=SECRET)
    instances = [TestClient(create_app(svc)), TestClient(create_app(svc))]
    for api in instances:  # both have served the token
        assert api.get("/videos/my-videos", headers=auth(token)).status_code == 200
    assert svc.creators.delete_creator("ada", NOW)
    for api in instances:
        refused = api.post("/videos", json={"theme": "after"}, headers=auth(token))
        assert refused.status_code == 401
        assert refused.json()["error"]["field"] == "authorization"
    assert svc.jobs.jobs == {}


def test_a_deleted_creators_id_is_never_given_again(svc):
    _, old = register_creator(svc.creators, "Ada", NOW, token_secret=SECRET)
    api = TestClient(create_app(svc))
    assert api.post("/videos", json={"theme": "mine"}, headers=auth(old)).status_code == 202
    svc.creators.delete_creator("ada", NOW)
    with pytest.raises(CreatorExists):
        register_creator(svc.creators, "Ada", NOW, token_secret=SECRET)
    _, new = register_creator(svc.creators, "Ada", NOW, creator_id="ada-2", token_secret=SECRET)
    assert api.get("/videos/my-videos", headers=auth(new)).json()["videos"] == []
