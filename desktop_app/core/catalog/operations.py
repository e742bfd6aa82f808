"""Catalog operations as whole tasks, shared by the CLI commands and the window's workers.

Each takes the front end's open `Catalog` handle (the window's per-thread one, on the worker's own
thread), does one job, and returns typed results; the front ends only choose arguments and show them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.core.catalog import imaging, scanner
from desktop_app.core.catalog.indexer import (
    AGREEMENT_SAMPLE,
    IndexReport,
    ModelProvider,
    index_folders,
    missing_onnxruntime,
    resolve_roots,
    what_changed,
)
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.store.backup import backup_before
from desktop_app.core.store.catalog import Catalog, CatalogStats
from desktop_app.core.store.index_lock import index_lock

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import PixelSpec, ResolvedModel
    from desktop_app.core.embedding.onnx_encoder import Prepared


class NoSamplePhotosError(UserError):
    """The fast encoder's agreement check needs a few of the user's photos and none were found."""


def index_catalog(
    catalog: Catalog,
    context: AppContext,
    roots: Sequence[str | os.PathLike[str]] | None = None,
    *,
    blip2: str | None = None,
    precision: str | None = None,
    backend: str = "auto",
    batch_size: int | None = None,
    threads: int | None = None,
    rebuild: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> IndexReport:
    """Index `roots` (or the remembered folders) with the catalog's model unless `blip2` names another.

    A rebuild too keeps the catalog's model (re-embedding with the model it was built with, as it is on
    this machine now); a rebuild with another model names it. One run per catalog at a time (the index
    lock): a second one waits a few seconds, then says another is running. A rebuild, which forgets
    every vector, is preceded by a backup.
    """
    settings = context.settings
    with index_lock(catalog.path):
        resolved = resolve_catalog_model(catalog, context, blip2)
        models = ModelProvider(resolved, context.paths.cache_dir, threads=threads or settings.threads,
                               backend=backend, prepared_dir=context.paths.prepared_dir)  # type: ignore[arg-type]
        if rebuild:
            backup_before(catalog, "rebuild")
        return index_folders(
            catalog, roots or None, models,
            precision=precision or settings.precision,  # type: ignore[arg-type]
            batch_size=batch_size or settings.batch_size,
            thumbnails_dir=context.paths.thumbnails_dir,
            rebuild=rebuild,
            progress=progress,
            cancel=cancel,
        )


def resolve_catalog_model(catalog: Catalog, context: AppContext, requested: str | None = None) -> ResolvedModel:
    """The model to use with a catalog: the one asked for, else the one the catalog was built with, else the settings'.

    A catalog's recorded hub revision is pinned when that snapshot is still cached, so a newer
    download does not silently change the vectors a catalog is compared with.
    """
    from desktop_app.core.embedding.blip2 import resolve_blip2

    recorded = catalog.store.recorded_model()
    spec = requested or (recorded.spec if recorded else context.settings.blip2_model)
    pinned = recorded.revision if recorded and recorded.spec == spec else None
    return resolve_blip2(spec, context.paths, revision=pinned)


def prepare_fast_encoder(
    catalog: Catalog,
    context: AppContext,
    *,
    blip2: str | None = None,
    photos: Path | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[Prepared, Prepared]:
    """The one-time ONNX int8 conversions ahead of the first index (`models prepare`): (vision, text).

    The vision tower is checked on the user's photos, the text tower on fixed texts.

    The photos come from `photos` when given, else from the catalog; the check is what makes the fast
    encoder trustworthy, so without any photo nothing is converted.
    """
    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import pixel_spec

    if not onnx_encoder.available():
        raise missing_onnxruntime()
    store = catalog.store
    resolved = resolve_catalog_model(catalog, context, blip2)
    if photos is not None:
        candidates = [Path(found.path) for found in scanner.scan(resolve_roots(store, [photos])[0], cancel).files]
    else:
        rows = store.items_by_id(store.sample_item_ids(AGREEMENT_SAMPLE * 4))
        candidates = [Path(row.path) for row in rows.values()]
    sample = _sample_pixels(candidates, pixel_spec(resolved))
    if sample is None:
        message = (_("The fast encoder is checked on a few of your photos, and there are none in {folder}.").format(folder=photos)
                   if photos is not None
                   else _("The fast encoder is checked on a few of your photos, and there are none in the catalog yet."))
        raise NoSamplePhotosError(message, _("Pass --photos FOLDER, or simply index a folder: the first index prepares it."),
                                  fix=Fix.ADD_FOLDER)
    vision = onnx_encoder.prepare(resolved, context.paths.prepared_dir, sample, progress=progress, cancel=cancel)
    return vision, onnx_encoder.prepare_text(resolved, context.paths.prepared_dir, progress=progress, cancel=cancel)


def _sample_pixels(candidates: Sequence[Path], spec: PixelSpec) -> np.ndarray | None:
    """Up to AGREEMENT_SAMPLE of the candidates that decode, as pixels; unreadable files are passed over."""
    from desktop_app.core.embedding.blip2 import image_to_pixels

    pixels = []
    for path in candidates:
        try:
            pixels.append(image_to_pixels(imaging.decode_image(path, (spec.width, spec.height)).image, spec))
        except imaging.UnreadableImage:
            continue
        if len(pixels) == AGREEMENT_SAMPLE:
            break
    return np.stack(pixels) if pixels else None


def catalog_stats(catalog: Catalog) -> CatalogStats:
    """Counts per category, skipped files, folders, and the model and encoder that built the catalog."""
    return catalog.stats()


def forget_folder(catalog: Catalog, folder: Path) -> int:
    """Remove a folder and its items from the catalog (the photos on disk are not touched), after a backup, so
    a folder removed by mistake comes back with its tags without re-embedding every photo."""
    backup_before(catalog, "forget-folder")
    with catalog.transaction():
        return catalog.store.remove_folder(folder)


def restore_folder(catalog: Catalog, folder: Path) -> int:
    """Undo `forget_folder`: the folder and its items come back with their vectors and tags; returns how many."""
    with catalog.transaction():
        return catalog.store.restore_folder(folder)


def photos_left_to_index(catalog: Catalog, cancel: CancelToken | None = None) -> int:
    """Photos in the catalog's folders that are new or changed since they were indexed (a run stopped by quitting or
    cancelled leaves them): what "Resume indexing (N left)" offers. Reads file sizes and dates only, no photo."""
    store = catalog.store
    folders = [path for _id, path in store.folders() if path.is_dir()]
    if not folders:
        return 0
    return len(what_changed(store, scanner.scan(folders, cancel), store.indexed_files(), folders).to_read)


def correct_tags(catalog: Catalog, paths: Sequence[str], changes: dict[str, str]) -> int:
    """A user's corrections ({"category": ..., "color": ...}) of one photo or several at once, all or none; they follow
    each photo's content and its file through re-indexing. Returns how many photos were corrected."""
    with catalog.transaction():
        for path in paths:
            for kind, value in changes.items():
                catalog.store.correct(path, kind, value)
    return len(paths)
