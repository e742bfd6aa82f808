"""A small catalog made by CatalogStore (40 photos, 256-d vectors, tags, a correction), and ways to damage it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.platform.paths import resolve_paths
from desktop_app.core.store import db
from desktop_app.core.store.catalog_store import CatalogStore, EmbeddingModel

DIM, QUERIES, COUNT = 256, 32, 40
CORRECTED = "001.jpg"  # the photo whose colour the user corrected to red


def make_catalog(path: Path, count: int = COUNT) -> Path:
    """Big enough (about 2 MB) that 32 KB in the middle lands inside the vector index, as in the fault-injection run."""
    rng = np.random.default_rng(0)
    photos = path.parent / "photos"
    store = CatalogStore.open(path)
    try:
        with db.transaction(store.conn):
            store.use_model(EmbeddingModel("stand-in", "rev", DIM, QUERIES))
            folder = store.add_folder(photos)
            for index in range(count):
                queries = rng.normal(size=(QUERIES, DIM)).astype(np.float32)
                queries /= np.linalg.norm(queries, axis=1, keepdims=True)
                image = store.add_image(f"hash{index:03}", 60, 80, queries, None)
                item = store.put_item(str(photos / f"{index:03}.jpg"), folder, image, 1000 + index, 1)
                store.set_tag(item, "category", ("shoes", "pants")[index % 2], "folder")
            store.correct(str(photos / CORRECTED), "color", "red")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


def scribble(path: Path, offset: int | None = None, size: int = 32 * 1024) -> None:
    """Garbage over `size` bytes (in the middle unless told), as a failing disk or a stray write leaves it."""
    start = path.stat().st_size // 2 if offset is None else offset
    with path.open("r+b") as fh:
        fh.seek(start)
        fh.write(np.random.default_rng(1).bytes(size))


def first_leaf_of(path: Path, table: str) -> int:
    """The left-most leaf page of a table whose root is an interior page, read from the file format itself."""
    conn = db.connect(path, migrate=False, verify=False)
    try:
        root = int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0])
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    data = path.read_bytes()
    page = data[(root - 1) * page_size : root * page_size]
    assert page[0] == 0x05, "the table's root is not an interior page: make the catalog bigger"
    first_cell = int.from_bytes(page[12:14], "big")
    return int.from_bytes(page[first_cell : first_cell + 4], "big")


@pytest.fixture
def catalog_path(isolated_data_dir: Path) -> Path:
    """The catalog the CLI uses in this test's data folder."""
    return make_catalog(resolve_paths(data_dir=isolated_data_dir).ensure().db_path)
