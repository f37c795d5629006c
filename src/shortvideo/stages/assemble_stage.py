"""assembler: subtitles from Whisper, music under the voice, one H.264 encode, a thumbnail.

The final is cut from the job's `parts` (the opening clip and each block's kept part, decision
0010) inside the one encode; Whisper hears the same spliced timeline.

With a narration voice, the narrator's track is mixed over Veo's (lowered) audio and is what
Whisper transcribes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shortvideo.logs import get_logger, timed
from shortvideo.media import ffmpeg, subtitles
from shortvideo.media.splice import Span, spliced_audio_args
from shortvideo.models import ASSEMBLE, Language
from shortvideo.ports import Transcriber
from shortvideo.segments import Part, parts_of
from shortvideo.settings import Settings
from shortvideo.stages.assemble_checkpoint import WordsCheckpoint, transcribe_in_chunks
from shortvideo.stages.intake import music_object
from shortvideo.stages.narration import build_narration
from shortvideo.stages.runner import StageContext, run_stage
from shortvideo.wiring import Services

# A music track: a local file, a function that fetches it (run beside Whisper), or none.
MusicSource = Path | Callable[[], Path] | None


@dataclass(frozen=True)
class LocalOutputs:
    """What assembly makes from the source video, before anything is uploaded."""

    final: Path
    thumbnail: Path
    srt: str
    transcript: str
    info: ffmpeg.ProbeResult


def output_objects(video_id: str) -> dict[str, str]:
    return {
        "final": f"final/{video_id}.mp4",
        "thumbnail": f"thumbnails/{video_id}.jpg",
        "srt": f"subtitles/{video_id}.srt",
        "ass": f"subtitles/{video_id}.ass",
    }


def warm_up(transcriber: Transcriber, log: Any) -> None:
    """Load the transcriber's model now (once per process) if it can; errors surface later."""
    load = getattr(transcriber, "load", None)
    if load is None:
        return
    try:
        load()
    except Exception as exc:  # transcribe() loads again and raises the real error in the stage
        log.warning("transcriber_warm_up_failed", error=str(exc))


def _spans(source: Path | Sequence[Span]) -> list[Span]:
    return [Span(source)] if isinstance(source, Path) else list(source)


def _transcribe(
    log: Any,
    transcriber: Transcriber,
    language: Language,
    source: list[Span],
    work: Path,
    checkpoint: WordsCheckpoint | None = None,
    timeline: Sequence[float] = (),
) -> tuple[str, str, str]:
    """SRT, ASS and transcript of `source`'s speech; with a `checkpoint`, heard in chunks of
    whole parts of the `timeline` (their lengths), each kept as soon as it is heard."""
    audio = work / "audio.wav"
    with timed(log, "audio_extracted", spans=len(source)):
        if len(source) == 1 and source[0].whole:
            ffmpeg.run_ffmpeg(ffmpeg.extract_audio_args(source[0].path, audio))
        else:  # the spliced timeline's audio, decoded without the video
            ffmpeg.run_ffmpeg(spliced_audio_args(source, audio))
    with timed(log, "transcribed", engine=transcriber.engine) as extra:
        if checkpoint is None:
            words = transcriber.transcribe(audio, language)
        else:
            words, extra["chunks"], extra["reused_chunks"] = transcribe_in_chunks(
                transcriber, audio, language, timeline, checkpoint
            )
        extra["words"] = len(words)
    cues = subtitles.build_cues(words)
    transcript = " ".join(w.text.strip() for w in words)
    return subtitles.to_srt(cues), subtitles.to_ass(cues), transcript


def _music_path(music: MusicSource) -> Path | None:
    return music() if callable(music) else music


def assemble_local(
    source: Path | Sequence[Span],
    workdir: Path,
    language: Language,
    music: MusicSource,
    settings: Settings,
    transcriber: Transcriber,
    *,
    log: Any = None,
    on_srt: Callable[[str], Any] | None = None,
    overlap: bool = True,
    narration: Path | None = None,
    checkpoint: WordsCheckpoint | None = None,
) -> LocalOutputs:
    """Source video (one file, or the spans it is cut from) -> final.mp4, thumbnail.jpg, SRT
    text, transcript, probe, in `workdir`.

    One encode pass (subtitles burned, music mixed, faststart). With `overlap`, the work that does
    not need the transcript runs beside Whisper: the model load beside the audio extraction, the
    music fetch and (later) `on_srt` in one I/O thread, the thumbnail beside the final's probe.
    `overlap=False` runs everything in the stage's former order (kept for the bench's baseline).
    With a `checkpoint`, words an earlier attempt heard in the same audio are reused.
    """
    log = log if log is not None else get_logger(stage=ASSEMBLE.name)
    with ThreadPoolExecutor(max_workers=1) as io, ThreadPoolExecutor(max_workers=1) as cpu:
        music_future: Future[Path | None] | None = None
        if overlap:
            cpu.submit(warm_up, transcriber, log)
            music_future = io.submit(_music_path, music)
        spans = _spans(source)
        speech = [Span(narration)] if narration is not None else spans
        timeline = [span.seconds or 0.0 for span in spans]  # the narration's too
        srt, ass, transcript = _transcribe(
            log, transcriber, language, speech, workdir, checkpoint, timeline
        )
        (workdir / "subtitles.ass").write_text(ass, encoding="utf-8")
        srt_future = io.submit(on_srt, srt) if overlap and on_srt else None
        if on_srt and not overlap:
            on_srt(srt)
        music_path = music_future.result() if music_future else _music_path(music)
        final = workdir / "final.mp4"
        with timed(log, "encoded", music=bool(music_path)):
            ffmpeg.run_ffmpeg(
                ffmpeg.assemble_args(
                    video=spans,
                    subtitles_ass=workdir / "subtitles.ass",
                    out=final,
                    music=music_path,
                    music_volume=settings.music_volume,
                    narration=narration,
                    native_volume=settings.native_audio_volume,
                    preset=settings.x264_preset,
                )
            )
        thumbnail = workdir / "thumbnail.jpg"
        thumb_args = ffmpeg.thumbnail_args(final, thumbnail)
        if overlap:
            thumb_future = cpu.submit(ffmpeg.run_ffmpeg, thumb_args)
            info = ffmpeg.probe(final)
            thumb_future.result()
        else:
            ffmpeg.run_ffmpeg(thumb_args)
            info = ffmpeg.probe(final)
        if srt_future is not None:
            srt_future.result()
    return LocalOutputs(final=final, thumbnail=thumbnail, srt=srt, transcript=transcript, info=info)


def assemble(ctx: StageContext) -> None:
    svc = ctx.svc
    names = output_objects(ctx.video_id)
    svc.settings.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"assemble-{ctx.video_id[:8]}-", dir=svc.settings.workdir))
    srt_uri: list[str] = []
    try:
        transcriber = svc.transcriber
        warm = ThreadPoolExecutor(max_workers=1)
        warm.submit(warm_up, transcriber, ctx.log)  # the model loads during the download...
        warm.shutdown(wait=False)  # ...and transcribe() waits for it if it is not done yet
        parts, spans = _download_parts(ctx, work)

        music: MusicSource = None
        if ctx.doc.get("music"):
            track = ctx.doc["music"]

            def fetch_music() -> Path:
                path = work / "music"
                svc.blobs.download_file(music_object(svc, track), path)
                return path

            music = fetch_music

        def upload_srt(text: str) -> None:
            uri = svc.blobs.upload_bytes(names["srt"], text.encode(), "application/x-subrip")
            srt_uri.append(uri)

        narration = None
        if ctx.doc.get("voice"):
            narration = build_narration(ctx, ctx.doc["voice"], parts, work)
        out = assemble_local(
            spans, work, Language(ctx.doc["language"]), music, svc.settings, transcriber,
            log=ctx.log, on_srt=upload_srt, narration=narration,
            checkpoint=WordsCheckpoint(svc.blobs, ctx.video_id),
        )  # fmt: skip
        final_uri = svc.blobs.upload_file(names["final"], out.final, "video/mp4")
        thumb_uri = svc.blobs.upload_file(names["thumbnail"], out.thumbnail, "image/jpeg")
        ctx.complete(
            final_video_uri=final_uri,
            final_video_url=svc.blobs.url(names["final"]),
            thumbnail_uri=thumb_uri,
            thumbnail_url=svc.blobs.url(names["thumbnail"]),
            subtitles_uri=srt_uri[0],
            transcript=out.transcript[:20000],
            duration=round(out.info.duration, 3),
            width=out.info.width,
            height=out.info.height,
            size_bytes=out.info.size_bytes,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _download_parts(ctx: StageContext, work: Path) -> tuple[list[Part], list[Span]]:
    """The job's parts and their local spans; a job made before parts existed has one video."""
    blobs = ctx.svc.blobs
    parts = parts_of(ctx.doc)
    if not parts:
        source = work / "source.mp4"
        blobs.download_file(blobs.name_from_uri(ctx.doc["veo31_video_uri"]), source)
        length = ffmpeg.probe(source).duration
        return [Part(0, ctx.doc["veo31_video_uri"], 0.0, length)], [Span(source)]
    spans = []
    for part in parts:
        local = work / f"part-b{part.block:02d}.mp4"
        blobs.download_file(blobs.name_from_uri(part.uri), local)
        spans.append(Span(local, part.start, part.seconds))
    return parts, spans


def handle_assemble(svc: Services, video_id: str) -> dict[str, object]:
    return run_stage(svc, ASSEMBLE, video_id, assemble)
