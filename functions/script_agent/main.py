"""script_agent: creates jobs (a theme in) and, on its doorbell, writes the script in blocks."""

import flask
import functions_framework

from shortvideo.http import doorbell_video_id, serve
from shortvideo.stages.intake import create_job
from shortvideo.stages.script_stage import handle_script
from shortvideo.wiring import services


def _dispatch(payload: dict) -> tuple[int, dict]:
    if "video_id" in payload:
        return 200, handle_script(services(), doorbell_video_id(payload))
    job = create_job(services(), payload)
    return 202, {
        "video_id": job["video_id"],
        "status": job["status"],
        "block_count": job["block_count"],
        "provider": job["provider"],
    }


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return serve(request, _dispatch)
