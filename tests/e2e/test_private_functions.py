"""The running stack's function processes check their callers (OIDC_VERIFY=true each)."""

import time
import urllib.error
import urllib.request

import pytest

from devstack import Stack
from devstack.local_oidc import SCHEDULER_SERVICE_ACCOUNT, TASKS_SERVICE_ACCOUNT, sign_id_token
from devstack.scheduler import post_json

pytestmark = pytest.mark.e2e
UNKNOWN = {"video_id": "f" * 32}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_running_functions_refuse_unverified_callers(local_stack: Stack) -> None:
    stack = local_stack
    url = stack.url("script_agent")
    cases = {
        "unsigned": ({}, 401),
        "wrong audience": (bearer(stack.caller_token("video_agent")), 401),
        "wrong service account": (
            bearer(stack.caller_token("script_agent", email=SCHEDULER_SERVICE_ACCOUNT)), 403),
        "tampered": (bearer(stack.caller_token("script_agent")[:-6] + "AAAAAA"), 401),
    }
    for case, (headers, status) in cases.items():
        answer = post_json(url, UNKNOWN, headers=headers)
        assert answer[0] == status, (case, answer)
        assert '"field": "authorization"' in answer[1], case

    expired = sign_id_token(stack.oidc_keys.key_file, audience=url, email=TASKS_SERVICE_ACCOUNT,
                            now=time.time() - 7200)
    assert post_json(url, UNKNOWN, headers=bearer(expired))[0] == 401
    # The legitimate caller gets the real answer: no such job.
    signed = post_json(url, UNKNOWN, headers=bearer(stack.caller_token("script_agent")))
    assert signed[0] == 404 and "unknown_video_id" in signed[1]
    theme = post_json(url, {"theme": "no jobs here"}, headers=bearer(stack.caller_token(
        "script_agent")))
    assert theme[0] == 400 and '"field": "theme"' in theme[1]  # jobs come from the API only


def test_the_running_monitor_answers_its_scheduler_only(local_stack: Stack) -> None:
    url = local_stack.url("monitor")
    assert post_json(url, {}, headers=bearer(local_stack.caller_token("monitor")))[0] == 200
    as_tasks = local_stack.caller_token("monitor", email=TASKS_SERVICE_ACCOUNT)
    refused = post_json(url, {}, headers=bearer(as_tasks))
    assert refused[0] == 403 and "checked" not in refused[1]
    assert post_json(url, {})[0] == 401


def test_the_running_functions_send_no_server_banner(local_stack: Stack) -> None:
    for name in ("script_agent", "video_agent", "assembler", "monitor", "series_dispatcher"):
        request = urllib.request.Request(local_stack.url(name), data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as refused:  # unsigned: 401, with every header
            assert refused.code == 401, name
            assert refused.headers.get("Server") is None, (name, refused.headers.get("Server"))
            assert refused.headers.get("X-Content-Type-Options") == "nosniff", name
        else:
            raise AssertionError(f"{name} answered an unsigned call")
