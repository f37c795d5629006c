"""python -m devstack.bench [--json] [--only assembler,whisper,orchestration,api,cost] [--repeat N]
                           [--jobs N] [--clients N] [--seconds S]

Writes bench/results.json, bench/RESULTS.md and bench/chart.png (and the README's bench
section, between its bench markers). Progress goes to stderr; with --json the last stdout line
is the results. Parts not run keep their previous figures in results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devstack.bench import api_bench, assembler, chart, cost, orchestration, report, whisper_bench
from devstack.bench.inputs import BenchInput, make_input
from shortvideo.models import Language, Style
from shortvideo.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
# The five parts of the bench issue; each has a section of its own in results.json (the
# "parts" map says which section answers which part).
PARTS = {"assembler": "1", "whisper": "2", "orchestration": "3", "api": "4", "cost": "5"}
PENDING_PARTS: dict[str, None] = {}
# Parts that work on the rendered 64 s input (the others start a stack of their own).
INPUT_PARTS = ("assembler", "whisper", "cost")


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _ffmpeg_version() -> str:
    done = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=False)
    return done.stdout.split("\n", 1)[0]


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "ffmpeg": _ffmpeg_version(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def _previous(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _cost_files(bench_input: BenchInput, workdir: Path, preset: str) -> tuple[Path, Path, Path]:
    run_dir = workdir / "assemble"
    final, thumb, srt = run_dir / "final.mp4", run_dir / "thumbnail.jpg", run_dir / "subtitles.srt"
    if not (final.is_file() and thumb.is_file() and srt.is_file()):
        _progress("cost: one assembly to measure the final files")
        language = bench_input.script.language.value
        assembler.run_variant("assemble", bench_input, run_dir, preset, language)
    return final, thumb, srt


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.report_only:  # rewrite RESULTS.md, chart.png and the README from results.json
        results = _previous(args.out / "results.json")
        if not results:
            raise SystemExit(f"no results in {args.out / 'results.json'}: run the bench first")
        write_outputs(results, args.out, update_readme=not args.no_readme)
        return results
    only = [p for p in args.only.split(",") if p] if args.only else list(PARTS)
    unknown = sorted(set(only) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown part(s): {', '.join(unknown)}; known: {', '.join(PARTS)}")
    out_dir: Path = args.out
    results = _previous(out_dir / "results.json")
    started = datetime.now(UTC)
    results.update(
        schema=1,
        created_at=started.strftime("%Y-%m-%d %H:%M UTC"),
        machine=_machine(),
        parts={**PENDING_PARTS, **{number: name for name, number in PARTS.items()}},
    )
    settings = get_settings()
    preset = args.preset or settings.x264_preset
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    if set(only) & set(INPUT_PARTS):
        _progress(f"input: {args.blocks} blocks ({args.language}), rendered once into {workdir}")
        bench_input = make_input(
            workdir / "inputs", args.blocks, Language(args.language), Style(args.style)
        )
    if "assembler" in only:
        results["assembler"] = assembler.bench_assembler(
            bench_input, workdir / "runs", preset=preset, repeat=args.repeat,
            reference=False if args.no_openai else None, progress=_progress,
        )  # fmt: skip
        results["assembler"]["measured_at"] = results["created_at"]
    if "whisper" in only:
        results["whisper"] = whisper_bench.bench_whisper(
            bench_input, workdir / "whisper", repeat=args.whisper_repeat,
            with_openai=False if args.no_openai else None, progress=_progress,
        )  # fmt: skip
        results["whisper"]["measured_at"] = results["created_at"]
    if "orchestration" in only:
        results["orchestration"] = orchestration.bench_orchestration(
            REPO_ROOT, workdir / "orchestration", args.jobs, spacing=args.spacing,
            video_latency=args.video_latency, real_whisper=args.real_whisper, progress=_progress,
        )  # fmt: skip
        results["orchestration"]["measured_at"] = results["created_at"]
        args.problems = results["orchestration"]["problems"]  # a lost job fails the bench
        if args.problems:
            _progress(f"orchestration FAILED: {'; '.join(args.problems)}")
    if "api" in only:
        results["api"] = api_bench.bench_api(
            REPO_ROOT, clients=args.clients, seconds=args.seconds, creators=args.creators,
            post_share=args.post_share, progress=_progress,
        )  # fmt: skip
        results["api"]["measured_at"] = results["created_at"]
    if "cost" in only:
        final, thumb, srt = _cost_files(bench_input, workdir / "runs", preset)
        results["cost"] = cost.bench_cost(bench_input, settings, final, thumb, srt)
        results["cost"]["measured_at"] = results["created_at"]
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = round(time.perf_counter() - clock, 1)
    write_outputs(results, out_dir, update_readme=not args.no_readme)
    return results


def write_outputs(results: dict[str, Any], out_dir: Path, update_readme: bool = True) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    table = report.markdown_report(results)
    (out_dir / "RESULTS.md").write_text("# Bench results\n\n" + table, encoding="utf-8")
    if chart.draw_chart(results, out_dir / "chart.png") is None:
        _progress("chart skipped (needs Pillow: pip install -e '.[bench]')")
    readme = REPO_ROOT / "README.md"
    if update_readme and readme.is_file():
        section = table + "\n![bench chart](bench/chart.png)\n"
        updated = report.replace_readme_section(readme.read_text(encoding="utf-8"), section)
        if updated is not None:
            readme.write_text(updated, encoding="utf-8")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--only", default="", help="comma list of: " + ",".join(PARTS))
    parser.add_argument("--repeat", type=int, default=1, help="assembly runs per variant")
    parser.add_argument("--whisper-repeat", type=int, default=1, help="transcriptions per engine")
    parser.add_argument("--blocks", type=int, default=9, help="9 blocks = 64 s")
    parser.add_argument("--language", default="en", choices=[x.value for x in Language])
    parser.add_argument("--style", default="cinematic", choices=[x.value for x in Style])
    parser.add_argument("--preset", default="", help="x264 preset (default: X264_PRESET)")
    parser.add_argument("--no-openai", action="store_true", help="skip openai-whisper")
    parser.add_argument(
        "--jobs",
        type=int,
        default=orchestration.DEFAULT_JOBS,
        help="orchestration: jobs through the local stack (50)",
    )
    parser.add_argument(
        "--spacing",
        type=float,
        default=0.0,
        help="orchestration: seconds between job submissions (0: a burst)",
    )
    parser.add_argument(
        "--video-latency",
        type=float,
        default=0.0,
        help="orchestration: seconds before a video operation is done (0)",
    )
    parser.add_argument(
        "--real-whisper",
        action="store_true",
        help="orchestration: Whisper in the assembler instead of the instant transcriber",
    )
    parser.add_argument("--clients", type=int, default=50, help="api: concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="api: seconds of load (30)")
    parser.add_argument("--creators", type=int, default=10, help="api: creators they share (10)")
    parser.add_argument(
        "--post-share", type=float, default=0.2, help="api: share of POST /videos (0.2)"
    )
    parser.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the table and chart from results.json"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("BENCH_WORKDIR", "/tmp/shortvideo-bench")),
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    _progress(f"wrote {args.out / 'results.json'}, RESULTS.md and chart.png")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(report.markdown_report(results))
    return 1 if getattr(args, "problems", None) else 0


if __name__ == "__main__":
    sys.exit(main())
