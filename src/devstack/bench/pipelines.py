"""The assembly variants the bench times, each run in a fresh process (a cold function instance).

    python -m devstack.bench.pipelines {assemble,sequential,reference,floor} --source S --out DIR
        [--music M] [--language en] [--preset fast]

prints one JSON line: step seconds and output paths. `assemble` is the stage's code path
(assemble_local, overlapped), `sequential` the same code in the stage's former order, and
`reference` a straightforward pipeline: each step its own pass, openai-whisper base.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from shortvideo.media import ffmpeg
from shortvideo.models import Language

T = TypeVar("T")
CRF = "23"


class Steps:
    """Seconds per named step, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, name: str, function: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return function()
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 3)


def floor_args(source: Path, out: Path, preset: str) -> list[str]:
    """One plain encode: the same codecs as the product's output, no filter, no Whisper."""
    return [
        "-i", str(source), "-c:v", "libx264", "-preset", preset, "-crf", CRF,
        "-c:a", "aac", "-b:a", "128k", str(out),
    ]  # fmt: skip


class StepLog:
    """A stand-in for the stage's logger: keeps the `timed` events' durations as steps."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps

    def info(self, event: str, duration_ms: float | None = None, **_fields: Any) -> None:
        if duration_ms is not None:
            self.steps.seconds[event] = round(duration_ms / 1000, 3)

    def warning(self, event: str, **fields: Any) -> None:
        print(json.dumps({"warning": event, **fields}, default=str), file=sys.stderr)


def run_product(args: argparse.Namespace, steps: Steps, overlap: bool) -> dict[str, Any]:
    from shortvideo.adapters.whisper import load_transcriber
    from shortvideo.settings import settings_from
    from shortvideo.stages.assemble_stage import assemble_local

    settings = settings_from({**os.environ, "X264_PRESET": args.preset})
    transcriber = load_transcriber(settings)
    out = assemble_local(
        args.source, args.out, Language(args.language), args.music, settings, transcriber,
        log=StepLog(steps), overlap=overlap,
    )  # fmt: skip
    srt = args.out / "subtitles.srt"
    srt.write_text(out.srt, encoding="utf-8")
    return {
        "final": str(out.final), "thumbnail": str(out.thumbnail), "srt": str(srt),
        "transcript": out.transcript, "duration": out.info.duration, "engine": transcriber.engine,
    }  # fmt: skip


def run_reference(args: argparse.Namespace, steps: Steps) -> dict[str, Any]:
    """Extract, transcribe (openai-whisper base), SRT, burn, mix, remux, thumbnail, probe."""
    work: Path = args.out
    audio, srt = work / "audio.wav", work / "audio.srt"
    burned, mixed, final = work / "burned.mp4", work / "mixed.mp4", work / "final.mp4"
    run = ffmpeg.run_ffmpeg
    steps.run("extract_audio", lambda: run(ffmpeg.extract_audio_args(args.source, audio)))

    def load() -> Any:
        import whisper

        from devstack.bench.whisper_convert import converted_base_checkpoint

        return whisper.load_model(str(converted_base_checkpoint()), device="cpu")

    model = steps.run("load_model", load)
    result = steps.run(
        "transcribe",
        lambda: model.transcribe(str(audio), language=args.language, fp16=False),
    )

    def write_srt() -> None:
        from whisper.utils import get_writer

        get_writer("srt", str(work))(result, str(audio), {})

    steps.run("write_srt", write_srt)
    encode = ["-c:v", "libx264", "-preset", args.preset, "-crf", CRF]
    steps.run("burn_subtitles", lambda: run([
        "-i", str(args.source), "-vf", f"subtitles={ffmpeg.escape_filter_value(srt)}",
        *encode, "-c:a", "copy", str(burned),
    ]))  # fmt: skip
    music_graph = (
        "[1:a]volume=0.2[m];[0:a][m]amix=inputs=2:duration=first:normalize=0[a]"
        if args.music
        else "[0:a]anull[a]"
    )
    music_input = ["-stream_loop", "-1", "-i", str(args.music)] if args.music else []
    steps.run("mix_music", lambda: run([
        "-i", str(burned), *music_input, "-filter_complex", music_graph,
        "-map", "0:v", "-map", "[a]", *encode, "-c:a", "aac", "-b:a", "128k", str(mixed),
    ]))  # fmt: skip
    steps.run("faststart", lambda: run(
        ["-i", str(mixed), "-c", "copy", "-movflags", "+faststart", str(final)]
    ))  # fmt: skip
    thumbnail = work / "thumbnail.jpg"
    steps.run("thumbnail", lambda: run(ffmpeg.thumbnail_args(final, thumbnail)))
    info = steps.run("probe", lambda: ffmpeg.probe(final))
    return {
        "final": str(final), "thumbnail": str(thumbnail), "srt": str(srt),
        "transcript": str(result.get("text", "")).strip(), "duration": info.duration,
        "engine": "openai-whisper",
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.bench.pipelines")
    parser.add_argument("variant", choices=("assemble", "sequential", "reference", "floor"))
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--music", type=Path)
    parser.add_argument("--language", default="en")
    parser.add_argument("--preset", default="fast")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    steps = Steps()
    started = time.perf_counter()
    if args.variant == "floor":
        final = args.out / "final.mp4"
        steps.run("encode", lambda: ffmpeg.run_ffmpeg(floor_args(args.source, final, args.preset)))
        outputs: dict[str, Any] = {"final": str(final)}
    elif args.variant == "reference":
        outputs = run_reference(args, steps)
    else:
        overlap = args.variant == "assemble"
        outputs = steps.run("assemble_local", lambda: run_product(args, steps, overlap))
    outputs["steps"] = steps.seconds
    outputs["in_process_seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(outputs, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
