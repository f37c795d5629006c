"""./dev.sh live-check [--dry-run] [--blocks N] : what Vertex really accepts and bills (0010).

Makes one opening clip and the extensions the pipeline would make past the 30 s point, with the
product's own Veo adapter (VeoVideoModel) and the video agent's own input code (tails or last
frames, VEO_EXTENSION_ROUTE), then prints one JSON report: what Vertex accepted, refused (and
its error), returned (durations by ffprobe) and billed (the settings' price and billing mode).

It costs real money, so it refuses to run without VERTEX_PROJECT and without the operator
typing the printed cost estimate back. --dry-run prints the plan and the estimate and calls
nothing. Objects go under live_check/{run id}/ in PIPELINE_BUCKET.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from shortvideo.errors import ConfigError, PipelineError
from shortvideo.logs import get_logger
from shortvideo.media.splice import FfmpegEditor
from shortvideo.models import Language, Style
from shortvideo.ports import BlobStore, OperationStatus, VideoModel, VideoStep
from shortvideo.segments import (
    EXTEND,
    billed_seconds,
    planned_billed_seconds,
    planned_video_seconds,
    request_seconds,
)
from shortvideo.settings import Settings, settings_from
from shortvideo.stages.video_segments import SegmentInput, make_input, measure_part

DEFAULT_BLOCKS = 6  # 8 + 5 x 7 = 43 s: the last extension starts when the video is 36 s long
EXIT_OK, EXIT_REFUSED_BY_VERTEX, EXIT_NOT_RUN = 0, 1, 2
PROMPT = "A lighthouse keeper climbs a spiral staircase at dusk, the lamp turning above the sea."


def plan(settings: Settings, blocks: int) -> dict[str, Any]:
    """What the check will ask Vertex for, and what it costs under each billing reading."""
    price = settings.price_per_second(settings.veo_model)
    readings = {}
    for billing in ("new_seconds", "output_seconds"):
        mode = settings.model_copy(update={"veo_extension_billing": billing})
        seconds = sum(planned_billed_seconds(mode, blocks))
        readings[billing] = {"billed_seconds": seconds, "usd": round(seconds * price, 2)}
    return {
        "model": settings.veo_model,
        "project": settings.vertex_project,
        "location": settings.vertex_location,
        "route": settings.veo_extension_route,
        "extension_input_seconds": settings.veo_extension_input_seconds,
        "billing": settings.veo_extension_billing,
        "blocks": blocks,
        "video_seconds": planned_video_seconds(settings, blocks),
        "durations_requested": [request_seconds(settings, i) for i in range(blocks)],
        "price_per_second": price,
        "cost_by_billing": readings,
        # Nobody knows yet which reading Vertex bills: the operator confirms the higher one.
        "confirm_usd": f"{max(r['usd'] for r in readings.values()):.2f}",
    }


def run_check(
    settings: Settings, blobs: BlobStore, model: VideoModel, blocks: int, work: Path
) -> dict[str, Any]:
    """Submit and poll each block in turn; stop at the first refusal (nothing to extend)."""
    editor, log = FfmpegEditor(), get_logger(stage="live_check")
    run_id = f"live-check-{uuid.uuid4().hex[:12]}"
    price = settings.price_per_second(settings.veo_model)
    parts: list[Any] = []
    report: list[dict[str, Any]] = []
    for index in range(blocks):
        entry: dict[str, Any] = {
            "block": index,
            "duration_seconds": request_seconds(settings, index),
        }
        report.append(entry)
        try:
            source = make_input(blobs, editor, settings, run_id, parts, work, log)
            entry.update(source.to_doc())
            done = _generate(settings, model, _step(settings, run_id, index, source))
        except PipelineError as exc:
            entry.update(accepted=False, error={"code": exc.code, "message": exc.message})
            break
        if not done.video_uri:
            entry.update(accepted=False, error={
                "code": done.error_code, "message": done.error_message, "filtered": done.filtered,
            })  # fmt: skip
            break
        part, length = measure_part(blobs, editor, index, source, done.video_uri, work)
        parts.append(part)
        billed = billed_seconds(settings, index, source.video_seconds)
        entry.update(
            accepted=True, video_uri=done.video_uri, output_seconds=length,
            kept_from=part.start, kept_seconds=part.seconds,
            billed_seconds=billed, billed_usd=round(billed * price, 2),
        )  # fmt: skip
    accepted = [e for e in report if e.get("accepted")]
    return {
        "run_id": run_id,
        "blocks": report,
        "accepted": len(accepted),
        "refused": len(report) - len(accepted),
        "video_seconds": round(sum(p.seconds for p in parts), 3),
        "billed_seconds": round(sum(e["billed_seconds"] for e in accepted), 3),
        "billed_usd": round(sum(e["billed_usd"] for e in accepted), 2),
        "billed_by": f"settings: VEO_EXTENSION_BILLING={settings.veo_extension_billing}; "
        "compare with the project's Cloud Billing report for the Veo SKU",
    }


def _step(settings: Settings, run_id: str, index: int, source: SegmentInput) -> VideoStep:
    return VideoStep(
        video_id=run_id, block_index=index, seconds=request_seconds(settings, index),
        prompt=f"Style: cinematic. Vertical 9:16.\nScene: {PROMPT} (part {index + 1})",
        visual=PROMPT, dialogue="", style=Style.CINEMATIC, language=Language.EN,
        output_prefix=f"live_check/{run_id}/b{index:02d}/",
        previous_video_uri=source.video_uri, first_frame_uri=source.first_frame_uri,
    )  # fmt: skip


def _generate(settings: Settings, model: VideoModel, step: VideoStep) -> OperationStatus:
    name = model.submit(step)
    deadline = time.monotonic() + settings.video_operation_timeout_seconds
    while True:
        status = model.poll(name)
        if status.done:
            return status
        if time.monotonic() > deadline:
            raise PipelineError(f"block {step.block_index}: operation {name} unfinished")
        time.sleep(settings.video_poll_seconds)  # a CLI, not a function: it may wait


def _services(settings: Settings) -> tuple[BlobStore, VideoModel]:
    from google.cloud import storage  # type: ignore[attr-defined]

    from shortvideo.adapters.gcs_blobs import GcsBlobStore
    from shortvideo.adapters.google_models import VeoVideoModel

    blobs = GcsBlobStore(storage.Client(project=settings.project), settings.bucket)
    return blobs, VeoVideoModel(settings)


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    env: dict[str, str] | None = None,
) -> int:
    parser = argparse.ArgumentParser(prog="./dev.sh live-check", description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the plan and cost only")
    parser.add_argument("--blocks", type=int, default=DEFAULT_BLOCKS, help="opening + extensions")
    args = parser.parse_args(argv)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    try:
        settings = settings_from(env if env is not None else os.environ)
    except ConfigError as exc:
        print(f"live-check: {exc.message}", file=sys.stderr)
        return EXIT_NOT_RUN
    if args.blocks < 2:
        print(
            "live-check: --blocks must be at least 2 (an opening clip and one more)",
            file=sys.stderr,
        )
        return EXIT_NOT_RUN
    the_plan = plan(settings, args.blocks)
    print(json.dumps({"plan": the_plan}, indent=1), file=sys.stderr)
    if args.dry_run:
        print(json.dumps({"dry_run": True, "plan": the_plan}), file=stdout)
        return EXIT_OK
    if not settings.vertex_project:
        print("live-check: VERTEX_PROJECT is not set: nothing was called", file=sys.stderr)
        return EXIT_NOT_RUN
    wanted = the_plan["confirm_usd"]
    print(
        f"This bills real Veo seconds: up to ${wanted}. Type {wanted} to go on: ", file=sys.stderr
    )
    if stdin.readline().strip().lstrip("$") != wanted:
        print("live-check: not confirmed: nothing was called", file=sys.stderr)
        return EXIT_NOT_RUN
    blobs, model = _services(settings)
    settings.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="live-check-", dir=settings.workdir) as tmp:
        result = run_check(settings, blobs, model, args.blocks, Path(tmp))
    print(json.dumps({"plan": the_plan, **result}), file=stdout)
    if settings.veo_extension_route == EXTEND and result["refused"]:
        print("live-check: Vertex refused an extension; see decision 0010", file=sys.stderr)
    return EXIT_OK if not result["refused"] else EXIT_REFUSED_BY_VERTEX


if __name__ == "__main__":
    raise SystemExit(main())
