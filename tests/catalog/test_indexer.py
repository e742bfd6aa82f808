"""The indexer end to end with the tiny BLIP-2: incremental, by content, tolerant of bad files, resumable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.catalog import indexer
from desktop_app.core.embedding.blip2 import model_identity
from desktop_app.core.platform.jobs import Cancelled, CancelToken
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import (
    CODES_TABLE,
    QUERY_VECTOR_DTYPE,
    VECTOR_TABLE,
    CatalogStore,
    EmbeddingModel,
    ModelMismatchError,
    code_rows,
)
from desktop_app.core.store.query_index import MeanIndex
from tests.catalog.conftest import BAD_CORPUS_EXPECTED, build_bad_corpus


def run(store: CatalogStore, models, roots=None, **kwargs) -> indexer.IndexReport:
    kwargs.setdefault("precision", "fp32")
    kwargs.setdefault("batch_size", 4)
    return indexer.index_folders(Catalog(store.conn, Path("catalog.sqlite3")), roots, models, **kwargs)


def count(store: CatalogStore, table: str) -> int:
    return int(store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def by_path(store: CatalogStore) -> dict[str, object]:
    return {row.path: row for row in store.items()}


def test_first_index_then_nothing_to_do(store, tiny_models, photos: Path, app_paths) -> None:
    report = run(store, tiny_models, [photos], thumbnails_dir=app_paths.thumbnails_dir)
    assert (report.scanned, report.indexed, report.embedded, report.unchanged, report.skipped) == (6, 6, 6, 0, [])
    items = by_path(store)
    assert {(Path(p).parent.name, row.category, row.category_source) for p, row in items.items()} == {
        ("shoes", "shoes", "folder"), ("t-shirt", "t-shirt", "folder"), ("pants", "pants", "folder")}
    assert all(row.color and row.width == 1800 and row.height == 2400 for row in items.values())
    assert all(Path(row.thumbnail).is_file() for row in items.values())
    assert count(store, VECTOR_TABLE) == 6
    again = run(store, tiny_models)  # no PATH: the remembered folders
    assert (again.scanned, again.indexed, again.unchanged, again.embedded, again.removed) == (6, 0, 6, 0, 0)


def test_each_photo_is_its_own_nearest_neighbour(store, tiny_models, photos: Path) -> None:
    run(store, tiny_models, [photos])
    for row in store.items():
        vectors = store.query_vectors([row.id])[row.id]
        mean = vectors.mean(axis=0)
        (nearest, distance), *_ = store.knn(mean / np.linalg.norm(mean), 3)
        assert nearest == row.id and distance < 1e-3


def test_change_delete_rename_and_duplicate(store, tiny_models, photos: Path, product_photos: Path) -> None:
    run(store, tiny_models, [photos])
    before = by_path(store)
    shoes = sorted((photos / "shoes").glob("*.jpg"))
    tees = sorted((photos / "t-shirt").glob("*.jpg"))
    pants = sorted((photos / "pants").glob("*.jpg"))
    moved_from, moved_to = shoes[0], photos / "t-shirt" / "renamed.jpg"
    moved_id = before[str(moved_from)].id  # type: ignore[attr-defined]
    os.rename(moved_from, moved_to)  # a move into another category folder
    shutil.copy2(tees[0], photos / "pants" / "copy of tee.jpg")  # an identical copy
    shutil.copy2(sorted((product_photos / "shirt").glob("*.jpg"))[0], pants[0])  # changed content
    pants[1].unlink()  # deleted
    report = run(store, tiny_models)
    assert (report.scanned, report.unchanged, report.indexed, report.removed) == (6, 3, 3, 1)
    assert report.embedded == 1  # only the changed photo went through the model
    after = by_path(store)
    assert str(pants[1]) not in after and str(moved_from) not in after
    assert after[str(moved_to)].id == moved_id  # type: ignore[attr-defined]
    assert (after[str(moved_to)].category, after[str(moved_to)].category_source) == ("t-shirt", "folder")  # type: ignore[attr-defined]
    copy = after[str(photos / "pants" / "copy of tee.jpg")]
    assert copy.content_hash == after[str(tees[0])].content_hash  # type: ignore[attr-defined]
    assert count(store, "images") == 5  # the copy shares, the changed photo replaces its old one, the deleted one goes
    assert count(store, VECTOR_TABLE) == count(store, "items") == 6


def test_search_first_stage_follows_changes_deletes_renames_and_copies(store, tiny_models, photos: Path, product_photos: Path) -> None:
    """Each item has its photo's codes (the bytes a first search would write), and a first-stage index loaded before
    the changes, on the indexer's own connection, finds each photo by its own mean vector and no removed item:
    among the nearest two, since int8 means cannot order photos whose means are 0.999 alike (two of the tiny
    model's are), which the exact re-rank then does."""
    run(store, tiny_models, [photos])
    index = MeanIndex(store)
    assert len(index.nearest(np.ones(tiny_models.identity.dim, dtype=np.float32), 100).item_ids) == 6
    shoes, tees, pants = (sorted((photos / name).glob("*.jpg")) for name in ("shoes", "t-shirt", "pants"))
    removed = by_path(store)[str(pants[1])].id  # type: ignore[attr-defined]
    os.rename(shoes[0], photos / "t-shirt" / "renamed.jpg")
    shutil.copy2(tees[0], photos / "pants" / "copy of tee.jpg")
    shutil.copy2(sorted((product_photos / "shirt").glob("*.jpg"))[0], pants[0])
    pants[1].unlink()
    run(store, tiny_models)
    rows = {int(r[0]): tuple(r[1:]) for r in store.conn.execute(
        f"SELECT item_id, mean_scale, mean, query_scales, query_codes FROM {CODES_TABLE}")}
    items = store.items()
    assert set(rows) == {row.id for row in items} and count(store, CODES_TABLE) == 6
    for row in items:
        vectors = store.query_vectors([row.id])[row.id]
        assert rows[row.id] == code_rows([row.id], vectors[None].astype(QUERY_VECTOR_DTYPE))[0][1:]
        mean = vectors.mean(axis=0)
        assert row.id in index.nearest(mean / np.linalg.norm(mean), 2).item_ids
    assert removed not in index.nearest(np.ones(tiny_models.identity.dim, dtype=np.float32), 100).item_ids


def test_a_touched_file_with_the_same_bytes_is_not_re_embedded(store, tiny_models, photos: Path) -> None:
    run(store, tiny_models, [photos])
    target = next(photos.rglob("*.jpg"))
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    report = run(store, tiny_models)
    assert (report.indexed, report.embedded, report.unchanged) == (0, 0, 6)
    assert run(store, tiny_models).unchanged == 6  # the new mtime was recorded


def test_bad_files_are_skipped_with_reasons_and_retried_only_when_changed(store, tiny_models, tmp_path: Path, one_photo: Path) -> None:
    corpus = build_bad_corpus(tmp_path / "corpus", one_photo)
    report = run(store, tiny_models, [corpus])
    skipped = {os.path.relpath(s["path"], corpus): s["reason"] for s in report.skipped}
    expected_bad = {n: e for n, e in BAD_CORPUS_EXPECTED.items() if e not in (None, "ignored")}
    assert set(skipped) == set(expected_bad)
    for name, word in expected_bad.items():
        assert word in skipped[name], (name, skipped[name])
    indexed = {os.path.relpath(p, corpus) for p in by_path(store)}
    assert indexed == {n for n, e in BAD_CORPUS_EXPECTED.items() if e is None}
    assert report.scanned == report.indexed + report.unchanged + len(report.skipped)
    assert report.embedded == len(indexed)
    again = run(store, tiny_models)
    assert (again.indexed, again.embedded) == (0, 0)
    assert len(again.skipped) == len(expected_bad)
    shutil.copy2(one_photo, corpus / "truncated.jpg")  # the user re-copies the file properly
    fixed = run(store, tiny_models)
    assert fixed.indexed == 1 and "truncated.jpg" not in {os.path.basename(s["path"]) for s in fixed.skipped}


def test_model_mismatch_is_refused_and_rebuild_keeps_corrections(store, tiny_models, photos: Path) -> None:
    run(store, tiny_models, [photos])
    target = str(sorted((photos / "shoes").glob("*.jpg"))[0])
    with db.transaction(store.conn):
        store.correct(target, "category", "bag")
    assert by_path(store)[target].category_source == "user"  # type: ignore[attr-defined]
    recorded = store.recorded_model()
    with db.transaction(store.conn):
        store.conn.execute("DELETE FROM catalog_meta WHERE key = 'embedding_model'")
        store.set_meta("embedding_model", {**recorded.__dict__, "revision": "another"})  # type: ignore[union-attr]
    with pytest.raises(ModelMismatchError) as caught:
        run(store, tiny_models)
    assert "--rebuild" in caught.value.hint
    report = run(store, tiny_models, rebuild=True)
    assert report.embedded == 6 and store.recorded_model() == model_identity(tiny_models.resolved)
    assert (by_path(store)[target].category, by_path(store)[target].category_source) == ("bag", "user")  # type: ignore[attr-defined]
    assert [str(p) for _i, p in store.folders()] == [str(photos)]


def test_user_correction_survives_reindexing_and_moves(store, tiny_models, photos: Path) -> None:
    run(store, tiny_models, [photos])
    target = sorted((photos / "pants").glob("*.jpg"))[0]
    with db.transaction(store.conn):
        store.correct(str(target), "category", "shorts")
        store.correct(str(target), "color", "navy")
    moved = photos / "shoes" / "moved.jpg"
    os.rename(target, moved)
    run(store, tiny_models)
    row = by_path(store)[str(moved)]
    assert (row.category, row.category_source, row.color) == ("shorts", "user", "navy")  # type: ignore[attr-defined]
    hit = store.conn.execute(f"SELECT category, color FROM {VECTOR_TABLE} WHERE item_id = ?", (row.id,)).fetchone()  # type: ignore[attr-defined]
    assert tuple(hit) == ("shorts", "navy")


def test_progress_cancel_and_resume(store, tiny_models, tmp_path: Path, one_photo: Path) -> None:
    from PIL import Image

    folder = tmp_path / "many"
    folder.mkdir()
    base = Image.open(one_photo).convert("RGB").reduce(6)
    for index in range(10):
        base.rotate(index * 7).save(folder / f"p{index}.png")
    token, seen = CancelToken(), []

    def progress(done: int, total: int | None, detail: str) -> None:
        seen.append((done, total, detail))
        if total and done >= 4:
            token.cancel()

    with pytest.raises(Cancelled):
        run(store, tiny_models, [folder], batch_size=2, progress=progress, cancel=token)
    kept = store.item_count()
    assert 4 <= kept < 10
    assert any("photos/s" in detail for _d, _t, detail in seen)
    resumed: list[tuple[int, int | None]] = []
    report = run(store, tiny_models, batch_size=2, progress=lambda d, t, _s: resumed.append((d, t)))
    assert report.unchanged == kept and report.indexed == 10 - kept
    assert next(d for d, t in resumed if t) == kept  # counts from where it was
    assert resumed[-1] == (10, 10)
    assert count(store, "items") == count(store, VECTOR_TABLE) == count(store, "images") == 10


def test_auto_precision_is_checked_once_and_recorded(store, tiny_models, photos: Path, product_photos: Path) -> None:
    report = run(store, tiny_models, [photos], precision="auto")
    choice = store.get_meta("precision")
    assert choice["choice"] == report.precision and choice["photos"] >= 1
    assert (choice["choice"] == "int8") == (choice["agreement"] >= indexer.AGREEMENT_THRESHOLD)
    shutil.copy2(sorted((product_photos / "shirt").glob("*.jpg"))[0], photos / "pants" / "new.jpg")
    assert run(store, tiny_models, precision="auto").embedded == 1
    assert store.get_meta("precision") == choice


def test_agreement_is_the_worst_photo_and_the_worst_vector() -> None:
    from desktop_app.core.embedding.blip2 import agreement

    a = np.zeros((2, 32, 4), dtype=np.float32)
    a[..., 0] = 1
    b = a.copy()
    b[1, :, :2] = [0.6, 0.8]
    b[0, 3, :2] = [0.0, 1.0]  # one orthogonal query vector on the other photo: its mean stays high
    assert agreement(a, b) == pytest.approx((0.6, 0.0))


def test_missing_folders_are_errors_when_given_and_kept_when_remembered(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    with pytest.raises(indexer.FolderNotFoundError):
        run(store, tiny_models, [tmp_path / "nope"])
    run(store, tiny_models, [photos])
    away = tmp_path / "unplugged"
    os.rename(photos, away)
    report = run(store, tiny_models)
    assert report.missing_folders == [str(photos)] and report.removed == 0 and store.item_count() == 6


def test_another_model_identity_is_not_mixed(store, tiny_models, photos: Path) -> None:
    with db.transaction(store.conn):
        store.use_model(EmbeddingModel("someone/else", "x", tiny_models.identity.dim, 32))
    with pytest.raises(ModelMismatchError):
        run(store, tiny_models, [photos])
    assert store.item_count() == 0
