"""Catalog operations as whole tasks, shared by the CLI commands and the window's workers.

Each opens its own connection (so it can run on any worker thread), does one job, and closes it;
the front ends only choose arguments and show results.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from desktop_app.core import db
from desktop_app.core.app_context import AppContext
from desktop_app.core.indexer import IndexReport, ModelProvider, index_folders
from desktop_app.core.jobs import CancelToken, Progress, no_progress
from desktop_app.core.store import CatalogStore


def index_catalog(
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
    """Index `roots` (or the remembered folders) with the catalog's model unless `blip2` names another."""
    from desktop_app.core.blip2 import resolve_catalog_model

    settings = context.settings
    store = CatalogStore.open(context.paths.db_path)
    try:
        default = settings.blip2_model
        resolved = resolve_catalog_model(store, context.paths, blip2 or (default if rebuild else None), default)
        models = ModelProvider(resolved, context.paths.cache_dir, threads=threads or settings.threads,
                               backend=backend, prepared_dir=context.paths.models_dir / "prepared")  # type: ignore[arg-type]
        return index_folders(
            store, roots or None, models,
            precision=precision or settings.precision,  # type: ignore[arg-type]
            batch_size=batch_size or settings.batch_size,
            thumbnails_dir=context.paths.thumbnails_dir,
            rebuild=rebuild,
            progress=progress,
            cancel=cancel,
        )
    finally:
        store.close()


def catalog_stats(context: AppContext) -> dict[str, Any]:
    """Counts per category, skipped files, folders, and the model that built the catalog."""
    store = CatalogStore.open(context.paths.db_path)
    try:
        model = store.recorded_model()
        return {
            "catalog": str(context.paths.db_path),
            "items": store.item_count(),
            "categories": store.counts_by_category(),
            "skipped": store.skipped(),
            "model": asdict(model) if model else None,
            "precision": store.get_meta("precision"),
            "folders": [str(path) for _id, path in store.folders()],
        }
    finally:
        store.close()


def forget_folder(context: AppContext, folder: Path) -> int:
    """Remove a folder and its items from the catalog (the photos on disk are not touched)."""
    store = CatalogStore.open(context.paths.db_path)
    try:
        with db.transaction(store.conn):
            return store.remove_folder(folder)
    finally:
        store.close()


def correct_tags(context: AppContext, path: str, changes: dict[str, str]) -> None:
    """A user's corrections ({"category": ..., "color": ...}); they follow the photo's content through re-indexing."""
    store = CatalogStore.open(context.paths.db_path)
    try:
        with db.transaction(store.conn):
            for kind, value in changes.items():
                store.correct(path, kind, value)
    finally:
        store.close()
