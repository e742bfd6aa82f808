"""A catalog that cannot grow (a full disk) ends in one message naming its folder and the space to free."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from desktop_app.cli import main
from desktop_app.core.platform import errors
from desktop_app.core.platform.errors import StorageError
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog
from tests.store.conftest import COUNT, DIM, QUERIES


def cramp(conn: db.Connection, spare_pages: int = 0) -> None:
    """SQLite raises SQLITE_FULL, exactly as on a full disk, once the file would pass max_page_count."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_writes_on_a_full_disk_raise_one_storage_error_and_keep_what_was_saved(
        catalog_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors.shutil, "disk_usage", lambda _folder: SimpleNamespace(free=1_234_567, total=1, used=1))
    with Catalog.open(catalog_path) as catalog:
        cramp(catalog.conn)
        queries = np.ones((QUERIES, DIM), dtype=np.float32) / np.sqrt(DIM)
        with pytest.raises(StorageError) as caught, catalog.transaction():
            folder = catalog.store.add_folder(catalog_path.parent / "more")
            for index in range(50):
                image = catalog.store.add_image(f"new{index}", 1, 1, queries, None)
                catalog.store.put_item(str(catalog_path.parent / "more" / f"{index}.jpg"), folder, image, 1, 1)
        assert not catalog.conn.in_transaction
    error = caught.value
    assert str(catalog_path.parent) in error.message and "1.2 MB free" in error.message
    assert "Free at least" in error.hint and "database or disk is full" in error.detail
    with Catalog.open(catalog_path) as catalog:
        assert catalog.store.item_count() == COUNT


def test_indexing_into_a_full_catalog_disk_is_a_message_not_a_traceback(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path, tiny_blip2: Path,
        product_photos: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for photo in sorted(product_photos.rglob("*.jpg"))[:4]:
        shutil.copy2(photo, photos / photo.name)
    opened = db.connect

    def cramped(path: Path | str, **kwargs: object) -> db.Connection:
        conn = opened(path, **kwargs)  # type: ignore[arg-type]
        cramp(conn)
        return conn

    monkeypatch.setattr(db, "connect", cramped)
    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "is full" in err and "the catalog catalog.sqlite3 cannot grow" in err and str(isolated_data_dir) in err and "free" in err
