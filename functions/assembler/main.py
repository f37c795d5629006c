"""assembler: Whisper subtitles, music, one encode pass, thumbnail, final video in GCS."""

import flask
import functions_framework

from shortvideo.http import doorbell_video_id, serve
from shortvideo.stages.assemble_stage import handle_assemble
from shortvideo.startup import check_environment
from shortvideo.wiring import services

check_environment("assembler")


def _dispatch(payload: dict) -> tuple[int, dict]:
    return 200, handle_assemble(services(), doorbell_video_id(payload))


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch)
