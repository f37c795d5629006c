"""Veo 3.1 video model (google-genai, Vertex AI): one long-running operation per block.

`submit` starts the operation and returns its name; `poll` rebuilds the operation from that name
alone, so the poll can run in another process, after a crash, or hours later.

Reference images (type "asset", at most 3) go with the opening clip only. The SDK would send them
with an extension too, but Veo documents them for generation from a prompt, and an extension
continues from the last frames of the input video, which already show the character: sending
them again would risk a rejected request for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shortvideo.adapters.genai_client import GenaiAdapter, call_api
from shortvideo.adapters.vertex_refusals import is_refusal, refusal
from shortvideo.errors import ProviderError, ProviderUnanswered
from shortvideo.ports import OperationStatus, VideoStep
from shortvideo.settings import Settings

if TYPE_CHECKING:
    from google.genai import types

MAX_REFERENCE_IMAGES = 3  # Veo 3.1 accepts at most 3 "asset" reference images
# google.rpc.Code names for the numeric code of a failed operation.
RPC_CODES = {
    1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
    7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION", 10: "ABORTED",
    13: "INTERNAL", 14: "UNAVAILABLE",
}  # fmt: skip
# Failed operations that the same request fails again: INVALID_ARGUMENT, NOT_FOUND,
# PERMISSION_DENIED, FAILED_PRECONDITION. Not retried as provider errors.
DETERMINISTIC_RPC_CODES = frozenset({3, 5, 7, 9})


class VeoVideoModel(GenaiAdapter):
    kind = "veo"

    def model_id(self, settings: Settings) -> str:
        return settings.veo_model

    def request(
        self, step: VideoStep
    ) -> tuple[types.GenerateVideosSource, types.GenerateVideosConfig]:
        """The SDK arguments for one step: the opening clip, an extension of the video's tail,
        or (image-to-video) a new clip from the last frame so far (decision 0010)."""
        from google.genai import types

        video = image = None
        if step.previous_video_uri:
            video = types.Video(uri=step.previous_video_uri, mime_type="video/mp4")
        elif step.first_frame_uri:
            image = types.Image(gcs_uri=step.first_frame_uri, mime_type="image/png")
        references = None
        # Reference images shape the opening clip only (see the module docstring).
        if video is None and image is None and step.reference_image_uris:
            references = [
                types.VideoGenerationReferenceImage(
                    image=types.Image(gcs_uri=uri, mime_type="image/png"),
                    reference_type=types.VideoGenerationReferenceType.ASSET,
                )
                for uri in step.reference_image_uris[:MAX_REFERENCE_IMAGES]
            ]
        source = types.GenerateVideosSource(prompt=step.prompt, video=video, image=image)
        config = types.GenerateVideosConfig(
            aspect_ratio="9:16",
            resolution="720p",
            duration_seconds=step.seconds,
            generate_audio=True,
            number_of_videos=1,
            output_gcs_uri=f"gs://{self._settings.bucket}/{step.output_prefix}",
            reference_images=references,
        )
        return source, config

    def submit(self, step: VideoStep) -> str:
        source, config = self.request(step)
        operation = call_api(
            f"Veo {step.model or self.model} block {step.block_index}",
            lambda: self.client.models.generate_videos(
                model=step.model or self.model, source=source, config=config
            ),
        )
        if not operation.name:
            # An answer without a name may still have started (and will bill) an operation.
            model = step.model or self.model
            raise ProviderUnanswered(f"Veo {model} answered without an operation name")
        return operation.name

    def poll(self, operation_name: str) -> OperationStatus:
        from google.genai import types

        wanted = types.GenerateVideosOperation.model_validate({"name": operation_name})
        operation = call_api(
            f"Veo operation {operation_name.rpartition('/')[2]}",
            lambda: self.client.operations.get(wanted),
        )
        return operation_status(operation)


def operation_status(operation: types.GenerateVideosOperation) -> OperationStatus:
    if not operation.done:
        return OperationStatus(done=False, extra=_progress(operation.metadata))
    if operation.error:
        code = operation.error.get("code")
        name = RPC_CODES.get(code, str(code)) if isinstance(code, int) else str(code or "unknown")
        message = str(operation.error.get("message") or "the Veo operation failed")
        if is_refusal(message):  # a usage-guidelines refusal comes as code 3 too
            refused = refusal("the block's prompt", message)
            return OperationStatus(
                done=True, filtered=True, retryable=False, error_code=refused.code,
                error_message=refused.message, extra={"rpc_code": code},
            )  # fmt: skip
        return OperationStatus(
            done=True, error_code=f"veo_{name.lower()}", error_message=message,
            retryable=code not in DETERMINISTIC_RPC_CODES, extra={"rpc_code": code},
        )  # fmt: skip
    result = operation.response or operation.result
    if result is None:  # done means error xor response: this answer is malformed
        raise ProviderError(f"Veo operation {operation.name} is done with no response or error")
    videos = result.generated_videos or []
    uri = videos[0].video.uri if videos and videos[0].video else None
    if uri:
        return OperationStatus(
            done=True, video_uri=uri, billed_seconds=_billed_seconds(operation.metadata)
        )
    if (result.rai_media_filtered_count or 0) > 0:
        reasons = "; ".join(result.rai_media_filtered_reasons or []) or "no reason given"
        refused = refusal("the generated clip", reasons)
        return OperationStatus(
            done=True, filtered=True, retryable=False, error_code=refused.code,
            error_message=refused.message,
        )  # fmt: skip
    return OperationStatus(
        done=True, error_code="veo_no_video",
        error_message="the Veo operation finished without a video or a reason",
    )  # fmt: skip


def _billed_seconds(metadata: dict[str, Any] | None) -> float:
    """Veo does not report seconds; 0 means: the caller bills the block's requested length."""
    value = (metadata or {}).get("durationSeconds")
    try:
        return float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def _progress(metadata: dict[str, Any] | None) -> dict[str, Any]:
    if not metadata:
        return {}
    keys = ("progressPercent", "progress_percent", "state")
    return {k: metadata[k] for k in keys if k in metadata}
