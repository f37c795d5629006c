"""Part 2: Whisper engines on the same audio: cold model load, real-time factor, WER.

faster-whisper base int8 (the product's default, bundled CTranslate2 model) against
openai-whisper base (the same weights, converted by whisper_convert). Both run through the
product's own adapters, so the decoding options are the product's: faster-whisper beam 5,
openai-whisper its default (greedy with temperature fallback), word timestamps on both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from devstack.bench.assembler import openai_whisper_available
from devstack.bench.inputs import BenchInput
from devstack.bench.report import median, ratio, summary
from shortvideo.media import ffmpeg
from shortvideo.media.wer import word_error_rate
from shortvideo.models import Language
from shortvideo.ports import Transcriber

# Run in a fresh interpreter: imports plus model load, the cost a cold process pays once.
_COLD_LOAD = textwrap.dedent(
    """
    import json, sys, time
    started = time.perf_counter()
    engine, path = sys.argv[1], sys.argv[2]
    from shortvideo.adapters.whisper import FasterWhisperTranscriber, OpenAIWhisperTranscriber
    from pathlib import Path
    imported = time.perf_counter()
    if engine == "faster-whisper":
        transcriber = FasterWhisperTranscriber(Path(path), "int8")
    else:
        transcriber = OpenAIWhisperTranscriber(Path(path))
    transcriber.load()
    done = time.perf_counter()
    print(json.dumps({"import": imported - started, "load": done - imported,
                      "total": done - started}))
    """
)


def transcribers(with_openai: bool) -> dict[str, tuple[Transcriber, Path]]:
    from shortvideo.adapters.whisper import (
        FasterWhisperTranscriber,
        OpenAIWhisperTranscriber,
        bundled_base_model_dir,
    )

    model_dir = bundled_base_model_dir()
    engines: dict[str, tuple[Transcriber, Path]] = {
        "faster-whisper": (FasterWhisperTranscriber(model_dir, "int8"), model_dir)
    }
    if with_openai:
        from devstack.bench.whisper_convert import converted_base_checkpoint

        checkpoint = converted_base_checkpoint()
        engines["openai-whisper"] = (OpenAIWhisperTranscriber(checkpoint), checkpoint)
    return engines


def cold_load(engine: str, model_path: Path) -> dict[str, float]:
    """Seconds to import the engine and load its model in a fresh Python process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _COLD_LOAD, engine, str(model_path)],
        capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"cold load of {engine} failed: {done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process"] = time.perf_counter() - started
    return figures


def bench_whisper(
    bench_input: BenchInput,
    workdir: Path,
    *,
    repeat: int = 1,
    load_repeat: int = 3,
    with_openai: bool | None = None,
    validate_conversion: bool = True,
    progress: Any = print,
) -> dict[str, Any]:
    use_openai = openai_whisper_available() if with_openai is None else with_openai
    workdir.mkdir(parents=True, exist_ok=True)
    audio = workdir / "audio.wav"
    ffmpeg.run_ffmpeg(ffmpeg.extract_audio_args(bench_input.source, audio))
    audio_seconds = ffmpeg.probe(audio).duration
    language = Language(bench_input.script.language)
    engines = transcribers(use_openai)
    loads: dict[str, list[dict[str, float]]] = {name: [] for name in engines}
    for _ in range(max(1, load_repeat)):
        for name, (_t, path) in engines.items():
            loads[name].append(cold_load(name, path))
            progress(f"whisper {name} cold load: {loads[name][-1]['total']:.1f} s")
    times: dict[str, list[float]] = {name: [] for name in engines}
    texts: dict[str, str] = {}
    for transcriber, _p in engines.values():
        getattr(transcriber, "load", lambda: None)()  # load in-process, outside the timings
    for _ in range(max(1, repeat)):
        for name, (transcriber, _p) in engines.items():
            started = time.perf_counter()
            words = transcriber.transcribe(audio, language)
            times[name].append(time.perf_counter() - started)
            texts[name] = " ".join(w.text for w in words)
            progress(f"whisper {name} transcribe: {times[name][-1]:.1f} s")
    results: dict[str, Any] = {"audio_seconds": round(audio_seconds, 3), "engines": {}}
    for name in engines:
        results["engines"][name] = {
            "model": "base",
            "compute_type": "int8" if name == "faster-whisper" else "float32",
            "decoding": "beam 5" if name == "faster-whisper" else "greedy, temperature fallback",
            "load_seconds": summary([f["total"] for f in loads[name]]),
            "load_seconds_model_only": summary([f["load"] for f in loads[name]]),
            "transcribe_seconds": summary(times[name]),
            "rtf": round(median(times[name]) / audio_seconds, 4),
            "wer": round(word_error_rate(bench_input.dialogue, texts[name]), 4),
            "transcript": texts[name],
        }
    if use_openai:
        fast, slow = results["engines"]["faster-whisper"], results["engines"]["openai-whisper"]
        results["ratios"] = {
            "openai_vs_faster_transcribe": ratio(
                slow["transcribe_seconds"]["median"], fast["transcribe_seconds"]["median"]
            ),
            "openai_vs_faster_load": ratio(
                slow["load_seconds"]["median"], fast["load_seconds"]["median"]
            ),
        }
        results["conversion"] = {
            "wer_between_engines": round(
                word_error_rate(texts["faster-whisper"], texts["openai-whisper"]), 4
            ),
        }
        if validate_conversion:
            progress("whisper: conversion check, both engines greedy float32")
            results["conversion"].update(conversion_check(audio, language, engines))
    return results


def conversion_check(
    audio: Path, language: Language, engines: dict[str, tuple[Transcriber, Path]]
) -> dict[str, Any]:
    """Same weights, same decoding (greedy, float32, no fallback): the texts should agree."""
    from faster_whisper import WhisperModel

    model_dir = engines["faster-whisper"][1]
    ct2 = WhisperModel(str(model_dir), device="cpu", compute_type="float32")
    segments, _info = ct2.transcribe(
        str(audio), language=language.value, beam_size=1, temperature=0.0, vad_filter=False
    )
    ct2_text = " ".join(s.text.strip() for s in segments)
    openai_model = engines["openai-whisper"][0]._model()  # type: ignore[attr-defined]
    result = openai_model.transcribe(
        str(audio), language=language.value, fp16=False, temperature=0.0, beam_size=None
    )
    openai_text = str(result.get("text", "")).strip()
    return {
        "greedy_float32_wer_between_engines": round(word_error_rate(ct2_text, openai_text), 4),
        "greedy_float32_ctranslate2": ct2_text,
        "greedy_float32_openai": openai_text,
    }
