"""Sign up, verify, sign in, the session cookie, CSRF, sign-out, roles: on the Auth emulator."""

from __future__ import annotations

import os
import time

import pytest

from devstack import Stack
from devstack.admins import set_admin
from devstack.auth_emulator import AuthEmulator
from tests.integration.accounts_client import Browser, app_client, new_user

pytestmark = pytest.mark.integration


@pytest.fixture
def auth(clean_emulators: Stack) -> AuthEmulator:
    return AuthEmulator(clean_emulators.env())


def test_sign_up_verify_sign_in_and_use_the_session_cookie(auth: AuthEmulator) -> None:
    http, _ = app_client()
    signed_in, _ = new_user(auth)
    browser = Browser(http)
    answer = browser.sign_in(signed_in)
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__session=")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/", "Max-Age=432000"):
        assert attribute.lower() in cookie.lower(), cookie
    assert answer.json()["uid"] == signed_in.uid and answer.json()["email_verified"] is True
    me = browser.request("GET", "/me")
    assert me.status_code == 200, me.text
    assert me.json()["uid"] == signed_in.uid and me.json()["auth"] == "session"
    assert me.json()["locale"] == "en" and me.json()["created_at"]
    created = browser.request("POST", "/videos", json={"theme": "octopuses"})
    assert created.status_code == 202, created.text
    job = browser.request("GET", f"/videos/{created.json()['video_id']}")
    assert job.status_code == 200 and job.json()["theme"] == "octopuses"


def test_an_unverified_email_signs_in_but_cannot_create_videos(auth: AuthEmulator) -> None:
    http, _ = app_client()
    signed_in, _ = new_user(auth, verified=False)
    browser = Browser(http)
    assert browser.sign_in(signed_in).status_code == 200
    assert browser.request("GET", "/me").json()["email_verified"] is False
    refused = browser.request("POST", "/videos", json={"theme": "octopuses"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_not_verified"
    assert browser.request("GET", "/videos/my-videos").json()["videos"] == []


def test_csrf_a_cookie_state_change_from_another_origin_is_refused(auth: AuthEmulator) -> None:
    http, _ = app_client()
    signed_in, _ = new_user(auth)
    browser = Browser(http)
    assert browser.sign_in(signed_in).status_code == 200
    for origin in ("https://evil.example", None, "http://testserver.evil.example"):
        browser.origin = origin
        refused = browser.request("POST", "/videos", json={"theme": "forged"})
        assert refused.status_code == 403, (origin, refused.text)
        assert refused.json()["error"]["code"] == "csrf_refused"
        assert browser.request("DELETE", "/session").status_code == 403
        # Reading is no state change: a GET needs no Origin (SameSite=Lax covers navigations).
        assert browser.request("GET", "/me").status_code == 200
    browser.origin = "http://testserver"
    assert browser.request("GET", "/videos/my-videos").json()["videos"] == []
    # Login CSRF: nobody can sign a browser in from another site either.
    browser.origin, browser.cookie = "https://evil.example", None
    assert browser.sign_in(signed_in).status_code == 403


def test_sign_out_clears_the_cookie_and_sign_out_everywhere_revokes(auth: AuthEmulator) -> None:
    http, _ = app_client()
    signed_in, password = new_user(auth)
    laptop, phone = Browser(http), Browser(http)
    assert laptop.sign_in(signed_in).status_code == 200
    assert phone.sign_in(signed_in).status_code == 200
    out = laptop.request("DELETE", "/session")
    assert out.status_code == 204
    assert "__session=" in out.headers["set-cookie"] and "max-age=0" in out.headers[
        "set-cookie"].lower()
    assert phone.request("GET", "/me").status_code == 200
    # Firebase compares whole seconds: a session from this very second would outlive the revoke.
    time.sleep(1.1)
    everywhere = phone.request("POST", "/session/sign-out-everywhere")
    assert everywhere.status_code == 204, everywhere.text
    laptop.cookie = phone.cookie  # as if the laptop still had a copy of a live cookie
    for browser in (phone, laptop):
        refused = browser.request("GET", "/me")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    # The old ID token is revoked too; a new sign-in works.
    assert Browser(http).sign_in(signed_in).status_code == 401
    time.sleep(1.1)
    again = auth.sign_in(signed_in.email, password)
    assert Browser(http).sign_in(again).status_code == 200


def test_tampered_cookies_and_tokens_are_refused(auth: AuthEmulator) -> None:
    http, _ = app_client()
    browser = Browser(http, cookie="not-a-jwt")
    assert browser.request("GET", "/me").status_code == 401
    assert Browser(http).request("POST", "/session", json={"id_token": "x.y.z"}).status_code == 401
    assert http.get("/me", headers={"Authorization": "Bearer svt1_nope"}).status_code == 401
    assert http.get("/me").status_code == 401


def test_admin_route_is_refused_to_creators_and_served_to_admins(auth: AuthEmulator) -> None:
    http, _ = app_client()
    signed_in, password = new_user(auth)
    browser = Browser(http)
    assert browser.sign_in(signed_in).status_code == 200
    refused = browser.request("GET", "/admin/users")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert browser.request("POST", "/videos", json={"theme": "owls"}).status_code == 202
    env = {**os.environ}
    set_admin(env, signed_in.email, True)
    # The claim reaches the next sign-in.
    admin = Browser(http)
    assert admin.sign_in(auth.sign_in(signed_in.email, password)).status_code == 200
    assert admin.request("GET", "/me").json()["roles"] == ["admin"]
    listed = admin.request("GET", "/admin/users")
    assert listed.status_code == 200, listed.text
    assert [u["uid"] for u in listed.json()["users"]] == [signed_in.uid]
    assert listed.json()["users"][0]["roles"] == ["admin"]
    # What the admin page shows and acts on: the balance and the number of videos.
    assert listed.json()["users"][0]["credits"] == 0 and listed.json()["users"][0]["videos"] == 1
    grant = {"creator_id": signed_in.uid, "credits": 3, "reason": "support ticket 12"}
    assert admin.request("POST", "/billing/admin/credits", json=grant).status_code == 200
    row = admin.request("GET", "/admin/users").json()["users"][0]
    assert (row["credits"], row["videos"]) == (3, 1)
    # Revoked: the admin's sessions end at once.
    time.sleep(1.1)
    set_admin(env, signed_in.email, False)
    assert admin.request("GET", "/admin/users").status_code == 401
