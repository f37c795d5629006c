"""How a doorbell proves who rings it: oidc_token in production, a signed header locally."""

from google.cloud import tasks_v2

from shortvideo.adapters.cloud_tasks import CloudTasksQueue
from shortvideo.settings import settings_from

URL = "https://video-agent-abc-uc.a.run.app/"
ACCOUNT = "tasks@acme.iam.gserviceaccount.com"


class RecordingClient:
    """Only what CloudTasksQueue calls; keeps the tasks it was given."""

    def __init__(self) -> None:
        self.tasks: list[tasks_v2.Task] = []

    def queue_path(self, project, location, queue):
        return f"projects/{project}/locations/{location}/queues/{queue}"

    def task_path(self, project, location, queue, task):
        return f"{self.queue_path(project, location, queue)}/tasks/{task}"

    def create_task(self, parent, task):
        self.tasks.append(task)


def ring(signer=None, delay=0.0):
    client = RecordingClient()
    settings = settings_from({"VIDEO_AGENT_URL": URL, "TASKS_SERVICE_ACCOUNT": ACCOUNT})
    CloudTasksQueue(client, settings, signer).ring("video", "v1", task_key="a1",
                                                   delay_seconds=delay)
    return client.tasks[0].http_request


def test_production_asks_cloud_tasks_for_an_oidc_token_for_the_target():
    request = ring()
    assert request.oidc_token.service_account_email == ACCOUNT
    assert request.oidc_token.audience == URL
    assert "Authorization" not in request.headers


def test_locally_the_doorbell_carries_a_token_that_outlives_its_delay():
    asked = []

    def signer(audience, lifetime):
        asked.append((audience, lifetime))
        return "signed.local.token"

    request = ring(signer, delay=600)
    assert request.headers["Authorization"] == "Bearer signed.local.token"
    assert asked == [(URL, 3600 + 600)]
    assert not request.oidc_token.service_account_email  # the emulator would ignore it
