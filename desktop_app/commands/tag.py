"""`fashion-assistant tag`: correct the category or colour of photos; a correction follows each photo's content and file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop_app.core.catalog import vocabulary
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tag", help="correct the category or colour of an indexed photo (re-indexing keeps it)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="the photos, as indexed (one or several)")
    parser.add_argument("--category", help=f"one of: {', '.join(vocabulary.CATEGORIES)} (or a synonym such as tees)")
    parser.add_argument("--color", "--colour", dest="color", help=f"one of: {', '.join(vocabulary.COLORS)}")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    changes: dict[str, str] = {}
    if args.category:
        category = vocabulary.category_for_word(args.category)
        if category is None:
            raise UserError(_("{word!r} is not a category.").format(word=args.category),
                            _("Use one of: {values}.").format(values=", ".join(vocabulary.CATEGORIES)))
        changes["category"] = category
    if args.color:
        color = vocabulary.color_for_word(args.color)
        if color is None:
            raise UserError(_("{word!r} is not a colour.").format(word=args.color),
                            _("Use one of: {values}.").format(values=", ".join(vocabulary.COLORS)))
        changes["color"] = color
    if not changes:
        raise UserError(_("Nothing to change."), _("Give --category and/or --color."))
    from desktop_app.core.catalog.operations import correct_tags  # not at the top: the CLI imports every command to build its parser
    from desktop_app.core.catalog.scanner import normalise_path
    from desktop_app.core.store.catalog import Catalog

    paths = [str(normalise_path(path)) for path in args.paths]
    with Catalog.open(context.paths.db_path) as catalog:
        correct_tags(catalog, paths, changes)
    for path in paths:
        print(f"{path}: " + ", ".join(f"{kind} = {value}" for kind, value in changes.items()))
    return 0
