"""firestore.rules on the Firestore emulator (started with --rules): every client is refused.

The Python server client bypasses security rules (it authenticates as the emulator's owner),
so a test written with it could never fail. These requests go through the emulator's REST API
as Firebase-authenticated users, with unsigned emulator ID tokens (as the Firebase SDKs send
to an emulator), and as nobody. The owner's writes seed the documents, so a refusal below is
the rules' answer, not a missing document.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.infra.model import RULES_FILE

pytestmark = pytest.mark.integration

PROJECT = "demo-rules-check"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def documents_url() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
           "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1"}
    env.pop("FIRESTORE_EMULATOR_HOST", None)
    process = subprocess.Popen(
        ["gcloud", "emulators", "firestore", "start", f"--host-port=127.0.0.1:{port}",
         f"--rules={RULES_FILE}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, "the Firestore emulator exited"
            assert time.monotonic() < deadline, "the Firestore emulator did not start in 90 s"
            time.sleep(0.5)
        yield f"{base}/v1/projects/{PROJECT}/databases/(default)/documents"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def id_token(uid: str) -> str:
    """An unsigned Firebase ID token, which the emulator accepts in place of a signed one."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}", "aud": PROJECT, "sub": uid,
        "user_id": uid, "iat": now, "auth_time": now, "exp": now + 3600,
        "email": f"{uid}@example.com", "email_verified": True,
        "firebase": {"sign_in_provider": "password", "identities": {}},
    }
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def headers(who: str | None) -> dict[str, str]:
    if who is None:
        return {}
    # "owner" is the emulator's admin credential, what server SDKs use: rules do not apply.
    return {"Authorization": f"Bearer {who if who == 'owner' else id_token(who)}"}


def fields(**values: str) -> dict[str, Any]:
    return {"fields": {k: {"stringValue": v} for k, v in values.items()}}


@pytest.fixture(scope="module")
def seeded(documents_url: str) -> str:
    for path, body in (
        ("video_status/v-alice", fields(created_by="alice", status="completed")),
        ("users/alice", fields(display_name="Alice")),
        ("creators/alice", fields(token_sha256="ab" * 32)),
    ):
        answer = requests.patch(f"{documents_url}/{path}", json=body, headers=headers("owner"),
                                timeout=10)
        assert answer.status_code == 200, answer.text
    return documents_url


def test_the_server_identity_reads_what_it_wrote(seeded: str) -> None:
    answer = requests.get(f"{seeded}/video_status/v-alice", headers=headers("owner"), timeout=10)
    assert answer.status_code == 200
    assert answer.json()["fields"]["created_by"]["stringValue"] == "alice"


def denied(answer: requests.Response) -> bool:
    return answer.status_code == 403 and answer.json()["error"]["status"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("who", [None, "alice", "mallory"])
@pytest.mark.parametrize("path", ["video_status/v-alice", "users/alice", "creators/alice"])
def test_no_client_reads_a_document_not_even_its_own(seeded: str, who: str | None,
                                                     path: str) -> None:
    assert denied(requests.get(f"{seeded}/{path}", headers=headers(who), timeout=10))


@pytest.mark.parametrize("who", [None, "alice"])
def test_no_client_writes_updates_or_deletes(seeded: str, who: str | None) -> None:
    own = headers(who)
    assert denied(requests.post(f"{seeded}/video_status?documentId=v-new",
                                json=fields(created_by="alice"), headers=own, timeout=10))
    assert denied(requests.patch(f"{seeded}/users/alice", json=fields(display_name="Eve"),
                                 headers=own, timeout=10))
    assert denied(requests.delete(f"{seeded}/video_status/v-alice", headers=own, timeout=10))


def test_no_client_lists_even_its_own_jobs(seeded: str) -> None:
    query = {"structuredQuery": {
        "from": [{"collectionId": "video_status"}],
        "where": {"fieldFilter": {"field": {"fieldPath": "created_by"}, "op": "EQUAL",
                                  "value": {"stringValue": "alice"}}},
    }}
    answer = requests.post(f"{seeded}:runQuery", json=query, headers=headers("alice"), timeout=10)
    body = answer.json()
    error = body[0]["error"] if isinstance(body, list) else body["error"]
    assert answer.status_code == 403 and error["status"] == "PERMISSION_DENIED"
