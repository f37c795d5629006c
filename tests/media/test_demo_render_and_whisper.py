"""Real FFmpeg, espeak-ng and Whisper: the demo video model's output goes through assembly."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from demo_providers.render import extend_video, render_block_clip
from shortvideo.adapters.whisper import FasterWhisperTranscriber, bundled_base_model_dir
from shortvideo.media.ffmpeg import (
    assemble_args,
    extract_audio_args,
    probe,
    run_ffmpeg,
    thumbnail_args,
)
from shortvideo.media.subtitles import build_cues, to_ass
from shortvideo.media.wer import word_error_rate
from shortvideo.models import Language, Style, Word

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")), reason="needs ffmpeg, espeak-ng"
)

EN_LINE = "The old keeper climbs the stairs every night to light the lamp for the ships."
FR_LINE = "Bonjour à tous, bienvenue dans cette petite histoire sur la mer et les bateaux."


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Quotes, commas, brackets and colons prove the filtergraph escaping end to end.
    path = tmp_path_factory.mktemp("media") / "it's, [odd]; dir:x"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def clips(workdir: Path) -> dict[Language, Path]:
    blocks = [
        (Language.EN, 8, Style.CINEMATIC, "A lighthouse on a cliff at dusk; waves 100% wild."),
        (Language.FR, 7, Style.CYBERPUNK, "Néons roses sur la ville, pluie sur les toits."),
    ]
    out: dict[Language, Path] = {}
    for index, (language, seconds, style, visual) in enumerate(blocks):
        out[language] = workdir / f"block{index}.mp4"
        dialogue = EN_LINE if language is Language.EN else FR_LINE
        render_block_clip(
            out_path=out[language], seconds=seconds, style=style, block_index=index,
            visual=visual, dialogue=dialogue, language=language, workdir=workdir,
        )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def joined(clips: dict[Language, Path], workdir: Path) -> Path:
    result = workdir / "veo.mp4"
    extend_video(clips[Language.EN], clips[Language.FR], result, workdir)
    return result


def stream_parameters(path: Path) -> list[dict[str, object]]:
    keys = "codec_name,profile,width,height,pix_fmt,r_frame_rate,time_base,sample_rate,channels"
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", f"stream={keys}", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    streams: list[dict[str, object]] = json.loads(done.stdout)["streams"]
    return streams


def mean_colour(video: Path, at_seconds: float) -> tuple[int, int, int]:
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at_seconds), "-i", str(video), "-frames:v", "1",
         "-vf", "scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    red, green, blue = done.stdout[:3]
    return red, green, blue


def test_clips_share_codec_parameters_and_extend_to_exact_length(
    clips: dict[Language, Path], joined: Path, workdir: Path
) -> None:
    assert stream_parameters(clips[Language.EN]) == stream_parameters(clips[Language.FR])
    result = probe(joined)
    assert (result.width, result.height) == (720, 1280)
    assert result.frame_rate == pytest.approx(24, abs=0.01)
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")
    assert result.duration == pytest.approx(15, abs=0.2)
    # Veo's shape: 8 s opening + 8 extensions of 7 s = 64 s, audio and video in step.
    for _ in range(7):
        extend_video(joined, clips[Language.FR], joined, workdir)
    long = probe(joined)
    assert long.duration == pytest.approx(64, abs=0.2)
    assert long.video_duration is not None and long.audio_duration is not None
    assert abs(long.video_duration - long.audio_duration) < 0.1


def test_styles_render_visibly_different_frames(clips: dict[Language, Path]) -> None:
    cinematic = mean_colour(clips[Language.EN], 3.0)
    cyberpunk = mean_colour(clips[Language.FR], 3.0)
    distance = sum(abs(a - b) for a, b in zip(cinematic, cyberpunk, strict=True))
    assert distance > 30, (cinematic, cyberpunk)


@pytest.mark.parametrize(
    ("language", "reference"), [(Language.EN, EN_LINE), (Language.FR, FR_LINE)]
)
def test_whisper_hears_the_dialogue_in_the_block_language(
    clips: dict[Language, Path], workdir: Path, language: Language, reference: str
) -> None:
    wav = workdir / f"{language.value}.wav"
    run_ffmpeg(extract_audio_args(clips[language], wav))
    words = FasterWhisperTranscriber(bundled_base_model_dir()).transcribe(wav, language)
    hypothesis = " ".join(w.text for w in words)
    wer = word_error_rate(reference, hypothesis)
    print(f"{language.value} WER={wer:.3f}: {hypothesis}")
    assert wer < 0.5
    assert all(0 <= w.start <= w.end <= 8.1 for w in words)


def test_assembly_burns_subtitles_mixes_music_and_makes_thumbnail(
    clips: dict[Language, Path], workdir: Path
) -> None:
    music = workdir / "music.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=3", str(music)])
    words = [Word("{Braces}", 0.3, 0.9), Word("and\\N", 0.9, 1.4), Word("quotes' here.", 1.5, 2)]
    subtitles = workdir / "subs, final.ass"
    subtitles.write_text(to_ass(build_cues(words)), encoding="utf-8")
    final = workdir / "final.mp4"
    run_ffmpeg(assemble_args(video=clips[Language.EN], subtitles_ass=subtitles, out=final,
                             music=music, music_volume=0.2))  # fmt: skip
    result = probe(final)
    assert result.faststart
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")
    assert (result.width, result.height, result.frame_rate) == (720, 1280, 24.0)
    assert result.duration == pytest.approx(8, abs=0.1)  # looped music does not stretch it
    thumbnail = workdir / "thumb.jpg"
    run_ffmpeg(thumbnail_args(final, thumbnail))
    shot = probe(thumbnail)
    assert (shot.width, shot.height) == (540, 960)
