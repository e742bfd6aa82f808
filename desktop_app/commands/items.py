"""`fashion-assistant items`: every indexed photo with its tags, for testers and scripts."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from desktop_app.core.platform.i18n import ngettext
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext

FIELDS = ("path", "category", "category_source", "color", "width", "height")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("items", help="list every indexed photo with its category and colour")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.store.catalog import Catalog  # not at the top: the CLI imports every command to build its parser

    with Catalog.open(context.paths.db_path) as catalog:
        items = [{name: getattr(row, name) for name in FIELDS} for row in catalog.store.items()]
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
        return 0
    for item in items:
        category = f"{item['category'] or '-'} ({item['category_source'] or '-'})"
        print(f"{category:<20} {item['color'] or '-':<12} {item['width']}x{item['height']:<6} {one_line(item['path'])}")
    print(ngettext("{n} item", "{n} items", len(items)).format(n=len(items)))
    return 0
