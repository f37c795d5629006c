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
from shortvideo.media.splice import Span, last_frame_args, spliced_audio_args, tail_args


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


def test_assemble_splices_the_parts_inside_its_one_encode() -> None:
    parts = [Span(Path("b0.mp4")), Span(Path("b1.mp4"), 8.0, 7.0), Span(Path("b2.mp4"), 8.5, 6.96)]
    args = assemble_args(video=parts, subtitles_ass=Path("s.ass"), out=Path("o.mp4"),
                         music=Path("m.mp3"))  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert [args[i + 1] for i, a in enumerate(args) if a == "-i"] == [
        "b0.mp4", "b1.mp4", "b2.mp4", "m.mp3"
    ]  # fmt: skip
    # Each part is cut to its kept range, video and audio alike, and joined end to end.
    assert "[0:v]trim=start=0.000000,setpts=PTS-STARTPTS[v0]" in graph
    assert "[1:v]trim=start=8.000000:duration=7.000000,setpts=PTS-STARTPTS[v1]" in graph
    assert "[2:a]atrim=start=8.500000:duration=6.960000,asetpts=PTS-STARTPTS[a2]" in graph
    assert "[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[vcat][acat]" in graph
    assert "[vcat]scale=720:1280" in graph and "subtitles=filename=s.ass[vout]" in graph
    assert "[3:a]volume=0.2[music]" in graph  # music is the input after the parts
    assert "[acat][music]amix=inputs=2:duration=first:normalize=0[aout]" in graph
    assert args.count("-c:v") == 1 and value_after(args, "-map") == "[vout]"


def test_assemble_of_spliced_parts_without_music_maps_the_joined_audio() -> None:
    parts = [Span(Path("b0.mp4")), Span(Path("b1.mp4"), 8.0, 7.0)]
    args = assemble_args(video=parts, subtitles_ass=Path("s.ass"), out=Path("o.mp4"), music=None,
                         narration=Path("n.wav"), native_volume=0.3)  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert "[acat]volume=0.3[native]" in graph and "[native][2:a]amix=inputs=2" in graph
    plain = assemble_args(video=parts, subtitles_ass=Path("s.ass"), out=Path("o.mp4"), music=None)
    assert plain[plain.index("[vout]") + 2] == "[acat]" and "amix" not in "".join(plain)
    with pytest.raises(ValueError):
        assemble_args(video=[], subtitles_ass=Path("s.ass"), out=Path("o.mp4"), music=None)


def test_an_extension_input_is_24_fps_720p_h264_aac() -> None:
    args = tail_args([Span(Path("b1.mp4"), 14.0, 1.0), Span(Path("b2.mp4"), 8.0, 7.0)],
                     Path("tail.mp4"))  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert "[0:v]trim=start=14.000000:duration=1.000000" in graph
    assert "[v0][a0][v1][a1]concat=n=2:v=1:a=1[vcat][acat]" in graph
    assert "[vcat]fps=24,scale=720:1280:force_original_aspect_ratio=decrease," in graph
    assert "pad=720:1280:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[vout]" in graph
    for flag, value in [("-c:v", "libx264"), ("-r", "24"), ("-c:a", "aac"), ("-ar", "48000"),
                        ("-movflags", "+faststart")]:  # fmt: skip
        assert value_after(args, flag) == value
    assert args[-1] == "tail.mp4"


def test_spliced_audio_for_whisper_decodes_no_video() -> None:
    args = spliced_audio_args([Span(Path("b0.mp4")), Span(Path("b1.mp4"), 8.0, 7.0)],
                              Path("a.wav"))  # fmt: skip
    graph = value_after(args, "-filter_complex")
    assert ":v]" not in graph and "concat=n=2:v=0:a=1[acat]" in graph
    assert "[acat]aresample=16000[aout]" in graph
    assert value_after(args, "-ac") == "1" and value_after(args, "-c:a") == "pcm_s16le"


def test_last_frame_is_one_720p_png_from_the_end() -> None:
    args = last_frame_args(Path("b3.mp4"), Path("f.png"))
    assert args.index("-sseof") < args.index("-i") and value_after(args, "-sseof") == "-1"
    assert "scale=720:1280" in value_after(args, "-vf") and value_after(args, "-update") == "1"
    assert value_after(args, "-c:v") == "png" and args[-1] == "f.png"
