"""`fashion-assistant products`: import the shop's own product file (Shopify's export, a CSV, an XLSX), export the catalog."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli_progress import progress_printer
from desktop_app.core.platform.i18n import _, ngettext
from desktop_app.core.platform.jobs import no_progress
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the core loads only to run one
    from desktop_app.core.platform.app_context import AppContext
    from desktop_app.core.products.importer import ImportReport


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("products", help="import the shop's product list (SKU, price, sizes, stock) or export the catalog")
    actions = parser.add_subparsers(dest="products_command", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="import a Shopify product export, a CSV or an XLSX; re-importing updates it")
    load.add_argument("file", metavar="FILE", help="the product file (.csv or .xlsx)")
    load.add_argument("--format", dest="file_format", choices=["auto", "shopify", "generic"], default="auto",
                      help="shopify: Shopify's product CSV; generic: columns named by their headers or --map (default: auto)")
    load.add_argument("--map", dest="mapping", nargs="+", action="extend", default=[], metavar="COLUMN=FIELD",
                      help="read COLUMN as FIELD (sku, name, price, size, stock, color, category, photo, handle, vendor, tags,"
                           " body, compare_at_price, currency; or ignore), e.g. --map 'Ref. interna=sku' PVP=price")
    load.add_argument("--dry-run", action="store_true", help="check the file and show what the import would do; write nothing")
    load.add_argument("--skip-bad-rows", action="store_true", help="import the good rows of a file that has bad ones")
    load.add_argument("--json", action="store_true", help="print one JSON object")
    load.set_defaults(handler=run_import)
    save = actions.add_parser("export", help="write the catalog's products, with each photo's category and colour, for a spreadsheet")
    save.add_argument("file", metavar="FILE", help="FILE.csv (UTF-8 with BOM, as your spreadsheet expects it) or FILE.xlsx")
    save.add_argument("--json", action="store_true", help="print one JSON object")
    save.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.products.fields import parse_map_options
    from desktop_app.core.products.importer import BadRowsError, ImportOptions, import_products
    from desktop_app.core.store.catalog import Catalog

    options = ImportOptions(args.file_format, parse_map_options(args.mapping), args.dry_run, args.skip_bad_rows,
                            context.settings.shop_currency)
    show = progress_printer() if not args.json and sys.stderr.isatty() else no_progress
    # A dry run writes nothing, not even a new catalog file: with no catalog yet it checks against an empty one.
    where = context.paths.db_path if context.paths.db_path.exists() or not args.dry_run else ":memory:"
    with Catalog.open(where) as catalog:
        try:
            report = import_products(catalog, Path(args.file).expanduser(), options, progress=show)
        except BadRowsError as exc:
            if args.json:
                print(json.dumps(exc.report.to_json(), ensure_ascii=False))
            raise
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
    return 0


def _print_report(report: ImportReport) -> None:
    name = one_line(Path(report.file).name)
    counts = dict(name=name, format=report.format, products=report.products, new=report.new_products, updated=report.updated_products,
                  variants=report.variants, discontinued=report.discontinued)
    if report.dry_run:
        print(_("Checked (dry run, nothing written) {name} ({format}): {products} products ({new} new, {updated} updated),"
                " {variants} variants; {discontinued} discontinued.").format(**counts))
    else:
        print(_("Imported {name} ({format}): {products} products ({new} new, {updated} updated), {variants} variants;"
                " {discontinued} discontinued.").format(**counts))
    print(_("Photos: {linked} linked to a product; {without_photo} products without a photo; {without_product} photos without a"
            " product.").format(linked=report.photos_linked, without_photo=report.products_without_photo,
                                without_product=report.photos_without_product))
    if report.missing_photos:
        print(_("{n} photos named in the file are not indexed (first: {first}); index their folder, then import again to link"
                " them.").format(n=report.missing_photos, first=one_line(report.examples["missing_photos"][0])))
    if report.new_categories:
        print(_("New categories: {names} (see `fashion-assistant categories list`).").format(names=", ".join(report.new_categories)))
    if report.mapping:
        mapping = ", ".join(f"{one_line(column)} = {field}" for column, field in report.mapping.items())
        print(_("Columns: {mapping}").format(mapping=mapping))
    if report.skipped_bad_rows:
        print(ngettext("Skipped {n} bad row:", "Skipped {n} bad rows:", report.skipped_bad_rows).format(n=report.skipped_bad_rows))
        for row in report.bad_rows[:20]:
            print("  " + _("line {line}: {reason}").format(line=row.line, reason=row.reason))
        if len(report.bad_rows) > 20:
            print("  " + _("… and {n} more (--json lists them all).").format(n=len(report.bad_rows) - 20))


def run_export(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.platform.errors import Fix, UserError
    from desktop_app.core.products.export import export_products
    from desktop_app.core.store.catalog import Catalog

    if not context.paths.db_path.exists():
        raise UserError(_("There is no catalog at {path} yet, so there is nothing to export.").format(path=context.paths.db_path),
                        _("Index your photos (`fashion-assistant index FOLDER`) or import products first."), fix=Fix.ADD_FOLDER)
    with Catalog.open(context.paths.db_path) as catalog:
        summary = export_products(catalog, Path(args.file).expanduser())
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False))
    else:
        print(_("Wrote {rows} rows ({variants} variants of {products} products, {unlinked} photos without a product) to {file}.").format(
            rows=summary.rows, variants=summary.variants, products=summary.products, unlinked=summary.unlinked_photos,
            file=one_line(summary.file)))
    return 0
