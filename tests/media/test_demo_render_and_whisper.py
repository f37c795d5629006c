"""Real FFmpeg, espeak-ng and Whisper: the demo video model's output goes through assembly."""

from __future__ import annotations

import json
import re
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


# WER bounds: the largest of 3 measured runs plus 0.05 (2026-12-02: en 0.000 x3, fr 0.071 x3,
# "bateaux" heard as "mataux"). espeak-ng and int8 Whisper are deterministic, so the margin is
# for an upgrade of either, not for noise.
@pytest.mark.parametrize(
    ("language", "reference", "max_wer"),
    [(Language.EN, EN_LINE, 0.05), (Language.FR, FR_LINE, 0.12)],
)
def test_whisper_hears_the_dialogue_in_the_block_language(
    clips: dict[Language, Path], workdir: Path, language: Language, reference: str,
    max_wer: float,
) -> None:
    wav = workdir / f"{language.value}.wav"
    run_ffmpeg(extract_audio_args(clips[language], wav))
    words = FasterWhisperTranscriber(bundled_base_model_dir()).transcribe(wav, language)
    hypothesis = " ".join(w.text for w in words)
    wer = word_error_rate(reference, hypothesis)
    print(f"{language.value} WER={wer:.3f}: {hypothesis}")
    assert wer <= max_wer
    assert all(0 <= w.start <= w.end <= 8.1 for w in words)


# The subtitle cue of the assembly tests is on screen from 0.3 s to 2.0 s.
CUE_WORDS = [
    Word("{Braces}", 0.3, 0.9), Word("and\\N", 0.9, 1.4), Word("quotes' here.", 1.5, 2),
]  # fmt: skip
# ASS style: baseline ~27 % from the bottom, so the text sits in rows ~860-960 of 1280.
SUBTITLE_BAND = (780, 1000)


def _assemble(clip: Path, workdir: Path, name: str, *, cues: bool, music: Path | None) -> Path:
    subtitles = workdir / f"subs, {name}.ass"
    subtitles.write_text(to_ass(build_cues(CUE_WORDS if cues else [])), encoding="utf-8")
    final = workdir / f"{name}.mp4"
    run_ffmpeg(assemble_args(video=clip, subtitles_ass=subtitles, out=final, music=music,
                             music_volume=0.2, preset="ultrafast"))  # fmt: skip
    return final


@pytest.fixture(scope="module")
def assemblies(clips: dict[Language, Path], workdir: Path) -> dict[str, Path]:
    """The same clip assembled three ways: with everything, without subtitles, without music."""
    music = workdir / "music.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=3", str(music)])
    clip = clips[Language.EN]
    return {
        "final": _assemble(clip, workdir, "final", cues=True, music=music),
        "no_subtitles": _assemble(clip, workdir, "no-subtitles", cues=False, music=music),
        "no_music": _assemble(clip, workdir, "no-music", cues=True, music=None),
    }


def band_pixels(video: Path, at_seconds: float, rows: tuple[int, int]) -> bytes:
    """The grey levels of rows [top, bottom) of the frame shown at `at_seconds`."""
    top, bottom = rows
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at_seconds), "-i", str(video), "-frames:v", "1",
         "-vf", f"crop=iw:{bottom - top}:0:{top}", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout


def band_difference(
    a: Path, b: Path, at_seconds: float, rows: tuple[int, int] = SUBTITLE_BAND
) -> float:
    """Mean absolute grey-level difference of a band of rows between two videos."""
    first, second = band_pixels(a, at_seconds, rows), band_pixels(b, at_seconds, rows)
    assert len(first) == len(second) == 720 * (rows[1] - rows[0])
    return sum(abs(x - y) for x, y in zip(first, second, strict=True)) / len(first)


def silent_windows(video: Path) -> list[tuple[float, float]]:
    """Stretches of at least 0.5 s quieter than -50 dB (ffmpeg silencedetect), in seconds."""
    done = subprocess.run(
        ["ffmpeg", "-v", "info", "-nostats", "-i", str(video), "-map", "0:a",
         "-af", "silencedetect=noise=-50dB:d=0.5", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", done.stderr)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", done.stderr)]
    ends += [probe(video).duration] * (len(starts) - len(ends))  # silent to the end
    return [(max(0.0, s), e) for s, e in zip(starts, ends, strict=True)]


def mean_volume_db(video: Path, start: float, end: float) -> float:
    """ffmpeg volumedetect's mean volume (dBFS) of the audio between two times."""
    done = subprocess.run(
        ["ffmpeg", "-v", "info", "-nostats", "-ss", str(start), "-t", str(end - start),
         "-i", str(video), "-map", "0:a", "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"mean_volume: (-?[\d.]+|-inf) dB", done.stderr)
    assert found, done.stderr[-500:]
    return float(found.group(1))


def test_assembly_is_one_faststart_pass_with_a_thumbnail(
    assemblies: dict[str, Path], workdir: Path
) -> None:
    final = assemblies["final"]
    result = probe(final)
    assert result.faststart
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")
    assert (result.width, result.height, result.frame_rate) == (720, 1280, 24.0)
    assert result.duration == pytest.approx(8, abs=0.1)  # looped music does not stretch it
    thumbnail = workdir / "thumb.jpg"
    run_ffmpeg(thumbnail_args(final, thumbnail))
    shot = probe(thumbnail)
    assert (shot.width, shot.height) == (540, 960)


def test_subtitles_are_burned_into_the_bottom_band_while_their_cue_shows(
    assemblies: dict[str, Path],
) -> None:
    final, plain = assemblies["final"], assemblies["no_subtitles"]
    shown = band_difference(final, plain, 1.0)  # the cue is on screen
    hidden = band_difference(final, plain, 5.0)  # no cue any more
    above = band_difference(final, plain, 1.0, rows=(100, 320))  # far above the text
    print(f"subtitle band difference: {shown:.2f} with a cue, {hidden:.2f} without; "
          f"{above:.2f} above the band")  # fmt: skip
    assert shown > 10.0  # measured 20.0: the white glyphs and their outline
    assert hidden < 0.5  # measured 0.12: the encoder alone
    assert above < 0.5


def test_music_is_heard_under_the_voice_where_nobody_speaks(assemblies: dict[str, Path]) -> None:
    windows = [(s, e) for s, e in silent_windows(assemblies["no_music"]) if e - s >= 0.6]
    assert windows, "the clip should have a pause without speech"
    start, end = windows[-1][0] + 0.05, windows[-1][1] - 0.05
    without = mean_volume_db(assemblies["no_music"], start, end)
    with_music = mean_volume_db(assemblies["final"], start, end)
    speech = mean_volume_db(assemblies["no_music"], 0.5, 2.0)
    print(f"{start:.2f}-{end:.2f} s: {without} dB without music, {with_music} dB with; "
          f"speech {speech} dB")  # fmt: skip
    assert without < -60  # no voice there
    # A 220 Hz sine at 1/8 amplitude (RMS -21 dBFS) at volume 0.2 (-14 dB): about -35 dBFS.
    assert -40 < with_music < -30
    assert with_music < speech - 6  # under the voice, not over it
