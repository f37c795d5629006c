"""script_agent: on its doorbell ({video_id}), writes the job's script in blocks.

Jobs are created by the creator API (POST /videos) only; this function takes Cloud Tasks calls.
"""

import flask
import functions_framework

from shortvideo.http import doorbell_video_id, serve
from shortvideo.stages.script_stage import handle_script
from shortvideo.startup import check_environment
from shortvideo.wiring import services

check_environment("script_agent")


def _dispatch(payload: dict) -> tuple[int, dict]:
    return 200, handle_script(services(), doorbell_video_id(payload))


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch)
