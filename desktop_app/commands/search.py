"""`fashion-assistant search`: find products and photos by words, by an example photo, or both."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the search engine loads only for a search
    from desktop_app.core.platform.app_context import AppContext
    from desktop_app.core.search.product_hits import ProductHit
    from desktop_app.core.search.searcher import SearchHit

_EPILOG = """\
Terms: operators stand alone, a weight prefixes a term, a file name with a photo suffix is an example photo:
  fashion-assistant search red summer dress - stripes
  fashion-assistant search --image look.jpg red            (like this photo, but red)
  fashion-assistant search "2:linen shirt + 0.5:white - logo.png"
Scores are standard deviations above a typical item of this catalog, the same scale for every query.
--category and --color take several values, so write TEXT before them (or end them with --).
Results are products (shown by their best-matching photo; --json lists the others under "photos") and photos no
product claims. The shop's filters keep products with one variant that meets them all at once:
  fashion-assistant search summer dress --in-stock --max-price 50 --size M
With no TEXT and no --image it lists what the filters let through, newest first (--order name: by file name):
  fashion-assistant search --category shoes --in-stock
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="find photos by words, an example photo, or both",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", nargs="*", metavar="TEXT", help="words, with optional weighted + and - terms")
    parser.add_argument("--image", type=Path, metavar="FILE", help="an example photo")
    parser.add_argument("--text-weight", type=float, default=0.5, metavar="W",
                        help="share of the words when a photo is given too, 0..1 (default 0.5)")
    parser.add_argument("--category", action="extend", nargs="+", default=[], metavar="C", help="only these categories")
    parser.add_argument("--color", action="extend", nargs="+", default=[], metavar="C", help="only these colours")
    parser.add_argument("--folder", type=Path, metavar="DIR", help="only photos under this folder")
    parser.add_argument("-k", type=int, default=12, metavar="N", help="how many results (default 12)")
    parser.add_argument("--min-score", type=float, metavar="S", help="drop results scoring below S")
    parser.add_argument("--in-stock", action="store_true", help="only products in stock (in the size and price asked, if any)")
    parser.add_argument("--min-price", type=float, metavar="P", help="only products from this price, in the shop's currency")
    parser.add_argument("--max-price", type=float, metavar="P", help="only products up to this price, in the shop's currency")
    parser.add_argument("--size", action="append", default=[], metavar="S",
                        help="only products in this size (M, 38, 'talla m' alike); repeat for several")
    parser.add_argument("--blip2", metavar="MODEL", help="model to encode the query with (default: the catalog's own)")
    parser.add_argument("--order", choices=("newest", "name"), default="newest",
                        help="the order of a listing without TEXT or --image (default newest)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.search.searcher import Searcher, SearchQuery
    from desktop_app.core.store.catalog import Catalog

    query = SearchQuery(
        text=" ".join(args.text) or None, image=args.image, text_weight=args.text_weight, categories=args.category,
        colors=args.color, folder=args.folder, k=args.k, min_score=args.min_score, in_stock=args.in_stock,
        min_price=args.min_price, max_price=args.max_price, sizes=args.size, order=args.order,
    )
    started = time.perf_counter()
    with Catalog.open(context.paths.db_path) as catalog:
        hits = Searcher(context, catalog, blip2=args.blip2).search(query)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"results": [hit.to_json() for hit in hits], "seconds": round(seconds, 3)}, indent=2))
    else:
        _print_table(hits, seconds)
    return 0


def _print_table(hits: list[SearchHit], seconds: float) -> None:
    if not hits:
        print(_("No results ({seconds} s).").format(seconds=f"{seconds:.2f}"))
        return
    for rank, hit in enumerate(hits, 1):
        score = "" if hit.score is None else f"{hit.score:6.2f}"
        print(f"{rank:>3}  {score:>6}  {hit.category or '-':<10} {hit.color or '-':<11} {one_line(hit.path)}")
        if hit.product is not None:
            print(f"{'':>13}{_product_line(hit.product)}")
    print(_("{count} results in {seconds} s").format(count=len(hits), seconds=f"{seconds:.2f}"))


def _product_line(product: ProductHit) -> str:
    price = "" if product.price is None else f", {product.price:.2f} {product.currency}"
    sizes = f", sizes {' '.join(product.sizes)}" if product.sizes else ""
    state = "discontinued" if product.discontinued else "in stock" if product.in_stock else "sold out"
    more = f", {len(product.photos)} more photo{'s' if len(product.photos) != 1 else ''}" if product.photos else ""
    return one_line(f"{product.name} [{product.sku}]{price}{sizes}, {state}{more}")
