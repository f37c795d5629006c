"""assembler: subtitles from Whisper, music under the voice, one H.264 encode, a thumbnail."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from shortvideo.logs import timed
from shortvideo.media import ffmpeg, subtitles
from shortvideo.models import ASSEMBLE, Language
from shortvideo.stages.intake import music_object
from shortvideo.stages.runner import StageContext, run_stage
from shortvideo.wiring import Services


def output_objects(video_id: str) -> dict[str, str]:
    return {
        "final": f"final/{video_id}.mp4",
        "thumbnail": f"thumbnails/{video_id}.jpg",
        "srt": f"subtitles/{video_id}.srt",
        "ass": f"subtitles/{video_id}.ass",
    }


def _transcribe(ctx: StageContext, source: Path, work: Path) -> tuple[str, str, str]:
    audio = work / "audio.wav"
    with timed(ctx.log, "audio_extracted"):
        ffmpeg.run_ffmpeg(ffmpeg.extract_audio_args(source, audio))
    transcriber = ctx.svc.transcriber
    with timed(ctx.log, "transcribed", engine=transcriber.engine) as extra:
        words = transcriber.transcribe(audio, Language(ctx.doc["language"]))
        extra["words"] = len(words)
    cues = subtitles.build_cues(words)
    transcript = " ".join(w.text.strip() for w in words)
    return subtitles.to_srt(cues), subtitles.to_ass(cues), transcript


def assemble(ctx: StageContext) -> None:
    svc = ctx.svc
    names = output_objects(ctx.video_id)
    svc.settings.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"assemble-{ctx.video_id[:8]}-", dir=svc.settings.workdir))
    try:
        source = work / "source.mp4"
        svc.blobs.download_file(svc.blobs.name_from_uri(ctx.doc["veo31_video_uri"]), source)
        srt, ass, transcript = _transcribe(ctx, source, work)
        (work / "subtitles.ass").write_text(ass, encoding="utf-8")
        srt_uri = svc.blobs.upload_bytes(names["srt"], srt.encode(), "application/x-subrip")
        music = None
        if ctx.doc.get("music"):
            music = work / "music"
            svc.blobs.download_file(music_object(svc, ctx.doc["music"]), music)
        final = work / "final.mp4"
        with timed(ctx.log, "encoded", music=bool(music)):
            ffmpeg.run_ffmpeg(
                ffmpeg.assemble_args(
                    video=source,
                    subtitles_ass=work / "subtitles.ass",
                    out=final,
                    music=music,
                    music_volume=svc.settings.music_volume,
                    preset=svc.settings.x264_preset,
                )
            )
        thumbnail = work / "thumbnail.jpg"
        ffmpeg.run_ffmpeg(ffmpeg.thumbnail_args(final, thumbnail))
        info = ffmpeg.probe(final)
        final_uri = svc.blobs.upload_file(names["final"], final, "video/mp4")
        thumb_uri = svc.blobs.upload_file(names["thumbnail"], thumbnail, "image/jpeg")
        ctx.complete(
            final_video_uri=final_uri,
            final_video_url=svc.blobs.url(names["final"]),
            thumbnail_uri=thumb_uri,
            thumbnail_url=svc.blobs.url(names["thumbnail"]),
            subtitles_uri=srt_uri,
            transcript=transcript[:20000],
            duration=round(info.duration, 3),
            width=info.width,
            height=info.height,
            size_bytes=info.size_bytes,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def handle_assemble(svc: Services, video_id: str) -> dict[str, object]:
    return run_stage(svc, ASSEMBLE, video_id, assemble)
