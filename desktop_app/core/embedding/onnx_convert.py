"""Converting a BLIP-2 tower to ONNX with int8 weights: the half of a fast encoder's preparation that needs torch.

These functions run in a child process (core/platform/child_process.py, started by core/embedding/onnx_encoder.py), so
the fp32 torch model they load, 5-6 GB at its peak for the full-size vision tower, and their long
GIL-holding native calls never reach the indexing process or the window. Each loads its tower once
and, while it is in memory anyway, also returns the fp32 embeddings the int8 result is checked against.

The int8 weights go into a separate data file at 64 KiB-aligned offsets, which ONNX Runtime
memory-maps instead of copying: with the weights inline, a vision session held the protobuf's copy
next to the packed kernels' (1.75 GB before the first photo); mapped, it holds 1.15 GB.

The weights are 7-bit (±63, what ONNX Runtime calls reduce_range), on every CPU. Activations are
u8 (0..255); x86 CPUs without VNNI (AVX2, and AVX-512 before VNNI) multiply u8 by s8 with
vpmaddubsw, which adds each pair of products in 16 bits and saturates: 2 × 255 × 127 = 64,770
overflows int16, 2 × 255 × 63 = 32,130 cannot. With 8-bit weights the tiny test model's text tower
agreed with fp32 at only 0.9586 on an AVX2-only EPYC. VNNI and ARM's kernels sum in 32 bits, where
7 bits only round more coarsely: on an AVX-512 VNNI EPYC, 8 -> 7 bits moved the tiny model's vision
agreement from 0.9998 to 0.9994 and its text agreement from 0.9953 to 0.9984, so one scheme serves
every CPU (tests/catalog/test_int8_kernels.py checks the AVX2 arithmetic on any machine).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.core.embedding.blip2 import ResolvedModel, pixel_spec
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import Progress

MODEL_FILE = "model_int8.onnx"
DATA_FILE = MODEL_FILE + ".data"
_EXTERNAL_MIN_BYTES = 1 << 16  # tensors this large go to the data file, aligned so they can be mapped
_ALIGNMENT = 1 << 16  # Windows' allocation granularity; a multiple of every page size
WEIGHT_BITS = 7  # see the module docstring: 8 saturates the int8 kernels of x86 CPUs without VNNI
WEIGHT_MAX = 2 ** (WEIGHT_BITS - 1) - 1
SCHEME = f"w{WEIGHT_BITS}"  # part of a prepared folder's key: a change of scheme prepares the towers again


class OnnxPrepareError(UserError):
    """A fast encoder could not be prepared or loaded; the app goes on with torch."""


def convert_vision(resolved: ResolvedModel, folder: Path, sample: np.ndarray, progress: Progress) -> np.ndarray:
    """The vision tower into `folder`; returns the fp32 query embeddings of `sample` (N, 32, D) to check the result with."""
    import torch

    from desktop_app.core.embedding.blip2 import _load

    tower = _normalised(_load("Blip2VisionModelWithProjection", resolved), lambda model, pixel_values: model(
        pixel_values=pixel_values).image_embeds)
    with torch.inference_mode():
        reference = tower(torch.from_numpy(np.ascontiguousarray(sample, dtype=np.float32))).numpy()
    spec = pixel_spec(resolved)
    _export(tower, (torch.zeros(1, 3, spec.height, spec.width),), {"pixel_values": {0: "batch"}}, folder / "fp32")
    del tower
    _release_memory()
    progress(1, 3, _("quantising"))
    quantize(folder / "fp32" / "model.onnx", folder / MODEL_FILE)
    shutil.rmtree(folder / "fp32")
    return reference


def convert_text(resolved: ResolvedModel, folder: Path, texts: Sequence[str], progress: Progress) -> np.ndarray:
    """The Q-Former text tower into `folder`; returns the fp32 vectors of `texts` (N, D) to check the result with."""
    import torch

    from desktop_app.core.embedding.blip2 import TextEncoder

    encoder = TextEncoder(resolved, device="cpu")
    reference = encoder.encode(texts)
    tower = _normalised(encoder.model, lambda model, input_ids, attention_mask: model(
        input_ids=input_ids, attention_mask=attention_mask).text_embeds[:, 0, :])
    tokens = {name: torch.from_numpy(array) for name, array in encoder.tokenizer(["a photo of a dress"]).items()}
    axes = {0: "batch", 1: "tokens"}
    _export(tower, (tokens["input_ids"], tokens["attention_mask"]), {"input_ids": axes, "attention_mask": axes}, folder / "fp32")
    progress(1, 3, _("quantising"))
    quantize(folder / "fp32" / "model.onnx", folder / MODEL_FILE)
    shutil.rmtree(folder / "fp32")
    return reference


def _normalised(model: Any, forward: Any) -> Any:
    """`model` wrapped so the graph ends with the L2 normalisation the app applies: `encode` is then one session call."""
    import torch

    class Tower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model  # a submodule, so its weights export as initialisers

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.normalize(forward(self.model, *inputs), dim=-1)

    # eval() on the wrapper itself: the exporter restores the wrapper's own mode afterwards, recursively,
    # and a wrapper left in training mode would switch dropout on in the model it wraps.
    return Tower().eval()


def _export(tower: Any, example: tuple[Any, ...], dynamic_axes: dict[str, dict[int, str]], out_dir: Path) -> None:
    """`tower` to `out_dir/model.onnx` in fp32 (weights as external data past 2 GB), with output "embeds".

    The TorchScript exporter (dynamo=False) traces once and needs far less memory than the dynamo one.
    """
    import warnings

    import torch

    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about Python control flow fixed by the input shape
            torch.onnx.export(
                tower, example, str(out_dir / "model.onnx"), dynamo=False, opset_version=17,
                input_names=list(dynamic_axes), output_names=["embeds"], dynamic_axes={**dynamic_axes, "embeds": {0: "batch"}},
            )
    except (RuntimeError, ValueError, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        raise OnnxPrepareError(_("The fast encoder could not be exported."), _("The app uses torch instead."), detail) from exc


def _release_memory() -> None:
    """Return the last step's gigabytes to the OS before the next step allocates its own.

    Without this the full-size preparation peaked at 8.8 GB: the torch model sits in a reference
    cycle (the wrapper class built around it) until the collector runs, and glibc keeps freed
    arenas mapped. Other platforms' allocators return large blocks by themselves.
    """
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def quantize_weight(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A (K, N) fp32 weight as int8 values within ±WEIGHT_MAX and one fp32 scale per output column.

    Symmetric (no zero point), so DynamicQuantizeMatMul needs no weight offsets; per column, so one
    large output channel does not coarsen the others.
    """
    scale = np.maximum(np.abs(array).max(axis=0), np.float32(1e-12)) / np.float32(WEIGHT_MAX)
    values = np.clip(np.rint(array / scale), -WEIGHT_MAX, WEIGHT_MAX).astype(np.int8)
    return values, scale


def quantize(fp32_model: Path, out: Path) -> None:
    """7-bit int8 weights (`quantize_weight`) for every MatMul with a constant weight, activations quantised per call.

    Each such MatMul becomes ONNX Runtime's DynamicQuantizeMatMul, which is what its own
    `quantize_dynamic` output fuses into; doing it here streams one weight at a time from the
    export's external data into `out`'s data file, where `quantize_dynamic` holds the whole fp32
    model two to three times over (12.6 GB peak for the full-size vision tower).
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(fp32_model), load_external_data=False)
    graph, base = model.graph, str(fp32_model.parent)
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    aliases = {node.output[0]: node.input[0] for node in graph.node if node.op_type == "Identity" and node.input[0] in initializers}
    quantized: dict[str, tuple[Any, Any]] = {}
    nodes = []
    with _TensorFile(out.with_name(out.name + ".data")) as data:
        for node in graph.node:
            weight = aliases.get(node.input[1], node.input[1]) if node.op_type == "MatMul" else None
            if weight in initializers and weight not in quantized:
                array = numpy_helper.to_array(initializers[weight], base)
                if array.ndim == 2 and array.dtype == np.float32:
                    values, scale = quantize_weight(array)
                    quantized[weight] = (data.tensor(values, f"{weight}_int8"), data.tensor(scale, f"{weight}_scale"))
            if weight not in quantized:
                nodes.append(node)
                continue
            values_q, scale_q = quantized[weight]
            nodes.append(helper.make_node("DynamicQuantizeMatMul", [node.input[0], values_q.name, scale_q.name], list(node.output),
                                          name=f"{node.name}_int8", domain="com.microsoft"))
        consumed = {name for node in nodes for name in node.input} | {output.name for output in graph.output}
        unused = {alias for alias in aliases if alias not in consumed}
        nodes = [node for node in nodes if not (node.op_type == "Identity" and node.output[0] in unused)]
        used = {name for node in nodes for name in node.input}
        kept = [data.tensor(numpy_helper.to_array(tensor, base), tensor.name)
                for tensor in graph.initializer if tensor.name in used and tensor.name not in quantized]
    del graph.initializer[:]
    graph.initializer.extend(kept + [tensor for pair in quantized.values() for tensor in pair])
    del graph.node[:]
    graph.node.extend(nodes)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, str(out))


class _TensorFile:
    """Writes large tensors into one external data file as they come, each at an aligned offset ONNX Runtime can map."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("wb")

    def __enter__(self) -> _TensorFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def tensor(self, array: np.ndarray, name: str) -> Any:
        """The TensorProto for `array`: inline when small, else pointing into the data file."""
        from onnx import TensorProto, helper, numpy_helper

        if array.nbytes < _EXTERNAL_MIN_BYTES:
            return numpy_helper.from_array(array, name)
        offset = -(-self._handle.tell() // _ALIGNMENT) * _ALIGNMENT
        self._handle.seek(offset)
        self._handle.write(np.ascontiguousarray(array).tobytes())
        proto = TensorProto(name=name, data_type=helper.np_dtype_to_tensor_dtype(array.dtype), dims=array.shape,
                            data_location=TensorProto.EXTERNAL)
        for key, value in (("location", self.path.name), ("offset", str(offset)), ("length", str(array.nbytes))):
            proto.external_data.add(key=key, value=value)
        return proto
