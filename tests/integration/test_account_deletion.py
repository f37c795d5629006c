"""DELETE /me removes every object of the creator (Firestore, GCS, Firebase Auth) and nothing of
another creator; GET /me/export gives the creator's data first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from firebase_admin import auth as firebase_auth
from google.cloud import firestore

from devstack import Stack
from devstack.auth_emulator import AuthEmulator
from devstack.clients import storage_client
from shortvideo.accounts.registry import OWNED_COLLECTIONS, rate_limit_keys
from shortvideo.stages.assemble_stage import output_objects
from shortvideo.stages.narration import line_object
from shortvideo.stages.script_stage import script_object
from shortvideo.stages.video_segments import frame_object, tail_object
from tests.integration.accounts_client import Browser, app_client, new_user

pytestmark = pytest.mark.integration


def written_by_a_job(video_id: str) -> list[str]:
    """The objects a finished job has, by the stages' own naming functions."""
    return [script_object(video_id), frame_object(video_id, 1), tail_object(video_id, 1),
            line_object(video_id, "Rasalgethi", 0), *output_objects(video_id).values()]


def creator_with_a_job(http, auth: AuthEmulator, bucket) -> tuple[Browser, str, str]:  # type: ignore[no-untyped-def]
    signed_in, _ = new_user(auth)
    browser = Browser(http)
    assert browser.sign_in(signed_in).status_code == 200
    token = browser.request("POST", "/me/tokens", json={"name": "script"}).json()["token"]
    created = browser.request("POST", "/videos", json={"theme": "octopuses"},
                              headers={"Idempotency-Key": "first-octopus"})
    assert created.status_code == 202, created.text
    video_id = created.json()["video_id"]
    schedule = browser.request("POST", "/schedules", json={
        "name": "daily", "cron": "0 9 * * *", "time_zone": "UTC", "themes": ["octopus"]})
    assert schedule.status_code == 201, schedule.text
    character = browser.request("POST", "/characters", json={
        "name": "Ana", "description": "a diver with a yellow mask", "style": "anime"})
    assert character.status_code == 201, character.text
    for name in written_by_a_job(video_id):
        bucket.blob(name).upload_from_string(b"media")
    # A bought pack, as the webhook records it (billing is off in the session stack).
    db = firestore.Client()
    db.collection("billing_accounts").document(signed_in.uid).set(
        {"creator_id": signed_in.uid, "credits": 5})
    db.collection("billing_ledger").add({"creator_id": signed_in.uid, "reason": "pack",
                                         "credits": 5, "balance_after": 5})
    return browser, signed_in.uid, token


def reserved(db: firestore.Client, month: str) -> float:
    doc = db.collection("budgets").document(month).get().to_dict() or {}
    return float(doc.get("reserved_usd", 0.0))


def character_images(db: firestore.Client, uid: str) -> list[str]:
    """The image objects of the creator's characters; kept across the deletion (see below)."""
    if uid not in _IMAGES:
        _IMAGES[uid] = [str((d.to_dict() or {}).get("image_object")) for d in db.collection(
            "characters").where(filter=firestore.FieldFilter("created_by", "==", uid)).stream()]
    return _IMAGES[uid]


# Names recorded while the character documents exist, so that after the deletion the test still
# looks for the objects (a deletion that dropped the documents only would leave them).
_IMAGES: dict[str, list[str]] = {}


def everything_of(db: firestore.Client, bucket, uid: str, video_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found = {entry.collection: len(list(db.collection(entry.collection).where(
        filter=firestore.FieldFilter(entry.owner_field, "==", uid)).stream()))
        for entry in OWNED_COLLECTIONS}
    found["users"] = int(db.collection("users").document(uid).get().exists)
    found["rate_limits"] = sum(db.collection("rate_limits").document(k).get().exists
                               for k in rate_limit_keys(uid))
    found["media"] = sum(1 for name in written_by_a_job(video_id)
                         if bucket.blob(name).exists())
    found["character_images"] = sum(1 for name in character_images(db, uid)
                                    if bucket.blob(name).exists())
    return found


def test_export_then_delete_removes_everything_of_one_creator_only(clean_emulators: Stack) -> None:
    env = clean_emulators.env()
    auth = AuthEmulator(env)
    http, _ = app_client()
    bucket = storage_client(env).bucket(env["PIPELINE_BUCKET"])
    db = firestore.Client()
    ada, ada_uid, ada_token = creator_with_a_job(http, auth, bucket)
    bob, bob_uid, bob_token = creator_with_a_job(http, auth, bucket)
    ada_video = ada.request("GET", "/videos/my-videos").json()["videos"][0]["video_id"]
    bob_video = bob.request("GET", "/videos/my-videos").json()["videos"][0]["video_id"]
    # No slot has come due yet: series_slots stays 0 for both (checked, not assumed).
    full = {"video_status": 1, "api_tokens": 1, "series_schedules": 1, "series_slots": 0,
            "characters": 1, "idempotency_keys": 1, "billing_accounts": 1, "billing_ledger": 1,
            "users": 1, "rate_limits": 3, "media": len(written_by_a_job(ada_video)),
            "character_images": 1}
    assert everything_of(db, bucket, ada_uid, ada_video) == full

    export = ada.request("GET", "/me/export")
    assert export.status_code == 200, export.text
    data = export.json()
    assert data["user"]["uid"] == ada_uid
    assert [j["video_id"] for j in data["collections"]["video_status"]] == [ada_video]
    (token_doc,) = data["collections"]["api_tokens"]
    assert "sha256" not in token_doc and token_doc["name"] == "script"
    assert sorted(m["name"] for m in data["media"]) == sorted(written_by_a_job(ada_video))
    assert [d["name"] for d in data["collections"]["series_schedules"]] == ["daily"]
    assert bob_video not in export.text and bob_uid not in export.text

    unconfirmed = ada.request("DELETE", "/me", json={"confirm": "yes"})
    assert unconfirmed.status_code == 422 and unconfirmed.json()["error"]["field"] == "confirm"
    assert everything_of(db, bucket, ada_uid, ada_video) == full
    month = f"{datetime.now(UTC):%Y-%m}"
    reserved_before = reserved(db, month)
    estimate = ada.request("GET", f"/videos/{ada_video}").json()["cost"]["estimated_usd"]
    deleted = ada.request("DELETE", "/me", json={"confirm": "delete my account"})
    assert deleted.status_code == 200, deleted.text
    assert "max-age=0" in deleted.headers["set-cookie"].lower()
    assert everything_of(db, bucket, ada_uid, ada_video) == {k: 0 for k in full}
    # Ada's queued job was cancelled first: its reserved estimate went back to the budget.
    assert reserved(db, month) == pytest.approx(reserved_before - estimate)
    with auth.admin() as firebase, pytest.raises(firebase_auth.UserNotFoundError):
        firebase_auth.get_user(ada_uid, app=firebase.app)
    assert http.get("/me", headers={"Authorization": f"Bearer {ada_token}"}).status_code == 401
    assert ada.request("GET", "/me").status_code == 401
    # Nothing of bob's went.
    assert everything_of(db, bucket, bob_uid, bob_video) == full
    assert http.get("/videos/my-videos", headers={"Authorization": f"Bearer {bob_token}"}).json(
        )["videos"][0]["video_id"] == bob_video
