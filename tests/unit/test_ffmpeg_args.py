from pathlib import Path

import pytest

from shortvideo.media.ffmpeg import (
    assemble_args,
    escape_filter_value,
    extract_audio_args,
    ffmpeg_command,
    moov_before_mdat,
    thumbnail_args,
    top_level_atoms,
)
from shortvideo.media.narration import NarrationLine, narration_track_args


def value_after(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_escape_filter_value_follows_both_escaping_levels() -> None:
    assert escape_filter_value("/tmp/a b/subs.ass") == "/tmp/a b/subs.ass"
    assert escape_filter_value("/tmp/it's:x,[y];z") == "/tmp/it\\\\\\'s\\\\:x\\,\\[y\\]\\;z"


def test_extract_audio_is_mono_16k_pcm_without_video() -> None:
    args = extract_audio_args(Path("in.mp4"), Path("out.wav"))
    assert "-vn" in args
    assert value_after(args, "-ac") == "1" and value_after(args, "-ar") == "16000"
    assert value_after(args, "-c:a") == "pcm_s16le" and args[-1] == "out.wav"


def test_assemble_burns_subtitles_and_mixes_looped_music() -> None:
    args = assemble_args(
        video=Path("v.mp4"), subtitles_ass=Path("/w/s,1.ass"), out=Path("o.mp4"),
        music=Path("m.mp3"), music_volume=0.2,
    )  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert "subtitles=filename=/w/s\\,1.ass" in graph
    assert "[1:a]volume=0.2[music]" in graph
    assert "[0:a][music]amix=inputs=2:duration=first:normalize=0[aout]" in graph
    music_at = args.index("m.mp3")
    assert args[music_at - 3 : music_at + 1] == ["-stream_loop", "-1", "-i", "m.mp3"]
    assert "scale=720:1280" in graph and "-r" not in args  # size kept, source frame rate kept
    for flag, value in [
        ("-c:v", "libx264"), ("-crf", "23"), ("-preset", "fast"), ("-pix_fmt", "yuv420p"),
        ("-c:a", "aac"), ("-b:a", "128k"), ("-movflags", "+faststart"),
    ]:  # fmt: skip
        assert value_after(args, flag) == value
    assert args.count("-i") == 2 and args[-1] == "o.mp4"


def test_assemble_without_music_copies_native_audio_mapping() -> None:
    args = assemble_args(video=Path("v.mp4"), subtitles_ass=Path("s.ass"), out=Path("o.mp4"),
                         music=None)  # fmt: skip
    assert "amix" not in value_after(args, "-filter_complex")
    assert "-stream_loop" not in args and "0:a?" in args


def test_assemble_with_narration_and_music_mixes_three_inputs() -> None:
    args = assemble_args(
        video=Path("v.mp4"), subtitles_ass=Path("s.ass"), out=Path("o.mp4"),
        music=Path("m.mp3"), music_volume=0.2, narration=Path("n.wav"), native_volume=0.3,
    )  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert "[0:a]volume=0.3[native]" in graph  # Veo's own audio goes under the narrator
    assert "[2:a]volume=0.2[music]" in graph
    assert "[native][1:a][music]amix=inputs=3:duration=first:normalize=0" in graph


def test_narration_track_places_each_line_at_its_block_and_fits_long_lines() -> None:
    lines = [
        NarrationLine(Path("b0.wav"), start=0, block_seconds=8, seconds=4.0),
        NarrationLine(Path("b1.wav"), start=8, block_seconds=7, seconds=9.0),
        NarrationLine(Path("b2.wav"), start=15, block_seconds=7, seconds=30.0),
    ]
    args = narration_track_args(lines, 22.04, Path("n.wav"))
    graph = value_after(args, "-filter_complex")
    assert "atempo" not in graph.split(";")[0] and "adelay=300:all=1[n0]" in graph
    assert "atempo=1.385,adelay=8300:all=1[n1]" in graph  # 9 s into 6.5 s of room
    assert "atempo=1.600,adelay=15300:all=1[n2]" in graph  # capped: it runs over
    assert "[n0][n1][n2]amix=inputs=3:duration=longest:normalize=0" in graph
    assert "apad=whole_dur=22.040,atrim=0:22.040[out]" in graph
    assert args[-1] == "n.wav" and value_after(args, "-ar") == "48000"
    with pytest.raises(ValueError):
        narration_track_args([], 10, Path("n.wav"))


def test_thumbnail_seeks_fast_and_scales_one_frame() -> None:
    args = thumbnail_args(Path("v.mp4"), Path("t.jpg"))
    assert args.index("-ss") < args.index("-i")  # input seeking
    assert value_after(args, "-ss") == "2"
    assert value_after(args, "-frames:v") == "1"
    scale = value_after(args, "-vf")
    assert "scale=540:960" in scale and "crop=540:960" in scale
    assert value_after(args, "-q:v") == "3" and args[-1] == "t.jpg"


def test_ffmpeg_command_adds_the_shared_global_options() -> None:
    command = ffmpeg_command(["-i", "x"])
    assert command[1:6] == ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]


def box(kind: bytes, payload: int = 0) -> bytes:
    return (8 + payload).to_bytes(4, "big") + kind + b"\0" * payload


def test_faststart_reads_top_level_atoms(tmp_path: Path) -> None:
    fast = tmp_path / "fast.mp4"
    fast.write_bytes(box(b"ftyp", 4) + box(b"moov", 10) + box(b"mdat", 20))
    slow = tmp_path / "slow.mp4"
    large_mdat = (1).to_bytes(4, "big") + b"mdat" + (16 + 5).to_bytes(8, "big") + b"\0" * 5
    slow.write_bytes(box(b"ftyp", 4) + large_mdat + box(b"moov", 3))
    assert top_level_atoms(fast) == ["ftyp", "moov", "mdat"]
    assert moov_before_mdat(fast)
    assert top_level_atoms(slow) == ["ftyp", "mdat", "moov"]
    assert not moov_before_mdat(slow)
