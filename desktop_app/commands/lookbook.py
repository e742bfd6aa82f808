"""`fashion-assistant lookbook`: the looks saved for customers, with their items as the catalog has them now."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("lookbook", help="list the looks saved in the catalog (look --save NAME keeps one)")
    parser.add_argument("--delete", type=int, metavar="ID", help="remove one saved look")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.looks.lookset import reopen
    from desktop_app.core.looks.rules import load_rules
    from desktop_app.core.search.searcher import Searcher
    from desktop_app.core.store.catalog import Catalog

    with Catalog.open(context.paths.db_path) as catalog:
        if args.delete is not None:
            if not catalog.lookbook.delete(args.delete):
                raise UserError(_("There is no saved look {id}.").format(id=args.delete), _("See the ids with: fashion-assistant lookbook"))
            print(_("Removed look {id} from the lookbook.").format(id=args.delete))
            return 0
        searcher, rules = Searcher(context, catalog), load_rules(context.paths)
        shown = []
        for saved in catalog.lookbook.looks():
            now = reopen(searcher, rules, saved)
            items = now.to_json()[0] if now.looks else {"items": [], "total_price": None, "currency": None}
            shown.append({"id": saved.id, "name": saved.name, "request": saved.request, "saved_at": saved.saved_at,
                          "advice": saved.advice, **items})
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    if not shown:
        print(_("The lookbook is empty: save a look with fashion-assistant look REQUEST --save NAME."))
    for look in shown:
        total = "" if look["total_price"] is None else f" · {look['total_price']:.2f} {look.get('currency') or ''}".rstrip()
        print(f"{look['id']}: {look['name']}{total} ({look['saved_at'][:10]})")
        for item in look["items"]:
            print(f"    {item['slot']}: {item['name'] or item['path']}")
    return 0
