"""The int8 weights against the arithmetic of a CPU this machine may not be: x86 without VNNI.

ONNX Runtime's DynamicQuantizeMatMul quantises each call's activations to u8 (with a zero point) and
multiplies them by the s8 weights. With AVX2 (and AVX-512 before VNNI) its kernel adds each pair of
u8×s8 products in 16 bits (vpmaddubsw), saturating; VNNI adds them in 32 bits. Here every Linear of
the tiny text tower runs that way in numpy, so an AVX-512 VNNI or ARM machine checks what an AVX2-only
laptop would compute. With 8-bit weights this emulation gives the 0.9586 measured on an AVX2-only EPYC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.embedding import onnx_convert
from desktop_app.core.embedding.blip2 import TextEncoder, resolve_blip2
from desktop_app.core.embedding.onnx_encoder import CHECK_TEXTS

_INT16 = np.iinfo(np.int16)


def _avx2_matmul(x: np.ndarray, weight: np.ndarray, saturated: list[int]) -> np.ndarray:
    """x (M, K) @ weight (K, N) as the u8s8 AVX2 kernel computes it, counting the 16-bit pair sums that saturate."""
    values, scale = onnx_convert.quantize_weight(weight)
    low, high = min(0.0, float(x.min())), max(0.0, float(x.max()))
    x_scale = (high - low) / 255 or 1.0
    zero_point = int(np.clip(np.rint(-low / x_scale), 0, 255))
    a = np.clip(np.rint(x / x_scale) + zero_point, 0, 255).astype(np.int64)
    b = values.astype(np.int64)
    if a.shape[1] % 2:
        a, b = np.pad(a, ((0, 0), (0, 1))), np.pad(b, ((0, 1), (0, 0)))
    pairs = a[:, 0::2, None] * b[None, 0::2, :] + a[:, 1::2, None] * b[None, 1::2, :]
    saturated.append(int(((pairs > _INT16.max) | (pairs < _INT16.min)).sum()))
    sums = np.clip(pairs, _INT16.min, _INT16.max).sum(axis=1) - zero_point * b.sum(axis=0)
    return sums.astype(np.float32) * np.float32(x_scale) * scale


def _encode_as_avx2(encoder: TextEncoder, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, int]:
    import torch

    saturated: list[int] = []

    def forward(self: torch.nn.Linear, x: torch.Tensor) -> torch.Tensor:
        flat = x.detach().reshape(-1, x.shape[-1]).numpy()
        out = _avx2_matmul(flat, self.weight.detach().numpy().T, saturated)
        if self.bias is not None:
            out = out + self.bias.detach().numpy()
        return torch.from_numpy(out.reshape(*x.shape[:-1], -1))

    with monkeypatch.context() as patch:
        patch.setattr(torch.nn.Linear, "forward", forward)
        vectors = encoder.encode(list(CHECK_TEXTS))
    return vectors, sum(saturated)


def test_7_bit_weights_agree_with_fp32_on_avx2_arithmetic(tiny_blip2: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.core.platform.paths import resolve_paths

    encoder = TextEncoder(resolve_blip2(str(tiny_blip2), resolve_paths(data_dir=tmp_path)), device="cpu")
    reference = encoder.encode(list(CHECK_TEXTS))
    vectors, saturated = _encode_as_avx2(encoder, monkeypatch)
    assert saturated == 0 and (reference * vectors).sum(axis=-1).min() >= 0.99

    monkeypatch.setattr(onnx_convert, "WEIGHT_MAX", 127)  # the old 8-bit weights: the emulation sees AVX2's failure
    _vectors, saturated = _encode_as_avx2(encoder, monkeypatch)
    assert saturated > 0
