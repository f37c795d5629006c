"""espeak-ng speech: the offline voice of the demo video model and of the offline narrator."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from shortvideo.errors import MediaError
from shortvideo.media.audio import wav_seconds
from shortvideo.models import Language

ESPEAK = shutil.which("espeak-ng") or "espeak-ng"
# Voices and rates chosen by measured Whisper (base) word error rate on whole demo scripts.
# French: the plain "fr" voice is barely intelligible to Whisper (WER ~0.75); the "m2" variant
# (lower formants, a touch of echo) at a slightly slower rate brings it to ~0.1.
ESPEAK_VOICES = {Language.FR: "fr+m2", Language.EN: "en-us", Language.ES: "es"}
SPEECH_WPM = {Language.FR: 145, Language.EN: 160, Language.ES: 160}  # 12 words: ~4.5-5 s
MAX_SPEECH_WPM = 400


def espeak_voice(language: Language, variant: str | None = None) -> str:
    """The espeak-ng voice for a language, with a variant (e.g. "m3", "f2") when given."""
    base = ESPEAK_VOICES[language].split("+", 1)[0]
    return f"{base}+{variant}" if variant else ESPEAK_VOICES[language]


def speak_to_fit(
    text: str, language: Language, wav: Path, room_seconds: float, voice: str | None = None
) -> float:
    """Speak `text` into `wav`; a line longer than `room_seconds` is re-spoken faster, not cut.

    Returns the speech's length in seconds.
    """
    text_file = wav.with_suffix(".txt")
    text_file.write_text(" ".join(text.split()), encoding="utf-8")
    wpm = SPEECH_WPM[language]
    chosen = voice or espeak_voice(language)
    length = 0.0
    for _ in range(3):
        espeak(text_file, chosen, wpm, wav)
        length = wav_seconds(wav)
        if length <= room_seconds or wpm >= MAX_SPEECH_WPM:
            break
        wpm = min(MAX_SPEECH_WPM, int(wpm * length / room_seconds) + 5)
    return length


def espeak(text_file: Path, voice: str, wpm: int, wav: Path) -> None:
    command = [ESPEAK, "-v", voice, "-s", str(wpm), "-w", str(wav)]
    try:
        done = subprocess.run([*command, "-f", str(text_file)], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(f"espeak-ng did not finish: {exc}") from exc
    if done.returncode != 0:
        raise MediaError(f"espeak-ng failed: {done.stderr.decode(errors='replace')[-500:]}")

