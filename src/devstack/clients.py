"""Real Google Cloud clients pointed at the local emulators named in a stack environment."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import google.cloud.storage as storage  # untyped: "from google.cloud import storage" upsets mypy
import grpc
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore, tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

_ENVIRON_LOCK = threading.Lock()


@contextmanager
def environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set variables while a client reads them in its constructor, then put things back."""
    with _ENVIRON_LOCK:
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, old in saved.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old


def firestore_client(env: Mapping[str, str]) -> firestore.Client:
    with environ({"FIRESTORE_EMULATOR_HOST": env["FIRESTORE_EMULATOR_HOST"]}):
        return firestore.Client(project=env["GOOGLE_CLOUD_PROJECT"])


def storage_client(env: Mapping[str, str]) -> storage.Client:
    with environ({"STORAGE_EMULATOR_HOST": env["STORAGE_EMULATOR_HOST"]}):
        return storage.Client(
            project=env["GOOGLE_CLOUD_PROJECT"],
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": env["STORAGE_EMULATOR_HOST"]},
        )


def tasks_client(env: Mapping[str, str]) -> tasks_v2.CloudTasksClient:
    channel = grpc.insecure_channel(env["CLOUD_TASKS_EMULATOR_HOST"])
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


def split_gs_uri(uri: str) -> tuple[str, str]:
    """gs://bucket/some/object -> ("bucket", "some/object")."""
    if not uri.startswith("gs://") or "/" not in uri[5:]:
        raise ValueError(f"not a gs:// object URI: {uri!r}")
    bucket, name = uri[5:].split("/", 1)
    return bucket, name
