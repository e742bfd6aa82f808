"""The BLIP-2 vision tower through ONNX Runtime with int8 weights: the fast CPU encoder for indexing.

Why: torch's dynamic int8 still runs most of ViT-g's work through generic kernels; ONNX Runtime's
int8 MatMul kernels use VNNI where the CPU has it, and the int8 model file (about a quarter of the
fp32 weights) is all that indexing then holds in memory.

The fast encoder is prepared once per model, in a child process (core/child_process.py) so that its
5-6 GB peak and its long GIL-holding native calls never touch the indexing process or the window: the
torch tower (vision model + Q-Former + projection, what `Blip2VisionModelWithProjection` computes,
plus the L2 normalisation) is exported to ONNX in fp32 and its MatMul weights quantised to int8 one at
a time. While the fp32 torch model is in memory anyway, the child also embeds a few of the user's
photos, so the int8 model's agreement with fp32 is measured on real photos without loading the 4 GB
model again. The result lives in `<prepared root>/<key>/` (key: model spec + revision + onnxruntime
version + this format), built in a temporary sibling folder and renamed into place, so an interrupted
preparation leaves no half-written model; a manifest of sizes and sha256 digests catches a damaged
file, which is then rebuilt.

The weights sit in a separate file at 64 KiB-aligned offsets, which ONNX Runtime memory-maps instead
of copying: with the weights inline, a session held the protobuf's copy next to the packed kernels'
(1.75 GB before the first photo); mapped, it holds 1.15 GB, and peaks at 1.5 GB with a batch of 8.

`OnnxVisionEncoder` keeps `VisionEncoder`'s interface (`encode(pixels) -> (N, 32, D)`), so it is a
drop-in for the indexer. onnxruntime, onnx, torch and transformers are imported inside functions:
without onnxruntime the app falls back to torch (`available()` says whether it can be used).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from desktop_app.core.blip2 import ResolvedModel, agreement, model_identity, pixel_spec
from desktop_app.core.child_process import ChildDied, run_in_child
from desktop_app.core.errors import UserError
from desktop_app.core.jobs import CancelToken, Progress, no_progress

if TYPE_CHECKING:
    from desktop_app.core.blip2 import PixelSpec
    from desktop_app.core.store import EmbeddingModel

log = logging.getLogger(__name__)

FORMAT = "blip2-vision-int8-v2"  # bump when the export or quantisation recipe changes: old folders are then not reused
MODEL_FILE = "vision_int8.onnx"
DATA_FILE = MODEL_FILE + ".data"
MANIFEST_FILE = "manifest.json"
TEMP_PREFIX = ".building-"
_INPUT, _OUTPUT = "pixel_values", "query_embeds"
_EXTERNAL_MIN_BYTES = 1 << 16  # tensors this large go to the data file, aligned so they can be mapped
_ALIGNMENT = 1 << 16  # Windows' allocation granularity; a multiple of every page size
# The full-size model (5.3 GB of weights on disk) took 1.4 min on a quiet 2-core EPYC and up to 2.5 min
# under load; the estimate shown to the user scales with the weights' size.
_MINUTES_PER_GB = 0.35


class OnnxPrepareError(UserError):
    """The fast encoder could not be prepared; indexing goes on with torch."""


@dataclass(frozen=True)
class Prepared:
    folder: Path
    agreement: float  # the worst sample photo's mean cosine with fp32 over its query vectors
    worst_vector: float  # the lowest single query-vector cosine over the sample
    photos: int
    seconds: float  # how long preparation took (0 when it was already cached)


def available() -> bool:
    """onnxruntime and onnx are an optional extra (`pip install fashion-assistant[fast]`)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def prepared_key(resolved: ResolvedModel) -> str:
    import onnxruntime

    raw = f"{FORMAT}\n{resolved.spec}\n{resolved.revision}\n{onnxruntime.__version__}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a complete, undamaged prepared folder, else None (the folder is then rebuilt)."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        for name, expected in manifest["files"].items():
            path = folder / name
            if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
                log.warning("Prepared encoder file %s is damaged; rebuilding it", path)
                return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _clear_stale(root: Path) -> None:
    """Temporary folders of preparations that died (kill -9, power loss): their process is gone."""
    for temp in root.glob(TEMP_PREFIX + "*"):
        if not _in_progress(temp):
            shutil.rmtree(temp, ignore_errors=True)


def _in_progress(temp: Path) -> bool:
    """Whether another live process is building `temp` (its name ends with that process's id)."""
    pid = temp.name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows: go by age instead
        return time.time() - temp.stat().st_mtime < 3600
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cached(resolved: ResolvedModel, root: Path) -> Prepared | None:
    """The prepared encoder for this model and onnxruntime, when one is complete and undamaged."""
    folder = root / prepared_key(resolved)
    manifest = _manifest(folder) if folder.is_dir() else None
    if manifest is None:
        return None
    check = manifest["agreement"]
    return Prepared(folder, check["agreement"], check["worst_vector"], check["photos"], 0.0)


def open_cached(resolved: ResolvedModel, root: Path, threads: int | None = None) -> OnnxVisionEncoder | None:
    """The prepared encoder, ready to encode, when this machine has one for `resolved`; None sends the caller to torch."""
    if not available():
        return None
    found = cached(resolved, root)
    if found is None:
        return None
    try:
        return OnnxVisionEncoder.open(found, resolved, threads)
    except OnnxPrepareError as exc:
        log.warning("Prepared encoder %s unusable (%s); using torch", found.folder, exc.detail)
        return None


def estimate_minutes(resolved: ResolvedModel) -> int:
    size = sum(p.stat().st_size for p in resolved.folder.iterdir() if p.suffix in (".safetensors", ".bin"))
    return max(1, round(_MINUTES_PER_GB * size / 1e9))


def prepare(
    resolved: ResolvedModel,
    root: Path,
    sample: np.ndarray,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Prepared:
    """The prepared encoder for `resolved`, built now (export, quantise, check on `sample`) unless cached.

    `sample` is a few of the user's photos as pixels; their fp32 embeddings come from the torch model
    loaded for the export, so the check costs no second load. Cancel kills the converting child at once.
    """
    cancel = cancel or CancelToken()
    found = cached(resolved, root)
    if found is not None:
        return found
    root.mkdir(parents=True, exist_ok=True)
    _clear_stale(root)
    final = root / prepared_key(resolved)
    temp = root / f"{TEMP_PREFIX}{final.name}-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    started = time.monotonic()
    note = f"Preparing the fast encoder, about {estimate_minutes(resolved)} min, once for this model"

    def step(done: int, _total: int | None, detail: str) -> None:
        progress(done, 3, f"{note}: {detail}")

    try:
        step(0, 3, "exporting")
        try:
            reference = run_in_child(convert, resolved, temp, sample, progress=step, cancel=cancel)
        except ChildDied as exc:
            raise OnnxPrepareError("Preparing the fast encoder stopped before it finished; the computer may be short of memory.",
                                   "Indexing uses torch instead; close other programs and index again to retry.", str(exc)) from exc
        step(2, 3, f"checking on {len(sample)} of your photos")
        mean_cosine, worst = agreement(reference, OnnxVisionEncoder.open(temp / MODEL_FILE, resolved).encode(sample))
        files = {name: {"size": (temp / name).stat().st_size, "sha256": _sha256(temp / name)} for name in (MODEL_FILE, DATA_FILE)}
        manifest = {
            "format": FORMAT,
            "model": {"spec": resolved.spec, "revision": resolved.revision},
            "agreement": {"agreement": round(mean_cosine, 5), "worst_vector": round(worst, 5), "photos": len(sample)},
            "files": files,
        }
        (temp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        cancel.check()
        if final.exists():  # a damaged earlier build: replaced only now that a good one exists
            shutil.rmtree(final)
        os.replace(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    seconds = time.monotonic() - started
    progress(3, 3, f"Fast encoder ready in {seconds / 60:.1f} min")
    log.info("Prepared %s in %.0f s: agreement %.4f (worst query vector %.4f)", final, seconds, mean_cosine, worst)
    return Prepared(final, mean_cosine, worst, len(sample), seconds)


def convert(resolved: ResolvedModel, folder: Path, sample: np.ndarray, progress: Progress) -> np.ndarray:
    """In the child: export in fp32, quantise into `folder`, drop the fp32 export; returns `sample`'s fp32 embeddings."""
    reference = export_fp32(resolved, folder / "fp32", sample)
    _release_memory()
    progress(1, 3, "quantising")
    quantize(folder / "fp32" / "model.onnx", folder / MODEL_FILE)
    shutil.rmtree(folder / "fp32")
    return reference


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


def _tower(model: Any) -> Any:
    """What the ONNX graph computes: the query embeddings, normalised in the graph so `encode` is one call."""
    import torch

    class Tower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.normalize(self.model(pixel_values=pixel_values).image_embeds, dim=-1)

    # eval() on the wrapper itself: the exporter restores the wrapper's own mode afterwards, recursively,
    # and a wrapper left in training mode would switch dropout on in the model it wraps.
    return Tower().eval()


def export_fp32(resolved: ResolvedModel, out_dir: Path, sample: np.ndarray) -> np.ndarray:
    """Export the tower to `out_dir/model.onnx` (weights as external data past 2 GB); returns fp32 embeddings of `sample`.

    The TorchScript exporter (dynamo=False) traces once and needs far less memory than the dynamo one.
    """
    import warnings

    import torch

    from desktop_app.core.blip2 import _load

    tower = _tower(_load("Blip2VisionModelWithProjection", resolved))
    with torch.inference_mode():
        reference = tower(torch.from_numpy(np.ascontiguousarray(sample, dtype=np.float32))).numpy()
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = pixel_spec(resolved)
    dummy = torch.zeros(1, 3, spec.height, spec.width)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about Python control flow fixed by the input shape
            torch.onnx.export(
                tower, (dummy,), str(out_dir / "model.onnx"), dynamo=False, opset_version=17,
                input_names=[_INPUT], output_names=[_OUTPUT], dynamic_axes={_INPUT: {0: "batch"}, _OUTPUT: {0: "batch"}},
            )
    except (RuntimeError, ValueError, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        raise OnnxPrepareError("The fast encoder could not be exported.", "Indexing uses torch instead.", detail) from exc
    return reference


def quantize(fp32_model: Path, out: Path) -> None:
    """int8 weights (symmetric, per output column) for every MatMul with a constant weight, activations quantised per call.

    Each such MatMul becomes ONNX Runtime's DynamicQuantizeMatMul, which is what its own
    `quantize_dynamic` output fuses into; doing it here streams one weight at a time from the
    export's external data into `out`'s data file, where `quantize_dynamic` holds the whole fp32
    model two to three times over (12.6 GB peak for the full-size model).
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
                    scale = np.maximum(np.abs(array).max(axis=0), np.float32(1e-12)) / np.float32(127)
                    values = np.clip(np.rint(array / scale), -127, 127).astype(np.int8)
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


class OnnxVisionEncoder:
    """Pixels -> 32 normalised query vectors per image, through ONNX Runtime (CPU, int8 weights)."""

    backend = "onnx"
    precision = "int8"
    device = "cpu"

    def __init__(self, session: Any, resolved: ResolvedModel, prepared: Prepared | None = None) -> None:
        self.session = session
        self.resolved = resolved
        self.prepared = prepared  # its agreement with fp32, for the catalog's record
        self.identity: EmbeddingModel = model_identity(resolved)
        self.pixel_spec: PixelSpec = pixel_spec(resolved)

    @classmethod
    def open(cls, prepared: Prepared | Path, resolved: ResolvedModel, threads: int | None = None) -> OnnxVisionEncoder:
        """`prepared` is a prepared folder's record, or a model file being checked before it is one."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle ORT threads spin by default; on a laptop's few cores that starves the decode threads feeding them.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model_file = prepared.folder / MODEL_FILE if isinstance(prepared, Prepared) else prepared
        try:
            session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own exception types (InvalidProtobuf, Fail…)
            raise OnnxPrepareError("The fast encoder file could not be loaded.", "It will be prepared again.", str(exc)) from exc
        return cls(session, resolved, prepared if isinstance(prepared, Prepared) else None)

    def encode(self, pixels: np.ndarray) -> np.ndarray:
        """(N, 3, H, W) float32 pixels -> (N, num_queries, dim) float32, each query vector of unit length."""
        return self.session.run([_OUTPUT], {_INPUT: np.ascontiguousarray(pixels, dtype=np.float32)})[0]
