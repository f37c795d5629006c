"""The assembler's narration: when a job has a voice, each block's line is read by the narrator.

Each line is kept in GCS (narration/{video_id}/{voice}/bNN.wav), so a retried assembler pays the
text-to-speech model once per line.
"""

from __future__ import annotations

import json
from pathlib import Path

from shortvideo.logs import timed
from shortvideo.media import ffmpeg
from shortvideo.media.audio import wav_seconds
from shortvideo.media.narration import NarrationLine, narration_track_args
from shortvideo.models import EXTENSION_SECONDS, OPENING_SECONDS, Language
from shortvideo.scripts import parse_script
from shortvideo.stages.runner import StageContext


def line_object(video_id: str, voice: str, index: int) -> str:
    return f"narration/{video_id}/{voice}/b{index:02d}.wav"


def block_start(index: int) -> float:
    return 0.0 if index == 0 else float(OPENING_SECONDS + EXTENSION_SECONDS * (index - 1))


def build_narration(ctx: StageContext, voice: str, total_seconds: float, work: Path) -> Path:
    """The whole narration track as a WAV in `work`; records what it did on the job."""
    svc = ctx.svc
    script = parse_script(
        json.loads(svc.blobs.download_bytes(svc.blobs.name_from_uri(ctx.doc["script_file"])))
    )
    language = Language(script.language)
    lines: list[NarrationLine] = []
    spoken = 0
    with timed(ctx.log, "narration_built", voice=voice, narrator=svc.narrator.provider) as extra:
        for block in script.blocks:
            wav = work / f"narration-b{block.index:02d}.wav"
            name = line_object(ctx.video_id, voice, block.index)
            if svc.blobs.exists(name):
                svc.blobs.download_file(name, wav)
            else:
                svc.narrator.speak(block.dialogue, language, voice, wav)
                svc.blobs.upload_file(name, wav, "audio/wav")
                spoken += 1
            lines.append(
                NarrationLine(wav, block_start(block.index), block.seconds, wav_seconds(wav))
            )
        track = work / "narration.wav"
        ffmpeg.run_ffmpeg(narration_track_args(lines, total_seconds, track))
        extra.update(lines=len(lines), spoken=spoken)
    ctx.progress(
        narration={
            "voice": voice,
            "narrator": svc.narrator.provider,
            "lines": len(lines),
            "sped_up": sum(1 for line in lines if line.tempo > 1.0),
        }
    )
    return track
