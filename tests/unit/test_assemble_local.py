"""assemble_local without FFmpeg: the same steps and outputs, overlapped or in the former order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shortvideo.media import ffmpeg
from shortvideo.models import Language, Word
from shortvideo.settings import settings_from
from shortvideo.stages import assemble_stage


class FakeTranscriber:
    engine = "fake"

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.loaded = threading.Event()

    def load(self) -> None:
        self.events.append("load")
        self.loaded.set()

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]:
        self.events.append(f"transcribe:{audio_path.name}:{language.value}")
        return [Word("Hello", 0.2, 0.6), Word("world.", 0.6, 1.0)]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    log: list[str] = []
    lock = threading.Lock()

    def run_ffmpeg(args: list[str], timeout: float | None = 900) -> None:
        out = Path(args[-1])
        kind = {".wav": "extract", ".mp4": "encode", ".jpg": "thumbnail"}[out.suffix]
        if kind == "encode":
            assert "-filter_complex" in args and "libx264" in args
        with lock:
            log.append(kind)
        out.write_bytes(b"x")

    def probe(path: Path) -> ffmpeg.ProbeResult:
        with lock:
            log.append("probe")
        return ffmpeg.ProbeResult(64.0, 720, 1280, 1, "h264", "aac", 24.0, True)

    monkeypatch.setattr(ffmpeg, "run_ffmpeg", run_ffmpeg)
    monkeypatch.setattr(ffmpeg, "probe", probe)
    return log


@pytest.mark.parametrize("overlap", [False, True])
def test_assemble_local_makes_the_same_outputs_either_way(
    events: list[str], tmp_path: Path, overlap: bool
) -> None:
    transcriber = FakeTranscriber(events)
    srts: list[str] = []

    def music() -> Path:
        events.append("music")
        return tmp_path / "music.mp3"

    out = assemble_stage.assemble_local(
        tmp_path / "source.mp4", tmp_path, Language.FR, music, settings_from({}), transcriber,
        on_srt=srts.append, overlap=overlap,
    )  # fmt: skip
    assert out.final == tmp_path / "final.mp4" and out.thumbnail == tmp_path / "thumbnail.jpg"
    assert out.transcript == "Hello world."
    assert srts == [out.srt] and "Hello world." in out.srt
    assert (tmp_path / "subtitles.ass").read_text().count("Dialogue:") == 1
    assert (out.info.width, out.info.height) == (720, 1280)
    if overlap:
        assert transcriber.loaded.is_set()
        assert events.index("music") < events.index("encode")
        assert events.index("encode") < min(events.index("thumbnail"), events.index("probe"))
        assert set(events) == {"load", "extract", "transcribe:audio.wav:fr", "music", "encode",
                               "thumbnail", "probe"}  # fmt: skip
    else:  # the stage's former order, step by step
        assert events == ["extract", "transcribe:audio.wav:fr", "music", "encode", "thumbnail",
                          "probe"]  # fmt: skip


def test_music_errors_surface_after_transcription(events: list[str], tmp_path: Path) -> None:
    def missing() -> Path:
        raise LookupError("no music track")

    with pytest.raises(LookupError):
        assemble_stage.assemble_local(
            tmp_path / "source.mp4", tmp_path, Language.EN, missing, settings_from({}),
            FakeTranscriber(events),
        )  # fmt: skip
    assert "encode" not in events


def test_warm_up_tolerates_transcribers_without_load_and_failing_loads() -> None:
    class NoLoad:
        engine = "x"

    class Broken:
        engine = "y"

        def load(self) -> None:
            raise RuntimeError("boom")

    warnings: list[str] = []

    class Log:
        def warning(self, event: str, **_: object) -> None:
            warnings.append(event)

    assemble_stage.warm_up(NoLoad(), Log())  # type: ignore[arg-type]
    assemble_stage.warm_up(Broken(), Log())  # type: ignore[arg-type]
    assert warnings == ["transcriber_warm_up_failed"]


def test_speech_is_heard_in_chunks_of_whole_parts_within_whispers_window() -> None:
    from shortvideo.stages.assemble_checkpoint import chunk_starts

    assert chunk_starts([8.0] + [7.0] * 8) == [0.0, 29.0, 57.0]  # 64 s: 3 windows, as whole
    assert chunk_starts([8.0] + [7.0] * 11) == [0.0, 29.0, 57.0]  # 85 s: the last is 28 s
    assert chunk_starts([64.0]) == [0.0]  # one long source is one chunk
    assert chunk_starts([31.0, 2.0]) == [0.0, 31.0]
