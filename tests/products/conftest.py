"""Product fixtures: a catalog of indexed photos without a model (their vectors made up), and shops' files written in code.

The photos exist only in the catalog (the linker reads indexed paths, never the files), so a test can lay out a
shop's photo folders as it likes; each photo gets an auto category and colour, as indexing would give it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest

from desktop_app.cli import main
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import EmbeddingModel

DIM, QUERIES = 8, 4
SHOPIFY_HEADERS = ("Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published", "Option1 Name",
                   "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU", "Variant Grams",
                   "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Inventory Policy", "Variant Price",
                   "Variant Compare At Price", "Image Src", "Image Position", "Image Alt Text", "Variant Image", "Status")


def add_photos(catalog: Catalog, paths: Iterable[str | Path], category: str = "t-shirt", color: str = "grey") -> dict[str, int]:
    """Index these paths (made-up vectors, an auto category and colour each); returns path -> item id."""
    rng = np.random.default_rng(len(catalog.store.indexed_files()))
    store = catalog.store
    found = {}
    with catalog.transaction():
        store.use_model(EmbeddingModel("stand-in", "rev", DIM, QUERIES))
        for path in map(str, paths):
            folder = store.add_folder(Path(path).parent)
            queries = rng.normal(size=(QUERIES, DIM)).astype(np.float32)
            queries /= np.linalg.norm(queries, axis=1, keepdims=True)
            image = store.add_image(f"hash-{path}", 60, 80, queries, None)
            item = store.put_item(path, folder, image, 1000, 1)
            store.set_tag(item, "category", category, "auto", 0.2)
            store.set_tag(item, "color", color, "auto", 0.2)
            found[path] = item
    return found


@pytest.fixture
def catalog_path(isolated_data_dir: Path) -> Path:
    return isolated_data_dir / "catalog.sqlite3"


@pytest.fixture
def catalog(catalog_path: Path) -> Iterable[Catalog]:
    with Catalog.open(catalog_path) as opened:
        yield opened


def shopify_row(**cells: str) -> dict[str, str]:
    """A row of Shopify's export; keyword names are the headers with spaces as underscores and no brackets."""
    return {header: cells.get(_key(header), "") for header in SHOPIFY_HEADERS}


def _key(header: str) -> str:
    return header.replace(" (HTML)", "").replace(" ", "_").lower()


def write_shopify(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=SHOPIFY_HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run_cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1])


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the vector index's, to tell that nothing was written."""
    conn = db.connect(path, verify=False)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'item_vectors%'")]
        return {name: sorted(tuple(row) for row in conn.execute(f'SELECT * FROM "{name}"')) for name in names}
    finally:
        conn.close()
