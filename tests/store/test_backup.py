"""Backups: daily and before destructive steps, small, never in the way; and the ways back from a lost catalog."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.cli import main
from desktop_app.core.catalog.operations import forget_folder
from desktop_app.core.store import backup, db
from desktop_app.core.store.catalog import Catalog
from tests.store.conftest import COUNT, make_catalog


def kinds(catalog_path: Path) -> list[str]:
    return [entry.kind for entry in backup.list_backups(catalog_path)]


def test_a_daily_backup_is_taken_once_a_day_when_the_catalog_is_opened(catalog_path: Path) -> None:
    assert kinds(catalog_path) == []  # a catalog just made has nothing to keep yet
    for _ in range(3):
        Catalog.open(catalog_path).close()
    (daily,) = backup.list_backups(catalog_path)
    assert daily.kind == "daily" and daily.path.parent == catalog_path.parent / "backups"
    assert daily.path.name.startswith("catalog.sqlite3.daily-") and daily.taken_at.date() == datetime.now().date()
    with Catalog.open(daily.path) as copy:
        assert copy.store.item_count() == COUNT


def test_removing_a_folder_is_preceded_by_a_backup_that_still_holds_it(catalog_path: Path) -> None:
    with Catalog.open(catalog_path) as catalog:
        folder = catalog.store.folders()[0][1]
        assert forget_folder(catalog, folder) == COUNT
    (before,) = [entry for entry in backup.list_backups(catalog_path) if entry.kind == "before-forget-folder"]
    with Catalog.open(before.path) as copy:
        assert copy.store.item_count() == COUNT


def test_a_rebuild_is_preceded_by_a_backup(capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tiny_blip2: Path,
                                           product_photos: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for photo in sorted(product_photos.rglob("*.jpg"))[:3]:
        shutil.copy2(photo, photos / photo.name)
    model = ["--blip2", str(tiny_blip2), "--precision", "fp32", "--json"]
    assert main(["index", str(photos), *model]) == 0
    assert main(["index", "--rebuild", *model]) == 0
    capsys.readouterr()
    (before,) = [entry for entry in backup.list_backups(isolated_data_dir / "catalog.sqlite3") if entry.kind == "before-rebuild"]
    with Catalog.open(before.path) as copy:
        assert copy.store.item_count() == 3


def test_a_backup_that_would_not_fit_is_skipped_with_a_warning_and_the_work_goes_on(
        catalog_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda _folder: SimpleNamespace(free=50_000_000, total=1, used=1))
    with caplog.at_level(logging.WARNING), Catalog.open(catalog_path) as catalog:
        assert forget_folder(catalog, catalog.store.folders()[0][1]) == COUNT
    assert kinds(catalog_path) == []
    assert any("Skipped the before-forget-folder backup" in r.getMessage() and "free" in r.getMessage() for r in caplog.records)


def test_old_backups_are_pruned_to_the_last_seven_daily_and_five_before_steps(catalog_path: Path) -> None:
    folder = backup.backups_dir(catalog_path)
    folder.mkdir()
    now = datetime.now()
    for days in range(1, 11):
        backup.timestamped(folder / catalog_path.name, "daily", now - timedelta(days=days)).write_bytes(b"x")
        backup.timestamped(folder / catalog_path.name, "before-rebuild", now - timedelta(days=days)).write_bytes(b"x")
    (catalog_path.parent / f"{catalog_path.name}.bak-v2").write_bytes(b"x")  # an older version's copy: listed, kept
    (folder / "notes.txt").write_text("not a backup")
    backup.prune(catalog_path)
    found = backup.list_backups(catalog_path)
    assert [b.kind for b in found].count("daily") == 7 and [b.kind for b in found].count("before-rebuild") == 5
    assert "before-migration-v2" in [b.kind for b in found]
    assert min(b.taken_at for b in found if b.kind == "daily").date() == (now - timedelta(days=7)).date()
    assert (folder / "notes.txt").exists()


def test_a_0_byte_catalog_is_refused_not_replaced(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    catalog_path.write_bytes(b"")
    for argv in (["stats"], ["index"], ["search", "shoes"]):
        assert main(argv) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "empty (0 bytes)" in err and "fashion-assistant catalog new" in err, err
    assert catalog_path.stat().st_size == 0


def test_a_file_that_is_not_sqlite_is_refused_with_the_latest_backup_offered(catalog_path: Path) -> None:
    Catalog.open(catalog_path).close()  # the daily backup
    catalog_path.write_bytes(b"PK\x03\x04 a zip file, not a catalog" * 100)
    with pytest.raises(db.CatalogUnreadableError, match="not an SQLite file") as caught:
        Catalog.open(catalog_path)
    assert "fashion-assistant catalog restore" in caught.value.hint and "daily backup of" in caught.value.hint


def test_restore_puts_the_latest_backup_back_and_keeps_the_broken_file(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    Catalog.open(catalog_path).close()
    catalog_path.write_bytes(b"")
    assert main(["catalog", "restore", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert Path(done["restored_from"]).parent.name == "backups"
    assert Path(done["set_aside"]).name.startswith("catalog.sqlite3.damaged-") and Path(done["set_aside"]).stat().st_size == 0
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"] == COUNT


def test_restore_by_name_and_a_sound_catalog_is_kept_as_replaced(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    with Catalog.open(catalog_path) as catalog:
        forget_folder(catalog, catalog.store.folders()[0][1])
    (before,) = [entry for entry in backup.list_backups(catalog_path) if entry.kind == "before-forget-folder"]
    assert main(["catalog", "backups"]) == 0
    assert before.path.name in capsys.readouterr().out
    assert main(["catalog", "restore", before.path.name]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and ".replaced-" in out
    with Catalog.open(catalog_path) as catalog:
        assert catalog.store.item_count() == COUNT
    assert main(["catalog", "restore", "no-such-backup"]) == 1
    assert "catalog backups" in capsys.readouterr().err


def test_a_damaged_backup_is_not_restored(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    Catalog.open(catalog_path).close()
    (daily,) = backup.list_backups(catalog_path)
    daily.path.write_bytes(b"garbage" * 1000)
    assert main(["catalog", "restore"]) == 1
    assert "cannot be used" in capsys.readouterr().err
    with Catalog.open(catalog_path) as catalog:  # the catalog is untouched
        assert catalog.store.item_count() == COUNT


def test_new_starts_an_empty_catalog_and_keeps_the_old_file(capsys: pytest.CaptureFixture[str], catalog_path: Path) -> None:
    catalog_path.write_bytes(b"")
    assert main(["catalog", "new", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["restored_from"] is None and Path(done["set_aside"]).exists()
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"] == 0


def test_migrations_back_up_first_where_restore_finds_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_catalog(tmp_path / "catalog.sqlite3")
    base = db.available_migrations()
    notes = db.Migration(base[-1].version + 1, "notes", "CREATE TABLE notes (id INTEGER);")
    monkeypatch.setattr(db, "available_migrations", lambda: [*base, notes])
    Catalog.open(path).close()
    assert f"before-migration-v{base[-1].version}" in kinds(path)
