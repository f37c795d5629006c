"""What Vertex refuses, as pure functions: each broken rule is a Violation with a rule name.

Sources (docs/decisions/0007-strict-vertex-fake.md): "Extend videos" (Veo input 1-30 s, 24 fps,
720p/1080p/4k, extended by 7 s to at most 37 s, 720p output), "Use reference images" (at most 3
asset images, 8 s clips, no image/video with them, style images only on veo-2.0-generate-exp),
the Veo 3.1 model page (4, 6 or 8 s), and the 404 text Vertex gives for an unknown model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fake_vertex.catalog import VEO_31_MODELS, model_not_found
from tests.fake_vertex.media import VideoInfo

OPENING_SECONDS = (4, 6, 8)
EXTENSION_SECONDS = 7
MIN_INPUT_SECONDS, MAX_INPUT_SECONDS, MAX_OUTPUT_SECONDS = 1.0, 30.0, 37.0
INPUT_FPS = 24.0
# 720p, 1080p and 4k, landscape (16:9) or portrait (9:16).
INPUT_SIZES = frozenset({(1280, 720), (720, 1280), (1920, 1080), (1080, 1920), (3840, 2160),
                         (2160, 3840)})  # fmt: skip
EXTENSION_RESOLUTION = "720p"
MAX_ASSET_IMAGES = 3
REFERENCE_SECONDS = 8
HALF_FRAME = 0.5 / INPUT_FPS  # a probe's duration is exact to the frame, not better


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    status: int = 400


def check_model(
    method: str, model: str, project: str, location: str,
    allowed: dict[str, dict[str, tuple[str, ...]]],
) -> Violation | None:  # fmt: skip
    """A model id this method does not serve in this location: Vertex's 404."""
    if location in allowed.get(method, {}).get(model, ()):
        return None
    return Violation("unknown_model", model_not_found(project, location, model), 404)


def check_request(instance: dict[str, Any], params: dict[str, Any], model: str) -> list[Violation]:
    """The rules a predictLongRunning body breaks on its face (no media needed)."""
    found: list[Violation] = []
    video = instance.get("video") or None
    refs = instance.get("referenceImages") or []
    seconds = params.get("durationSeconds")
    basic = [
        (params.get("aspectRatio", "16:9") in ("16:9", "9:16"), "aspectRatio"),
        (params.get("resolution", "720p") in ("720p", "1080p", "4k"), "resolution"),
        (params.get("sampleCount", 1) in range(1, 5), "sampleCount"),
        (str(params.get("storageUri", "gs://")).startswith("gs://"), "storageUri"),
        (bool(instance.get("prompt") or instance.get("image") or video), "prompt"),
    ]
    for ok, name in basic:
        if not ok:
            found.append(Violation("invalid_parameter", f"Invalid value for parameter {name}."))
    if video:
        if seconds != EXTENSION_SECONDS:
            found.append(Violation("extension_duration", (
                f"Unsupported duration {seconds} seconds for video extension: an extension is "
                f"{EXTENSION_SECONDS} seconds long.")))  # fmt: skip
        if params.get("resolution", EXTENSION_RESOLUTION) != EXTENSION_RESOLUTION:
            found.append(Violation("extension_resolution", (
                f"Unsupported resolution {params.get('resolution')} for video extension: only "
                f"{EXTENSION_RESOLUTION} is supported.")))  # fmt: skip
        if not video.get("gcsUri"):
            found.append(Violation("invalid_parameter", "The input video needs a gcsUri."))
        if refs:
            found.append(Violation("references_with_video", (
                "referenceImages cannot be used together with an input video.")))  # fmt: skip
    elif seconds is not None and seconds not in OPENING_SECONDS:
        found.append(Violation("opening_duration", (
            f"Unsupported duration {seconds} seconds: use one of "
            f"{', '.join(map(str, OPENING_SECONDS))}.")))  # fmt: skip
    found += _reference_rules(refs, seconds, model, has_video=bool(video))
    return found


def _reference_rules(
    refs: list[Any], seconds: Any, model: str, *, has_video: bool
) -> list[Violation]:
    found: list[Violation] = []
    kinds = [str((r or {}).get("referenceType", "")).lower() for r in refs]
    pairs = zip(kinds, refs, strict=True)
    if any(k not in ("asset", "style") or not (r or {}).get("image") for k, r in pairs):
        found.append(Violation("invalid_parameter", "Invalid value for parameter referenceImages."))
    if kinds.count("asset") > MAX_ASSET_IMAGES:
        found.append(Violation("too_many_asset_images", (
            f"At most {MAX_ASSET_IMAGES} asset reference images are supported; got "
            f"{kinds.count('asset')}.")))  # fmt: skip
    if "style" in kinds and model in VEO_31_MODELS:
        found.append(Violation("style_reference_on_veo31", (
            f"Style reference images are not supported by {model}.")))  # fmt: skip
    if refs and not has_video and seconds not in (None, REFERENCE_SECONDS):
        found.append(Violation("reference_duration", (
            f"Reference images require a duration of {REFERENCE_SECONDS} seconds; got "
            f"{seconds}.")))  # fmt: skip
    return found


def check_extension_input(
    info: VideoInfo, params: dict[str, Any], *, made_by_veo: bool | None = None
) -> list[Violation]:
    """The rules the REAL input video breaks (ffprobe's reading, not the request's claims).

    `made_by_veo` is None when that check is off; False refuses the input.
    """
    found: list[Violation] = []
    if info.seconds < MIN_INPUT_SECONDS - HALF_FRAME:
        found.append(Violation("extension_input_too_short", (
            f"The input video is {info.seconds:.2f} seconds long; video extension needs "
            f"{MIN_INPUT_SECONDS:g} to {MAX_INPUT_SECONDS:g} seconds.")))  # fmt: skip
    if info.seconds > MAX_INPUT_SECONDS + HALF_FRAME:
        found.append(Violation("extension_input_too_long", (
            f"The input video is {info.seconds:.2f} seconds long; video extension needs "
            f"{MIN_INPUT_SECONDS:g} to {MAX_INPUT_SECONDS:g} seconds.")))  # fmt: skip
    if abs(info.fps - INPUT_FPS) > 0.01:
        found.append(Violation("extension_input_fps", (
            f"The input video is {info.fps:g} fps; video extension needs {INPUT_FPS:g} fps.")))
    if (info.width, info.height) not in INPUT_SIZES:
        found.append(Violation("extension_input_resolution", (
            f"The input video is {info.width}x{info.height}; video extension needs 720p, 1080p "
            "or 4k, 16:9 or 9:16.")))  # fmt: skip
    seconds = params.get("durationSeconds", EXTENSION_SECONDS)
    output = info.seconds + seconds if isinstance(seconds, int | float) else info.seconds
    if output > MAX_OUTPUT_SECONDS + HALF_FRAME:
        found.append(Violation("extension_output_too_long", (
            f"The extended video would be {output:.2f} seconds long; at most "
            f"{MAX_OUTPUT_SECONDS:g} seconds are supported.")))  # fmt: skip
    if made_by_veo is False:
        found.append(Violation("extension_input_not_veo", (
            "The input video was not generated by Veo: only videos previously generated with "
            "Veo can be extended.")))  # fmt: skip
    return found


RULES = (
    "unknown_model", "invalid_parameter", "extension_duration", "extension_resolution",
    "references_with_video", "opening_duration", "too_many_asset_images",
    "style_reference_on_veo31", "reference_duration", "extension_input_too_short",
    "extension_input_too_long", "extension_input_fps", "extension_input_resolution",
    "extension_output_too_long", "extension_input_not_veo", "extension_input_unreadable",
)  # fmt: skip
