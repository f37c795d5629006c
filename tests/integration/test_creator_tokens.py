"""Tokens on the Firestore emulator: what a rejected token costs, tombstones, the CLI."""

from __future__ import annotations

import pytest
from google.cloud import firestore

from devstack import Stack
from devstack.creators import add_creator, delete_creator, main
from shortvideo import metering
from shortvideo.adapters.firestore_creators import FirestoreCreatorStore
from shortvideo.api.auth import TokenAuthenticator
from shortvideo.creators import TOKEN_PREFIX, new_token
from shortvideo.errors import CreatorExists, Unauthorized
from shortvideo.settings import settings_from

pytestmark = pytest.mark.integration


def test_a_rejected_token_costs_no_read_and_a_deleted_creator_none_at_all(
    clean_emulators: Stack,
) -> None:
    env = clean_emulators.env()
    _, token = add_creator(env, "Ada")
    secret = settings_from(env).api_token_secret
    authenticator = TokenAuthenticator(FirestoreCreatorStore(firestore.Client()), secret)
    forged = [
        "svt_" + "x" * 43,
        TOKEN_PREFIX + "A" * 86,
        new_token("not-the-server-secret"),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    ]
    with metering.meter() as usage:
        for candidate in forged:
            with pytest.raises(Unauthorized):
                authenticator.creator_for(f"Bearer {candidate}")
    assert usage.reads == 0
    with metering.meter() as usage:
        assert authenticator.creator_for(f"Bearer {token}").creator_id == "ada"
    assert usage.reads == 1

    assert delete_creator(env, "ada")
    with pytest.raises(Unauthorized):
        authenticator.creator_for(f"Bearer {token}")
    tombstone = firestore.Client().collection("creators").document("ada").get().to_dict() or {}
    assert "token_sha256" not in tombstone and tombstone["deleted_at"] is not None
    with pytest.raises(CreatorExists):  # the id is never given to someone else
        add_creator(env, "Ada")
    assert not delete_creator(env, "nobody")


def test_the_cli_deletes_a_creator(clean_emulators: Stack, monkeypatch, capsys) -> None:
    env = clean_emulators.env()
    add_creator(env, "Bob")
    assert main(["delete", "bob"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert main(["delete", "bob"]) == 2  # already a tombstone
    assert main(["add", "Bob"]) == 2
