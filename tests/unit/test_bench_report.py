"""The bench's pure parts: statistics, ratios, the Markdown table, the README section, the
CTranslate2 -> openai-whisper name mapping and the cost figures."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from devstack.bench import report
from devstack.bench.chart import chart_rows
from devstack.bench.cost import veo_costs
from devstack.bench.whisper_convert import (
    alignment_heads_dump,
    dimensions,
    openai_state_dict,
    read_ct2_variables,
)
from shortvideo.settings import settings_from


def test_percentile_interpolates_and_median_of_even_count() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert report.percentile(values, 0.0) == 1.0
    assert report.percentile(values, 1.0) == 4.0
    assert report.median(values) == pytest.approx(2.5)
    assert report.percentile(values, 0.9) == pytest.approx(3.7)
    assert report.percentile([7.0], 0.3) == 7.0


@pytest.mark.parametrize("bad", [[], None])
def test_percentile_refuses_no_values(bad: list[float] | None) -> None:
    with pytest.raises(ValueError):
        report.percentile(bad or [], 0.5)
    with pytest.raises(ValueError):
        report.percentile([1.0], 1.5)


def test_ratio_rounds_and_needs_a_positive_denominator() -> None:
    assert report.ratio(3.0, 2.0) == 1.5
    assert report.ratio(1.0, 3.0) == 0.333
    with pytest.raises(ValueError):
        report.ratio(1.0, 0.0)


def test_summary_of_samples() -> None:
    assert report.summary([3.0, 1.0, 2.0]) == {
        "samples": [3.0, 1.0, 2.0],
        "median": 2.0,
        "min": 1.0,
        "p90": 2.8,
    }


def test_markdown_table_formats_cells() -> None:
    table = report.markdown_table(["k", "v"], [("a|b", 1.23456), ("n", None), ("big", 12345.6)])
    assert table.splitlines() == [
        "| k | v |",
        "|---|---|",
        "| a\\|b | 1.23 |",
        "| n | - |",
        "| big | 12,346 |",
    ]
    assert report.human_bytes(999) == "999 B"
    assert report.human_bytes(2_500_000) == "2.5 MB"


SAMPLE: dict[str, Any] = {
    "created_at": "2026-01-01 00:00 UTC",
    "machine": {"cpus": 2, "load_before": [1.0, 1.0, 1.0]},
    "assembler": {
        "ratios": {"assemble_vs_floor": 1.3, "reference_vs_floor": 3.9, "after_vs_before": 0.98},
        "floor": {"seconds": {"median": 40.0}},
        "assemble": {"seconds": {"median": 52.0}, "ssim": 0.95, "size_ratio": 0.8},
    },
    "whisper": {"engines": {"faster-whisper": {"rtf": 0.15, "wer": 0.06}}},
    "cost": {
        "models": {"primary": {"model": "veo-x", "usd": 25.6}},
        "storage": {"total_bytes": 30_000_000, "intermediate_bytes": 20_000_000},
    },
}


def test_report_rows_skip_missing_figures() -> None:
    rows = {label: value for label, value, _note in report.results_rows(SAMPLE)}
    assert rows["Assembly / floor (1 plain x264 encode)"] == 1.3
    assert rows["faster-whisper: real-time factor"] == 0.15
    assert rows["Cost of a 64 s video, veo-x"] == "$25.60"
    assert rows["Storage per video"] == "30.0 MB"
    assert "openai-whisper: real-time factor" not in rows
    text = report.markdown_report(SAMPLE)
    assert text.startswith("Measured 2026-01-01 00:00 UTC on 2 shared cores")
    assert "| Assembly after / before optimisation | 0.98 |" in text
    assert [label for _g, label, _v in chart_rows(SAMPLE)] == [
        "Floor: 1 plain x264 encode",
        "Assembly (stage code, overlapped)",
    ]


def test_readme_section_replaced_only_between_markers() -> None:
    readme = f"# T\n\n{report.README_START}\nold\n{report.README_END}\ntail\n"
    assert report.replace_readme_section(readme, "new table\n") == (
        f"# T\n\n{report.README_START}\nnew table\n{report.README_END}\ntail\n"
    )
    assert report.replace_readme_section("# no markers\n", "x") is None


def test_veo_costs_use_both_models_prices() -> None:
    settings = settings_from(
        {"VEO_PRICE_PER_SECOND": "0.40", "VEO_FALLBACK_PRICE_PER_SECOND": "0.15"}
    )
    costs = veo_costs(settings, blocks=9)
    assert costs["primary"]["seconds"] == 64
    assert costs["primary"]["usd"] == pytest.approx(25.6)
    assert costs["fallback"]["usd"] == pytest.approx(9.6)
    assert costs["fallback"]["model"] == settings.veo_fallback_model


def _write_ct2(path: Path, variables: dict[str, np.ndarray], aliases: dict[str, str]) -> None:
    """A model.bin in CTranslate2's layout (specs/model_spec.py `_serialize`)."""
    dtypes = ("float32", "int8", "int16", "int32", "float16")

    def text(value: str) -> bytes:
        return struct.pack("H", len(value) + 1) + value.encode() + b"\0"

    out = struct.pack("I", 6) + text("WhisperSpec") + struct.pack("I", 3)
    out += struct.pack("I", len(variables))
    for name, array in variables.items():
        out += text(name) + struct.pack("B", array.ndim)
        out += b"".join(struct.pack("I", d) for d in array.shape)
        out += struct.pack("B", dtypes.index(str(array.dtype)))
        out += struct.pack("I", array.nbytes) + array.tobytes()
    out += struct.pack("I", len(aliases))
    for alias, target in aliases.items():
        out += text(alias) + text(target)
    path.write_bytes(out)


def _tiny_whisper(state: int = 4, mels: int = 3, vocab: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)

    def arr(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float16)

    v: dict[str, np.ndarray] = {
        "encoder/num_heads": np.array(2, dtype=np.int16),
        "decoder/num_heads": np.array(2, dtype=np.int16),
        "encoder/conv1/weight": arr(state, mels, 3), "encoder/conv1/bias": arr(state),
        "encoder/conv2/weight": arr(state, state, 3), "encoder/conv2/bias": arr(state),
        "encoder/position_encodings/encodings": arr(5, state),
        "decoder/position_encodings/encodings": arr(6, state),
        "decoder/embeddings/weight": arr(vocab, state),
    }  # fmt: skip
    for side in ("encoder", "decoder"):
        v[f"{side}/layer_norm/gamma"], v[f"{side}/layer_norm/beta"] = arr(state), arr(state)
        p = f"{side}/layer_0"
        qkv_bias = arr(3 * state)
        qkv_bias[state : 2 * state] = 0  # ctranslate2 fills the key's missing bias with zeros
        v[f"{p}/self_attention/linear_0/weight"] = arr(3 * state, state)
        v[f"{p}/self_attention/linear_0/bias"] = qkv_bias
        for name in ("self_attention/linear_1", "ffn/linear_1"):
            v[f"{p}/{name}/weight"], v[f"{p}/{name}/bias"] = arr(state, state), arr(state)
        v[f"{p}/ffn/linear_0/weight"], v[f"{p}/ffn/linear_0/bias"] = arr(state, state), arr(state)
        for norm in ("self_attention", "ffn") + (("attention",) if side == "decoder" else ()):
            v[f"{p}/{norm}/layer_norm/gamma"] = arr(state)
            v[f"{p}/{norm}/layer_norm/beta"] = arr(state)
    p = "decoder/layer_0/attention"
    v[f"{p}/linear_0/weight"], v[f"{p}/linear_0/bias"] = arr(state, state), arr(state)
    v[f"{p}/linear_1/weight"], v[f"{p}/linear_1/bias"] = arr(2 * state, state), arr(2 * state)
    v[f"{p}/linear_2/weight"], v[f"{p}/linear_2/bias"] = arr(state, state), arr(state)
    return v


def test_ct2_variables_map_back_to_openai_whisper_names(tmp_path: Path) -> None:
    variables = _tiny_whisper()
    model_bin = tmp_path / "model.bin"
    _write_ct2(model_bin, variables, {"decoder/projection/weight": "decoder/embeddings/weight"})
    read = read_ct2_variables(model_bin)
    assert np.array_equal(read["decoder/projection/weight"], variables["decoder/embeddings/weight"])
    dims = dimensions(read)
    assert dims == {
        "n_mels": 3, "n_audio_ctx": 5, "n_audio_state": 4, "n_audio_head": 2,
        "n_audio_layer": 1, "n_vocab": 7, "n_text_ctx": 6, "n_text_state": 4,
        "n_text_head": 2, "n_text_layer": 1,
    }  # fmt: skip
    state = openai_state_dict(read)
    fused = variables["encoder/layer_0/self_attention/linear_0/weight"]
    assert np.array_equal(state["encoder.blocks.0.attn.query.weight"], fused[:4])
    assert np.array_equal(state["encoder.blocks.0.attn.key.weight"], fused[4:8])
    assert np.array_equal(state["encoder.blocks.0.attn.value.weight"], fused[8:])
    assert "encoder.blocks.0.attn.key.bias" not in state
    kv = variables["decoder/layer_0/attention/linear_1/weight"]
    assert np.array_equal(state["decoder.blocks.0.cross_attn.value.weight"], kv[4:])
    assert "decoder.blocks.0.cross_attn.key.bias" not in state
    assert "decoder.blocks.0.cross_attn_ln.weight" in state
    assert "encoder.blocks.0.cross_attn.query.weight" not in state
    assert {"encoder.ln_post.bias", "decoder.ln.weight", "decoder.token_embedding.weight"} <= set(
        state
    )
    heads = alignment_heads_dump(json.loads('{"alignment_heads": [[0, 1]]}'), dims)
    assert isinstance(heads, str) and alignment_heads_dump({}, dims) is None


def test_reader_refuses_other_models(tmp_path: Path) -> None:
    model_bin = tmp_path / "model.bin"
    model_bin.write_bytes(struct.pack("I", 6) + struct.pack("H", 9) + b"Other123\0")
    with pytest.raises(ValueError, match="not a Whisper model"):
        read_ct2_variables(model_bin)
