"""`fashion-assistant classify`: what the request classifier makes of requests, one JSON object each."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the classifier loads only to classify
    from desktop_app.core.catalog.vocabulary import Vocabulary
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("classify", help="turn shopping requests into categories and counts")
    parser.add_argument("request", nargs="*", help="requests, each quoted; with none, one request per line is read from stdin")
    parser.add_argument("--llm", metavar="GGUF", help="GGUF model for the classifier (default: settings, else the bundled 270M)")
    parser.add_argument("--json", action="store_true", help="one compact JSON object per line (JSON Lines)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.agents.classifier import open_classifier

    categories, vocabulary = _catalog_words(context)
    classifier = open_classifier(context, categories, override=args.llm, vocabulary=vocabulary)
    requests = args.request or (line.rstrip("\n") for line in sys.stdin)
    for request in requests:
        result = classifier.classify(request).to_json(request)
        print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2), flush=True)
    return 0


def _catalog_words(context: AppContext) -> tuple[list[str], Vocabulary]:
    """The catalog's categories and the shop's words for them (its own categories' English and Spanish synonyms); the
    default vocabulary before there is a catalog, which classifying must not create."""
    from desktop_app.core.catalog.vocabulary import DEFAULT, catalog_vocabulary

    if not context.paths.db_path.exists():
        return [], DEFAULT
    from desktop_app.core.store.catalog import Catalog

    with Catalog.open(context.paths.db_path) as catalog:
        return catalog.store.categories(), catalog_vocabulary(catalog)
