"""The one SQLite opener for the UI, the CLI and tests: a driver that can load sqlite-vec, WAL, migrations.

The stdlib `sqlite3` can load extensions only where Python was built for it (not on macOS's or
pyenv's default builds); there `sqlean` (sqlean-py), a drop-in `sqlite3`, is used instead. Both
paths then load sqlite-vec the same way. Connections run in autocommit mode and every write goes
through `transaction()`, so a batch is all-or-nothing and a crash loses at most the batch in flight.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from desktop_app.core.platform.errors import CatalogError, StorageError

log = logging.getLogger(__name__)

DRIVER_ENV = "FASHION_ASSISTANT_SQLITE_DRIVER"
_MIGRATIONS_PACKAGE = "desktop_app.core.store.migrations"

Connection = Any  # sqlite3.Connection or sqlean.Connection: the same API, different classes


@dataclass(frozen=True)
class SqliteBackend:
    driver: str  # "sqlite3" (the stdlib) or "sqlean"
    sqlite_version: str
    vec_version: str


def can_load_extensions(module: ModuleType) -> bool:
    return hasattr(module.Connection, "enable_load_extension")


def choose_driver(preferred: str | None = None, stdlib: ModuleType = sqlite3) -> ModuleType:
    """The stdlib when it can load extensions, else sqlean; FASHION_ASSISTANT_SQLITE_DRIVER forces one."""
    preferred = preferred or os.environ.get(DRIVER_ENV) or None
    if preferred == "sqlean":
        return importlib.import_module("sqlean")
    if preferred not in (None, "sqlite3"):
        raise ValueError(f"unknown SQLite driver {preferred!r}: use 'sqlite3' or 'sqlean'")
    if can_load_extensions(stdlib):
        return stdlib
    if preferred == "sqlite3":
        raise CatalogError(
            "This Python's sqlite3 cannot load extensions, so the vector index cannot be used.",
            hint=f"Unset {DRIVER_ENV} to use sqlean-py instead.",
        )
    try:
        return importlib.import_module("sqlean")
    except ImportError as exc:
        raise CatalogError(
            "This Python's sqlite3 cannot load extensions and sqlean-py is not installed.",
            hint="Install it with: pip install sqlean-py",
            detail=str(exc),
        ) from exc


def _load_vec(conn: Connection) -> str:
    import sqlite_vec

    conn.enable_load_extension(True)
    try:
        sqlite_vec.load(conn)
    finally:
        conn.enable_load_extension(False)
    (version,) = conn.execute("SELECT vec_version()").fetchone()
    return str(version)


def backend_info(driver: ModuleType | None = None) -> SqliteBackend:
    """What `connect` would use, measured on an in-memory database."""
    driver = driver or choose_driver()
    conn = driver.connect(":memory:")
    try:
        return SqliteBackend(driver.__name__, driver.sqlite_version, _load_vec(conn))
    finally:
        conn.close()


def connect(path: Path | str, *, driver: ModuleType | None = None, migrate: bool = True) -> Connection:
    """Open (creating if needed) a catalog file with sqlite-vec loaded and the schema up to date."""
    driver = driver or choose_driver()
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = driver.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    except driver.Error as exc:
        raise CatalogError(f"Cannot open the catalog {path}.", "Check that the folder exists and is writable.", str(exc)) from exc
    try:
        conn.row_factory = driver.Row
        _load_vec(conn)
        _use_wal(conn, driver)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        if migrate:
            apply_migrations(conn, None if str(path) == ":memory:" else Path(path))
    except driver.DatabaseError as exc:
        conn.close()
        raise _translate(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: Connection, driver: ModuleType) -> None:
    """Switching a new file to WAL needs an exclusive lock and SQLite does not wait for it (the busy
    handler is skipped), so connections opening a new catalog at once retry; WAL then sticks to the file."""
    for attempt in range(100):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except driver.OperationalError as exc:
            if "locked" not in str(exc).lower() or attempt == 99:
                raise
            time.sleep(0.02)


def _translate(exc: Exception, path: Path | str) -> Exception:
    text = str(exc).lower()
    if "full" in text:
        return StorageError(
            f"The disk holding {path} is full.", "Free some space and try again; nothing already indexed was lost.", str(exc)
        )
    if "not a database" in text or "malformed" in text:
        return CatalogError(
            f"The catalog {path} is damaged.",
            "Restore it from a backup (catalog.sqlite3.bak-*) or move it aside to start a new catalog.",
            str(exc),
        )
    return CatalogError(f"The catalog {path} could not be used.", "See the log file for details.", str(exc))


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (cancel included)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Migrations are `NNNN_name.sql` files in core/migrations, applied in order of NNNN."""
    found = []
    for entry in resources.files(_MIGRATIONS_PACKAGE).iterdir():
        stem, _dot, ext = entry.name.partition(".")
        if ext != "sql" or not stem[:4].isdigit():
            continue
        found.append(Migration(int(stem[:4]), stem[5:], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return found


def schema_version(conn: Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
    )
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(version)


def apply_migrations(conn: Connection, path: Path | None) -> int:
    """Bring the schema up to date; each step is one transaction, and an existing file is copied first."""
    current = schema_version(conn)
    pending = [m for m in available_migrations() if m.version > current]
    if not pending:
        return current
    if current > 0 and path is not None and path.exists():
        backup = path.with_name(f"{path.name}.bak-v{current}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup)
        log.info("Backed up the catalog to %s before migrating from v%d", backup, current)
    for migration in pending:
        with transaction(conn):
            if schema_version(conn) >= migration.version:  # another connection (a worker thread) got there first
                continue
            log.info("Applying catalog migration %04d_%s", migration.version, migration.name)
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)", (migration.version, migration.name))
        current = migration.version
    return current


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements, so they run inside our transaction (executescript would commit)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:80]}")
