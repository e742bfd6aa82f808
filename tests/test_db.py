from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import pytest

from desktop_app.core.platform.errors import CatalogError, StorageError
from desktop_app.core.store import backup, db


def test_stdlib_is_chosen_when_it_can_load_extensions() -> None:
    capable = types.SimpleNamespace(Connection=type("C", (), {"enable_load_extension": lambda self, on: None}))
    assert db.choose_driver(stdlib=capable) is capable


def test_sqlean_is_chosen_when_stdlib_cannot() -> None:
    incapable = types.SimpleNamespace(Connection=type("C", (), {}))
    assert db.choose_driver(stdlib=incapable).__name__ == "sqlean"


def test_forcing_an_incapable_stdlib_is_a_clear_error() -> None:
    incapable = types.SimpleNamespace(Connection=type("C", (), {}))
    with pytest.raises(CatalogError, match="cannot load extensions"):
        db.choose_driver("sqlite3", stdlib=incapable)


def test_connect_loads_vec_sets_wal_and_migrates(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "c.sqlite3")
    assert conn.execute("SELECT vec_version()").fetchone()[0].startswith("v")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    latest = max(m.version for m in db.available_migrations())
    assert db.schema_version(conn) == latest
    conn.execute("CREATE VIRTUAL TABLE v USING vec0(e float[2] distance_metric=cosine)")
    conn.close()
    again = db.connect(tmp_path / "c.sqlite3")
    assert db.schema_version(again) == latest
    assert again.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(db.available_migrations())


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "c.sqlite3")
    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO catalog_meta VALUES ('k', '1')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM catalog_meta").fetchone()[0] == 0


def test_new_migration_backs_up_first_and_a_failing_one_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.sqlite3"
    db.connect(path).close()
    base = db.available_migrations()
    current = base[-1].version
    good = db.Migration(current + 1, "add_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY);")
    bad = db.Migration(current + 2, "broken", "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(db, "available_migrations", lambda: [*base, good, bad])
    with pytest.raises(CatalogError):
        db.connect(path)
    assert f"before-migration-v{current}" in [entry.kind for entry in backup.list_backups(path)]
    conn = db.connect(path, migrate=False)
    assert db.schema_version(conn) == current + 1
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "notes" in tables and "half" not in tables


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not sqlite" * 200)
    with pytest.raises(db.CatalogUnreadableError, match="not an SQLite file") as caught:
        db.connect(path)
    assert "fashion-assistant catalog new" in caught.value.hint and "damaged-" in caught.value.hint
    assert path.read_bytes() == b"this is not sqlite" * 200


def test_a_0_byte_catalog_is_never_silently_replaced_by_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(db.CatalogUnreadableError, match=r"empty \(0 bytes\)"):
        db.connect(path)
    assert path.stat().st_size == 0


def test_a_new_catalog_appears_whole_and_leaves_no_draft(tmp_path: Path) -> None:
    db.connect(tmp_path / "new" / "c.sqlite3").close()
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["c.sqlite3"]
    assert (tmp_path / "new" / "c.sqlite3").read_bytes().startswith(db.SQLITE_HEADER)


def test_translated_turns_only_disk_and_damage_errors_into_messages(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "c.sqlite3")
    with pytest.raises(db.driver_of(conn).OperationalError, match="no such table"), db.translated(conn):
        conn.execute("SELECT * FROM nowhere")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageError, match="full") as caught, db.transaction(conn):
        conn.execute("CREATE TABLE big (x BLOB)")
        conn.execute("INSERT INTO big VALUES (zeroblob(1000000))")
    assert str(tmp_path) in caught.value.message and not conn.in_transaction


def _stdlib_python_that_loads_extensions() -> str | None:
    """Another interpreter of the same minor version whose stdlib sqlite3 can load extensions."""
    for candidate in (shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}"), "/usr/bin/python3"):
        if not candidate or Path(candidate).resolve() == Path(sys.executable).resolve():
            continue
        probe = (
            "import sys, sqlite3; "
            "print(sys.version_info[:2] == (%d, %d) and hasattr(sqlite3.Connection, 'enable_load_extension'))"
        )
        out = subprocess.run([candidate, "-c", probe % sys.version_info[:2]], capture_output=True, text=True)
        if out.stdout.strip() == "True":
            return candidate
    return None


@pytest.mark.slow
def test_stdlib_path_where_an_interpreter_supports_it(tmp_path: Path) -> None:
    python = _stdlib_python_that_loads_extensions()
    if python is None:
        pytest.skip("no interpreter here whose stdlib sqlite3 can load extensions")
    site = next(p for p in sys.path if p.endswith("site-packages"))
    repo = Path(__file__).resolve().parents[1]
    code = (
        "from desktop_app.core.store import db; c = db.connect({!r}); "
        "print(db.choose_driver().__name__, c.execute('select vec_version()').fetchone()[0])".format(str(tmp_path / "s.db"))
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), site])}
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split()[0] == "sqlite3"
    assert out.stdout.split()[1].startswith("v")
    assert sqlite3  # the stdlib module this test is about


def test_connections_racing_to_create_a_catalog_all_succeed(tmp_path: Path) -> None:
    """The window opens the catalog from several worker threads at start; one migrates, none fails
    (switching a new file to WAL is not covered by SQLite's busy timeout, so it is retried)."""
    import threading

    errors: list[BaseException] = []
    for trial in range(20):
        path = tmp_path / f"race-{trial}.sqlite3"
        barrier = threading.Barrier(6)

        def open_it(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait()
                db.connect(path).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        conn = db.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(db.available_migrations())
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
    assert errors == []
