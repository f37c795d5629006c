"""The narration track: each block's spoken line placed at its block's start, on one track."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NARRATION_RATE = 48000
LEAD_SECONDS = 0.3  # after the cut, as the demo renderer's own speech
TAIL_SECONDS = 0.2  # silence kept before the next block's line
MAX_TEMPO = 1.6  # a line is sped up at most this much to fit its block; beyond, it overlaps


@dataclass(frozen=True)
class NarrationLine:
    wav: Path
    start: float  # seconds into the video where its block starts
    block_seconds: float
    seconds: float  # the spoken line's own length

    @property
    def room(self) -> float:
        return self.block_seconds - LEAD_SECONDS - TAIL_SECONDS

    @property
    def tempo(self) -> float:
        """1.0, or the speed-up (at most MAX_TEMPO) that fits a long line into its block."""
        if self.seconds <= self.room or self.room <= 0:
            return 1.0
        return min(MAX_TEMPO, self.seconds / self.room)


def narration_track_args(lines: list[NarrationLine], total_seconds: float, out: Path) -> list[str]:
    """Mono 48 kHz PCM of `total_seconds`: the lines delayed to their starts and mixed."""
    if not lines:
        raise ValueError("a narration track needs at least one line")
    inputs: list[str] = []
    graph: list[str] = []
    for i, line in enumerate(lines):
        inputs += ["-i", str(line.wav)]
        chain = f"[{i}:a]aresample={NARRATION_RATE},aformat=sample_fmts=fltp:channel_layouts=mono"
        if line.tempo > 1.0:
            chain += f",atempo={line.tempo:.3f}"
        delay_ms = round((line.start + LEAD_SECONDS) * 1000)
        graph.append(f"{chain},adelay={delay_ms}:all=1[n{i}]")
    labels = "".join(f"[n{i}]" for i in range(len(lines)))
    graph.append(
        f"{labels}amix=inputs={len(lines)}:duration=longest:normalize=0,"
        f"apad=whole_dur={total_seconds:.3f},atrim=0:{total_seconds:.3f}[out]"
    )
    return [
        *inputs,
        "-filter_complex", ";".join(graph),
        "-map", "[out]", "-ac", "1", "-ar", str(NARRATION_RATE), "-c:a", "pcm_s16le",
        str(out),
    ]  # fmt: skip
