"""Part 5: what one 64 s video costs in Veo seconds, and the bytes it leaves in storage.

Veo bills the seconds it generates: an 8 s opening clip and a 7 s extension per further block
(9 blocks = 64 s), at the configured price of each model. Storage is measured from real files:
the script JSON, the video agent's per-block results (veo31_videos/{id}/block-NN-*.mp4, each a
whole, growing video, since an extension returns the extended video), its final copy
veo31_videos/{id}.mp4, the SRT, the final video and the thumbnail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devstack.bench.inputs import BenchInput
from shortvideo.models import seconds_for_blocks
from shortvideo.settings import Settings


def veo_costs(settings: Settings, blocks: int) -> dict[str, dict[str, Any]]:
    seconds = seconds_for_blocks(blocks)
    models = {
        "primary": (settings.veo_model, settings.veo_price_per_second),
        "fallback": (settings.veo_fallback_model, settings.veo_fallback_price_per_second),
    }
    return {
        name: {
            "model": model,
            "price_per_second": price,
            "seconds": seconds,
            "usd": round(seconds * price, 2),
        }
        for name, (model, price) in models.items()
    }


def storage(bench_input: BenchInput, final: Path, thumbnail: Path, srt: Path) -> dict[str, Any]:
    """Bytes per object class, with the object names the pipeline would use."""
    vid = bench_input.video_id
    objects: dict[str, int] = {f"scripts/{vid}.json": bench_input.script_json.stat().st_size}
    for index, path in enumerate(bench_input.intermediates):
        objects[f"veo31_videos/{vid}/block-{index:02d}-<op>.mp4"] = path.stat().st_size
    objects[f"veo31_videos/{vid}.mp4"] = bench_input.source.stat().st_size
    objects[f"subtitles/{vid}.srt"] = srt.stat().st_size
    objects[f"final/{vid}.mp4"] = final.stat().st_size
    objects[f"thumbnails/{vid}.jpg"] = thumbnail.stat().st_size
    intermediate = sum(
        size for name, size in objects.items() if name.startswith(("scripts/", "veo31_videos/"))
    )
    final_bytes = sum(objects.values()) - intermediate
    blocks = sum(p.stat().st_size for p in bench_input.intermediates)
    return {
        "objects": objects,
        "intermediate_bytes": intermediate,
        "veo_block_results_bytes": blocks,
        "final_bytes": final_bytes,
        "total_bytes": intermediate + final_bytes,
        "note": "demo renderer's bitrate; Veo's own files are larger, the shape is the same",
    }


def bench_cost(
    bench_input: BenchInput, settings: Settings, final: Path, thumbnail: Path, srt: Path
) -> dict[str, Any]:
    blocks = len(bench_input.script.blocks)
    return {
        "video_seconds": seconds_for_blocks(blocks),
        "blocks": blocks,
        "models": veo_costs(settings, blocks),
        "storage": storage(bench_input, final, thumbnail, srt),
    }
