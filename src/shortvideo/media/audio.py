"""Small facts about audio files."""

from __future__ import annotations

import wave
from pathlib import Path


def wav_seconds(wav: Path) -> float:
    with wave.open(str(wav), "rb") as handle:
        return handle.getnframes() / handle.getframerate()
