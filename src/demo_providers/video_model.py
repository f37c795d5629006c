"""Offline demo video model: real H.264 clips with espeak-ng speech, Veo's 8 s + 7 s semantics.

It behaves like a long-running operation: `submit` renders the clip (or the extended video),
writes it under the job's output prefix in the bucket and records an operation that reports
done only after a configurable latency, so the video agent really polls by re-scheduled tasks.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from demo_providers.render import extend_video, render_block_clip
from shortvideo.ports import BlobStore, OperationStatus, VideoStep

PROVIDER = "demo-offline"
_OPS = "demo_operations"


class DemoVideoModel:
    provider = PROVIDER
    model = "demo-veo-offline"

    def __init__(
        self,
        blobs: BlobStore,
        workdir: Path,
        latency_seconds: float = 1.0,
        fail_blocks: tuple[int, ...] = (),
    ) -> None:
        self._blobs = blobs
        self._workdir = workdir
        self._latency = latency_seconds
        self._fail_blocks = fail_blocks

    def submit(self, step: VideoStep) -> str:
        op_id = uuid.uuid4().hex
        record: dict[str, object] = {
            "video_id": step.video_id,
            "block": step.block_index,
            "done_at": (datetime.now(UTC) + timedelta(seconds=self._latency)).isoformat(),
        }
        if self._inject_failure(step):
            record["error"] = {
                "code": "demo_injected_failure",
                "message": f"demo fault injected on block {step.block_index}",
            }
        else:
            record["video_uri"] = self._render(step, op_id)
            record["billed_seconds"] = step.seconds
        self._blobs.upload_bytes(
            f"{_OPS}/{op_id}.json", json.dumps(record).encode(), "application/json"
        )
        return f"{_OPS}/{op_id}"

    def poll(self, operation_name: str) -> OperationStatus:
        record = json.loads(self._blobs.download_bytes(f"{operation_name}.json"))
        if datetime.fromisoformat(record["done_at"]) > datetime.now(UTC):
            return OperationStatus(done=False)
        if "error" in record:
            return OperationStatus(
                done=True,
                error_code=record["error"]["code"],
                error_message=record["error"]["message"],
            )
        return OperationStatus(
            done=True, video_uri=record["video_uri"], billed_seconds=float(record["billed_seconds"])
        )

    def _inject_failure(self, step: VideoStep) -> bool:
        """Fail the first submission of each configured block once per job (for demos and tests)."""
        if step.block_index not in self._fail_blocks:
            return False
        marker = f"{_OPS}/{step.video_id}/failed-block-{step.block_index}"
        if self._blobs.exists(marker):
            return False
        self._blobs.upload_bytes(marker, b"1", "text/plain")
        return True

    def _render(self, step: VideoStep, op_id: str) -> str:
        self._workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._workdir) as tmp:
            work = Path(tmp)
            clip = work / "clip.mp4"
            render_block_clip(
                out_path=clip,
                seconds=step.seconds,
                style=step.style,
                block_index=step.block_index,
                visual=step.visual,
                dialogue=step.dialogue,
                language=step.language,
                workdir=work,
            )
            result = clip
            if step.previous_video_uri:
                previous = work / "previous.mp4"
                self._blobs.download_file(
                    self._blobs.name_from_uri(step.previous_video_uri), previous
                )
                result = work / "extended.mp4"
                extend_video(previous, clip, result, work)
            name = f"{step.output_prefix}block-{step.block_index:02d}-{op_id[:8]}.mp4"
            return self._blobs.upload_file(name, result, "video/mp4")
