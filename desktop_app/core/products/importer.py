"""`products import` as one operation: read the shop's file, check every row, write it all in one transaction.

The file is read and checked whole before anything is written, so a file with bad rows imports nothing
(every bad row is reported with its line and why) unless the owner chose to skip them. The write is one
transaction: products and variants by handle and SKU, prices and stock updated in place, products the file
no longer lists marked discontinued (kept, with their photos), new categories added to the shop's
vocabulary, then the photo links recomputed and the linked photos tagged with their product's category and
colour, where the user has not corrected them. A dry run does all of it and rolls back, so its report is
exactly what the import would do. Progress is reported per step; a cancel rolls everything back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from desktop_app.core.catalog.vocabulary import Vocabulary, catalog_vocabulary
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _, ngettext
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.products.categories import plan_categories
from desktop_app.core.products.fields import FIELDS, MappingError, apply_overrides, detect_mapping, is_shopify
from desktop_app.core.products.generic import parse_generic
from desktop_app.core.products.linking import apply_links, plan_links
from desktop_app.core.products.reading import Table, read_table
from desktop_app.core.products.records import BadRow, Format, Parsed
from desktop_app.core.products.shopify import parse_shopify
from desktop_app.core.store.backup import backup_before
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import ProductRecord, ShopCategory

FormatChoice = Literal["auto", "shopify", "generic"]
_EXAMPLES = 20
_STEPS = 4
_PREVIEW_ROWS = 20


@dataclass(frozen=True)
class ImportOptions:
    file_format: FormatChoice = "auto"
    mapping: Mapping[str, str] = field(default_factory=dict)  # column -> field or 'ignore', over the detected mapping
    dry_run: bool = False
    skip_bad_rows: bool = False
    currency: str = "EUR"  # for files that do not say (Shopify's export never does)


@dataclass
class ImportReport:
    file: str
    format: Format
    dry_run: bool
    imported: bool = False  # False: refused for bad rows (nothing written), or a dry run
    products: int = 0  # in the file (as imported)
    variants: int = 0
    photos_linked: int = 0  # photos linked to a product, in the whole catalog after the import
    products_without_photo: int = 0
    photos_without_product: int = 0
    new_products: int = 0
    updated_products: int = 0
    discontinued: int = 0  # products earlier imports listed and this file does not
    new_categories: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    skipped_bad_rows: int = 0
    missing_photos: int = 0  # photo references in the file that no indexed photo matches
    tags_changed: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    delimiter: str | None = None
    examples: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["bad_rows"] = [row.to_json() for row in self.bad_rows]
        return raw


class BadRowsError(UserError):
    """The file has bad rows and skipping them was not asked for: nothing was imported."""

    def __init__(self, report: ImportReport) -> None:
        rows = report.bad_rows
        shown = "; ".join(_("line {line}: {reason}").format(line=row.line, reason=row.reason) for row in rows[:5])
        if len(rows) > 5:
            shown += _("; and {n} more").format(n=len(rows) - 5)
        super().__init__(
            ngettext("{file} has {n} bad row, so nothing was imported ({rows}).",
                     "{file} has {n} bad rows, so nothing was imported ({rows}).", len(rows)).format(
                file=Path(report.file).name, n=len(rows), rows=shown),
            _("Fix those rows in the file and import it again, or pass --skip-bad-rows to import the other rows."))
        self.report = report


class _DryRunDone(Exception):
    """Raised inside the transaction of a dry run once its report is complete, so that everything rolls back."""


@dataclass(frozen=True)
class FilePreview:
    """What the window shows before an import: the detected format and mapping, and the first rows."""

    format: Format
    headers: tuple[str, ...]
    rows: list[tuple[int, tuple[str, ...]]]  # (line, cells)
    mapping: dict[str, str]  # column -> field (generic files; Shopify's columns are fixed)
    fields: tuple[str, ...]
    encoding: str
    delimiter: str | None


def preview_file(path: Path, file_format: FormatChoice = "auto", overrides: Mapping[str, str] | None = None,
                 cancel: CancelToken | None = None) -> FilePreview:
    table = read_table(path, cancel)
    chosen = _format(table, file_format, overrides or {})
    mapping = _mapping(table, overrides or {}) if chosen == "generic" else {}
    rows = [(row.line, row.cells) for row in table.rows[:_PREVIEW_ROWS]]
    return FilePreview(chosen, table.headers, rows, mapping, FIELDS, table.encoding, table.delimiter)


def import_products(catalog: Catalog, path: Path, options: ImportOptions = ImportOptions(), progress: Progress = no_progress,
                    cancel: CancelToken | None = None) -> ImportReport:
    """Import the shop's product file into the catalog (see the module's docstring); raises BadRowsError for a file
    with bad rows unless `skip_bad_rows`."""
    cancel = cancel or CancelToken()
    progress(0, _STEPS, _("Reading {file}").format(file=path.name))
    table = read_table(path, cancel)
    chosen = _format(table, options.file_format, options.mapping)
    progress(1, _STEPS, ngettext("Checking {n} row", "Checking {n} rows", len(table.rows)).format(n=f"{len(table.rows):,}"))
    parsed = _parse(table, chosen, options, cancel)
    report = ImportReport(str(path), chosen, options.dry_run, mapping=parsed.mapping, encoding=table.encoding,
                          delimiter=table.delimiter, bad_rows=parsed.bad_rows)
    if parsed.bad_rows and not options.skip_bad_rows:
        raise BadRowsError(report)
    if not parsed.records:
        raise UserError(_("{file} holds no products: {n} rows, none with a product in it.").format(file=path.name, n=len(table.rows)),
                        _("Check that it is the product list (one row per SKU or Shopify's product export) and import it again."))
    report.skipped_bad_rows = len(parsed.bad_rows)
    cancel.check()
    vocab = catalog_vocabulary(catalog)
    plan = plan_categories(parsed.records, vocab)
    if not options.dry_run and catalog.products.last_import() is not None:  # a re-import rewrites prices, stock, links
        backup_before(catalog, "import")
    progress(2, _STEPS, ngettext("Writing {n} product", "Writing {n} products", len(plan.records)).format(n=f"{len(plan.records):,}"))
    try:
        with catalog.transaction():
            _write(catalog, path, chosen, plan.records, plan.new, vocab, report, progress, cancel)
            if options.dry_run:
                raise _DryRunDone()
    except _DryRunDone:
        pass
    else:
        report.imported = True
    progress(_STEPS, _STEPS, _("Done"))
    return report


def _write(catalog: Catalog, path: Path, chosen: Format, records: list[ProductRecord], new_categories: list[ShopCategory],
           vocab: Vocabulary, report: ImportReport, progress: Progress, cancel: CancelToken) -> None:
    products = catalog.products
    import_id = products.start_import(path.name, chosen)
    for category in new_categories:
        products.put_category(category)
    upserted = products.upsert(records, import_id)
    discontinued = products.discontinue_missing(import_id)
    cancel.check()
    progress(3, _STEPS, _("Linking photos"))
    links = plan_links(catalog, path.parent, cancel)
    report.tags_changed = apply_links(catalog, links, Vocabulary.build([*vocab.shop, *new_categories]))
    products.refresh_photo_offers()
    products.finish_import(import_id, len(records), sum(len(r.variants) for r in records))
    counts = products.counts()
    report.products, report.variants = len(records), sum(len(r.variants) for r in records)
    report.new_products, report.updated_products, report.discontinued = upserted.new, upserted.updated, len(discontinued)
    report.new_categories = [category.name for category in new_categories]
    report.photos_linked, report.products_without_photo = counts.photos_linked, counts.products_without_photo
    report.photos_without_product = counts.photos_without_product
    report.missing_photos = len(links.missing)
    report.examples = {
        "products_without_photo": products.handles_without_photo(_EXAMPLES),
        "photos_without_product": products.paths_without_product(_EXAMPLES),
        "missing_photos": links.missing[:_EXAMPLES],
        "ambiguous_photos": links.ambiguous[:_EXAMPLES],
        "discontinued": discontinued[:_EXAMPLES],
    }


def _format(table: Table, choice: FormatChoice, overrides: Mapping[str, str]) -> Format:
    shopify = is_shopify(table.headers)
    if choice == "auto":
        if shopify and overrides:
            raise MappingError(_("{file} is a Shopify product export, which is read by its own columns; --map is for other files.").format(
                file=table.path.name), _("Leave out --map, or pass --format generic to read it as a generic file with your mapping."))
        return "shopify" if shopify else "generic"
    if choice == "shopify" and not shopify:
        raise MappingError(_("{file} is not a Shopify product export: it has no Handle, Variant SKU and Variant Price columns.").format(
            file=table.path.name), _("Pass --format generic (or leave --format out) to read it by its own column names."))
    return choice


def _mapping(table: Table, overrides: Mapping[str, str]) -> dict[str, str]:
    mapping = apply_overrides(table.headers, detect_mapping(table.headers), overrides)
    if "sku" not in mapping.values():
        shown = ", ".join(repr(h) for h in table.headers if h)
        raise MappingError(_("No column of {file} is recognised as the SKU (its columns: {columns}).").format(
            file=table.path.name, columns=shown), _("Name it with --map, for example --map 'Ref. interna=sku'."))
    return mapping


def _parse(table: Table, chosen: Format, options: ImportOptions, cancel: CancelToken) -> Parsed:
    if chosen == "shopify":
        return parse_shopify(table, options.currency, cancel)
    return parse_generic(table, _mapping(table, options.mapping), options.currency, cancel)
