"""An admin grants or removes credits with a reason: a ledger row naming the admin (0017)."""

from __future__ import annotations

import os

import pytest
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack import Stack
from devstack.admins import set_admin
from devstack.auth_emulator import AuthEmulator
from tests.integration.accounts_client import Browser, app_client, new_user
from tests.integration.studio_helpers import token_of

pytestmark = pytest.mark.integration


def test_an_admin_adjusts_credits_with_a_reason_and_a_creator_cannot(
    clean_emulators: Stack,
) -> None:
    http, svc = app_client()
    ada = token_of(svc, "ada")
    auth = AuthEmulator(dict(os.environ))
    signed_in, password = new_user(auth)
    set_admin(dict(os.environ), signed_in.email, True)
    admin = Browser(http)
    assert admin.sign_in(auth.sign_in(signed_in.email, password)).status_code == 200

    def adjust(body: dict[str, object]):  # type: ignore[no-untyped-def]
        return admin.request("POST", "/billing/admin/credits", json=body)

    granted = adjust({"creator_id": "ada", "credits": 3, "reason": "make-good for a bug"})
    assert granted.status_code == 200, granted.text
    assert granted.json() == {"creator_id": "ada", "applied": 3, "credits": 3}
    removed = adjust({"creator_id": "ada", "credits": -5, "reason": "chargeback"})
    assert removed.json() == {"creator_id": "ada", "applied": -3, "credits": 0}  # never below 0
    for body, field in [({"creator_id": "ada", "credits": 0, "reason": "none"}, "credits"),
                        ({"creator_id": "ada", "credits": 2}, "reason"),
                        ({"credits": 2, "reason": "who?"}, "creator_id"),
                        ({"creator_id": "ada", "credits": True, "reason": "bool"}, "credits")]:
        refused = adjust(body)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field
    by_creator = http.post("/billing/admin/credits", headers=ada,
                           json={"creator_id": "ada", "credits": 50, "reason": "self"})
    assert by_creator.status_code == 403
    rows = firestore.Client().collection("billing_ledger").where(
        filter=FieldFilter("creator_id", "==", "ada")).stream()
    ledger = sorted((r.to_dict() for r in rows), key=lambda r: r["at"])
    assert [(r["reason"], r["delta"], r["balance_after"], r["note"]) for r in ledger] == [
        ("admin_grant", 3, 3, "make-good for a bug"), ("admin_remove", -3, 0, "chargeback")]
    assert {r["admin_id"] for r in ledger} == {signed_in.uid}
    assert ledger[1]["wanted"] == "-5"
    history = http.get("/billing/history", headers=ada).json()["entries"]
    assert [e["reason"] for e in history] == ["admin_remove", "admin_grant"]
