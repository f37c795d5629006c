"""The local emulators are real services: the real Google clients talk to them."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import google.cloud.storage as storage  # untyped: "from google.cloud import storage" upsets mypy
import pytest
from google.cloud import firestore, tasks_v2
from google.protobuf import timestamp_pb2

from devstack import MUSIC_EXTENSION, QUEUE_NAMES, Stack
from devstack.clients import tasks_client
from devstack.local_oidc import (
    SCHEDULER_SERVICE_ACCOUNT,
    TASKS_SERVICE_ACCOUNT,
    sign_id_token,
    task_signer,
)
from devstack.scheduler import MonitorScheduler
from shortvideo.adapters.cloud_tasks import CloudTasksQueue
from shortvideo.oidc import authorize_call
from shortvideo.settings import settings_from

pytestmark = pytest.mark.integration


def _ffprobe(data: bytes, tmp_path: Path, suffix: str) -> dict[str, object]:
    path = tmp_path / f"probe{suffix}"
    path.write_bytes(data)
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=width,height",
         "-of", "json", str(path)], capture_output=True, text=True, check=True,
    ).stdout
    probed: dict[str, object] = json.loads(out)
    return probed


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[tuple[str, dict[str, str], bytes]]]]:
    """A tiny HTTP server on loopback; each POST lands in the queue as (path, headers, body).

    Header names are lower-cased (urllib in the emulator sends them as X-Cloudtasks-Taskname).
    """
    received: queue.Queue[tuple[str, dict[str, str], bytes]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.put((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_environment_points_at_loopback(emulators: Stack) -> None:
    env = emulators.env()
    assert os.environ["FIRESTORE_EMULATOR_HOST"] == env["FIRESTORE_EMULATOR_HOST"]
    assert env["FIRESTORE_EMULATOR_HOST"].startswith("127.0.0.1:")
    assert env["STORAGE_EMULATOR_HOST"].startswith("http://127.0.0.1:")
    assert env["CLOUD_TASKS_EMULATOR_HOST"].startswith("127.0.0.1:")
    assert env["PIPELINE_BUCKET"] == "shortvideo-local"
    assert env["SCRIPT_AGENT_URL"] == emulators.url("script_agent")
    assert emulators.dead() == []


def test_firestore_document_round_trip(clean_emulators: Stack) -> None:
    db = firestore.Client()
    ref = db.collection("video_status").document("roundtrip")
    ref.set({"status": "queued", "completed_blocks": 0, "created_at": firestore.SERVER_TIMESTAMP})
    ref.update({"completed_blocks": firestore.Increment(2)})
    doc = ref.get().to_dict()
    assert doc is not None
    assert doc["status"] == "queued" and doc["completed_blocks"] == 2
    assert isinstance(doc["created_at"], datetime)


def test_storage_object_round_trip(clean_emulators: Stack) -> None:
    bucket = storage.Client().bucket(os.environ["PIPELINE_BUCKET"])
    payload = os.urandom(300_000)
    bucket.blob("scripts/roundtrip.bin").upload_from_string(payload)
    assert bucket.blob("scripts/roundtrip.bin").download_as_bytes() == payload
    assert "scripts/roundtrip.bin" in [b.name for b in bucket.list_blobs(prefix="scripts/")]


def test_the_three_stage_queues_exist(emulators: Stack) -> None:
    client = tasks_client(emulators.env())
    parent = emulators.queue_path("x").rsplit("/queues/", 1)[0]
    names = {q.name for q in client.list_queues(parent=parent)}
    assert names >= {emulators.queue_path(q) for q in QUEUE_NAMES}


def _http_task(url: str, name: str, body: bytes) -> tasks_v2.Task:
    return tasks_v2.Task(
        name=name,
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST, url=url, body=body,
            headers={"Content-Type": "application/json"},
        ),
    )


def test_cloud_task_is_dispatched_over_http(emulators: Stack, receiver: tuple[
    str, queue.Queue[tuple[str, dict[str, str], bytes]]
]) -> None:
    url, received = receiver
    queue_path = emulators.queue_path("script-agent")
    task_id = f"doorbell-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"video_id": "v-test"}).encode()
    tasks_client(emulators.env()).create_task(
        parent=queue_path, task=_http_task(f"{url}/ring", f"{queue_path}/tasks/{task_id}", body)
    )
    path, headers, got = received.get(timeout=10)
    assert path == "/ring" and got == body
    assert headers["x-cloudtasks-taskname"] == task_id
    assert headers["x-cloudtasks-queuename"] == queue_path


def test_a_local_doorbell_carries_a_signed_token_through_the_emulator(
    emulators: Stack, receiver: tuple[str, queue.Queue[tuple[str, dict[str, str], bytes]]]
) -> None:
    """The emulator ignores oidc_token but passes headers: the local signer's token arrives
    and verifies as the function would verify it (audience = its URL, the tasks identity)."""
    url, received = receiver
    env = {**emulators.env(), "SCRIPT_AGENT_URL": f"{url}/script"}
    settings = settings_from(env)
    doorbells = CloudTasksQueue(tasks_client(env), settings, task_signer(settings))
    doorbells.ring("script", f"v-{uuid.uuid4().hex[:8]}", task_key="a1")
    path, headers, body = received.get(timeout=20)
    assert path == "/script" and json.loads(body)["video_id"].startswith("v-")
    check = settings_from({**env, "OIDC_VERIFY": "true", "OIDC_AUDIENCE": f"{url}/script",
                           "OIDC_ALLOWED_SERVICE_ACCOUNTS": TASKS_SERVICE_ACCOUNT})
    assert authorize_call(headers["authorization"], check) == TASKS_SERVICE_ACCOUNT


def test_the_scheduler_calls_the_monitor_as_its_own_identity(
    emulators: Stack, receiver: tuple[str, queue.Queue[tuple[str, dict[str, str], bytes]]],
    tmp_path: Path,
) -> None:
    url, received = receiver
    token = sign_id_token(emulators.oidc_keys.key_file, audience=url,
                          email=SCHEDULER_SERVICE_ACCOUNT)
    MonitorScheduler(url, 60, tmp_path / "scheduler.log",
                     authorization=lambda: f"Bearer {token}").tick()
    _, headers, body = received.get(timeout=10)
    assert headers["authorization"] == f"Bearer {token}" and json.loads(body) == {}


def test_cloud_task_waits_for_its_schedule_time(emulators: Stack, receiver: tuple[
    str, queue.Queue[tuple[str, dict[str, str], bytes]]
]) -> None:
    url, received = receiver
    queue_path = emulators.queue_path("video-agent")
    task = _http_task(url, f"{queue_path}/tasks/later-{uuid.uuid4().hex[:8]}", b"{}")
    eta = timestamp_pb2.Timestamp()
    eta.FromDatetime(datetime.now(UTC) + timedelta(seconds=2))
    task.schedule_time = eta
    tasks_client(emulators.env()).create_task(parent=queue_path, task=task)
    with pytest.raises(queue.Empty):
        received.get(timeout=1.2)
    received.get(timeout=8)


def test_seed_music_and_character(clean_emulators: Stack, tmp_path: Path) -> None:
    bucket = storage.Client().bucket(os.environ["PIPELINE_BUCKET"])
    for track in ("calm", "upbeat", "lofi", "ambient", "epic"):
        data = bucket.blob(f"music/{track}.{MUSIC_EXTENSION}").download_as_bytes()
        probed = _ffprobe(data, tmp_path, f".{MUSIC_EXTENSION}")
        assert float(probed["format"]["duration"]) >= 4  # type: ignore[index]
    character = firestore.Client().collection("characters").document("nova").get().to_dict()
    assert character == {
        "character_id": "nova", "name": "Nova",
        "description": "a curious silver-haired explorer in a teal jacket",
        "reference_image_uri": "gs://shortvideo-local/characters/nova.png",
        "image_object": "characters/nova.png", "created_by": "local-demo", "shared": True,
        "style": "cinematic",
    }
    png = bucket.blob("characters/nova.png").download_as_bytes()
    assert png.startswith(b"\x89PNG")
    stream = _ffprobe(png, tmp_path, ".png")["streams"][0]  # type: ignore[index]
    assert (stream["width"], stream["height"]) == (720, 1280)


def test_wipe_deletes_everything_then_seeds_again(emulators: Stack) -> None:
    db, bucket = firestore.Client(), storage.Client().bucket(os.environ["PIPELINE_BUCKET"])
    db.collection("video_status").document("doomed").set({"status": "failed"})
    bucket.blob("final/doomed.mp4").upload_from_string(b"not really a video")
    emulators.wipe()
    assert not db.collection("video_status").document("doomed").get().exists
    assert list(db.collection("video_status").stream()) == []
    names = {b.name for b in bucket.list_blobs()}
    assert names == {"characters/nova.png"} | {
        f"music/{n}.{MUSIC_EXTENSION}" for n in ("calm", "upbeat", "lofi", "ambient", "epic")}
    assert db.collection("characters").document("nova").get().exists
