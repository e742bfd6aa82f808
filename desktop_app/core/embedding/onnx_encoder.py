"""BLIP-2's towers through ONNX Runtime with int8 weights: the fast CPU encoders for indexing and for search words.

Why: torch's dynamic int8 still runs most of ViT-g's work through generic kernels; ONNX Runtime's
int8 MatMul kernels use VNNI where the CPU has it, and the int8 model (about a quarter of the fp32
weights, memory-mapped) is all an indexing run then holds: 4.2x the photos per second of one fp32
call per photo, in 1.7 GB instead of 4.6 GB (bench/index_throughput.py). The text tower gains as
much per search request: 10 ms instead of 54 ms at p50 (bench/text_encoder_latency.py).

Each tower is prepared once per model and onnxruntime version: converted in a child process
(core/embedding/onnx_convert.py), then checked here against the fp32 embeddings the child computed while it
had the torch model loaded: the vision tower on a few of the user's photos, the text tower on the
tagging prompts and typical requests. A preparation lives in `<prepared root>/<key>/`, built in a
temporary sibling folder and renamed into place, so an interrupted one leaves no half-written model;
a manifest of sizes and sha256 digests catches a damaged file, which is then rebuilt.

The encoders keep the torch encoders' interfaces (`encode`), so they are drop-ins. onnxruntime and
onnx are imported inside functions: without them the app uses torch (`available()` says which).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from desktop_app.core.embedding import onnx_convert

from desktop_app.core.catalog import tagging
from desktop_app.core.embedding.blip2 import AGREEMENT_THRESHOLD, ResolvedModel, agreement, load_tokenizer, model_identity, pixel_spec
from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.models.registry import hash_file
from desktop_app.core.embedding.onnx_convert import DATA_FILE, MODEL_FILE, OnnxPrepareError

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import PixelSpec
    from desktop_app.core.store.catalog_store import EmbeddingModel

log = logging.getLogger(__name__)

Tower = Literal["vision", "text"]
# Bump when a tower's export or quantisation recipe changes: old folders are then not reused.
FORMATS: dict[Tower, str] = {"vision": "blip2-vision-int8-v2", "text": "blip2-text-int8-v1"}
MANIFEST_FILE = "manifest.json"
TEMP_PREFIX = ".building-"
# The full-size vision tower (5.3 GB of weights on disk) took 1.4 min on a quiet 2-core EPYC and up to
# 2.5 min under load; the estimate shown to the user scales with the weights' size.
_MINUTES_PER_GB = 0.35
# Besides the tagging prompts, requests like the ones people type: the text tower is checked on both.
_TYPICAL_REQUESTS = ("red summer dress", "black leather boots for winter", "a linen shirt for a beach wedding",
                     "comfortable white sneakers", "something warm for a hike in the mountains", "navy blazer")

__all__ = ["DATA_FILE", "MODEL_FILE", "OnnxPrepareError"]  # re-exported: callers need only this module


@dataclass(frozen=True)
class Prepared:
    folder: Path
    agreement: float  # vision: the worst sample photo's mean cosine with fp32 over its query vectors; text: the worst text's
    worst_vector: float  # the lowest single vector's cosine over the sample
    samples: int  # photos (vision) or texts (text) the check ran on
    seconds: float  # how long preparation took (0 when it was already cached)


def available() -> bool:
    """onnxruntime and onnx are an optional extra (`pip install fashion-assistant[fast]`)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def prepared_key(resolved: ResolvedModel, tower: Tower = "vision") -> str:
    import onnxruntime

    raw = f"{FORMATS[tower]}\n{resolved.spec}\n{resolved.revision}\n{onnxruntime.__version__}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def cached(resolved: ResolvedModel, root: Path, tower: Tower = "vision") -> Prepared | None:
    """The prepared tower for this model and onnxruntime, when one is complete and undamaged."""
    folder = root / prepared_key(resolved, tower)
    manifest = _manifest(folder) if folder.is_dir() else None
    if manifest is None:
        return None
    check = manifest["agreement"]
    return Prepared(folder, check["agreement"], check["worst_vector"], check["samples"], 0.0)


def open_cached(resolved: ResolvedModel, root: Path, threads: int | None = None) -> OnnxVisionEncoder | None:
    """The prepared vision encoder, ready to encode, when this machine has one for `resolved`; None sends the caller to torch."""
    found = cached(resolved, root) if available() else None
    return _opened(OnnxVisionEncoder, found, resolved, threads)


def open_cached_text(resolved: ResolvedModel, root: Path, threads: int | None = None) -> OnnxTextEncoder | None:
    """The prepared text encoder when this machine has one that agrees with fp32; None sends the caller to torch."""
    found = cached(resolved, root, "text") if available() else None
    if found is not None and found.agreement < AGREEMENT_THRESHOLD:
        return None
    return _opened(OnnxTextEncoder, found, resolved, threads)


def _opened(kind: Any, found: Prepared | None, resolved: ResolvedModel, threads: int | None) -> Any:
    if found is None:
        return None
    try:
        return kind.open(found, resolved, threads)
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
    """The prepared vision tower for `resolved`, built now (convert, check on `sample`) unless cached.

    `sample` is a few of the user's photos as pixels; their fp32 embeddings come from the torch model
    loaded for the conversion, so the check costs no second load. Cancel kills the converting child at once.
    """
    note = f"Preparing the fast encoder, about {estimate_minutes(resolved)} min, once for this model"

    def check(model_file: Path, reference: np.ndarray) -> tuple[float, float]:
        return agreement(reference, OnnxVisionEncoder.open(model_file, resolved).encode(sample))

    return _prepare(resolved, root, "vision", onnx_convert.convert_vision, sample, check, len(sample),
                    f"checking on {len(sample)} of your photos", note, progress, cancel or CancelToken())


def prepare_text(resolved: ResolvedModel, root: Path, *, progress: Progress = no_progress, cancel: CancelToken | None = None) -> Prepared:
    """The prepared text tower for `resolved` (for search requests), built now unless cached; checked on fixed texts."""
    texts = [*tagging.vocabulary_prompts(), *_TYPICAL_REQUESTS]

    def check(model_file: Path, reference: np.ndarray) -> tuple[float, float]:
        cosines = (reference * OnnxTextEncoder.open(model_file, resolved).encode(texts)).sum(axis=-1)
        return float(cosines.min()), float(cosines.min())

    return _prepare(resolved, root, "text", onnx_convert.convert_text, texts, check, len(texts), f"checking on {len(texts)} texts",
                    "Preparing the fast encoder for search words, once for this model", progress, cancel or CancelToken())


def _prepare(
    resolved: ResolvedModel,
    root: Path,
    tower: Tower,
    convert: Callable[..., np.ndarray],
    inputs: Any,
    check: Callable[[Path, np.ndarray], tuple[float, float]],
    samples: int,
    checking: str,
    note: str,
    progress: Progress,
    cancel: CancelToken,
) -> Prepared:
    """Convert in a child into a temporary folder, check here, then rename into place; on any failure leave nothing."""
    found = cached(resolved, root, tower)
    if found is not None:
        return found
    root.mkdir(parents=True, exist_ok=True)
    _clear_stale(root)
    final = root / prepared_key(resolved, tower)
    temp = root / f"{TEMP_PREFIX}{final.name}-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    started = time.monotonic()

    def step(done: int, _total: int | None, detail: str) -> None:
        progress(done, 3, f"{note}: {detail}")

    try:
        step(0, 3, "exporting")
        try:
            reference = run_in_child(convert, resolved, temp, inputs, progress=step, cancel=cancel)
        except ChildDied as exc:
            raise OnnxPrepareError("Preparing the fast encoder stopped before it finished; the computer may be short of memory.",
                                   "The app uses torch instead; close other programs and index again to retry.", str(exc)) from exc
        step(2, 3, checking)
        mean_cosine, worst = check(temp / MODEL_FILE, reference)
        manifest = {
            "format": FORMATS[tower],
            "model": {"spec": resolved.spec, "revision": resolved.revision},
            "agreement": {"agreement": round(mean_cosine, 5), "worst_vector": round(worst, 5), "samples": samples},
            "files": {name: {"size": (temp / name).stat().st_size, "sha256": hash_file(temp / name)} for name in (MODEL_FILE, DATA_FILE)},
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
    log.info("Prepared the %s tower in %s in %.0f s: agreement %.4f (worst vector %.4f)", tower, final, seconds, mean_cosine, worst)
    return Prepared(final, mean_cosine, worst, samples, seconds)


def _manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a complete, undamaged prepared folder, else None (the folder is then rebuilt)."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        for name, expected in manifest["files"].items():
            path = folder / name
            if path.stat().st_size != expected["size"] or hash_file(path) != expected["sha256"]:
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


def _session(prepared: Prepared | Path, threads: int | None) -> Any:
    """An ONNX Runtime CPU session over a prepared folder's model, or over a model file being checked before it is one."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle ORT threads spin by default; on a laptop's few cores that starves the decode threads feeding them.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model_file = prepared.folder / MODEL_FILE if isinstance(prepared, Prepared) else prepared
    try:
        return ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # ORT raises its own exception types (InvalidProtobuf, Fail…)
        raise OnnxPrepareError("The fast encoder file could not be loaded.", "It will be prepared again.", str(exc)) from exc


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
        return cls(_session(prepared, threads), resolved, prepared if isinstance(prepared, Prepared) else None)

    def encode(self, pixels: np.ndarray) -> np.ndarray:
        """(N, 3, H, W) float32 pixels -> (N, num_queries, dim) float32, each query vector of unit length."""
        return self.session.run(None, {"pixel_values": np.ascontiguousarray(pixels, dtype=np.float32)})[0]


class OnnxTextEncoder:
    """Texts -> one normalised [CLS] vector each, as `blip2.TextEncoder`, through ONNX Runtime (CPU, int8 weights)."""

    backend = "onnx"

    def __init__(self, session: Any, resolved: ResolvedModel) -> None:
        self.session = session
        self.resolved = resolved
        self.identity: EmbeddingModel = model_identity(resolved)
        self.tokenizer = load_tokenizer(resolved)

    @classmethod
    def open(cls, prepared: Prepared | Path, resolved: ResolvedModel, threads: int | None = None) -> OnnxTextEncoder:
        return cls(_session(prepared, threads), resolved)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.identity.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = list(texts[start : start + batch_size])
            tokens = self.tokenizer(chunk, padding=True, truncation=True, return_tensors="np")
            feeds = {name: tokens[name].astype(np.int64) for name in ("input_ids", "attention_mask")}
            out[start : start + len(chunk)] = self.session.run(None, feeds)[0]
        return out
