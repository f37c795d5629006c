"""The assembler's narration: when a job has a voice, each block's line is read by the narrator.

Each line is kept in GCS (narration/{video_id}/{voice}/bNN.wav), so a retried assembler pays the
text-to-speech model once per line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from shortvideo.logs import timed
from shortvideo.media import ffmpeg
from shortvideo.media.audio import wav_seconds
from shortvideo.media.narration import NarrationLine, narration_track_args
from shortvideo.models import EXTENSION_SECONDS, OPENING_SECONDS, Language
from shortvideo.scripts import parse_script
from shortvideo.segments import Part
from shortvideo.stages.runner import StageContext


def line_object(video_id: str, voice: str, index: int) -> str:
    return f"narration/{video_id}/{voice}/b{index:02d}.wav"


def block_start(index: int, part_seconds: Sequence[float] | None = None) -> float:
    """Where block `index` starts: after the parts before it (their measured lengths), or by
    the nominal 8 s + 7 s when no lengths are given."""
    if part_seconds is not None:
        return round(float(sum(part_seconds[:index])), 3)
    return 0.0 if index == 0 else float(OPENING_SECONDS + EXTENSION_SECONDS * (index - 1))


def build_narration(ctx: StageContext, voice: str, parts: Sequence[Part], work: Path) -> Path:
    """The whole narration track as a WAV in `work`, each line at its part's real start."""
    svc = ctx.svc
    script = parse_script(
        json.loads(svc.blobs.download_bytes(svc.blobs.name_from_uri(ctx.doc["script_file"])))
    )
    language = Language(script.language)
    lines: list[NarrationLine] = []
    lengths = [p.seconds for p in parts]
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
            part = parts[min(block.index, len(parts) - 1)]
            start = block_start(block.index, lengths)
            lines.append(NarrationLine(wav, start, part.seconds, wav_seconds(wav)))
        track = work / "narration.wav"
        ffmpeg.run_ffmpeg(narration_track_args(lines, sum(lengths), track))
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
