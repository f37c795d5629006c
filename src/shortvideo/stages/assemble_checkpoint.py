"""The assembler's transcription survives a killed attempt.

Whisper is most of an assembly (126 s of 94-195 s on a loaded 2-core machine, decision 0014),
longer than a function may live under chaos kills. So the speech is heard in chunks of whole
parts, each at most Whisper's own 30 s window (a 64-85 s video is 3 chunks, as many windows as
the whole audio costs), and each chunk's words are kept in GCS as soon as they are heard:
`subtitles/{video_id}.words-{key}.json`, beside the job's subtitles, so account and video
deletion find them under the job's media prefixes. A retried assembly hears only the chunks no
attempt finished. Chunks end at part boundaries, where one block's line has ended and the next
has not begun, so no word is cut.

A chunk's key is a digest of the very audio Whisper hears (cut from the spliced timeline or the
narration track, which each attempt extracts again: seconds, not minutes), the language and the
transcriber's identity. A re-made part, another narration or another model is other audio or
another identity, hence another key: a changed input is never answered with old words.
"""

from __future__ import annotations

import hashlib
import json
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shortvideo.models import Language, Word
from shortvideo.ports import BlobStore, Transcriber

WHISPER_WINDOW_SECONDS = 30.0  # Whisper hears 30 s at a time; a shorter chunk costs a window
READ_BYTES = 1 << 20


def words_object(video_id: str, key: str) -> str:
    return f"subtitles/{video_id}.words-{key}.json"


def transcriber_identity(transcriber: Transcriber) -> str:
    """The engine and, when it says, the model and precision (they change the words)."""
    model = getattr(transcriber, "model_id", "")
    return f"{transcriber.engine}:{model}" if model else transcriber.engine


def audio_key(audio: Path, language: Language, transcriber: Transcriber) -> str:
    digest = hashlib.sha256()
    digest.update(f"{language.value}\n{transcriber_identity(transcriber)}\n".encode())
    with audio.open("rb") as f:
        while chunk := f.read(READ_BYTES):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def chunk_starts(lengths: Sequence[float], window: float = WHISPER_WINDOW_SECONDS) -> list[float]:
    """Where each chunk starts on the timeline: whole parts, as many as fit in `window` (a
    part longer than the window is a chunk of its own). The last chunk runs to the end."""
    starts = [0.0]
    end = 0.0
    for length in lengths:
        if end > starts[-1] and end + length - starts[-1] > window + 1e-6:
            starts.append(end)
        end += length
    return starts


def cut_wav(source: Path, start: float, end: float | None, out: Path) -> None:
    """Samples [start, end) of a PCM WAV (to its end when `end` is None), exactly, no codec."""
    with wave.open(str(source), "rb") as src:
        rate = src.getframerate()
        first = min(round(start * rate), src.getnframes())
        last = src.getnframes() if end is None else min(round(end * rate), src.getnframes())
        src.setpos(first)
        frames = src.readframes(max(last - first, 0))
        with wave.open(str(out), "wb") as dst:
            dst.setparams(src.getparams())
            dst.writeframes(frames)


@dataclass(frozen=True)
class WordsCheckpoint:
    """One job's kept transcriptions, by audio key."""

    blobs: BlobStore
    video_id: str

    def get(self, key: str) -> list[Word] | None:
        name = words_object(self.video_id, key)
        if not self.blobs.exists(name):
            return None
        try:
            data = json.loads(self.blobs.download_bytes(name))
            return [Word(str(w["text"]), float(w["start"]), float(w["end"])) for w in data]
        except (ValueError, TypeError, KeyError):  # unreadable (e.g. cut short): hear it again
            return None

    def put(self, key: str, words: list[Word]) -> None:
        body = [{"text": w.text, "start": w.start, "end": w.end} for w in words]
        self.blobs.upload_bytes(
            words_object(self.video_id, key), json.dumps(body).encode(), "application/json"
        )


def transcribe_in_chunks(
    transcriber: Transcriber,
    audio: Path,
    language: Language,
    lengths: Sequence[float],
    checkpoint: WordsCheckpoint,
) -> tuple[list[Word], int, int]:
    """Words of `audio` (a PCM WAV of the parts laid end to end, each `lengths` long) on its
    own timeline, how many chunks it was heard in and how many were reused from an earlier
    attempt."""
    starts = chunk_starts(lengths)
    words: list[Word] = []
    reused = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        piece = audio.with_name(f"{audio.stem}-c{index:02d}.wav")
        cut_wav(audio, start, end, piece)
        key = audio_key(piece, language, transcriber)
        heard = checkpoint.get(key)
        if heard is None:
            heard = transcriber.transcribe(piece, language)
            checkpoint.put(key, heard)
        else:
            reused += 1
        words += [Word(w.text, round(w.start + start, 3), round(w.end + start, 3)) for w in heard]
    return words, len(starts), reused
