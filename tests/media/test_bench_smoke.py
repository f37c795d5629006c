"""The bench's assembler part on a short input (15 s, 2 blocks), faster-whisper only."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from devstack.bench.assembler import bench_assembler
from devstack.bench.cost import bench_cost
from devstack.bench.inputs import BenchInput, make_input
from shortvideo.media.ffmpeg import extract_audio_args, run_ffmpeg
from shortvideo.media.wer import word_error_rate
from shortvideo.models import Language
from shortvideo.settings import settings_from

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")), reason="needs ffmpeg, espeak-ng"
)


@pytest.fixture(scope="module")
def short_input(tmp_path_factory: pytest.TempPathFactory) -> BenchInput:
    return make_input(tmp_path_factory.mktemp("bench") / "inputs", blocks=2)


def test_assembler_bench_on_a_short_input(short_input: BenchInput, tmp_path: Path) -> None:
    bench_input = short_input
    results = bench_assembler(
        bench_input, tmp_path / "runs", preset="ultrafast", reference=False, progress=print
    )
    assert results["input"]["blocks"] == 2
    assert results["input"]["seconds"] == pytest.approx(15, abs=0.2)
    for name in ("floor", "assemble", "assemble_before_optimisation"):
        part = results[name]
        assert part["seconds"]["median"] > 0 and part["cpu_seconds"]["median"] > 0
        assert 0 < part["ssim"] <= 1
        assert part["size_bytes"] > 0 and part["size_ratio"] > 0
        assert part["output"]["width"] == 720 and part["output"]["height"] == 1280
    assert results["assemble"]["output"]["faststart"] is True
    assert results["assemble"]["engine"] == "faster-whisper"
    assert results["assemble"]["wer"] < 0.5
    assert set(results["assemble"]["steps"]) >= {"audio_extracted", "transcribed", "encoded"}
    assert "reference" not in results
    ratios = results["ratios"]
    for key in ("assemble_vs_floor", "before_vs_floor", "after_vs_before"):
        assert ratios[key] > 0 and ratios[f"{key}_cpu"] > 0
    runs = tmp_path / "runs"
    # Overlapping changes when things run, not what they make.
    assert (runs / "assemble" / "final.mp4").read_bytes() == (
        runs / "sequential" / "final.mp4"
    ).read_bytes()
    costs = bench_cost(
        bench_input, settings_from({}), runs / "assemble" / "final.mp4",
        runs / "assemble" / "thumbnail.jpg", runs / "assemble" / "subtitles.srt",
    )  # fmt: skip
    storage = costs["storage"]
    assert storage["total_bytes"] == storage["intermediate_bytes"] + storage["final_bytes"]
    assert len([n for n in storage["objects"] if "/block-" in n]) == 2


needs_openai_whisper = pytest.mark.skipif(
    importlib.util.find_spec("whisper") is None, reason="openai-whisper is not installed"
)


@needs_openai_whisper
def test_converted_checkpoint_works_in_the_product_adapter(
    short_input: BenchInput, tmp_path: Path
) -> None:
    import whisper

    from devstack.bench.whisper_convert import convert
    from shortvideo.adapters.whisper import OpenAIWhisperTranscriber, bundled_base_model_dir

    checkpoint = convert(bundled_base_model_dir(), tmp_path / "base.pt")
    plain = whisper.load_model(str(checkpoint), device="cpu")  # load_state_dict is strict
    assert plain.dims.n_text_layer == 6 and plain.is_multilingual
    transcriber = OpenAIWhisperTranscriber(checkpoint)
    transcriber.load()
    heads = transcriber._model().alignment_heads.to_dense().nonzero().tolist()
    assert heads == [[3, 1], [4, 2], [4, 3], [4, 7], [5, 1], [5, 2], [5, 4], [5, 6]]  # base's
    audio = tmp_path / "audio.wav"
    run_ffmpeg(extract_audio_args(short_input.source, audio))
    words = transcriber.transcribe(audio, Language.EN)
    hypothesis = " ".join(w.text for w in words)
    assert word_error_rate(short_input.dialogue, hypothesis) < 0.5, hypothesis
    assert all(0 <= w.start <= w.end <= 15.2 for w in words)
