"""A small catalog of the shared product photos, indexed once per module by the real indexer with the tiny BLIP-2."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.platform.app_context import AppContext, open_context
from desktop_app.core.store.catalog import Catalog as Handle
from desktop_app.core.store.catalog_store import CatalogStore


@dataclass(frozen=True)
class Catalog:
    context: AppContext
    photos: Path  # the folder that was indexed, with one subfolder per category

    def store(self) -> CatalogStore:
        return CatalogStore.open(self.context.paths.db_path)

    def handle(self) -> Handle:
        return Handle.open(self.context.paths.db_path)


def build_catalog(root: Path, blip2: Path, photos: Path) -> Catalog:
    from desktop_app.core.catalog.indexer import ModelProvider, index_folders
    from desktop_app.core.embedding.blip2 import resolve_blip2

    context = open_context(data_dir=root / "data")
    with Handle.open(context.paths.db_path) as handle:
        models = ModelProvider(resolve_blip2(str(blip2), context.paths), context.paths.cache_dir)
        report = index_folders(handle, [photos], models, thumbnails_dir=context.paths.thumbnails_dir)
        assert not report.skipped, report.skipped
    return Catalog(context, photos)


def check_told_apart(catalog: Catalog) -> None:
    """The tiny model must tell photos apart and give each photo distinct query vectors, or search tests prove nothing."""
    store = catalog.store()
    try:
        vectors = store.query_vectors([row.id for row in store.items()])
    finally:
        store.close()
    queries = np.stack(list(vectors.values()))
    means = queries.mean(axis=1)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    assert (np.argmax(means @ means.T, axis=1) == np.arange(len(means))).all(), "photos are not their own nearest neighbours"
    within = np.einsum("nqd,npd->nqp", queries, queries).mean()
    assert within < 0.9, f"the 32 query vectors of a photo are nearly identical (mean cosine {within:.3f})"


def indexed_copy_of_photos(name: str, tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A copy of the shared photos (so tests may change them), indexed, checked to tell photos apart."""
    root = tmp_path_factory.mktemp(name)
    photos = root / "photos"
    shutil.copytree(product_photos, photos)
    built = build_catalog(root, tiny_blip2, photos)
    check_told_apart(built)
    return built


@pytest.fixture(scope="module")
def catalog(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return indexed_copy_of_photos("search", tiny_blip2, product_photos, tmp_path_factory)


@pytest.fixture(scope="module")
def searcher(catalog: Catalog) -> Iterator:
    from desktop_app.core.search.searcher import Searcher

    handle = catalog.handle()
    warm = Searcher(catalog.context, handle)
    yield warm
    warm.close()
    handle.close()
