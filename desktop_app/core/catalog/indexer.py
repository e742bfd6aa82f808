"""Indexing photo folders into the catalog: incremental, resumable, and as fast as the machine allows.

The flow: `scanner` tells from stat alone which files changed; a small thread pool reads, hashes
and decodes those (PIL and hashlib release the GIL) while the main thread encodes the previous batch;
each batch is written in one transaction, so kill -9 loses at most the batch in flight and the next
run, seeing the committed files unchanged, resumes where it stopped. Files are identified by content
(sha256): a renamed or moved photo keeps its vectors and tags, identical copies are embedded once,
and a user's corrections follow the content. Nothing heavy loads for a re-scan with no changes.

`precision="auto"` decides once per catalog: on the first batch of the user's own photos it compares
fp32 and int8 embeddings and keeps int8 only if they agree (mean query-vector cosine >= 0.99 on
every sampled photo), recording the choice in catalog_meta. On a CPU, `backend="auto"` first tries
the ONNX Runtime int8 encoder (core/embedding/onnx_encoder.py), prepared once per model on the first photos
and kept only if it agrees with fp32 just as closely; otherwise torch, as above.
"""

from __future__ import annotations

import collections
import errno
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from desktop_app.core.catalog import imaging, scanner, tagging
from desktop_app.core.catalog.vocabulary import DEFAULT, Vocabulary, catalog_vocabulary
from desktop_app.core.embedding.blip2 import AGREEMENT_THRESHOLD, agreement
from desktop_app.core.embedding.encoders import open_vision_encoder
from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.errors import Fix, UserError, disk_full
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog, EncoderChoice
from desktop_app.core.store.catalog_store import CatalogStore, EmbeddingModel

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import PixelSpec, ResolvedModel, VisionEncoder
    from desktop_app.core.embedding.onnx_encoder import OnnxVisionEncoder

log = logging.getLogger(__name__)

PrecisionChoice = Literal["auto", "fp32", "int8"]
BackendChoice = Literal["auto", "onnx", "torch"]
AGREEMENT_SAMPLE = 4


class FolderNotFoundError(UserError):
    """A folder the user asked to index does not exist or is not a folder."""


class BackendUnavailableError(UserError):
    """`--backend onnx` was asked for where it cannot run."""


def missing_onnxruntime() -> BackendUnavailableError:
    return BackendUnavailableError(_("The fast (onnx) encoder needs onnxruntime, which is not installed."),
                                   _("Install it with `pip install 'fashion-assistant[fast]'`, or use --backend torch."))


@dataclass
class IndexReport:
    scanned: int = 0
    indexed: int = 0  # files written this run: new, changed, moved, copies
    unchanged: int = 0
    removed: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)  # every bad file under the indexed folders
    seconds: float = 0.0
    embedded: int = 0  # distinct photos that went through the model
    precision: str | None = None
    backend: str | None = None
    missing_folders: list[str] = field(default_factory=list)  # remembered folders not reachable now (an unplugged drive?)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class ModelProvider:
    """Loads what indexing needs, lazily and once: a re-scan with no changes loads nothing."""

    def __init__(self, resolved: ResolvedModel, cache_dir: Path, device: str = "auto", threads: int | None = None,
                 backend: BackendChoice = "torch", prepared_dir: Path | None = None) -> None:
        from desktop_app.core.embedding.blip2 import model_identity, pixel_spec

        self.resolved = resolved
        self.cache_dir = cache_dir
        self.device = device
        self.threads = threads
        self.backend: BackendChoice = backend if prepared_dir is not None else "torch"
        self.prepared_dir = prepared_dir  # where ONNX encoders are prepared: paths.prepared_dir
        self.identity: EmbeddingModel = model_identity(resolved)
        self.pixel_spec: PixelSpec = pixel_spec(resolved)
        self._vision: VisionEncoder | None = None
        self._fast: OnnxVisionEncoder | None = None
        self._labels: dict[tuple[str, ...], tagging.LabelVectors] = {}

    @property
    def vision_loaded(self) -> bool:
        return self._vision is not None

    def labels(self, vocab: Vocabulary = DEFAULT) -> tagging.LabelVectors:
        """Computed once per model and vocabulary (a shop's own categories get their own); beside the ONNX encoder the text
        tower loads in a child, so its memory stays out of indexing."""
        key = tuple(tagging.vocabulary_prompts(vocab))
        found = self._labels.get(key) or tagging.cached_label_vectors(self.resolved, self.cache_dir, vocab)
        if found is None and self._fast is not None:
            try:
                found = run_in_child(tagging.label_vectors, self.resolved, self.cache_dir, vocab)
            except ChildDied as exc:
                log.warning("Label vectors could not be computed in a child (%s); computing them here", exc)
        if found is None:
            found = tagging.label_vectors(self.resolved, self.cache_dir, vocab)
        self._labels[key] = found
        return found

    def vision(self, precision: Literal["fp32", "int8"]) -> VisionEncoder:
        if self._vision is None or self._vision.precision != precision:
            self._vision = None  # free the old weights before loading new ones
            self._vision = open_vision_encoder(self.resolved, EncoderChoice("torch", precision), None,  # type: ignore[assignment]
                                               threads=self.threads, device=self.device)
        assert self._vision is not None
        return self._vision

    def fast_vision(self, sample: np.ndarray, progress: Progress, cancel: CancelToken) -> tuple[OnnxVisionEncoder | None, str]:
        """The ONNX int8 encoder when the backend allows it and it agrees with fp32 on `sample`, else (None, why not)."""
        from desktop_app.core.embedding import onnx_encoder
        from desktop_app.core.embedding.blip2 import pick_device

        if self._fast is not None:
            return self._fast, ""
        if self.backend == "torch" or self.prepared_dir is None:
            return None, "the torch backend was chosen"
        forced = self.backend == "onnx"
        if not onnx_encoder.available():
            if forced:
                raise missing_onnxruntime()
            return None, "onnxruntime is not installed"
        if pick_device(self.device) != "cpu":
            return None, "a GPU runs the torch model"
        failure: onnx_encoder.OnnxPrepareError | None = None
        for _attempt in (1, 2):
            try:
                prepared = onnx_encoder.prepare(self.resolved, self.prepared_dir, sample, progress=progress, cancel=cancel)
            except onnx_encoder.OnnxPrepareError as exc:
                failure = exc
                break
            if not forced and prepared.agreement < AGREEMENT_THRESHOLD:
                return None, f"its int8 embeddings agree with fp32 at {prepared.agreement:.4f} < {AGREEMENT_THRESHOLD}"
            try:
                self._fast = onnx_encoder.OnnxVisionEncoder.open(prepared, self.resolved, self.threads)
                self._prepare_text(progress, cancel)
                return self._fast, ""
            except onnx_encoder.OnnxPrepareError as exc:  # damaged in a way its manifest missed: build it again, once
                failure = exc
                shutil.rmtree(prepared.folder, ignore_errors=True)
        assert failure is not None
        log.warning("Fast encoder unavailable: %s (%s)", failure.message, failure.detail)
        if forced:
            raise failure
        return None, failure.message

    def _prepare_text(self, progress: Progress, cancel: CancelToken) -> None:
        """While converting anyway, the text tower too: search requests then encode in 10 ms instead of 54."""
        from desktop_app.core.embedding import onnx_encoder

        assert self.prepared_dir is not None
        try:
            onnx_encoder.prepare_text(self.resolved, self.prepared_dir, progress=progress, cancel=cancel)
        except onnx_encoder.OnnxPrepareError as exc:  # search keeps the torch text tower: slower, no less right
            log.warning("Fast text encoder unavailable: %s (%s)", exc.message, exc.detail)


@dataclass
class _Prepared:
    found: scanner.FoundFile
    content_hash: str | None = None
    pixels: np.ndarray | None = None  # None when the content is already in the catalog
    width: int = 0
    height: int = 0
    thumbnail: str | None = None
    error: str | None = None
    transient: bool = False  # the error's cause lies outside the file: retried on the next run


def _prepare(found: scanner.FoundFile, known: frozenset[str], spec: PixelSpec, thumbnails_dir: Path | None) -> _Prepared:
    """Runs on the decode pool: read once, hash, and decode only content the catalog has not seen."""
    from desktop_app.core.embedding.blip2 import image_to_pixels

    try:
        data = imaging.read_file(Path(found.path))
        content_hash = hashlib.sha256(data).hexdigest()
        if content_hash in known:
            return _Prepared(found, content_hash)
        decoded = imaging.decode_image(data, (spec.width, spec.height))
        thumbnail = str(imaging.save_thumbnail(decoded.image, content_hash, thumbnails_dir)) if thumbnails_dir else None
        return _Prepared(found, content_hash, image_to_pixels(decoded.image, spec), decoded.width, decoded.height, thumbnail)
    except imaging.UnreadableImage as exc:
        return _Prepared(found, error=exc.message, transient=exc.transient)
    except OSError as exc:  # writing the thumbnail: a full disk stops the run, anything else is retried next time
        if exc.errno == errno.ENOSPC and thumbnails_dir is not None:
            raise disk_full(thumbnails_dir, _("the photos' thumbnails cannot be written there")) from exc
        return _Prepared(found, error=_("its thumbnail could not be written ({reason})").format(reason=exc.strerror or exc), transient=True)
    except Exception as exc:  # one strange file must never stop a run of thousands
        log.warning("Unexpected error decoding %s", found.path, exc_info=True)
        return _Prepared(found, error=_("could not be decoded ({reason})").format(reason=f"{type(exc).__name__}: {exc}"))


class _Rate:
    """Photos per second and time left, over the files this run actually reads."""

    def __init__(self, work: int) -> None:
        self.work = work
        self.done = 0
        self.start = time.monotonic()

    def detail(self, current: str) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        if not rate:
            return _("{file} ({rate} photos/s)").format(file=os.path.basename(current), rate=f"{rate:.1f}")
        return _("{file} ({rate} photos/s, about {left} left)").format(
            file=os.path.basename(current), rate=f"{rate:.1f}", left=_duration((self.work - self.done) / rate))


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds}s"


class _Run:
    def __init__(self, catalog: Catalog, models: ModelProvider, precision: PrecisionChoice, batch_size: int,
                 thumbnails_dir: Path | None, progress: Progress, cancel: CancelToken) -> None:
        self.catalog = catalog
        self.store = catalog.store
        self.vocabulary = catalog_vocabulary(catalog)  # the shop's own categories as well as the built-in ones
        self.models = models
        self.precision = precision
        self.batch_size = max(1, batch_size)
        self.thumbnails_dir = thumbnails_dir
        self.progress = progress
        self.cancel = cancel
        self.report = IndexReport()
        self.encoder: VisionEncoder | OnnxVisionEncoder | None = None

    # -- the model, loaded at the first photo that needs it ------------------------------------
    def _encoder(self, first_pixels: np.ndarray) -> VisionEncoder | OnnxVisionEncoder:
        if self.encoder is not None:
            return self.encoder
        sample = first_pixels[:AGREEMENT_SAMPLE]
        recorded = self.catalog.encoder_choice() if self.precision == "auto" else None
        why_not_onnx = "fp32 was asked for"
        # A catalog built by torch stays with torch unless re-built; fp32 asked for means the torch fp32 model.
        if self.precision != "fp32" and (recorded is None or recorded.backend == "onnx"):
            fast, why_not_onnx = self.models.fast_vision(sample, self._preparing, self.cancel)
            if fast is not None:
                if recorded is None and fast.prepared is not None:
                    check = fast.prepared
                    self.catalog.record_encoder_choice(EncoderChoice(
                        "onnx", "int8", agreement=check.agreement, worst_vector=check.worst_vector, photos=check.samples))
                self.encoder = fast
        if self.encoder is None:
            if self.precision != "auto":
                choice: Literal["fp32", "int8"] = self.precision
            elif recorded is not None and recorded.backend == "torch":
                choice = recorded.precision
            else:
                choice = self._decide_precision(sample, why_not_onnx)
            self.encoder = self.models.vision(choice)
        self.report.precision = self.encoder.precision
        self.report.backend = getattr(self.encoder, "backend", "torch")
        return self.encoder

    def _preparing(self, done: int, total: int | None, detail: str) -> None:
        """The one-time preparation has no photo count: show its steps as an indeterminate phase."""
        self.progress(0, None, detail)

    def _decide_precision(self, sample: np.ndarray, why_not_onnx: str) -> Literal["fp32", "int8"]:
        encoder = self.models.vision("fp32")
        if encoder.device != "cpu":
            return "fp32"  # dynamic int8 is a CPU technique; a GPU runs fp32 fast enough
        reference = encoder.encode(sample)
        encoder.quantize_int8()
        mean_cosine, _worst = agreement(reference, encoder.encode(sample))
        choice: Literal["fp32", "int8"] = "int8" if mean_cosine >= AGREEMENT_THRESHOLD else "fp32"
        log.info("int8 vs fp32 on %d of the user's photos: agreement %.4f, using torch %s (not onnx: %s)",
                 len(sample), mean_cosine, choice, why_not_onnx)
        self.catalog.record_encoder_choice(EncoderChoice("torch", choice, agreement=round(mean_cosine, 5), photos=len(sample),
                                                         why_not_onnx=why_not_onnx))
        return choice  # for fp32 the provider reloads, as the encoder it holds is now int8

    # -- one batch: encode new content, then write everything in one transaction ----------------
    def flush(self, batch: list[_Prepared], state: _State) -> None:
        if not batch:
            return
        self.cancel.check()
        new: dict[str, _Prepared] = {}
        for index, prepared in enumerate(batch):
            content_hash = prepared.content_hash
            if content_hash is None or content_hash in new or self.store.image_by_hash(content_hash) is not None:
                continue
            if prepared.pixels is None:  # its photo left the catalog since the run began (a swap of contents): decode now
                prepared = batch[index] = _prepare(prepared.found, frozenset(), self.models.pixel_spec, self.thumbnails_dir)
            if prepared.pixels is not None:
                new[content_hash] = prepared
        vectors: dict[str, np.ndarray] = {}
        if new:
            pixels = np.stack([p.pixels for p in new.values()])  # type: ignore[misc]
            vectors = dict(zip(new, self._encoder(pixels).encode(pixels), strict=True))
        with db.transaction(self.store.conn):
            for content_hash, prepared in new.items():
                self.store.add_image(content_hash, prepared.width, prepared.height, vectors[content_hash], prepared.thumbnail)
            # Links to photos already in the catalog go first: replacing a file's content may orphan (and so delete)
            # a photo that another file of this batch is about to point at.
            for prepared in sorted(batch, key=lambda p: p.content_hash in new):
                self._write(prepared, state, vectors)
        self.report.embedded += len(new)
        state.rate.done += len(batch)
        state.done += len(batch)
        self.progress(state.done, state.total, state.rate.detail(batch[-1].found.path))

    def _write(self, prepared: _Prepared, state: _State, vectors: dict[str, np.ndarray]) -> None:
        found, store = prepared.found, self.store
        if prepared.error is not None or prepared.content_hash is None:
            store.skip(found.path, found.size, found.mtime_ns, prepared.error or "unknown error", prepared.transient)
            return
        content_hash = prepared.content_hash
        folder_id = state.folder_ids[found.root]
        current = state.indexed.get(found.path)
        if current is not None and current[3] == content_hash:  # touched, same bytes
            store.touch_item(current[0], found.size, found.mtime_ns)
            self.report.unchanged += 1
            return
        self.report.indexed += 1
        moved = state.vanished_by_hash.get(content_hash)
        if moved:
            item_id = moved.pop()
            if current is not None:  # the new path held other content before: that item is replaced
                store.remove_items([current[0]])
            store.move_item(item_id, found.path, folder_id, found.size, found.mtime_ns)
            store.clear_tags(item_id)
        else:
            image_id = store.image_by_hash(content_hash)
            assert image_id is not None, "flush() embeds every photo the catalog lacks"
            item_id = store.put_item(found.path, folder_id, image_id, found.size, found.mtime_ns)
        store.forget_skipped([found.path])
        corrections = {kind: value for kind in ("category", "color") if (value := store.correction_for(content_hash, kind, found.path))}
        folder = tagging.folder_tags(found.path, found.root, self.vocabulary)
        auto = None
        if {*corrections, *(t.kind for t in folder)} != {"category", "color"}:
            query_vectors = vectors.get(content_hash)
            if query_vectors is None:
                query_vectors = store.query_vectors([item_id])[item_id]
            auto = self.models.labels(self.vocabulary).zero_shot(query_vectors)
        for tag in tagging.decide(folder, auto, corrections):
            store.set_tag(item_id, tag.kind, tag.value, tag.source, tag.score)


@dataclass
class _State:
    folder_ids: dict[Path, int]
    indexed: dict[str, tuple[int, int, int, str]]
    vanished_by_hash: dict[str, list[int]]
    total: int
    done: int
    rate: _Rate


def _ordered(pool: ThreadPoolExecutor, files: Sequence[scanner.FoundFile], lookahead: int, *args: Any) -> Iterator[_Prepared]:
    """Results in file order while up to `lookahead` files are being prepared ahead of the encoder."""
    pending: collections.deque[Future[_Prepared]] = collections.deque()
    queue = iter(files)
    for found in queue:
        pending.append(pool.submit(_prepare, found, *args))
        if len(pending) >= lookahead:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(queue, None)
        if nxt is not None:
            pending.append(pool.submit(_prepare, nxt, *args))
        yield result


def resolve_roots(store: CatalogStore, roots: Sequence[str | os.PathLike[str]] | None) -> tuple[list[Path], list[str]]:
    """The folders to scan (given ones must exist; remembered ones that vanished are reported, not forgotten)."""
    if roots:
        chosen = [scanner.normalise_path(r) for r in roots]
        for root in chosen:
            if not root.is_dir():
                message = _("{path} is a file, not a folder.") if root.exists() else _("{path} does not exist.")
                raise FolderNotFoundError(message.format(path=root), _("Give the folder that holds your photos."))
        return chosen, []
    remembered = [path for _id, path in store.folders()]
    if not remembered:
        raise FolderNotFoundError(_("No folders to index yet."), _("Give a folder: `fashion-assistant index PATH`."), fix=Fix.ADD_FOLDER)
    return [p for p in remembered if p.is_dir()], [str(p) for p in remembered if not p.is_dir()]


def index_folders(
    catalog: Catalog,
    roots: Sequence[str | os.PathLike[str]] | None,
    models: ModelProvider,
    *,
    precision: PrecisionChoice = "auto",
    batch_size: int = 8,
    decode_threads: int | None = None,
    thumbnails_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> IndexReport:
    """Index `roots` (or the remembered folders when None) and remember them; see the module docstring."""
    started = time.monotonic()
    cancel = cancel or CancelToken()
    store = catalog.store
    folders, missing = resolve_roots(store, roots)
    folder_ids = _remember_folders(store, folders, models.identity, rebuild)
    progress(0, None, _("Looking for photos…"))
    found = scanner.scan(folders, cancel)
    indexed = store.indexed_files()
    change = what_changed(store, found, indexed, folders)
    vanished_by_hash: dict[str, list[int]] = collections.defaultdict(list)
    for path in change.vanished:
        vanished_by_hash[indexed[path][3]].append(indexed[path][0])
    run = _Run(catalog, models, precision, batch_size, thumbnails_dir, progress, cancel)
    total = len(found.files) + len(found.broken)
    state = _State(folder_ids, indexed, vanished_by_hash, total, change.unchanged + change.unchanged_skipped + len(found.broken),
                   _Rate(len(change.to_read)))
    run.report.scanned, run.report.unchanged, run.report.missing_folders = total, change.unchanged, missing
    with db.transaction(store.conn):
        for broken, reason in found.broken:  # a broken link or a failed stat: the cause is outside the file
            store.skip(broken.path, None, None, reason, transient=True)
        store.forget_skipped(change.vanished_skipped)
    progress(state.done, total,
             _("{unchanged} unchanged, {to_read} to read").format(unchanged=change.unchanged, to_read=len(change.to_read)))
    if change.to_read:
        _read_and_embed(run, state, change.to_read, frozenset(store.image_hashes()), decode_threads)
    leftover = [item_id for ids in vanished_by_hash.values() for item_id in ids]
    if leftover:
        with db.transaction(store.conn):
            store.remove_items(leftover)
    run.report.removed = len(leftover)
    run.report.skipped = [entry for entry in store.skipped() if scanner.under(entry["path"], folders)]
    run.report.seconds = round(time.monotonic() - started, 3)
    progress(total, total, _("Done"))
    return run.report


def _remember_folders(store: CatalogStore, folders: list[Path], identity: EmbeddingModel, rebuild: bool) -> dict[Path, int]:
    """Record the model (refusing another one before any work) and the folders, in one transaction."""
    with db.transaction(store.conn):
        if rebuild:
            store.forget_model()
        store.use_model(identity)
        store.purge_removed()
        for root in folders:  # a removed folder added again: its kept photos are reused by content, never restored over it
            store.forget_removed(root)
        return {root: store.add_folder(root) for root in folders}


def what_changed(store: CatalogStore, found: scanner.ScanResult, indexed: dict[str, tuple[int, int, int, str]],
                  folders: list[Path]) -> scanner.ScanDiff:
    """The scan against the catalog; a file that is broken now is compared afresh, not as its old skip."""
    broken_paths = {f.path for f, _reason in found.broken}
    skipped = {p: (s[0], s[1]) for p, s in store.skipped_states().items() if p not in broken_paths}
    return scanner.diff(found.files, {p: (s[1], s[2]) for p, s in indexed.items()}, skipped, folders)


def _read_and_embed(run: _Run, state: _State, to_read: Sequence[scanner.FoundFile], known: frozenset[str],
                    decode_threads: int | None) -> None:
    """Decode on a pool while the model encodes: a batch is flushed once it holds `batch_size` new photos
    (or many already-known ones), so a crash loses at most the batch in flight."""
    threads = decode_threads or min(4, max(2, (os.cpu_count() or 2)))
    spec, thumbnails_dir = run.models.pixel_spec, run.thumbnails_dir
    with ThreadPoolExecutor(threads, thread_name_prefix="decode") as pool:
        batch: list[_Prepared] = []
        fresh = 0
        try:
            for prepared in _ordered(pool, to_read, run.batch_size * 2 + threads, known, spec, thumbnails_dir):
                batch.append(prepared)
                fresh += prepared.pixels is not None
                if fresh >= run.batch_size or len(batch) >= run.batch_size * 16:
                    run.flush(batch, state)
                    batch, fresh = [], 0
            run.flush(batch, state)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
