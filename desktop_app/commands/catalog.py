"""`fashion-assistant catalog`: the ways out of a damaged catalog: repair it, restore a backup, or start anew.

Every action keeps the file it replaces beside the catalog (`catalog.sqlite3.damaged-…` or
`.replaced-…`), so none of them can lose what the user had.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core.platform.errors import CatalogError
from desktop_app.core.platform.i18n import _, ngettext
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext
    from desktop_app.core.store.repair import RepairReport, Replacement

_SHOWN = ("items", "tags", "corrections", "folders", "chats")  # what a user knows of; --json has every table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("catalog", help="list backups, restore one, repair a damaged catalog, or start a new one")
    actions = parser.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")

    def add(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--json", action="store_true", help="print one JSON object")
        action.set_defaults(handler=handler)
        return action

    add("backups", "the catalog's backups, newest first (daily, and before a rebuild, folder removal or migration)", run_backups)
    restore = add("restore", "replace the catalog with a backup (the latest unless one is named); the current file is kept aside",
                  run_restore)
    restore.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup's file name (see `catalog backups`) or path")
    add("repair", "rebuild a damaged catalog, keeping its items, tags and corrections; the damaged file is kept aside", run_repair)
    add("new", "start a new, empty catalog; the current file is kept aside", run_new)


def run_backups(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.platform.units import format_size
    from desktop_app.core.store.backup import list_backups

    backups = list_backups(context.paths.db_path)
    if args.json:
        print(json.dumps({"catalog": str(context.paths.db_path), "backups": [b.to_json() for b in backups]}, ensure_ascii=False))
        return 0
    if not backups:
        print(_("No backups of {catalog} yet: one is taken each day the catalog is used, and before a rebuild or a folder"
                " removal.").format(catalog=one_line(str(context.paths.db_path))))
        return 0
    for entry in backups:
        print(f"{entry.taken_at:%Y-%m-%d %H:%M:%S}  {entry.kind:<24} {format_size(entry.size):>9}  {one_line(entry.path.name)}")
    print(ngettext("{n} backup in {folder}; restore one with `fashion-assistant catalog restore NAME`.",
                   "{n} backups in {folder}; restore one with `fashion-assistant catalog restore NAME`.", len(backups)).format(
        n=len(backups), folder=one_line(str(backups[0].path.parent))))
    return 0


def run_restore(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.store.repair import restore_backup

    chosen = _find_backup(context.paths.db_path, args.backup) if args.backup else None
    done = restore_backup(context.paths.db_path, chosen)
    _print_replacement(done, args.json, _("Restored {catalog} from {backup}.").format(catalog=done.catalog, backup=done.restored_from))
    return 0


def run_new(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.store.repair import start_new_catalog

    done = start_new_catalog(context.paths.db_path)
    _print_replacement(done, args.json, _("Started a new, empty catalog at {catalog}.").format(catalog=done.catalog))
    return 0


def run_repair(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.store.repair import repair_catalog

    report = repair_catalog(context.paths.db_path)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_repair(report)
    return 0


def _find_backup(catalog_path: Path, name: str) -> Path:
    """A path as given, else a name from `catalog backups`."""
    from desktop_app.core.store.backup import backups_dir

    for candidate in (Path(name).expanduser(), backups_dir(catalog_path) / name):
        if candidate.is_file():
            return candidate
    raise CatalogError(_("There is no backup named {name}.").format(name=name), _("See the list with `fashion-assistant catalog backups`."))


def _print_replacement(done: Replacement, as_json: bool, headline: str) -> None:
    if as_json:
        print(json.dumps(done.to_json(), ensure_ascii=False))
        return
    print(one_line(headline))
    if done.set_aside:
        print(_("The previous catalog is kept as {file}.").format(file=one_line(done.set_aside)))


def _print_repair(report: RepairReport) -> None:
    if not report.repaired:
        print(_("The catalog {catalog} is sound: nothing to repair.").format(catalog=one_line(report.catalog)))
        return
    kept = ", ".join(f"{report.tables[table].rows} {table}" for table in _SHOWN if table in report.tables)
    print(_("Repaired {catalog}: kept {kept}; rebuilt {n} vectors.").format(catalog=one_line(report.catalog), kept=kept,
                                                                          n=report.vectors_rebuilt))
    print(_("The damaged file is kept as {file}.").format(file=one_line(report.damaged_copy or "-")))
    unreadable = [table for table, copy in report.tables.items() if not copy.complete]
    if unreadable:
        print(_("Some rows could not be read from: {tables}.").format(tables=", ".join(unreadable)))
    if report.dropped:
        print(_("Left out, as what they belong to was lost: {rows}. Index the folders again to add those photos back.").format(
            rows=", ".join(f"{n} {table}" for table, n in report.dropped.items())))
    if report.lost_rows and report.latest_backup:
        print(_("The latest backup may hold what was lost: `fashion-assistant catalog restore {name}`.").format(
            name=Path(report.latest_backup).name))
