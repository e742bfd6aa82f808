"""Copies of the catalog in a `backups/` folder beside it: one a day, and one before each destructive step.

A backup is taken with SQLite's online backup API, so it is a consistent copy even while another
connection writes, and it needs no extension (vec0's data are ordinary shadow tables). The catalog
holds no thumbnails, so a copy is small (about 16 KB a photo). Names say what and when:
`backups/catalog.sqlite3.daily-20250102-093000`, `backups/catalog.sqlite3.before-rebuild-20250102-101500`;
the last DAILY_KEPT daily and STEP_KEPT before-step copies are kept. Backups are a safety net, never
a gate: one that would not fit on the disk, or fails, is skipped with a warning in the log.

`db` backs up through this module (before migrations, and once a day on open), so this one takes a
connection and its path rather than opening anything itself.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.units import format_size

if TYPE_CHECKING:
    from desktop_app.core.store.catalog import Catalog

log = logging.getLogger(__name__)

BACKUPS_DIR = "backups"
DAILY = "daily"
DAILY_KEPT = 7
STEP_KEPT = 5
ROOM_TO_WORK = 100_000_000  # free space a backup leaves for the user's own work; also what disk-full asks to free
STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"\.(?P<kind>[a-z0-9-]+?)-(?P<stamp>\d{8}-\d{6})$")
_PARTIAL = ".partial"
_STALE_PARTIAL_SECONDS = 3600  # a copy in progress this long ago was cut short (a crash, kill -9)
_DAILY_LOCK = threading.Lock()
_LEGACY = re.compile(r"\.bak-v(?P<version>\d+)$")  # copies taken before migrations by earlier versions, beside the catalog


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "daily", "before-rebuild", "before-forget-folder", "before-import", "before-migration-v3", …
    taken_at: datetime
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "kind": self.kind, "taken_at": self.taken_at.isoformat(timespec="seconds"),
                "size": self.size}

    def describe(self) -> str:
        return _("{kind} backup of {when}").format(kind=self.kind, when=f"{self.taken_at:%Y-%m-%d %H:%M}")


def backups_dir(catalog_path: Path) -> Path:
    return catalog_path.parent / BACKUPS_DIR


def timestamped(path: Path, label: str, when: datetime | None = None) -> Path:
    """`catalog.sqlite3` -> `catalog.sqlite3.<label>-YYYYmmdd-HHMMSS` beside it: one naming for backups and set-aside files."""
    return path.with_name(f"{path.name}.{label}-{(when or datetime.now()).strftime(STAMP_FORMAT)}")


def list_backups(catalog_path: Path) -> list[Backup]:
    """Every backup of this catalog, newest first (older versions' `.bak-vN` copies beside it included)."""
    found = [_parse(entry, catalog_path.name) for entry in _entries(backups_dir(catalog_path))]
    found += [_parse_legacy(entry, catalog_path.name) for entry in _entries(catalog_path.parent)]
    return sorted((b for b in found if b is not None), key=lambda b: b.taken_at, reverse=True)


def latest_backup(catalog_path: Path) -> Backup | None:
    backups = list_backups(catalog_path)
    return backups[0] if backups else None


def _entries(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []


def _parse(entry: Path, catalog_name: str) -> Backup | None:
    match = _NAME.fullmatch(entry.name[len(catalog_name):]) if entry.name.startswith(catalog_name) else None
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
        return Backup(entry, match["kind"], taken_at, entry.stat().st_size)
    except (ValueError, OSError):
        return None


def _parse_legacy(entry: Path, catalog_name: str) -> Backup | None:
    match = _LEGACY.fullmatch(entry.name[len(catalog_name):]) if entry.name.startswith(catalog_name) else None
    if match is None:
        return None
    try:
        stat = entry.stat()
    except OSError:
        return None
    return Backup(entry, f"before-migration-v{match['version']}", datetime.fromtimestamp(stat.st_mtime), stat.st_size)


def take_backup(conn: Any, catalog_path: Path, kind: str) -> Path | None:
    """Copy the open catalog to `backups/`; None (and a warning in the log) when it would not fit or failed."""
    folder = backups_dir(catalog_path)
    target = timestamped(folder / catalog_path.name, kind)
    if target.exists():  # one of this kind this very second already: it holds the older, more valuable state
        return target
    partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}{_PARTIAL}")  # one per writer
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not _fits(conn, folder, kind):
            return None
        _copy(conn, partial)
        os.replace(partial, target)
    except Exception as exc:  # a backup must never stop the user's work: disk full, read-only folder, a driver error
        log.warning("Skipped the %s backup of %s: %s", kind, catalog_path, exc)
        partial.unlink(missing_ok=True)
        return None
    log.info("Backed up the catalog to %s", target)
    prune(catalog_path)
    return target


def take_daily_backup(conn: Any, catalog_path: Path) -> Path | None:
    """At most one a day, so a bad day (a wrong bulk correction, a damaged disk) can be undone from yesterday's."""
    today = date.today()
    with _DAILY_LOCK:  # the window's worker threads open the catalog at once: one of them takes it
        if any(b.kind == DAILY and b.taken_at.date() == today for b in list_backups(catalog_path)):
            return None
        return take_backup(conn, catalog_path, DAILY)


def backup_before(catalog: Catalog, step: str) -> Path | None:
    """The backup before a destructive step: "rebuild", "forget-folder", "import" (products), …"""
    return take_backup(catalog.conn, catalog.path, f"before-{step}")


def prune(catalog_path: Path) -> None:
    """Keep the newest DAILY_KEPT daily and STEP_KEPT before-step backups, and no copy cut short by a crash;
    older versions' copies are left alone."""
    ours = [b for b in list_backups(catalog_path) if b.path.parent == backups_dir(catalog_path)]
    daily = [b for b in ours if b.kind == DAILY]
    steps = [b for b in ours if b.kind != DAILY]
    stale = [entry for entry in _entries(backups_dir(catalog_path)) if entry.name.startswith(catalog_path.name)
             and entry.name.endswith(_PARTIAL) and time.time() - entry.stat().st_mtime > _STALE_PARTIAL_SECONDS]
    for old in [*(b.path for b in daily[DAILY_KEPT:]), *(b.path for b in steps[STEP_KEPT:]), *stale]:
        try:
            old.unlink()
        except OSError as exc:
            log.warning("Could not remove the old backup %s: %s", old, exc)


def _fits(conn: Any, folder: Path, kind: str) -> bool:
    page_count, page_size = (int(conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in ("page_count", "page_size"))
    needed = page_count * page_size
    free = shutil.disk_usage(folder).free
    if free >= needed + ROOM_TO_WORK:
        return True
    log.warning("Skipped the %s backup: it needs %s and %s has %s free (keeping %s for your work)",
                kind, format_size(needed), folder, format_size(free), format_size(ROOM_TO_WORK))
    return False


def _copy(conn: Any, target: Path) -> None:
    """The backup API wants a target connection of the source's own driver (stdlib sqlite3 or sqlean)."""
    from desktop_app.core.store.db import driver_of  # not at the top: db imports this module

    copy = driver_of(conn).connect(str(target))
    try:
        conn.backup(copy)
    finally:
        copy.close()

