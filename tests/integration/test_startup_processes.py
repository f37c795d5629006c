"""Each service really started with ENVIRONMENT=prod and one bad setting: it exits non-zero and
names the variable. functions-framework for the four functions, uvicorn for the creator API."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.unit.test_startup import PROD

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _command(service: str, port: int) -> list[str]:
    if service == "api":
        return [str(BIN / "python"), "-m", "uvicorn", "--factory", "shortvideo.api.main:build",
                "--host", "127.0.0.1", "--port", str(port)]
    return [str(BIN / "functions-framework"), "--target", "handle", "--source",
            str(ROOT / "functions" / service / "main.py"), "--host", "127.0.0.1",
            "--port", str(port)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(change: dict[str, str | None]) -> dict[str, str]:
    # Nothing from this process (the test stack's emulators) leaks into the service.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **PROD}
    return {k: v for k, v in {**base, **change}.items() if v is not None}


CASES = [
    ("script_agent", {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, "FIRESTORE_EMULATOR_HOST"),
    ("script_agent", {"VERTEX_PROJECT": None}, "VERTEX_PROJECT"),
    ("script_agent", {"OIDC_VERIFY": "false"}, "OIDC_VERIFY"),
    ("video_agent", {"STORAGE_EMULATOR_HOST": "http://127.0.0.1:9023"}, "STORAGE_EMULATOR_HOST"),
    ("video_agent", {"VIDEO_AGENT_URL": "http://127.0.0.1:8082/"}, "VIDEO_AGENT_URL"),
    ("video_agent", {"DEMO_VIDEO_MODE": "instant"}, "DEMO_VIDEO_MODE"),
    ("video_agent", {"OIDC_SIGNING_KEY_FILE": "/tmp/key.pem"}, "OIDC_SIGNING_KEY_FILE"),
    ("assembler", {"VERTEX_API_BASE_URL": "http://127.0.0.1:7000"}, "VERTEX_API_BASE_URL"),
    ("assembler", {"WHISPER_ENGINE": "instant", "DEMO_VIDEO_MODE": "instant"}, "WHISPER_ENGINE"),
    ("assembler", {"PIPELINE_BUCKET": "shortvideo-local"}, "PIPELINE_BUCKET"),
    ("assembler", {"OIDC_AUDIENCE": None}, "OIDC_AUDIENCE"),
    ("monitor", {"CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:8123"}, "CLOUD_TASKS_EMULATOR_HOST"),
    ("monitor", {"OIDC_ALLOWED_SERVICE_ACCOUNTS": None}, "OIDC_ALLOWED_SERVICE_ACCOUNTS"),
    ("monitor", {"TASKS_SERVICE_ACCOUNT": None}, "TASKS_SERVICE_ACCOUNT"),
    ("monitor", {"ENVIRONMENT": "production"}, "ENVIRONMENT"),
    ("series_dispatcher", {"VERTEX_PROJECT": None}, "VERTEX_PROJECT"),
    ("series_dispatcher", {"OIDC_VERIFY": "false"}, "OIDC_VERIFY"),
    ("api", {"API_TOKEN_SECRET": None}, "API_TOKEN_SECRET"),
    ("api", {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}, "FIREBASE_AUTH_EMULATOR_HOST"),
    ("api", {"STRIPE_API_BASE": "http://127.0.0.1:12111"}, "STRIPE_API_BASE"),
    ("api", {"OIDC_CERTS_FILE": "/tmp/certs.json"}, "OIDC_CERTS_FILE"),
    ("api", {"PIPELINE_PROVIDER": "demo"}, "PIPELINE_PROVIDER"),
    ("api", {"GOOGLE_CLOUD_PROJECT": "demo-shortvideo"}, "GOOGLE_CLOUD_PROJECT"),
    ("api", {"SCRIPT_AGENT_URL": None}, "SCRIPT_AGENT_URL"),
]


@pytest.mark.parametrize(("service", "change", "variable"), CASES,
                         ids=[f"{s}-{v}" for s, _, v in CASES])
def test_service_refuses_to_start_naming_the_variable(service, change, variable):
    done = subprocess.run(_command(service, _free_port()), env=_environment(change), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert f"{service} refuses to start" in output
    assert f"  {variable}: " in output, output[-2000:]


def test_a_configured_function_starts_and_refuses_unsigned_callers():
    port = _free_port()
    proc = subprocess.Popen(_command("script_agent", port), env=_environment({}), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status is None:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b"{}",
                                             method="POST")
            try:
                urllib.request.urlopen(request, timeout=2)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                time.sleep(0.3)
        assert status == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
