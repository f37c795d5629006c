"""Pure helpers of the bench: statistics, ratios, the Markdown table, the README section.

Nothing here runs FFmpeg or Whisper, so it is unit-tested on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile (fraction in 0..1) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be within 0..1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, rounded to 3 places; a zero or negative denominator is an error."""
    if denominator <= 0:
        raise ValueError("ratio needs a positive denominator")
    return round(numerator / denominator, 3)


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """The samples (seconds) and their median, min and p90."""
    return {
        "samples": [round(s, 3) for s in samples],
        "median": round(median(samples), 3),
        "min": round(min(samples), 3),
        "p90": round(percentile(samples, 0.9), 3),
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def get(results: Mapping[str, Any], path: str) -> Any:
    """results["a"]["b"]... for "a.b...", or None when any step is missing."""
    value: Any = results
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def results_rows(results: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(figure, value, note) rows for the summary table, skipping parts that did not run."""
    rows: list[tuple[str, Any, str]] = []

    def add(label: str, path: str, note: str = "", fmt: Callable[[Any], Any] = lambda v: v) -> None:
        value = get(results, path)
        if value is not None:
            rows.append((label, fmt(value), note))

    x = "assembler.ratios."

    def add_ratio(label: str, key: str, note: str = "") -> None:
        cpu = get(results, f"{x}{key}_cpu")
        cpu_note = f"CPU-seconds ratio {_cell(cpu)}" if cpu is not None else ""
        add(label, x + key, "; ".join(n for n in (note, cpu_note) if n))

    add_ratio("Assembly / floor (1 plain x264 encode)", "assemble_vs_floor", "1 = floor")
    add_ratio("Reference pipeline / floor", "reference_vs_floor", "3 passes + openai-whisper")
    add_ratio("Assembly / reference pipeline", "assemble_vs_reference")
    add_ratio("Assembly before optimisation / floor", "before_vs_floor", "sequential path")
    add_ratio("Assembly after / before optimisation", "after_vs_before")
    add("Assembly, seconds (median)", "assembler.assemble.seconds.median", "this run")
    add("Floor, seconds (median)", "assembler.floor.seconds.median", "this run")
    add("Output / input size", "assembler.assemble.size_ratio", "input: demo render, CRF 26")
    add(
        "SSIM output vs input",
        "assembler.assemble.ssim",
        "reference: " + _cell(get(results, "assembler.reference.ssim")),
    )
    w = "whisper.engines."
    for engine in ("faster-whisper", "openai-whisper"):
        add(
            f"{engine}: cold load, s (median)", w + engine + ".load_seconds.median", "fresh process"
        )
        add(f"{engine}: real-time factor", w + engine + ".rtf", "transcribe s / audio s")
        add(f"{engine}: WER vs dialogue", w + engine + ".wer")
    add("openai-whisper / faster-whisper time", "whisper.ratios.openai_vs_faster_transcribe")
    add(
        "WER between engines, product decoding",
        "whisper.conversion.wer_between_engines",
        "int8 beam 5 vs float32 greedy",
    )
    add(
        "WER between engines, same decoding",
        "whisper.conversion.greedy_float32_wer_between_engines",
        "both float32 greedy: checks the converted weights",
    )
    rows += orchestration_rows(results)
    api_note = api_setup_note(results)
    for endpoint in (
        "GET /videos/my-videos",
        "GET /videos/my-videos sorted+filtered, 50 cards",
        "POST /videos",
    ):
        stats = get(results, "api.endpoints")
        stats = stats.get(endpoint) if isinstance(stats, Mapping) else None
        if isinstance(stats, Mapping) and "p50_ms" in stats:
            latency = f"{_cell(stats['p50_ms'])} / {_cell(stats['p95_ms'])}"
            rate = f"{_cell(stats['requests_per_second'])}, {stats['errors']}"
            rows.append((f"API {endpoint}: p50 / p95, ms", latency, api_note))
            rows.append((f"API {endpoint}: requests/s, errors", rate, f"of {stats['requests']}"))
            api_note = ""
    signing = get(results, "api.signing")
    if isinstance(signing, Mapping) and "v4_local_key_uncached_ms" in signing:
        rows.append((
            f"Signing {signing['cards']} cards ({signing['urls']} URLs), ms",
            f"{_cell(signing['v4_local_key_uncached_ms'])} / {_cell(signing['v4_cached_ms'])}",
            "V4 with a local key, uncached / cached; on Cloud Run + 1 IAM signBlob call per "
            f"uncached URL; API HMAC {_cell(signing['api_hmac_ms'])} ms",
        ))  # fmt: skip
    for name, model in (get(results, "cost.models") or {}).items():
        rows.append((f"Cost of a 64 s video, {model['model']}", f"${model['usd']:.2f}", name))
    add("Storage per video", "cost.storage.total_bytes", "intermediates + final", human_bytes)
    add("of which intermediates", "cost.storage.intermediate_bytes", "", human_bytes)
    return rows


def api_setup_note(results: Mapping[str, Any]) -> str:
    """How the API bench ran, for the note of its first row."""
    setup = get(results, "api.setup")
    if not isinstance(setup, Mapping):
        return ""
    share = float(setup.get("post_share", 0))
    library = float(setup.get("library_share", 0))
    gets = f"{1 - share:.0%} GET" if not library else f"{1 - share - library:.0%} GET"
    extra = f" / {library:.0%} GET sorted+filtered 50 cards" if library else ""
    return (
        f"{setup.get('clients')} closed-loop clients, {_cell(setup.get('seconds'))} s, "
        f"{gets}{extra} / {share:.0%} POST; emulators, no functions"
    )


def _p50_p95(results: Mapping[str, Any], path: str) -> str | None:
    figures = get(results, path)
    if not isinstance(figures, Mapping) or figures.get("p50") is None:
        return None
    return f"{_cell(figures['p50'])} / {_cell(figures['p95'])}"


def orchestration_rows(results: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """Part 3's rows: jobs lost, handoff latency, overhead per job, Firestore operations."""
    o = get(results, "orchestration")
    if not isinstance(o, Mapping):
        return []
    settings = o.get("settings") or {}
    arrival = "a burst" if not settings.get("spacing_seconds") else "spaced"
    whisper = (settings.get("overrides") or {}).get("WHISPER_ENGINE") != "instant"
    rows: list[tuple[str, Any, str]] = [(
        "Orchestration: jobs completed / failed / lost",
        f"{o['completed']} / {len(o['failed'])} / {o['lost']} of {o['jobs']}",
        f"{arrival}; {'real Whisper; ' if whisper else ''}{_cell(o.get('wall_seconds'))} s",
    )]  # fmt: skip
    handoffs = (("created_to_script", "created → script claimed"),
                ("script_to_video", "script committed → video claimed"),
                ("video_to_assemble", "video committed → assembler claimed"))  # fmt: skip
    for key, label in handoffs:
        raw = _p50_p95(o, f"handoff_seconds.{key}")
        if raw is not None:
            net = _p50_p95(o, f"handoff_net_of_queue_wait_seconds.{key}")
            rows.append((f"Handoff {label}, p50 / p95, s", raw, f"net of queue wait: {net}"))
    overhead = _p50_p95(o, "per_job.overhead_seconds")
    if overhead is not None:
        net = _p50_p95(o, "per_job.overhead_net_of_queue_wait_seconds")
        rows.append(("Orchestration overhead per job, p50 / p95, s", overhead,
                     f"end to end − stage work; net of queue wait: {net}"))  # fmt: skip
    lateness = _p50_p95(o, "poll_lateness_seconds")
    if lateness is not None:
        rows.append(("Video poll doorbell lateness, p50 / p95, s", lateness, "claim − wake_at"))
    reads = get(o, "firestore.reads_per_job")
    writes = get(o, "firestore.writes_per_job")
    if isinstance(reads, Mapping) and reads.get("mean") is not None and isinstance(writes, Mapping):
        monitor = get(o, "firestore.monitor") or {}
        interval = get(o, "settings.monitor_interval_seconds")
        rows.append((
            "Firestore reads / writes per job (mean)",
            f"{_cell(reads['mean'])} / {_cell(writes['mean'])}",
            f"max {_cell(reads['max'])} / {_cell(writes['max'])}; monitor (every "
            f"{_cell(interval)} s): {monitor.get('runs')} run(s), "
            f"+{_cell(monitor.get('reads_per_job'))} reads per job",
        ))  # fmt: skip
    return rows


ORCHESTRATION_LEGEND = (
    "Orchestration: jobs submitted to the local stack (emulators, four functions, monitor every 2 "
    "min) with instant providers: the offline script writer, the instant video model (every block "
    "a copy of one 4 s clip) and, unless noted, the instant transcriber (the clip's known line); "
    "the assembler's FFmpeg work is real. Handoff: stage committed → next stage claimed "
    "(`stage_timings`). The Cloud Tasks emulator dispatches each queue serially, so in a burst a "
    "doorbell waits while the next function serves other jobs: *net of queue wait* leaves that "
    "out, as real Cloud Tasks dispatches concurrently. Overhead: job created → completed minus the"
    " stages' own work (their work functions' time outside Firestore and Cloud Tasks calls). "
    "Firestore operations as billed, counted in the adapters."
)


LEGEND = (
    "Input: 64 s 720x1280 24 fps from the offline video model (9 blocks, espeak-ng speech), "
    "calm music. Floor: one `ffmpeg -c:v libx264 -preset fast -crf 23 -c:a aac` pass. "
    "Assembly: the stage's `assemble_local` (faster-whisper base int8, one encode pass), in a "
    "fresh process, model load included; *before optimisation* is the same code in the "
    "stage's former sequential order. Reference: extract audio, openai-whisper base, SRT, "
    "burn subtitles (encode 1), mix music (encode 2), faststart remux, thumbnail, ffprobe."
)


def _load(values: Any) -> str:
    if isinstance(values, list | tuple) and values:
        return "/".join(f"{v:g}" for v in values)
    return "?"


def markdown_report(results: Mapping[str, Any]) -> str:
    """The short table written to bench/RESULTS.md and the README."""
    machine = results.get("machine", {})
    head = (
        f"Measured {results.get('created_at', '?')} on {machine.get('cpus', '?')} shared cores "
        f"(load average {_load(machine.get('load_before'))} before, "
        f"{_load(machine.get('load_after'))} after); ratios are taken within this one run, "
        "wall clock (CPU seconds in the notes)."
    )
    table = markdown_table(["figure", "value", "note"], results_rows(results))
    legend = LEGEND + (f" {ORCHESTRATION_LEGEND}" if "orchestration" in results else "")
    return f"{head}\n\n{table}\n\n{legend}\n"


def replace_readme_section(readme: str, section: str) -> str | None:
    """README text with the bench section replaced, or None when it has no bench markers."""
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(readme):
        return None
    block = f"{README_START}\n{section.rstrip()}\n{README_END}"
    return pattern.sub(lambda _: block, readme, count=1)
