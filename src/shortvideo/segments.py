"""How a video is made of segments under Vertex's limits, and what each segment bills.

A video is the opening clip plus one kept *part* per further block (decision 0010):
- route "extend": the block's input is the tail of the video so far (at most
  VEO_EXTENSION_INPUT_SECONDS, Vertex takes 1 to 30 s); Veo returns that input + 7 s, and
  only the new 7 s (from the input's measured end) are kept;
- route "image_to_video": the block is a new 8 s clip (Veo 3.1 makes 4, 6 or 8 s) whose first
  frame is the previous part's last frame; the whole clip is kept.
What an extension bills is a setting: its new seconds, or its whole output (input + new).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shortvideo.models import EXTENSION_SECONDS, OPENING_SECONDS
from shortvideo.settings import Settings

EXTEND, IMAGE_TO_VIDEO = "extend", "image_to_video"
NEW_SECONDS, OUTPUT_SECONDS = "new_seconds", "output_seconds"
IMAGE_TO_VIDEO_SECONDS = 8  # Veo 3.1 generates 4, 6 or 8 s; 8 is the closest to a 7 s block
MAX_EXTENSION_INPUT_SECONDS = 30.0  # Vertex: an extension's input is 1 to 30 s


@dataclass(frozen=True)
class Part:
    """What the final keeps of one block's video object: [start, start + seconds)."""

    block: int
    uri: str
    start: float
    seconds: float

    def to_doc(self) -> dict[str, Any]:
        return {"block": self.block, "uri": self.uri, "start": self.start, "seconds": self.seconds}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Part:
        return cls(int(doc["block"]), str(doc["uri"]), float(doc["start"]), float(doc["seconds"]))


def parts_of(doc: dict[str, Any]) -> list[Part]:
    return [Part.from_doc(p) for p in doc.get("parts") or []]


def request_seconds(settings: Settings, block_index: int) -> int:
    """The durationSeconds asked of the model for this block."""
    if block_index == 0:
        return OPENING_SECONDS
    if settings.veo_extension_route == IMAGE_TO_VIDEO:
        return IMAGE_TO_VIDEO_SECONDS
    return EXTENSION_SECONDS


def billed_seconds(settings: Settings, block_index: int, input_seconds: float = 0.0) -> float:
    """Seconds Vertex bills for one block; `input_seconds` is the extension's measured input."""
    asked = float(request_seconds(settings, block_index))
    if block_index == 0 or settings.veo_extension_route == IMAGE_TO_VIDEO:
        return asked
    if settings.veo_extension_billing == OUTPUT_SECONDS:
        return round(asked + input_seconds, 3)
    return asked


def tail_seconds(settings: Settings, video_seconds: float) -> float:
    """How much of the video so far an extension gets as its input."""
    window = min(settings.veo_extension_input_seconds, MAX_EXTENSION_INPUT_SECONDS)
    return min(window, video_seconds)


def planned_billed_seconds(settings: Settings, block_count: int) -> list[float]:
    """Seconds billed per block for a job of `block_count` blocks, before anything is made."""
    billed: list[float] = []
    so_far = 0.0
    for index in range(block_count):
        billed.append(billed_seconds(settings, index, tail_seconds(settings, so_far)))
        so_far += request_seconds(settings, index)  # every block adds what it asked for
    return billed


def planned_video_seconds(settings: Settings, block_count: int) -> float:
    """The length of the final: the opening clip plus every kept part."""
    return float(sum(request_seconds(settings, i) for i in range(block_count)))


def tail_ranges(parts: list[Part], seconds: float) -> list[tuple[Part, float, float]]:
    """(part, start in its object, length) of the last `seconds` of the video, in order."""
    picked: list[tuple[Part, float, float]] = []
    needed = seconds
    for part in reversed(parts):
        if needed <= 1e-6:
            break
        take = min(part.seconds, needed)
        picked.append((part, round(part.start + part.seconds - take, 6), round(take, 6)))
        needed -= take
    return picked[::-1]
