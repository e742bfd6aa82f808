"""Nothing lost by a click: a removed folder comes back at once (undo) or re-indexes without re-embedding, a stopped
run says how many photos are left, and a correction survives the photo being edited and saved under its name."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from desktop_app.core.catalog.operations import forget_folder, photos_left_to_index, restore_folder
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import VECTOR_TABLE, CatalogStore
from tests.catalog.test_indexer import by_path, count, run


def _catalog(store: CatalogStore, tmp_path: Path) -> Catalog:
    return Catalog(store.conn, tmp_path / "catalog.sqlite3")


def test_a_removed_folder_comes_back_with_its_tags_and_vectors(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    run(store, tiny_models, [photos])
    target = str(sorted((photos / "pants").glob("*.jpg"))[0])
    with db.transaction(store.conn):
        store.correct(target, "category", "shorts")
    before = {path: (row.category, row.category_source, row.color) for path, row in by_path(store).items()}
    catalog = _catalog(store, tmp_path)

    assert forget_folder(catalog, photos) == 6
    assert store.item_count() == 0 and count(store, VECTOR_TABLE) == 0 and store.folders() == []
    assert catalog.stats().items == 0

    assert restore_folder(catalog, photos) == 6
    after = {path: (row.category, row.category_source, row.color) for path, row in by_path(store).items()}
    assert after == before and after[target] == ("shorts", "user", before[target][2])
    assert count(store, VECTOR_TABLE) == 6 and [p for _i, p in store.folders()] == [photos]
    assert restore_folder(catalog, photos) == 0  # an undo is taken once


def test_adding_a_removed_folder_again_embeds_nothing(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    run(store, tiny_models, [photos])
    forget_folder(_catalog(store, tmp_path), photos)
    report = run(store, tiny_models, [photos])
    assert (report.indexed, report.embedded) == (6, 0)
    assert store.item_count() == 6


def test_removed_folders_are_purged_after_their_time(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    run(store, tiny_models, [photos])
    forget_folder(_catalog(store, tmp_path), photos)
    with db.transaction(store.conn):
        assert store.purge_removed() == 0  # kept for now
        store.conn.execute("UPDATE removed_items SET removed_at = '2000-01-01T00:00:00.000Z'")
        assert store.purge_removed() == 6
    assert count(store, "images") == 0
    assert restore_folder(_catalog(store, tmp_path), photos) == 0


def test_photos_left_to_index_counts_new_and_changed_files(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    run(store, tiny_models, [photos])
    catalog = _catalog(store, tmp_path)
    assert photos_left_to_index(catalog) == 0
    for photo in sorted((photos / "shoes").glob("*.jpg")):
        shutil.copy(photo, photos / "shoes" / f"copy-{photo.name}")
    assert photos_left_to_index(catalog) == 2
    run(store, tiny_models)
    assert photos_left_to_index(catalog) == 0


def test_a_correction_survives_the_photo_saved_again_under_its_name(store, tiny_models, photos: Path) -> None:
    run(store, tiny_models, [photos])
    target = sorted((photos / "pants").glob("*.jpg"))[0]
    with db.transaction(store.conn):
        store.correct(str(target), "category", "shorts")
        store.correct(str(target), "color", "navy")
    Image.open(target).convert("RGB").rotate(3).save(target, quality=80)  # edited: other bytes, other content hash
    report = run(store, tiny_models)
    assert report.embedded == 1
    row = by_path(store)[str(target)]
    assert (row.category, row.category_source, row.color) == ("shorts", "user", "navy")  # type: ignore[attr-defined]
