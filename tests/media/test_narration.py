"""The offline narrator and the narration track: real espeak-ng, FFmpeg and Whisper."""

from __future__ import annotations

import array
import shutil
import wave
from pathlib import Path

import pytest

from demo_providers.narrator import EspeakNarrator
from shortvideo.adapters.whisper import FasterWhisperTranscriber, bundled_base_model_dir
from shortvideo.media.audio import wav_seconds
from shortvideo.media.ffmpeg import run_ffmpeg
from shortvideo.media.narration import NarrationLine, narration_track_args
from shortvideo.media.wer import word_error_rate
from shortvideo.models import Language
from shortvideo.stages.narration import block_start

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")), reason="needs ffmpeg, espeak-ng"
)

LINES = [
    "Hello everyone, today we look at the tallest mountains in the world.",
    "The air up there is thin, and every step takes a lot of effort.",
    # long on purpose: it must be sped up to end before the third block's line
    "Climbers carry oxygen bottles, warm clothes, ropes, food and water, and they still need "
    "many weeks to reach the summit and come back down safely.",
]


def loudness(wav: Path, start: float, end: float) -> float:
    """Mean absolute sample value between two times of a mono 16-bit WAV."""
    with wave.open(str(wav), "rb") as handle:
        rate = handle.getframerate()
        handle.setpos(int(start * rate))
        samples = array.array("h", handle.readframes(int((end - start) * rate)))
    return sum(abs(s) for s in samples) / max(1, len(samples))


def test_voices_sound_different(tmp_path: Path) -> None:
    narrator = EspeakNarrator()
    first, second = tmp_path / "kore.wav", tmp_path / "puck.wav"
    narrator.speak(LINES[0], Language.EN, "Kore", first)
    narrator.speak(LINES[0], Language.EN, "Puck", second)
    assert first.read_bytes() != second.read_bytes()
    assert 2 < wav_seconds(first) < 8


def test_narration_track_places_lines_at_blocks_and_whisper_hears_them(tmp_path: Path) -> None:
    narrator = EspeakNarrator()
    lines = []
    for index, text in enumerate(LINES):
        wav = tmp_path / f"b{index}.wav"
        narrator.speak(text, Language.EN, "Rasalgethi", wav)
        seconds = 8 if index == 0 else 7
        lines.append(NarrationLine(wav, block_start(index), seconds, wav_seconds(wav)))
    assert lines[2].seconds > lines[2].room and lines[2].tempo > 1.0
    track = tmp_path / "narration.wav"
    run_ffmpeg(narration_track_args(lines, 22.0, track))
    assert wav_seconds(track) == pytest.approx(22.0, abs=0.05)
    assert loudness(track, 0.0, 0.25) < 50  # the lead-in before each line is silent
    assert loudness(track, 8.0, 8.25) < 50
    assert loudness(track, 15.0, 15.25) < 50
    for start in (0.0, 8.0, 15.0):
        assert loudness(track, start + 0.5, start + 2.5) > 500
    assert loudness(track, 21.8, 22.0) < 50  # the long line was fitted into its block

    words = FasterWhisperTranscriber(bundled_base_model_dir()).transcribe(track, Language.EN)
    hypothesis = " ".join(w.text for w in words)
    wer = word_error_rate(" ".join(LINES), hypothesis)
    print(f"narration WER={wer:.3f}: {hypothesis}")
    assert wer < 0.35
    third = [w for w in words if w.text.strip(" ,.").lower() == "climbers"]
    assert third and third[0].start >= 15.0
