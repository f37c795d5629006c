"""monitor: called by Cloud Scheduler every 2 minutes; returns a JSON summary of what it did."""

import flask
import functions_framework

from shortvideo.errors import InvalidRequest
from shortvideo.http import serve
from shortvideo.stages.monitor_stage import run_monitor
from shortvideo.startup import check_environment
from shortvideo.wiring import services

check_environment("monitor")


def _dispatch(payload: dict) -> tuple[int, dict]:
    if payload:
        raise InvalidRequest("the monitor takes an empty JSON object", field=sorted(payload)[0])
    return 200, run_monitor(services())


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch, allow_empty=True)
