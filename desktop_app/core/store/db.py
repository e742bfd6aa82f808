"""The one SQLite opener for the UI, the CLI and tests: a driver that can load sqlite-vec, WAL, migrations.

The stdlib `sqlite3` can load extensions only where Python was built for it (not on macOS's or
pyenv's default builds); there `sqlean` (sqlean-py), a drop-in `sqlite3`, is used instead. Both
paths then load sqlite-vec the same way. Connections run in autocommit mode and every write goes
through `transaction()`, so a batch is all-or-nothing and a crash loses at most the batch in flight.

An existing file is never replaced by a new catalog: an empty or non-SQLite one is refused, and one
whose pages changed since they were last checked gets SQLite's quick_check before use, so damage is
met as one message with the way out (`catalog repair`, `catalog restore`, `catalog new`) instead of
as a traceback in the middle of a search. A disk-full or damaged-page error from any statement run
through `transaction()` or `translated()` becomes that same kind of message.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from desktop_app.core.platform.errors import CatalogError, StorageError, UserError, disk_full
from desktop_app.core.platform.i18n import _
from desktop_app.core.store import backup

log = logging.getLogger(__name__)

DRIVER_ENV = "FASHION_ASSISTANT_SQLITE_DRIVER"
_MIGRATIONS_PACKAGE = "desktop_app.core.store.migrations"

Connection = Any  # sqlite3.Connection or sqlean.Connection: the same API, different classes

SQLITE_HEADER = b"SQLite format 3\x00"
REPAIR_COMMAND = "fashion-assistant catalog repair"
RESTORE_COMMAND = "fashion-assistant catalog restore"
NEW_COMMAND = "fashion-assistant catalog new"
_FULL = re.compile(r"database or disk is full|SQLITE_FULL", re.IGNORECASE)
# SQLite's own words for damage, and sqlite-vec's when a shadow table's blob or chunk cannot be read
_DAMAGE = re.compile(r"malformed|not a database|corrupt|blob (read|size)|vectors? blob|chunks? (iter|position)|validity"
                     r"|could not (fetch|find|read|open)", re.IGNORECASE)


class CatalogUnreadableError(CatalogError):
    """The catalog file is empty or not SQLite at all: a backup or a new catalog is the way on."""


class CatalogDamagedError(CatalogError):
    """SQLite opens the catalog but some pages are damaged: `catalog repair` rebuilds it, or a backup replaces it."""


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
            _("This Python's sqlite3 cannot load extensions, so the vector index cannot be used."),
            hint=_("Unset {variable} to use sqlean-py instead.").format(variable=DRIVER_ENV),
        )
    try:
        return importlib.import_module("sqlean")
    except ImportError as exc:
        raise CatalogError(
            _("This Python's sqlite3 cannot load extensions and sqlean-py is not installed."),
            hint=_("Install it with: pip install sqlean-py"),
            detail=str(exc),
        ) from exc


def driver_of(conn: Connection) -> ModuleType:
    """The DB-API module a connection came from: its error classes and `connect` for a backup's target."""
    return sys.modules[type(conn).__module__]


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


def connect(path: Path | str, *, driver: ModuleType | None = None, migrate: bool = True, verify: bool = True) -> Connection:
    """Open (creating if missing) a catalog file with sqlite-vec loaded and the schema up to date.

    `verify` checks an existing file whose pages changed since their last check and takes the daily
    backup; `catalog repair`, `doctor` and backups open damaged or foreign files with verify=False.
    """
    driver = driver or choose_driver()
    if str(path) == ":memory:":
        conn = _open(":memory:", driver, ":memory:")
        return _finish(conn, driver, ":memory:", lambda: apply_migrations(conn, None) if migrate else None)
    path = Path(path)
    created = _create_if_missing(path, driver, migrate)
    if not created:
        refuse_unreadable(path)
    conn = _open(path, driver, path)

    def steps() -> None:
        if verify and not created:
            _verify_if_changed(conn, path)
        if migrate:
            apply_migrations(conn, path)
        if verify and not created:
            backup.take_daily_backup(conn, path)

    return _finish(conn, driver, path, steps)


def _open(target: Path | str, driver: ModuleType, shown: Path | str) -> Connection:
    try:
        conn = driver.connect(str(target), isolation_level=None, timeout=30, check_same_thread=False)
    except driver.Error as exc:
        raise CatalogError(_("Cannot open the catalog {path}.").format(path=shown), _("Check that the folder exists and is writable."),
                           str(exc)) from exc

    def setup() -> None:
        conn.row_factory = driver.Row
        _load_vec(conn)
        _use_wal(conn, driver)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")

    return _finish(conn, driver, shown, setup)


def _finish(conn: Connection, driver: ModuleType, shown: Path | str, steps: Callable[[], object]) -> Connection:
    """Run the opening steps; on any failure the connection is closed, and SQLite's error told as the user's."""
    try:
        steps()
    except driver.DatabaseError as exc:
        conn.close()
        raise _translate(exc, shown) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def sidecar_files(path: Path) -> list[Path]:
    """The WAL and its index: they belong to the catalog file and must move (or go) with it."""
    return [path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _create_if_missing(path: Path, driver: ModuleType, migrate: bool) -> bool:
    """A new catalog appears complete or not at all: it is made under a draft name and linked into place,
    so no connection ever meets a half-made (0-byte) file, and a 0-byte file always means damage."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    conn = _open(draft, driver, path)
    _finish(conn, driver, path, lambda: apply_migrations(conn, None) if migrate else None).close()
    try:
        _place_new(draft, path)
    finally:
        for leftover in (draft, *sidecar_files(draft)):
            leftover.unlink(missing_ok=True)
    return True


def _place_new(draft: Path, path: Path) -> None:
    """A hard link never overwrites, so of connections racing to create the catalog, the first one wins."""
    try:
        os.link(draft, path)
    except FileExistsError:
        return
    except OSError:  # a file system without hard links (FAT, some network shares)
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # Windows' rename does not overwrite either
                os.rename(draft, path)


def refuse_unreadable(path: Path) -> None:
    """An existing catalog must be SQLite: an empty or foreign file is never silently replaced by a new catalog."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CatalogError(_("The catalog {path} cannot be read ({reason}).").format(path=path, reason=exc.strerror or exc),
                           _("Check that you may read and write the file and its folder."), str(exc)) from exc
    if not head:
        raise CatalogUnreadableError(
            _("The catalog {path} is empty (0 bytes): the items, tags and corrections it held are not in it any more.").format(path=path),
            unreadable_hint(path))
    if head != SQLITE_HEADER:
        raise CatalogUnreadableError(_("The catalog {path} is not an SQLite file, so it cannot be opened.").format(path=path),
                                     unreadable_hint(path))


def unreadable_hint(path: Path) -> str:
    aside = _("this file is kept aside as {name}").format(name=f"{path.name}.damaged-<date-time>")
    latest = backup.latest_backup(path)
    if latest is None:
        return _("Start a new catalog with `{new}` ({aside}), or put back a copy of the catalog if you have one.").format(
            new=NEW_COMMAND, aside=aside)
    return _("Restore the latest backup ({backup}) with `{restore}`, or start a new catalog with `{new}`; either way {aside}.").format(
        backup=latest.describe(), restore=RESTORE_COMMAND, new=NEW_COMMAND, aside=aside)


def damaged_hint(path: Path) -> str:
    latest = backup.latest_backup(path)
    if latest is None:
        return _("Run `{repair}`: it keeps a copy of the damaged file and rebuilds the catalog with its items, tags and"
                 " corrections.").format(repair=REPAIR_COMMAND)
    return _("Run `{repair}`: it keeps a copy of the damaged file and rebuilds the catalog with its items, tags and"
             " corrections; or restore the latest backup ({backup}) with `{restore}`.").format(
        repair=REPAIR_COMMAND, backup=latest.describe(), restore=RESTORE_COMMAND)


def quick_check(conn: Connection, table: str | None = None) -> list[str]:
    """SQLite's structural check of every table and index (vec0's shadow tables included), or of one table; [] when sound."""
    argument = '"' + table.replace('"', '""') + '"' if table else "100"  # at most 100 findings: enough to tell what broke
    rows = conn.execute(f"PRAGMA quick_check({argument})").fetchall()
    lines = [line for (text,) in rows for line in str(text).splitlines() if line.strip() and not line.startswith("***")]
    return [] if lines == ["ok"] else lines


def _verify_if_changed(conn: Connection, path: Path) -> None:
    """quick_check reads the whole file (about 1 s a GB), so it runs only when the file changed since it last passed."""
    stamp = _file_stamp(path)
    marker = backup.backups_dir(path) / f"{path.name}.checked"
    with contextlib.suppress(OSError):
        if marker.read_text(encoding="utf-8") == stamp:
            return
    problems = quick_check(conn)
    if problems:
        raise CatalogDamagedError(_("The catalog {path} is damaged: SQLite's own check found damaged pages in it.").format(path=path),
                                  damaged_hint(path), "\n".join(problems))
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(stamp, encoding="utf-8")
    except OSError as exc:  # a read-only folder: the check simply runs again next time
        log.debug("Could not record the catalog check in %s: %s", marker, exc)


def _file_stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns}"


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


def _translate(exc: Exception, path: Path | str) -> UserError:
    known = _known_failure(exc, path)
    return known or CatalogError(_("The catalog {path} could not be used.").format(path=path), _("See the log file for details."), str(exc))


def _known_failure(exc: Exception, path: Path | str) -> UserError | None:
    """A full disk, damaged pages or a failing drive, as the user's message; None for anything else (a bug)."""
    text = str(exc)
    if _FULL.search(text):
        return catalog_disk_full(Path(path), text)
    if _DAMAGE.search(text):
        return CatalogDamagedError(_("The catalog {path} is damaged: part of it cannot be read ({reason}).").format(path=path, reason=text),
                                   damaged_hint(Path(path)), text)
    if "disk i/o error" in text.lower():
        return StorageError(_("The catalog {path} could not be read or written (a disk I/O error).").format(path=path),
                            _("Check that the drive holding it is connected and healthy, then run the command again."), text)
    return None


def catalog_disk_full(path: Path, detail: str) -> StorageError:
    """The catalog grows by its write-ahead log first: ask for a tenth of its size, and at least room to work."""
    size = sum(f.stat().st_size for f in (path, *sidecar_files(path)) if f.exists())
    return disk_full(path.parent, _("the catalog {name} cannot grow").format(name=path.name), max(backup.ROOM_TO_WORK, size // 10), detail)


@contextlib.contextmanager
def translated(conn: Connection) -> Iterator[None]:
    """Reads that meet a full disk or damaged pages raise the user's message; every other error passes unchanged."""
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, driver_of(conn).DatabaseError):
            raise
        known = _known_failure(exc, _catalog_path(conn))
        if known is None:
            raise
        raise known from exc


def _catalog_path(conn: Connection) -> str:
    with contextlib.suppress(Exception):
        for row in conn.execute("PRAGMA database_list"):
            if row[1] == "main":
                return str(row[2] or ":memory:")
    return ":memory:"


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (cancel included).

    After SQLITE_FULL SQLite may have rolled back already, so ROLLBACK runs only inside a transaction.
    """
    with translated(conn):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


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
    """Bring the schema up to date; each step is one transaction, and an existing catalog is backed up first."""
    current = schema_version(conn)
    pending = [m for m in available_migrations() if m.version > current]
    if not pending:
        return current
    if current > 0 and path is not None:
        backup.take_backup(conn, path, f"before-migration-v{current}")
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
