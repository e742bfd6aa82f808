"""BLIP-2's towers through ONNX Runtime with int8 weights: the fast CPU encoders for indexing and for search words.

Why: torch's dynamic int8 still runs most of ViT-g's work through generic kernels; ONNX Runtime's
int8 MatMul kernels use VNNI where the CPU has it, and the int8 model (about a quarter of the fp32
weights, memory-mapped) is all an indexing run then holds: 4.2x the photos per second of one fp32
call per photo, in 1.7 GB instead of 4.6 GB (bench/index_throughput.py). The text tower gains as
much per search request: 10 ms instead of 54 ms at p50 (bench/text_encoder_latency.py).

Each tower is prepared once per model, weight scheme, CPU int8 kernel path and onnxruntime version:
converted in a child process (core/embedding/onnx_convert.py), then checked here against the fp32
embeddings the child computed while it had the torch model loaded: the vision tower on a few of the
user's photos, the text tower on fixed typical requests. The check holds only for the kernels it ran
on (an AVX2 CPU sums int8 products differently from a VNNI or an ARM one, core/platform/cpu.py), so
a prepared folder copied from another kind of machine is prepared again, not trusted. A preparation
lives in `<prepared root>/<key>/`, built in a
temporary sibling folder and renamed into place, so an interrupted one leaves no half-written model;
a manifest of sizes and sha256 digests catches a damaged file, which is then rebuilt.

The encoders keep the torch encoders' interfaces (`encode`), so they are drop-ins. onnxruntime and
onnx are imported inside functions: without them the app uses torch (`available()` says which).
Opening a prepared tower, as a search does, imports onnxruntime alone, never onnx: finding the folder
reads onnxruntime's version from its package metadata, and the manifest's digests are taken again
only for a file whose size or mtime changed since they matched.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from desktop_app.core.embedding import onnx_convert
from desktop_app.core.embedding.blip2 import AGREEMENT_THRESHOLD, ResolvedModel, agreement, load_tokenizer, model_identity, pixel_spec
from desktop_app.core.embedding.onnx_convert import DATA_FILE, MODEL_FILE, SCHEME, OnnxPrepareError
from desktop_app.core.models.registry import hash_file
from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.cpu import cpu_features
from desktop_app.core.platform.errors import disk_full
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import PixelSpec
    from desktop_app.core.store.catalog_store import EmbeddingModel

log = logging.getLogger(__name__)

Tower = Literal["vision", "text"]
# Bump when a tower's export or graph recipe changes: old folders are then not reused. The weight scheme
# (onnx_convert.SCHEME) and the CPU's int8 path are keys of their own.
FORMATS: dict[Tower, str] = {"vision": "blip2-vision-int8-v2", "text": "blip2-text-int8-v1"}
MANIFEST_FILE = "manifest.json"
TEMP_PREFIX = ".building-"
# The full-size vision tower (5.3 GB of weights on disk) took 1.4 min on a quiet 2-core EPYC and up to
# 2.5 min under load; the estimate shown to the user scales with the weights' size.
_MINUTES_PER_GB = 0.35
# What the text tower encodes: search requests (the classifier's English search text), short and long,
# each garment and colour of the vocabulary at least once. The tagging prompts go through torch.
CHECK_TEXTS = (
    "shoes", "t-shirt", "navy blazer", "red summer dress", "black leather boots for winter", "a linen shirt for a beach wedding",
    "comfortable white sneakers", "something warm for a hike in the mountains", "grey wool sweater", "blue denim jacket",
    "green cargo pants", "beige chino shorts", "pleated yellow midi skirt", "brown leather shoulder bag", "a straw hat for the sun",
    "pink floral blouse", "purple evening gown", "orange rain jacket", "a multicoloured striped scarf", "white cotton tee",
    "a photo of a dress", "a photo of a red piece of clothing", "a long red summer dress with white flowers for a beach wedding",
    "black", "jeans for work", "a warm coat", "silver sandals for a party", "casual outfit for the weekend",
)

__all__ = ["DATA_FILE", "MODEL_FILE", "OnnxPrepareError"]  # re-exported: callers need only this module


@dataclass(frozen=True)
class Prepared:
    folder: Path
    agreement: float  # vision: the worst sample photo's mean cosine with fp32 over its query vectors; text: the worst text's
    worst_vector: float  # the lowest single vector's cosine over the sample
    samples: int  # photos (vision) or texts (text) the check ran on
    seconds: float  # how long preparation took (0 when it was already cached)
    scheme: str  # the weights' quantisation scheme ("w7": ±63)
    cpu_int8_path: str  # the int8 kernel path the check ran on (core/platform/cpu.py), e.g. "avx512-vnni"


@dataclass(frozen=True)
class TowerStatus:
    """One tower's fast encoder as `stats` and `doctor` report it: whether the app encodes with it, and if not why."""

    tower: Tower
    prepared: bool  # a complete folder exists for this model, scheme, CPU int8 path and onnxruntime
    usable: bool  # prepared and agreeing with fp32: the app encodes this tower with it (unless --backend torch)
    agreement: float | None  # as Prepared.agreement, when prepared
    worst_vector: float | None
    samples: int | None
    scheme: str  # the scheme of the prepared folder, else the one this version prepares
    cpu_int8_path: str  # the path its check ran on, which is this CPU's (the key includes it)
    folder: Path | None
    why_not: str | None  # None when usable

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "folder": None if self.folder is None else str(self.folder)}


def available() -> bool:
    """Whether towers can be prepared here: converting needs onnx besides onnxruntime, the optional extra
    (`pip install fashion-assistant[fast]`). Opening a prepared one needs onnxruntime only (`open_cached`)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def prepared_key(resolved: ResolvedModel, tower: Tower = "vision") -> str:
    """The folder name: everything the int8 result and its agreement check depend on."""
    parts = (FORMATS[tower], SCHEME, cpu_features().int8_path(), resolved.spec, resolved.revision, runtime_version())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def runtime_version() -> str:
    """onnxruntime's version, from its package metadata where it has some: importing it costs a quarter of a second that
    `stats`, `doctor` and finding a prepared folder need not pay. Raises ImportError where it is not installed."""
    if importlib.util.find_spec("onnxruntime") is None:
        raise ImportError("onnxruntime is not installed")
    try:
        return importlib.metadata.version("onnxruntime")
    except importlib.metadata.PackageNotFoundError:  # another build of it (onnxruntime-gpu…), or a bundle without its metadata
        import onnxruntime

        return onnxruntime.__version__


def cached(resolved: ResolvedModel, root: Path, tower: Tower = "vision") -> Prepared | None:
    """The prepared tower for this model, scheme, CPU int8 path and onnxruntime, when one is complete and undamaged."""
    folder = root / prepared_key(resolved, tower)
    manifest = _manifest(folder) if folder.is_dir() else None
    return None if manifest is None else _from_manifest(folder, manifest)


def _from_manifest(folder: Path, manifest: dict[str, Any]) -> Prepared:
    check = manifest["agreement"]
    return Prepared(folder, check["agreement"], check["worst_vector"], check["samples"], 0.0, manifest["scheme"],
                    manifest["cpu"]["int8_path"])


def encoder_status(resolved: ResolvedModel, root: Path) -> list[TowerStatus]:
    """The vision and text towers' status, for `stats` and `doctor`.

    Read from the manifests with file sizes checked but not digests (hashing a 1.3 GB vision model
    takes seconds; opening it checks them), and without torch, transformers or onnx, so a report
    stays instant.
    """
    path = cpu_features().int8_path()
    try:
        runtime = runtime_version()
    except ImportError:
        why = _("onnxruntime is not installed")
        return [TowerStatus(tower, False, False, None, None, None, SCHEME, path, None, why) for tower in FORMATS]
    here = _described({"scheme": SCHEME, "cpu": {"int8_path": path}, "onnxruntime": runtime})
    return [_tower_status(resolved, root, tower, path, here) for tower in FORMATS]


def _tower_status(resolved: ResolvedModel, root: Path, tower: Tower, path: str, here: str) -> TowerStatus:
    folder = root / prepared_key(resolved, tower)
    manifest = _manifest(folder, verify_digests=False) if folder.is_dir() else None
    if manifest is None:
        if folder.is_dir():
            why = _("its prepared files are damaged or incomplete: they are prepared again at the next index")
        else:
            why = _why_unprepared(resolved, root, tower, here)
        return TowerStatus(tower, False, False, None, None, None, SCHEME, path, None, why)
    found = _from_manifest(folder, manifest)
    usable = found.agreement >= AGREEMENT_THRESHOLD
    why = None if usable else _("its int8 vectors agree with fp32 at {agreement} < {threshold}").format(
        agreement=f"{found.agreement:.4f}", threshold=AGREEMENT_THRESHOLD)
    return TowerStatus(tower, True, usable, found.agreement, found.worst_vector, found.samples, found.scheme, found.cpu_int8_path,
                       folder, why)


def _why_unprepared(resolved: ResolvedModel, root: Path, tower: Tower, here: str) -> str:
    """Not prepared yet, or prepared only for another scheme, CPU or onnxruntime (an upgrade, a copied data folder)."""
    others = set()
    for manifest_file in root.glob(f"*/{MANIFEST_FILE}"):
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
            if manifest["format"] == FORMATS[tower] and manifest["model"] == {"spec": resolved.spec, "revision": resolved.revision}:
                others.add(_described(manifest))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    if not others:
        return _("not prepared yet: the next index (or `models prepare`) prepares it")
    return _("prepared only as {others}, not as {here}: prepared again at the next index").format(others="; ".join(sorted(others)),
                                                                                                  here=here)


def _described(manifest: dict[str, Any]) -> str:
    """'w7 weights checked on avx2 with onnxruntime 1.32.0'; folders from before these were recorded hold 8-bit weights."""
    cpu, runtime = manifest.get("cpu", {}).get("int8_path", _("an unrecorded CPU")), manifest.get("onnxruntime", _("an unrecorded version"))
    return _("{scheme} weights checked on {cpu} with onnxruntime {runtime}").format(scheme=manifest.get("scheme", "w8"), cpu=cpu,
                                                                                    runtime=runtime)


def open_cached(resolved: ResolvedModel, root: Path, threads: int | None = None) -> OnnxVisionEncoder | None:
    """The prepared vision encoder, ready to encode, when this machine has one for `resolved`; None sends the caller to torch."""
    return _opened(OnnxVisionEncoder, _cached_here(resolved, root, "vision"), resolved, threads)


def open_cached_text(resolved: ResolvedModel, root: Path, threads: int | None = None) -> OnnxTextEncoder | None:
    """The prepared text encoder when this machine has one that agrees with fp32; None sends the caller to torch."""
    found = _cached_here(resolved, root, "text")
    if found is not None and found.agreement < AGREEMENT_THRESHOLD:
        return None
    return _opened(OnnxTextEncoder, found, resolved, threads)


def _cached_here(resolved: ResolvedModel, root: Path, tower: Tower) -> Prepared | None:
    """`cached`, or None where onnxruntime is not installed; running a prepared tower needs no onnx (`available` is for preparing)."""
    try:
        return cached(resolved, root, tower)
    except ImportError:
        return None


def _opened(kind: Any, found: Prepared | None, resolved: ResolvedModel, threads: int | None) -> Any:
    if found is None:
        return None
    try:
        return kind.open(found, resolved, threads)
    except OnnxPrepareError as exc:
        log.warning("Prepared encoder %s unusable (%s); using torch", found.folder, exc.detail)
        return None


def _room_needed(resolved: ResolvedModel) -> int:
    """int8 weights are a quarter of fp32, plus the graph and the temporary copy: a third of the checkpoint is safe."""
    return sum(p.stat().st_size for p in resolved.folder.iterdir() if p.suffix in (".safetensors", ".bin")) // 3


def _require_room(resolved: ResolvedModel, root: Path) -> None:
    """Refuse before minutes of conversion, not after, when the prepared tower cannot fit."""
    needed = _room_needed(resolved)
    if shutil.disk_usage(root).free < needed:
        raise disk_full(root, _("the fast encoder cannot be prepared there"), needed)


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
    note = _("Preparing the fast encoder, about {minutes} min, once for this model").format(minutes=estimate_minutes(resolved))

    def check(model_file: Path, reference: np.ndarray) -> tuple[float, float]:
        return agreement(reference, OnnxVisionEncoder.open(model_file, resolved).encode(sample))

    return _prepare(resolved, root, "vision", onnx_convert.convert_vision, sample, check, len(sample),
                    _("checking on {n} of your photos").format(n=len(sample)), note, progress, cancel or CancelToken())


def prepare_text(resolved: ResolvedModel, root: Path, *, progress: Progress = no_progress, cancel: CancelToken | None = None) -> Prepared:
    """The prepared text tower for `resolved` (for search requests), built now unless cached; checked on fixed texts."""
    texts = list(CHECK_TEXTS)

    def check(model_file: Path, reference: np.ndarray) -> tuple[float, float]:
        cosines = (reference * OnnxTextEncoder.open(model_file, resolved).encode(texts)).sum(axis=-1)
        return float(cosines.min()), float(cosines.min())

    return _prepare(resolved, root, "text", onnx_convert.convert_text, texts, check, len(texts),
                    _("checking on {n} texts").format(n=len(texts)),
                    _("Preparing the fast encoder for search words, once for this model"), progress, cancel or CancelToken())


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
    _require_room(resolved, root)
    final = root / prepared_key(resolved, tower)
    temp = root / f"{TEMP_PREFIX}{final.name}-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    started = time.monotonic()

    def step(done: int, _total: int | None, detail: str) -> None:
        progress(done, 3, _("{note}: {detail}").format(note=note, detail=detail))

    try:
        step(0, 3, _("exporting"))
        try:
            reference = run_in_child(convert, resolved, temp, inputs, progress=step, cancel=cancel)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise disk_full(root, _("the fast encoder cannot be prepared there"), _room_needed(resolved)) from exc
            raise
        except ChildDied as exc:
            raise OnnxPrepareError(_("Preparing the fast encoder stopped before it finished; the computer may be short of memory."),
                                   _("The app uses torch instead; close other programs and index again to retry."), str(exc)) from exc
        step(2, 3, checking)
        mean_cosine, worst = check(temp / MODEL_FILE, reference)
        manifest = {
            "format": FORMATS[tower],
            "scheme": SCHEME,
            "cpu": cpu_features().to_json(),
            "onnxruntime": runtime_version(),
            "model": {"spec": resolved.spec, "revision": resolved.revision},
            "agreement": {"agreement": round(mean_cosine, 5), "worst_vector": round(worst, 5), "samples": samples},
            "files": {name: _file_record(temp / name) for name in (MODEL_FILE, DATA_FILE)},
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
    progress(3, 3, _("Fast encoder ready in {minutes} min").format(minutes=f"{seconds / 60:.1f}"))
    log.info("Prepared the %s tower in %s in %.0f s: agreement %.4f (worst vector %.4f), %s", tower, final, seconds, mean_cosine, worst,
             _described(manifest))
    return replace(_from_manifest(final, manifest), agreement=mean_cosine, worst_vector=worst, seconds=seconds)


def _file_record(path: Path) -> dict[str, Any]:
    digest = hash_file(path)
    stat = path.stat()
    return {"size": stat.st_size, "sha256": digest, "mtime_ns": stat.st_mtime_ns}


def _intact(path: Path, expected: dict[str, Any], verify_digests: bool) -> bool:
    """Whether a prepared file is as its manifest describes it. A file whose size and mtime are the ones it had when its
    digest was taken is not hashed again: hashing the full-size vision weights took seconds of every photo search, and a
    file damaged in place (a bad copy, a flipped byte) has a new mtime. Manifests from before mtimes were recorded hash."""
    stat = path.stat()
    if stat.st_size != expected["size"]:
        return False
    if not verify_digests or expected.get("mtime_ns") == stat.st_mtime_ns:
        return True
    return hash_file(path) == expected["sha256"]


def _remember_mtimes(folder: Path, manifest: dict[str, Any]) -> None:
    """After the digests matched for files with new mtimes (a restored or copied folder), record those mtimes so the
    next open does not hash them again; a folder that cannot be written to is hashed at each open instead."""
    files = manifest["files"]
    stamps = {name: (folder / name).stat().st_mtime_ns for name in files}
    if all(files[name].get("mtime_ns") == stamp for name, stamp in stamps.items()):
        return
    for name, stamp in stamps.items():
        files[name]["mtime_ns"] = stamp
    partial = folder / f"{MANIFEST_FILE}.{os.getpid()}"  # renamed over the old one: a crash never leaves half a manifest
    try:
        partial.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(partial, folder / MANIFEST_FILE)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        log.info("Could not record the checked files' mtimes in %s: %s", folder, exc)


def _manifest(folder: Path, *, verify_digests: bool = True) -> dict[str, Any] | None:
    """The manifest of a complete, undamaged prepared folder, else None (the folder is then rebuilt)."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        for name, expected in manifest["files"].items():
            path = folder / name
            if not _intact(path, expected, verify_digests):
                log.warning("Prepared encoder file %s is damaged; rebuilding it", path)
                return None
        _from_manifest(folder, manifest)  # every field a Prepared needs is there
        if verify_digests:
            _remember_mtimes(folder, manifest)
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
    try:
        import onnxruntime as ort
    except ImportError as exc:  # installed (its folder was found) but not loadable: a broken install or a missing DLL
        raise OnnxPrepareError(_("ONNX Runtime could not be loaded."), _("The app uses torch instead; reinstall onnxruntime."),
                               str(exc)) from exc

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
        raise OnnxPrepareError(_("The fast encoder file could not be loaded."), _("It will be prepared again."), str(exc)) from exc


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
            out[start : start + len(chunk)] = self.session.run(None, self.tokenizer(chunk))[0]
        return out
