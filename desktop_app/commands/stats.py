"""`fashion-assistant stats`: what the catalog holds, what it skipped, and which model built it."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="counts per category, skipped files, the model and the catalog path")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    # not at the top: the CLI imports every command to build its parser
    from desktop_app.core.catalog.operations import catalog_stats
    from desktop_app.core.doctor import encoder_lines, encoders_report
    from desktop_app.core.platform.cpu import cpu_features
    from desktop_app.core.store.catalog import Catalog

    with Catalog.open(context.paths.db_path) as catalog:
        stats = catalog_stats(catalog)
    encoders = encoders_report(context)  # which encoder each tower uses and why, on this CPU
    if args.json:
        cpu = cpu_features()
        print(json.dumps(stats.to_json() | {"encoders": encoders, "cpu": cpu.to_json() | {"summary": cpu.describe()}},
                         ensure_ascii=False))
        return 0
    print(_("Catalog  {path}").format(path=stats.catalog))
    print(_("Model    {model}").format(model=stats.model.describe() if stats.model else _("none yet (nothing indexed)")))
    if stats.encoder:
        agreement = stats.encoder.agreement if stats.encoder.agreement is not None else "-"
        print(_("Precision {precision} via {backend} (int8 vs fp32 agreement {agreement})").format(
            precision=stats.encoder.precision, backend=stats.encoder.backend, agreement=agreement))
    print(_("CPU      int8 path: {summary}").format(summary=cpu_features().describe()))
    for line in encoder_lines(encoders):
        print(line)
    for folder in stats.folders:
        print(_("Folder   {folder}").format(folder=one_line(folder)))
    print(_("Items    {n}").format(n=stats.items))
    for category, count in stats.categories.items():
        print(f"  {category:<12} {count}")
    if stats.skipped:
        print(_("Skipped  {n}").format(n=len(stats.skipped)))
        for entry in stats.skipped:
            print(f"  {one_line(entry.path)}: {entry.reason}")
    return 0
