"""series_dispatcher: called by Cloud Scheduler every few minutes; makes the due series' jobs."""

import flask
import functions_framework

from shortvideo.errors import InvalidRequest
from shortvideo.http import serve
from shortvideo.series.dispatcher import run_dispatcher
from shortvideo.startup import check_environment
from shortvideo.wiring import services

check_environment("series_dispatcher")


def _dispatch(payload: dict) -> tuple[int, dict]:
    if payload:
        raise InvalidRequest("the dispatcher takes an empty JSON object", field=sorted(payload)[0])
    return 200, run_dispatcher(services())


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch, allow_empty=True)
