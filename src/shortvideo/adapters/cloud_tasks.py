"""TaskQueue on Cloud Tasks: named HTTP tasks carrying {video_id}, one queue per stage."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from google.api_core import exceptions as gexc
from google.cloud import tasks_v2
from google.protobuf import duration_pb2, timestamp_pb2

from shortvideo import metering
from shortvideo.settings import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Signs an ID token for (audience, lifetime seconds): the local stack's stand-in for oidc_token.
TokenSigner = Callable[[str, float], str]
TOKEN_LIFETIME_SECONDS = 3600.0


def task_id(video_id: str, stage: str, task_key: str) -> str:
    """Task names allow [A-Za-z0-9_-] up to 500 chars; the same key gives the same name."""
    return _UNSAFE.sub("-", f"{video_id}-{stage}-{task_key}")[:500]


def build_client(settings: Settings) -> tasks_v2.CloudTasksClient:
    if settings.tasks_emulator_host:
        import grpc
        from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

        channel = grpc.insecure_channel(settings.tasks_emulator_host)
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()


class CloudTasksQueue:
    def __init__(
        self,
        client: tasks_v2.CloudTasksClient,
        settings: Settings,
        local_signer: TokenSigner | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._local_signer = local_signer
        self._targets = {
            "script": (settings.script_queue, settings.script_agent_url),
            "video": (settings.video_queue, settings.video_agent_url),
            "assemble": (settings.assemble_queue, settings.assembler_url),
        }

    def ring(self, stage: str, video_id: str, *, task_key: str, delay_seconds: float = 0) -> None:
        queue_name, url = self._targets[stage]
        parent = self._client.queue_path(
            self._settings.project, self._settings.tasks_location, queue_name
        )
        headers = {"Content-Type": "application/json"}
        if self._local_signer is not None:
            # The emulator ignores oidc_token and passes headers through; the token is signed
            # now, not at dispatch, so it must outlive the delay.
            token = self._local_signer(url, TOKEN_LIFETIME_SECONDS + delay_seconds)
            headers["Authorization"] = f"Bearer {token}"
        http_request = tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=url,
            headers=headers,
            body=json.dumps({"video_id": video_id}).encode(),
        )
        if self._local_signer is None and self._settings.tasks_service_account:
            # Cloud Tasks mints a Google-signed ID token for this account at each dispatch.
            http_request.oidc_token = tasks_v2.OidcToken(
                service_account_email=self._settings.tasks_service_account, audience=url
            )
        task = tasks_v2.Task(
            name=self._client.task_path(
                self._settings.project,
                self._settings.tasks_location,
                queue_name,
                task_id(video_id, stage, task_key),
            ),
            http_request=http_request,
            dispatch_deadline=duration_pb2.Duration(seconds=1800),
        )
        if delay_seconds > 0:
            when = timestamp_pb2.Timestamp()
            when.FromDatetime(datetime.now(UTC) + timedelta(seconds=delay_seconds))
            task.schedule_time = when
        # A duplicate name means the same doorbell was already rung: that is why it is named.
        started = time.perf_counter()
        try:
            with contextlib.suppress(gexc.AlreadyExists):
                self._client.create_task(parent=parent, task=task)
        finally:
            metering.record(rings=1, tasks_seconds=time.perf_counter() - started)
