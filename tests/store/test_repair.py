"""A damaged catalog: found on open and on read, reported as one message with the way out, and repaired."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop_app.cli import main
from desktop_app.core.store import db
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import CODES_TABLE, VECTOR_TABLE, CatalogStore
from desktop_app.core.store.integrity import check_catalog_file, check_integrity
from desktop_app.core.store.repair import repair_catalog
from tests.store.conftest import CORRECTED, COUNT, DIM, first_leaf_of, scribble


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_sound_catalog_passes_the_check(catalog_path: Path) -> None:
    with Catalog.open(catalog_path) as catalog:
        report = check_integrity(catalog)
    assert report.ok and report.problems == [] and (report.items, report.vectors) == (COUNT, COUNT)
    assert report.summary().startswith("ok")


def test_garbage_mid_file_gives_one_message_naming_repair_in_search_stats_and_index(
        capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    scribble(catalog_path)
    for argv in (["search", "red", "shoes"], ["stats"], ["index"], ["items"]):
        err = one_line_error(capsys, *argv)
        assert "damaged" in err and "fashion-assistant catalog repair" in err, (argv, err)


def test_doctor_reuses_a_passing_check_only_while_the_file_is_unchanged(catalog_path: Path) -> None:
    first = check_catalog_file(catalog_path)
    assert first is not None and first.ok and first.checked_at is None  # checked in full
    again = check_catalog_file(catalog_path)
    assert again is not None and again.ok and again.checked_at is not None and "unchanged since" in again.summary()
    full = check_catalog_file(catalog_path, again=True)
    assert full is not None and full.checked_at is None  # doctor --full
    scribble(catalog_path)  # a changed file is checked again, and its damage found
    damaged = check_catalog_file(catalog_path)
    assert damaged is not None and not damaged.ok and damaged.checked_at is None
    assert not check_catalog_file(catalog_path).ok  # type: ignore[union-attr]  # a failing check is never remembered


def test_the_check_finds_the_damaged_vector_index(catalog_path: Path) -> None:
    scribble(catalog_path)
    report = check_catalog_file(catalog_path)
    assert report is not None and not report.ok
    assert report.problems and report.vectors_only, report
    assert "catalog repair" in report.summary()
    assert json.loads(json.dumps(report.to_json()))["ok"] is False


def test_a_read_that_meets_damage_is_a_catalog_error_not_sqlites(catalog_path: Path) -> None:
    """Damage the on-open check did not see (the file changed after it) surfaces at the KNN, translated there."""
    scribble(catalog_path)
    store = CatalogStore(db.connect(catalog_path, verify=False))
    try:
        with pytest.raises(db.CatalogDamagedError, match="damaged") as caught:
            store.knn(np.ones(DIM, dtype=np.float32) / 16, 5)
    finally:
        store.close()
    assert "catalog repair" in caught.value.hint


def test_an_item_without_its_vector_row_is_found_and_repaired(catalog_path: Path) -> None:
    with Catalog.open(catalog_path) as catalog:
        catalog.conn.execute(f"DELETE FROM {VECTOR_TABLE} WHERE item_id = 3")
        assert check_integrity(catalog).items_without_vector == 1
    report = repair_catalog(catalog_path)
    assert report.repaired and report.vectors_rebuilt == COUNT and not report.lost_rows
    after = check_catalog_file(catalog_path)
    assert after is not None and after.ok


def test_repair_rebuilds_the_vectors_and_keeps_items_tags_and_corrections(
        capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    with Catalog.open(catalog_path) as catalog:
        before = [(row.path, row.category, row.color) for row in catalog.store.items()]
        nearest = catalog.store.knn(np.ones(DIM, dtype=np.float32) / 16, 5)
        codes = _codes(catalog)
    scribble(catalog_path)
    assert main(["catalog", "repair", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["repaired"] and not report["lost_rows"] and report["dropped"] == {}
    assert report["vectors_rebuilt"] == COUNT
    assert {table: copy["rows"] for table, copy in report["tables"].items() if table in ("items", "tags", "corrections")} == {
        "items": COUNT, "tags": COUNT + 1, "corrections": 1}
    damaged = Path(report["damaged_copy"])
    assert damaged.name.startswith("catalog.sqlite3.damaged-") and damaged.stat().st_size == catalog_path.stat().st_size
    with Catalog.open(catalog_path) as catalog:
        assert [(row.path, row.category, row.color) for row in catalog.store.items()] == before
        assert [item for item, _ in catalog.store.knn(np.ones(DIM, dtype=np.float32) / 16, 5)] == [item for item, _ in nearest]
        assert _codes(catalog) == codes and len(codes) == COUNT  # search's first-stage codes, rebuilt byte for byte
        assert next(row.color for row in catalog.store.items() if row.path.endswith(CORRECTED)) == "red"
    assert main(["stats"]) == 0
    assert main(["catalog", "repair"]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def _codes(catalog: Catalog) -> dict[int, tuple[object, ...]]:
    rows = catalog.conn.execute(f"SELECT item_id, mean_scale, mean, query_scales, query_codes FROM {CODES_TABLE}")
    return {int(r[0]): tuple(r[1:]) for r in rows}


def test_damage_in_the_core_tables_recovers_the_readable_rows(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    """A photo table's leaf page overwritten: the rows on it are gone, the rest are copied, and what pointed at
    the lost photos is left out; the report says so and names the backup that may hold them."""
    with Catalog.open(catalog_path) as catalog:
        page_size = int(catalog.conn.execute("PRAGMA page_size").fetchone()[0])
    scribble(catalog_path, offset=(first_leaf_of(catalog_path, "images") - 1) * page_size, size=page_size)
    report = check_catalog_file(catalog_path)
    assert report is not None and "images" in report.damaged_tables and not report.vectors_only
    repaired = repair_catalog(catalog_path)
    images = repaired.tables["images"]
    assert not images.complete and 0 < images.rows < COUNT
    assert repaired.tables["items"].complete and repaired.dropped["items"] == COUNT - images.rows
    assert repaired.lost_rows and repaired.latest_backup is not None  # the daily backup taken when it was opened above
    assert repaired.vectors_rebuilt == images.rows
    with Catalog.open(catalog_path) as catalog:
        assert check_integrity(catalog).ok
        assert catalog.store.item_count() == images.rows == len(_codes(catalog))
        assert catalog.store.correction_for("hash001", "color") == "red"  # corrections are by content: kept regardless


def test_a_catalog_sqlite_cannot_read_at_all_points_to_restore_or_new(catalog_path: Path) -> None:
    scribble(catalog_path, offset=0, size=4096)
    damaged = catalog_path.read_bytes()
    with pytest.raises(db.CatalogUnreadableError) as caught:
        repair_catalog(catalog_path)
    assert "fashion-assistant catalog new" in caught.value.hint
    assert catalog_path.read_bytes() == damaged
