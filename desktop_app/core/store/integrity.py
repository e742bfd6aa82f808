"""Is the catalog sound? SQLite's quick_check, and the vec0 vector index read the ways search reads it.

quick_check proves the b-trees (vec0's shadow tables included) are well formed, but not that the
vector index agrees with the items, nor that sqlite-vec can read its chunks: a damaged chunk shows
only when a KNN or a full scan reaches it ("vectors blob read error"). So both run here, and the
damage is attributed to tables, which tells `catalog repair` whether rebuilding the vector index
loses nothing or some rows of the core tables are gone (and a backup may hold more).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.store import backup, db
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import VECTOR_TABLE

_TREE = re.compile(r"\bTree (\d+)\b")
_WORD = re.compile(r"[A-Za-z_]\w*")


def is_vector_table(name: str) -> bool:
    """The vec0 table and its shadow tables: everything in them can be rebuilt from images.query_vectors."""
    return name == VECTOR_TABLE or name.startswith(f"{VECTOR_TABLE}_")


@dataclass(frozen=True)
class IntegrityReport:
    catalog: str
    problems: list[str]  # SQLite's quick_check findings, [] when sound
    damaged_tables: list[str]  # the tables those findings name
    items: int | None = None
    vectors: int | None = None
    items_without_vector: int | None = None
    vectors_without_item: int | None = None
    vector_error: str | None = None  # the vector index could not be read in full (a KNN or a full scan failed)
    error: str | None = None  # the file could not be opened at all
    checked_at: str | None = None  # set when this is the last full check's result, the file unchanged since (UTC, ISO 8601)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.vector_error or self.error or self.items_without_vector or self.vectors_without_item)

    @property
    def vectors_only(self) -> bool:
        """The damage is confined to the vector index, so `catalog repair` rebuilds it and loses nothing."""
        return self.error is None and all(is_vector_table(name) for name in self.damaged_tables)

    def summary(self) -> str:
        """One line for `doctor` and the window: what is wrong, and the way out."""
        if self.ok:
            if self.checked_at:
                return _("ok ({items} items, {vectors} vectors, unchanged since checked at {when})").format(
                    items=self.items, vectors=self.vectors, when=self.checked_at)
            return _("ok ({items} items, {vectors} vectors)").format(items=self.items, vectors=self.vectors)
        if self.error is not None:
            return self.error
        if self.vectors_only:
            return _("the vector index is damaged; run `{repair}`").format(repair=db.REPAIR_COMMAND)
        return _("damaged tables: {tables}; run `{repair}`").format(tables=", ".join(self.damaged_tables), repair=db.REPAIR_COMMAND)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "vectors_only": self.vectors_only, "summary": self.summary()}


def check_integrity(catalog: Catalog) -> IntegrityReport:
    """The whole check on an open catalog: reads every page once, about a second per GB."""
    conn = catalog.conn
    try:
        problems = db.quick_check(conn)
        damaged = _tables_named(conn, problems)
    except db.driver_of(conn).DatabaseError as exc:  # damage that stops the check itself: table by table, then
        problems, damaged = [str(exc)], _tables_failing_check(conn)
    return IntegrityReport(str(catalog.path), problems, damaged, **_vector_checks(catalog))


def check_catalog_file(path: Path, *, again: bool = False) -> IntegrityReport | None:
    """For `doctor`: the check of the catalog at `path` even when it is too damaged to open normally; None if there is none.

    A catalog whose file and write-ahead log are unchanged since it last passed is reported from that check (`checked_at`
    says when), as opening a catalog trusts an unchanged file: the check reads every page, a quarter of a second at
    10,000 photos and seconds at 100,000, on every `doctor`. `again` checks anyway (`doctor --full`)."""
    if not path.exists():
        return None
    stamp = _stamp(path)
    if not again and (remembered := _remembered(path, stamp)) is not None:
        return remembered
    try:
        conn = db.connect(path, migrate=False, verify=False)
    except UserError as exc:
        return IntegrityReport(str(path), [], [], error=exc.user_text())
    with Catalog(conn, path) as catalog:
        report = check_integrity(catalog)
    if report.ok and _stamp(path) == stamp:
        _remember(path, stamp, report)
    return report


def _stamp(path: Path) -> str:
    """Size and mtime of the file and of its write-ahead log, where committed pages wait before a checkpoint."""
    parts = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            stat = part.stat()
            parts.append(f"{stat.st_size} {stat.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return " ".join(parts)


def _marker(path: Path) -> Path:
    return backup.backups_dir(path) / f"{path.name}.doctor-check.json"


def _remembered(path: Path, stamp: str) -> IntegrityReport | None:
    try:
        saved = json.loads(_marker(path).read_text(encoding="utf-8"))
        return IntegrityReport(**saved["report"]) if saved["stamp"] == stamp else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(path: Path, stamp: str, report: IntegrityReport) -> None:
    checked = replace(report, checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    try:
        _marker(path).parent.mkdir(parents=True, exist_ok=True)
        _marker(path).write_text(json.dumps({"stamp": stamp, "report": asdict(checked)}), encoding="utf-8")
    except OSError:  # a read-only folder: the check simply runs in full next time
        pass


def _tables_named(conn: db.Connection, problems: list[str]) -> list[str]:
    """quick_check names a b-tree by its root page ("Tree 30 page …") or an index or table by name."""
    if not problems:
        return []
    try:
        rows = conn.execute("SELECT name, tbl_name, rootpage FROM sqlite_master").fetchall()
    except db.driver_of(conn).DatabaseError:
        return ["sqlite_master"]
    by_root = {int(row[2]): str(row[1]) for row in rows if row[2]}
    by_name = {str(row[0]): str(row[1]) for row in rows}
    named = set()
    for line in problems:
        named.update(by_root[int(root)] for root in _TREE.findall(line) if int(root) in by_root)
        named.update(by_name[word] for word in _WORD.findall(line) if word in by_name)
    return sorted(named)


def _tables_failing_check(conn: db.Connection) -> list[str]:
    error = db.driver_of(conn).DatabaseError
    try:
        names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0")]
    except error:
        return ["sqlite_master"]
    failing = []
    for name in names:
        try:
            if db.quick_check(conn, name):
                failing.append(name)
        except error:
            failing.append(name)
    return failing


def _vector_checks(catalog: Catalog) -> dict[str, Any]:
    """Counts that must agree, then the vector index read in full: a scan of every column and one KNN."""
    conn, store = catalog.conn, catalog.store
    found: dict[str, Any] = {}
    try:
        found["items"] = int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
        if not store.has_vector_table():
            return found | {"vectors": 0, "items_without_vector": found["items"], "vectors_without_item": 0}
        found["vectors"] = int(conn.execute(f"SELECT COUNT(*) FROM {VECTOR_TABLE}").fetchone()[0])
        found["items_without_vector"] = int(conn.execute(
            f"SELECT COUNT(*) FROM items WHERE id NOT IN (SELECT item_id FROM {VECTOR_TABLE})").fetchone()[0])
        found["vectors_without_item"] = int(conn.execute(
            f"SELECT COUNT(*) FROM {VECTOR_TABLE} WHERE item_id NOT IN (SELECT id FROM items)").fetchone()[0])
        conn.execute(f"SELECT COUNT(embedding), COUNT(category), COUNT(color), COUNT(folder_id) FROM {VECTOR_TABLE}").fetchone()
        model = store.recorded_model()
        if model is not None and found["vectors"]:
            probe = np.zeros(model.dim, dtype=np.float32)
            probe[0] = 1.0
            conn.execute(f"SELECT item_id FROM {VECTOR_TABLE} WHERE embedding MATCH ? AND k = 1", (probe.tobytes(),)).fetchall()
    except db.driver_of(conn).DatabaseError as exc:
        found["vector_error"] = str(exc)
    return found
