"""video_agent: one video-model step per doorbell (submit or poll), then re-schedules itself."""

import flask
import functions_framework

from shortvideo.http import doorbell_video_id, serve
from shortvideo.stages.video_stage import handle_video
from shortvideo.startup import check_environment
from shortvideo.wiring import services

check_environment("video_agent")


def _dispatch(payload: dict) -> tuple[int, dict]:
    return 200, handle_video(services(), doorbell_video_id(payload))


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch)
