"""`fashion-assistant categories`: the shop's own categories (scarves, suits, swimwear) beside the built-in ones."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from desktop_app.core.platform.i18n import _, ngettext
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("categories", help="list the categories, or add the shop's own with their English and Spanish words")
    actions = parser.add_subparsers(dest="categories_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a category (or more words for one): search, tagging and requests then know it")
    add.add_argument("name", metavar="NAME", help="the category's name, in English (it is also what tags and filters show)")
    add.add_argument("--synonyms", nargs="+", action="extend", default=[], metavar="WORD", help="other English words for it")
    add.add_argument("--es", nargs="+", action="extend", default=[], metavar="PALABRA", help="Spanish words for it")
    add.add_argument("--json", action="store_true", help="print one JSON object")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="every category with its words: the built-in ones, then the shop's")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.products.categories import add_category
    from desktop_app.core.store.catalog import Catalog

    with Catalog.open(context.paths.db_path) as catalog:
        change = add_category(catalog, args.name, args.synonyms, args.es)
    category = change.category
    if args.json:
        print(json.dumps({"name": category.name, "created": change.created, "synonyms": list(category.synonyms),
                          "es": list(category.synonyms_es), "taken_from": change.taken_from, "merged": change.merged,
                          "recategorised": change.recategorised}, ensure_ascii=False))
        return 0
    what = (_("Added the category {name} (English: {english}; Spanish: {spanish}).") if change.created
            else _("Added words to the category {name} (English: {english}; Spanish: {spanish})."))
    english, spanish = ", ".join(category.synonyms) or _("none"), ", ".join(category.synonyms_es) or _("none")
    print(what.format(name=repr(one_line(category.name)), english=one_line(english), spanish=one_line(spanish)))
    for name in change.merged:
        print("  " + _("The category {name} that an import made is now part of it.").format(name=repr(one_line(name))))
    for word, old in change.taken_from.items():
        print("  " + _("{word} now means {category}, no longer {old}.").format(word=repr(one_line(word)), category=repr(category.name),
                                                                              old=repr(old)))
    if change.recategorised:
        print("  " + ngettext("{n} imported product whose type names it is now in it.",
                              "{n} imported products whose type names it are now in it.",
                              change.recategorised).format(n=change.recategorised))
    print(_("Photos indexed from now on are tagged with it; a photo already indexed keeps its category unless you correct it"
            " (`fashion-assistant tag PATH --category ...`) or it belongs to one of those products."))
    return 0


def run_list(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.catalog.vocabulary import DEFAULT, catalog_vocabulary
    from desktop_app.core.store.catalog import Catalog

    if context.paths.db_path.exists():
        with Catalog.open(context.paths.db_path) as catalog:
            vocab = catalog_vocabulary(catalog)
    else:
        vocab = DEFAULT
    shop = {category.name: category for category in vocab.shop}
    entries = [{"name": name, "builtin": vocab.is_builtin(name), "origin": shop[name].origin if name in shop else "builtin",
                "words": vocab.words_for(name)} for name in vocab.categories]
    if args.json:
        print(json.dumps({"categories": entries}, ensure_ascii=False))
        return 0
    for entry in entries:
        origin = "" if entry["builtin"] else " " + (_("(added by you)") if entry["origin"] == "user" else _("(from an import)"))
        print(f"{one_line(str(entry['name']))}{origin}: {one_line(', '.join(entry['words']))}")
    return 0
