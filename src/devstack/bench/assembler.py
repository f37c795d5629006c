"""Part 1: the assembler against one plain encode (the floor) and a straightforward pipeline.

Every variant runs in a fresh Python process (like a cold function instance: imports and the
Whisper model load count), in turns, and is timed by wall clock and by CPU seconds (user + sys
of the process and its FFmpeg children). On a shared machine the CPU figures move less.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from devstack.bench.inputs import BenchInput
from devstack.bench.report import median, ratio, summary
from shortvideo.media import ffmpeg
from shortvideo.media.wer import word_error_rate

VARIANTS = ("floor", "assemble", "sequential", "reference")
SSIM_ALL = re.compile(r"All:([0-9.]+)")


def openai_whisper_available() -> bool:
    return (
        importlib.util.find_spec("whisper") is not None
        and importlib.util.find_spec("torch") is not None
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_variant(
    variant: str, bench_input: BenchInput, out: Path, preset: str, language: str
) -> dict[str, Any]:
    """One run in a fresh process: its outputs, step seconds, wall and CPU seconds."""
    shutil.rmtree(out, ignore_errors=True)
    command = [
        sys.executable, "-m", "devstack.bench.pipelines", variant,
        "--source", str(bench_input.source), "--out", str(out),
        "--language", language, "--preset", preset,
    ]  # fmt: skip
    if bench_input.music is not None:
        command += ["--music", str(bench_input.music)]
    cpu_before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if done.returncode != 0:
        raise RuntimeError(f"bench variant {variant} failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(wall_seconds=wall, cpu_seconds=cpu)
    return result


def ssim(output: Path, reference: Path) -> float:
    """FFmpeg's SSIM (All) of `output` against `reference`, frame by frame."""
    done = subprocess.run(
        [ffmpeg.FFMPEG, "-hide_banner", "-nostdin", "-i", str(output), "-i", str(reference),
         "-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    found = SSIM_ALL.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"ssim failed: {done.stderr[-1000:]}")
    return round(float(found[-1]), 4)


def _describe(runs: list[dict[str, Any]], bench_input: BenchInput) -> dict[str, Any]:
    last = runs[-1]
    final = Path(last["final"])
    described: dict[str, Any] = {
        "seconds": summary([r["wall_seconds"] for r in runs]),
        "cpu_seconds": summary([r["cpu_seconds"] for r in runs]),
        "steps": last["steps"],
        "size_bytes": final.stat().st_size,
        "size_ratio": ratio(final.stat().st_size, bench_input.source.stat().st_size),
    }
    if "transcript" in last:
        described["engine"] = last["engine"]
        described["wer"] = round(word_error_rate(bench_input.dialogue, last["transcript"]), 4)
    info = ffmpeg.probe(final)
    described["output"] = {
        "width": info.width, "height": info.height, "video_codec": info.video_codec,
        "audio_codec": info.audio_codec, "faststart": info.faststart,
        "duration": round(info.duration, 3),
    }  # fmt: skip
    return described


def bench_assembler(
    bench_input: BenchInput,
    workdir: Path,
    *,
    preset: str = "fast",
    repeat: int = 1,
    reference: bool | None = None,
    progress: Any = print,
) -> dict[str, Any]:
    """Time the variants in turns `repeat` times; ratios of medians, sizes and SSIM."""
    with_reference = openai_whisper_available() if reference is None else reference
    variants = [v for v in VARIANTS if with_reference or v != "reference"]
    language = bench_input.script.language.value
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    for round_index in range(max(1, repeat)):
        for variant in variants:
            result = run_variant(variant, bench_input, workdir / variant, preset, language)
            runs[variant].append(result)
            progress(f"assembler {variant} #{round_index + 1}: {result['wall_seconds']:.1f} s")
    source_info = ffmpeg.probe(bench_input.source)
    results: dict[str, Any] = {
        "input": {
            "seconds": round(source_info.duration, 3),
            "width": source_info.width,
            "height": source_info.height,
            "fps": source_info.frame_rate,
            "blocks": len(bench_input.script.blocks),
            "size_bytes": bench_input.source.stat().st_size,
            "x264_preset": preset,
            "music": bench_input.music is not None,
            "repeat": max(1, repeat),
        },
    }
    names = {
        "floor": "floor",
        "assemble": "assemble",
        "sequential": "assemble_before_optimisation",
        "reference": "reference",
    }
    for variant in variants:
        described = _describe(runs[variant], bench_input)
        progress(f"assembler {variant}: SSIM against the input")
        described["ssim"] = ssim(Path(runs[variant][-1]["final"]), bench_input.source)
        results[names[variant]] = described
    results["ratios"] = _ratios(runs)
    return results


def _ratios(runs: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    def wall(v: str) -> float:
        return median([r["wall_seconds"] for r in runs[v]])

    def cpu(v: str) -> float:
        return median([r["cpu_seconds"] for r in runs[v]])

    pairs = [("assemble", "floor"), ("sequential", "floor"), ("assemble", "sequential")]
    if "reference" in runs:
        pairs += [("reference", "floor"), ("assemble", "reference")]
    label = {
        "assemble": "assemble",
        "sequential": "before",
        "floor": "floor",
        "reference": "reference",
    }
    out: dict[str, float] = {}
    for a, b in pairs:
        key = (
            f"{label[a]}_vs_{label[b]}"
            if (a, b) != ("assemble", "sequential")
            else "after_vs_before"
        )
        out[key] = ratio(wall(a), wall(b))
        out[f"{key}_cpu"] = ratio(cpu(a), cpu(b))
    return out
