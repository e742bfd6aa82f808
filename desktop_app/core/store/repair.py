"""The ways out of a damaged or unreadable catalog: repair it, restore a backup, or start a new one.

Each keeps the file it replaces, renamed beside it (`catalog.sqlite3.damaged-YYYYmmdd-HHMMSS`, or
`.replaced-…` when it was sound), and holds the indexing lock so no index run writes meanwhile. The
window calls these after asking the user, with its own connections to the catalog closed first.

Repair never edits the damaged file in place: it copies it aside, then builds a fresh catalog with
the current schema and copies each core table into it in rowid order; where a damaged page stops the
reading, the rows after it are read from the end backwards (salvaging rows as sqlite3's `.recover`
does, a table at a time). It then drops rows whose photo or folder was lost and rebuilds the vector
index (the vec0 table and search's first-stage codes) from the stored query vectors: the index holds
nothing that is not derived from them.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.core.platform.errors import CatalogError, Fix, StorageError, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.units import format_size
from desktop_app.core.store import backup, db
from desktop_app.core.store.catalog_store import QUERY_VECTOR_DTYPE, VECTOR_TABLE, CatalogStore, code_rows, mean_vectors
from desktop_app.core.store.index_lock import index_lock
from desktop_app.core.store.integrity import check_catalog_file, is_vector_table

_ROWS = 500  # rows copied per transaction
_BATCH = 1000  # photos whose vectors are rebuilt per step: 1000 x 32 x 256 float32 is 32 MB


@dataclass(frozen=True)
class TableCopy:
    rows: int
    complete: bool  # every row could be read; False: the rows on damaged pages are gone


@dataclass
class RepairReport:
    catalog: str
    repaired: bool  # False: the catalog was sound and was left as it is
    damaged_copy: str | None = None
    tables: dict[str, TableCopy] = field(default_factory=dict)
    vectors_rebuilt: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # rows left out: what they point at was lost
    latest_backup: str | None = None  # when rows were lost, the backup that may still hold them

    @property
    def lost_rows(self) -> bool:
        return bool(self.dropped) or not all(copy.complete for copy in self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "lost_rows": self.lost_rows}


@dataclass(frozen=True)
class Replacement:
    """What `restore_backup` and `start_new_catalog` did: where the catalog came from, where the old one went."""

    catalog: str
    restored_from: str | None
    set_aside: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def repair_catalog(path: Path) -> RepairReport:
    """Rebuild a damaged catalog keeping what can be read; a sound one is left alone (repaired=False)."""
    with index_lock(path, what="repair", wait=0):
        report = check_catalog_file(path, again=True)
        if report is None:
            raise CatalogError(_("There is no catalog at {path}.").format(path=path),
                               _("Index a folder to make one: `fashion-assistant index PATH`."), fix=Fix.ADD_FOLDER)
        if report.error is not None:
            raise db.CatalogUnreadableError(_("The catalog {path} cannot be repaired: SQLite cannot read it at all.").format(path=path),
                                            db.unreadable_hint(path), report.error)
        if report.ok:
            return RepairReport(str(path), repaired=False)
        damaged_copy = _keep_copy(path)
        draft = path.with_name(path.name + ".repairing")
        _remove(draft)
        try:
            result = _rebuild(draft, path)
            _swap_in(draft, path)
        finally:
            _remove(draft)
    result.damaged_copy = str(damaged_copy)
    if result.lost_rows:
        latest = backup.latest_backup(path)
        result.latest_backup = str(latest.path) if latest else None
    return result


def restore_backup(path: Path, chosen: Path | None = None) -> Replacement:
    """Put a backup (the latest when none is chosen) in the catalog's place, once it passes SQLite's check."""
    if chosen is None:
        latest = backup.latest_backup(path)
        if latest is None:
            raise CatalogError(_("There is no backup of {path} yet.").format(path=path),
                               _("Start a new catalog with `{new}`.").format(new=db.NEW_COMMAND))
        chosen = latest.path
    with index_lock(path, what="restore", wait=0):
        draft = path.with_name(path.name + ".restoring")
        _remove(draft)
        try:
            shutil.copy2(chosen, draft)
            _refuse_damaged_backup(draft, chosen)
            aside = set_aside(path, _condition(path)) if path.exists() else None
            os.replace(draft, path)
        finally:
            _remove(draft)
    return Replacement(str(path), str(chosen), str(aside) if aside else None)


def start_new_catalog(path: Path) -> Replacement:
    """An empty catalog in place of the current one, which is kept aside, never deleted."""
    with index_lock(path, what="replacement", wait=0):
        aside = set_aside(path, _condition(path)) if path.exists() else None
        db.connect(path).close()
    return Replacement(str(path), None, str(aside) if aside else None)


def set_aside(path: Path, label: str = "damaged") -> Path:
    """Rename the catalog (with its WAL, which holds committed data) to `<name>.<label>-YYYYmmdd-HHMMSS`."""
    target = backup.timestamped(path, label)
    for n in range(2, 100):
        if not target.exists():
            break
        target = backup.timestamped(path, f"{label}{n}")
    os.replace(path, target)
    wal, shm = db.sidecar_files(path)
    if wal.exists():
        os.replace(wal, db.sidecar_files(target)[0])
    shm.unlink(missing_ok=True)
    return target


def _condition(path: Path) -> str:
    report = check_catalog_file(path, again=True)
    return "replaced" if report is not None and report.ok else "damaged"


def _refuse_damaged_backup(draft: Path, chosen: Path) -> None:
    other = _("Choose another one from `fashion-assistant catalog backups` and pass it to `catalog restore`.")
    try:
        conn = db.connect(draft, migrate=False, verify=False)
    except UserError as exc:
        raise CatalogError(_("The backup {backup} cannot be used: {reason}").format(backup=chosen, reason=exc.message), other,
                           exc.detail) from exc
    try:
        problems = db.quick_check(conn)
    except db.driver_of(conn).DatabaseError as exc:
        problems = [str(exc)]
    finally:
        conn.close()
    if problems:
        raise CatalogError(_("The backup {backup} is damaged too.").format(backup=chosen), other, "\n".join(problems))


def _keep_copy(path: Path) -> Path:
    """The damaged file as it is, before anything reads it with intent to rebuild."""
    files = [f for f in (path, db.sidecar_files(path)[0]) if f.exists()]
    needed = 2 * sum(f.stat().st_size for f in files)  # the copy, and the rebuilt catalog at most as large
    free = shutil.disk_usage(path.parent).free
    if free < needed:
        raise StorageError(_("There is not enough room to repair the catalog: {folder} has {free} free.").format(
                               folder=path.parent, free=format_size(free)),
                           _("Free at least {size} there and run `{repair}` again.").format(size=format_size(needed - free),
                                                                                            repair=db.REPAIR_COMMAND))
    target = backup.timestamped(path, "damaged")
    shutil.copy2(path, target)
    if len(files) == 2:
        shutil.copy2(files[1], db.sidecar_files(target)[0])
    return target


def _swap_in(draft: Path, path: Path) -> None:
    """The old file's WAL must go first: SQLite would replay it onto the new file."""
    for sidecar in db.sidecar_files(path):
        sidecar.unlink(missing_ok=True)
    os.replace(draft, path)


def _remove(path: Path) -> None:
    for leftover in (path, *db.sidecar_files(path)):
        leftover.unlink(missing_ok=True)


def _rebuild(draft: Path, source: Path) -> RepairReport:
    conn = db.connect(draft, verify=False)
    # The damaged file gets a connection of its own: a read stopped by damage then never spoils a write's commit.
    old = db.driver_of(conn).connect(str(source), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        tables = _copy_tables(old, conn)
        dropped = _drop_orphans(conn)
        vectors = _rebuild_vectors(conn)
        problems = db.quick_check(conn)
    finally:
        old.close()
        conn.close()
    if problems:
        raise CatalogError(_("The repaired catalog did not pass SQLite's check."),
                           _("Restore a backup with `{restore}`.").format(restore=db.RESTORE_COMMAND),
                           "\n".join(problems))
    return RepairReport(str(source), True, tables=tables, vectors_rebuilt=vectors, dropped=dropped)


def _copy_tables(old: db.Connection, new: db.Connection) -> dict[str, TableCopy]:
    try:
        names = [str(r[0]) for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except db.driver_of(old).DatabaseError as exc:
        raise db.CatalogUnreadableError(_("The catalog cannot be repaired: even its list of tables is damaged."),
                                        _("Restore a backup with `{restore}`, or start a new catalog with `{new}`.").format(
                                            restore=db.RESTORE_COMMAND, new=db.NEW_COMMAND), str(exc)) from exc
    ours = {str(r[0]) for r in new.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    copies = {}
    for name in names:
        if name in ours and name != "schema_version" and not name.startswith("sqlite_") and not is_vector_table(name):
            copies[name] = _copy_table(old, new, name)
    return copies


def _copy_table(old: db.Connection, new: db.Connection, table: str) -> TableCopy:
    """Every readable row: in rowid order up to any damage, then from the end back to it."""
    quoted = _quote(table)
    ours = {str(r[1]) for r in new.execute(f"PRAGMA table_info({quoted})")}
    columns = [str(r[1]) for r in old.execute(f"PRAGMA table_info({quoted})") if str(r[1]) in ours]
    listed = ", ".join(_quote(c) for c in columns)
    insert = f"INSERT OR IGNORE INTO {quoted} ({listed}) VALUES ({', '.join('?' * len(columns))})"
    complete = False
    for order in ("ASC", "DESC"):
        try:
            _stream(old.execute(f"SELECT {listed} FROM {quoted} ORDER BY rowid {order}"), new, insert)
        except db.driver_of(old).DatabaseError:
            continue
        complete = order == "ASC"
        break
    return TableCopy(int(new.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]), complete)


def _stream(rows: Iterable[Any], new: db.Connection, insert: str) -> None:
    """Written in batches as read; the rows read before a damaged page stops the reading are written too."""
    batch: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            batch.append(tuple(row))
            if len(batch) == _ROWS:
                _write(new, insert, batch)
                batch = []
    finally:
        if batch:
            _write(new, insert, batch)


def _write(new: db.Connection, insert: str, batch: list[tuple[Any, ...]]) -> None:
    with db.transaction(new):
        new.executemany(insert, batch)


def _drop_orphans(conn: db.Connection) -> dict[str, int]:
    """Photos whose vectors are garbled, then rows pointing at lost rows (items of a lost photo, its tags)."""
    dropped: Counter[str] = Counter()
    model = CatalogStore(conn).recorded_model()
    if model is not None:
        size = model.num_queries * model.dim * np.dtype(QUERY_VECTOR_DTYPE).itemsize
        dropped["images"] += int(conn.execute("DELETE FROM images WHERE length(query_vectors) != ?", (size,)).rowcount)
    conn.execute("PRAGMA foreign_keys=ON")
    while violations := conn.execute("PRAGMA foreign_key_check").fetchall():
        removed = 0
        for table, rowid, _parent, _key in violations:
            removed += int(conn.execute(f"DELETE FROM {_quote(str(table))} WHERE rowid = ?", (rowid,)).rowcount)
            dropped[str(table)] += 1
        if not removed:
            break
    return {table: count for table, count in dropped.items() if count}


_VECTOR_SOURCE = (
    "SELECT items.id, items.folder_id, images.id, images.query_vectors, COALESCE(c.value, ''), COALESCE(k.value, '')"
    " FROM items JOIN images ON images.id = items.image_id"
    " LEFT JOIN tags c ON c.item_id = items.id AND c.kind = 'category'"
    " LEFT JOIN tags k ON k.item_id = items.id AND k.kind = 'color'"
)


def _rebuild_vectors(conn: db.Connection) -> int:
    """One vec0 row and one codes row per item, computed afresh from the photo's query vectors, a batch at a time."""
    store = CatalogStore(conn)
    model = store.recorded_model()
    if model is None:
        return 0
    store.ensure_vector_table(model.dim)
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]
    with db.transaction(conn):
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            rows = conn.execute(f"{_VECTOR_SOURCE} WHERE items.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            queries = np.stack([np.frombuffer(r[3], dtype=QUERY_VECTOR_DTYPE).reshape(model.num_queries, model.dim) for r in rows])
            for row, mean in zip(rows, mean_vectors(queries).astype(np.float32), strict=True):
                conn.execute("UPDATE images SET mean_vector = ? WHERE id = ?", (mean.tobytes(), row[2]))
                conn.execute(f"INSERT INTO {VECTOR_TABLE}(item_id, embedding, category, color, folder_id) VALUES (?, ?, ?, ?, ?)",
                             (row[0], mean.tobytes(), row[4], row[5], row[1]))
            store.put_codes(code_rows([row[0] for row in rows], queries))
    return len(ids)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
