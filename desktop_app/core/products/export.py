"""`products export`: the catalog as a spreadsheet the owner opens with a double click, one row per SKU.

Beside each SKU: its product, size, colour, price and stock, its photos, and the category and colour its first
photo carries in the catalog (the auto tag, a folder's word, the product's or the owner's correction, with
which it is), so the owner sees at a glance where the photos and the file disagree. Photos without a product
follow, one row each, so they can be given a SKU in the sheet and the sheet imported back (its headers are
ones the generic import recognises).

Excel opens a CSV with the list separator and decimal mark of the computer's region: `;` and `12,50` in Spain,
`,` and `12.50` in Mexico or England, and reads UTF-8 only after a BOM. So the CSV is written in the
convention of the user's locale, with a BOM; an `.xlsx` name writes a workbook, which needs no convention.
"""

from __future__ import annotations

import contextlib
import csv
import locale
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.platform.errors import StorageError, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import ItemRow
from desktop_app.core.store.product_store import Product, Variant

# Type before Category: a re-import reads the shop's own word (the first column naming a field wins), not the vocabulary's.
HEADERS = ("Handle", "SKU", "Name", "Vendor", "Type", "Category", "Tags", "Size", "Color", "Price", "Compare At Price", "Stock",
           "Currency", "In Stock", "Discontinued", "Photo", "Photo Category", "Photo Category Source", "Photo Colour")

# Languages whose numbers take a decimal comma (and so a CSV a `;`), and the Spanish-speaking places that use a point.
_DECIMAL_COMMA = {"es", "ca", "eu", "gl", "de", "fr", "it", "pt", "nl", "da", "sv", "nb", "nn", "no", "fi", "pl", "cs", "sk", "ru",
                  "uk", "tr", "el", "hu", "ro", "bg", "hr", "sl", "sr", "lt", "lv", "et", "id", "vi", "is"}
_DECIMAL_POINT_PLACES = {"MX", "US", "PR", "DO", "GT", "HN", "NI", "PA", "SV", "CH", "LI", "PH"}
_WINDOWS_LANGUAGES = {"spanish": "es", "catalan": "ca", "basque": "eu", "galician": "gl", "german": "de", "french": "fr",
                      "italian": "it", "portuguese": "pt", "dutch": "nl", "english": "en", "danish": "da", "swedish": "sv",
                      "norwegian": "nb", "finnish": "fi", "polish": "pl", "czech": "cs", "russian": "ru", "turkish": "tr",
                      "greek": "el", "hungarian": "hu", "romanian": "ro"}
_WINDOWS_PLACES = {"mexico": "MX", "united states": "US", "puerto rico": "PR", "dominican republic": "DO", "guatemala": "GT",
                   "honduras": "HN", "nicaragua": "NI", "panama": "PA", "el salvador": "SV", "switzerland": "CH"}


class ExportError(UserError):
    """The export file cannot be written."""


@dataclass(frozen=True)
class ExportSummary:
    file: str
    rows: int
    products: int
    variants: int
    unlinked_photos: int
    delimiter: str | None  # None for a workbook
    decimal: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def spreadsheet_convention(locale_name: str | None = None) -> tuple[str, str]:
    """(delimiter, decimal mark) a spreadsheet of this locale expects from a CSV: ('es_ES') -> (';', ','),
    ('es_MX') -> (',', '.'); Windows' names ('Spanish_Spain') too. Default: the user's locale."""
    name = locale_name if locale_name is not None else _user_locale()
    base = name.split(".")[0].replace("-", "_")
    language, _, place = base.partition("_")
    language = _WINDOWS_LANGUAGES.get(language.lower(), language.lower())
    place = _WINDOWS_PLACES.get(place.lower(), place.upper())
    if language in _DECIMAL_COMMA and place not in _DECIMAL_POINT_PLACES:
        return ";", ","
    return ",", "."


def _user_locale() -> str:
    """On Linux and macOS the environment says it (Python reports the C locale as en_US); Windows has the user's
    regional settings in the process's locale."""
    if os.name != "nt":
        return os.environ.get("LC_ALL") or os.environ.get("LC_NUMERIC") or os.environ.get("LANG") or ""
    with contextlib.suppress(ValueError):
        return locale.getlocale()[0] or ""
    return ""


def export_products(catalog: Catalog, path: Path, locale_name: str | None = None) -> ExportSummary:
    rows, products, variants, unlinked = _rows(catalog)
    workbook = path.suffix.lower() == ".xlsx"
    delimiter, decimal = (None, None) if workbook else spreadsheet_convention(locale_name)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if workbook:
            _write_workbook(tmp, rows)
        else:
            assert delimiter is not None and decimal is not None
            _write_csv(tmp, rows, delimiter, decimal)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise ExportError(_("{path} cannot be written ({reason}).").format(path=path, reason=exc.strerror or exc),
                          _("If it is open in your spreadsheet, close it there; otherwise choose a folder you can write to."),
                          str(exc)) from exc
    except OSError as exc:
        if exc.errno == 28:
            raise StorageError(_("The disk holding {folder} is full: the export cannot be written.").format(folder=path.parent),
                               _("Free some space there, or export to another disk."), str(exc)) from exc
        raise ExportError(_("{path} cannot be written ({reason}).").format(path=path, reason=exc.strerror or exc),
                          _("Choose another file name or folder."), str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return ExportSummary(str(path), len(rows), products, variants, unlinked, delimiter, decimal)


def _rows(catalog: Catalog) -> tuple[list[list[Any]], int, int, int]:
    """The sheet's rows as typed values (numbers as numbers), and the counts of products, variants and unlinked photos."""
    store = catalog.products
    products = store.products()
    ids = [product.id for product in products]
    variants = store.variants(ids, include_discontinued=True)
    photos = store.photo_paths(ids)
    photo_items = store.photos(ids)
    firsts = {product_id: items[0] for product_id, items in photo_items.items()}
    tags = catalog.store.items_by_id(list(firsts.values())) if firsts else {}
    rows: list[list[Any]] = []
    count = 0
    for product in products:
        first = tags.get(firsts.get(product.id, -1))
        for variant in variants.get(product.id) or [None]:
            rows.append(_product_row(product, variant, photos.get(product.id, []), first))
            count += variant is not None
    linked = {item for items in photo_items.values() for item in items}
    unlinked = [row for row in catalog.store.items() if row.id not in linked]
    for item in unlinked:
        rows.append(["", "", "", "", "", "", "", "", "", None, None, None, "", "", "", item.path, item.category or "",
                     item.category_source or "", item.color or ""])
    return rows, len(products), count, len(unlinked)


def _product_row(product: Product, variant: Variant | None, photos: Sequence[str], first: ItemRow | None) -> list[Any]:
    in_stock = variant.in_stock if variant is not None else product.in_stock
    return [
        product.handle, (variant.sku or "") if variant else "", product.name, product.vendor, product.product_type,
        product.category or "", ", ".join(product.tags), (variant.size or "") if variant else "", (variant.color or "") if variant else "",
        variant.price if variant else product.min_price, variant.compare_at_price if variant else None,
        variant.stock if variant else product.stock, product.currency, "yes" if in_stock else "no",
        "yes" if product.discontinued or (variant is not None and variant.availability == 0) else "no",
        " | ".join(photos), (first.category or "") if first else "", (first.category_source or "") if first else "",
        (first.color or "") if first else "",
    ]


def _cells(row: Sequence[Any], decimal: str) -> Iterator[str]:
    for value in row:
        if value is None:
            yield ""
        elif isinstance(value, float):
            text = f"{value:.2f}" if abs(value - round(value, 2)) < 1e-9 else f"{value:.4f}".rstrip("0")
            yield text.replace(".", decimal)
        else:
            yield str(value)


def _write_csv(path: Path, rows: Sequence[Sequence[Any]], delimiter: str, decimal: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(_cells(row, decimal) for row in rows)


def _write_workbook(path: Path, rows: Sequence[Sequence[Any]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Products")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
