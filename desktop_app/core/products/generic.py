"""A generic product list: one row per SKU (a variant), its columns named by their headers or by `--map`.

The SKU is the key: a row without one, or with one another row already has, is a bad row. Rows are grouped
into products by a product column (`handle`: Modelo, Parent SKU, Product ID…) when there is one, else by
name, so the sizes S, M and L of one jacket on three rows are one product with three variants and one set of
photos; with neither, each SKU is a product. A row that names no product at all (no SKU, name, handle, price
or stock), such as a photo listed without a product in an export, is passed over.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.products.numbers import currency_in, decimal_mark
from desktop_app.core.products.reading import Table
from desktop_app.core.products.records import BadRow, Parsed, RowProblems, html_to_text, image_ref, slug, split_references, split_tags
from desktop_app.core.store.product_store import ImageRef, ProductRecord, VariantRecord

_CANCEL_EVERY = 2000
_PRODUCT_FIELDS = ("sku", "handle", "name", "price", "stock")


@dataclass
class _Product:
    handle: str
    name: str
    vendor: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    body: str = ""
    currency: str | None = None
    variants: list[VariantRecord] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)


class _Cells:
    def __init__(self, headers: Sequence[str], mapping: Mapping[str, str]) -> None:
        self.index = {f: headers.index(column) for column, f in mapping.items()}
        self.headers = {f: column for column, f in mapping.items()}

    def get(self, cells: Sequence[str], name: str) -> str:
        i = self.index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def parse_generic(table: Table, mapping: Mapping[str, str], currency: str, cancel: CancelToken | None = None) -> Parsed:
    cells_of = _Cells(table.headers, mapping)
    header_currency = next((c for f in ("price", "compare_at_price") if f in cells_of.headers
                            and (c := currency_in(cells_of.headers[f]))), None)
    default_decimal = "," if table.delimiter == ";" else "."
    decimal = table.decimal or decimal_mark(
        (value for f in ("price", "compare_at_price") if f in cells_of.index for value in table.column(cells_of.index[f])),
        default_decimal)
    stock_decimal = table.decimal or (decimal if "price" in cells_of.index else default_decimal)
    group_by = "handle" if "handle" in mapping.values() else "name" if "name" in mapping.values() else "sku"
    products: dict[str, _Product] = {}
    sku_lines: dict[str, int] = {}
    bad: list[BadRow] = []
    rows = 0
    for n, row in enumerate(table.rows):
        if cancel is not None and n % _CANCEL_EVERY == 0:
            cancel.check()
        get = functools.partial(cells_of.get, row.cells)
        if not any(get(name) for name in _PRODUCT_FIELDS):
            continue
        rows += 1
        problems = RowProblems()
        sku = get("sku")
        if not sku:
            problems.add(_("missing SKU"))
        elif sku.lower() in sku_lines:
            problems.add(_("SKU {sku} is also on line {line}").format(sku=sku, line=sku_lines[sku.lower()]))
        price, price_currency = problems.price(get("price"), cells_of.headers.get("price", "price"), decimal)
        compare, _currency = problems.price(get("compare_at_price"), cells_of.headers.get("compare_at_price", "compare-at price"), decimal)
        stock = problems.stock(get("stock"), cells_of.headers.get("stock", "stock"), stock_decimal)
        if problems.reasons:
            bad.append(BadRow(row.line, "; ".join(problems.reasons)))
            continue
        sku_lines[sku.lower()] = row.line
        name = get("name") or get("handle") or sku
        key = {"handle": get("handle"), "name": name, "sku": sku}[group_by] or sku
        handle = get("handle") or (slug(name) if group_by == "name" else sku)
        product = products.get(key.lower())
        if product is None:
            product = products[key.lower()] = _Product(handle, name)
        _fill(product, get, price_currency or header_currency)
        size, color = get("size") or None, get("color") or None
        options = {label: value for label, value in ((cells_of.headers.get("size"), size), (cells_of.headers.get("color"), color))
                   if label and value}
        product.variants.append(VariantRecord(sku, sku, len(product.variants) + 1, options, size, color, price, compare, stock))
        for reference in split_references(get("photo")):
            if all(image.reference != reference for image in product.images):
                product.images.append(image_ref(reference, len(product.images) + 1, sku))
    records = [ProductRecord(handle=p.handle, name=p.name, vendor=p.vendor, product_type=p.category, tags=p.tags, body=p.body,
                             currency=p.currency or currency, variants=tuple(p.variants), images=tuple(p.images))
               for p in products.values()]
    return Parsed("generic", records, bad, dict(mapping), rows=rows)


def _fill(product: _Product, get: Callable[[str], str], currency: str | None) -> None:
    """The product's fields from its first row that has them."""
    product.vendor = product.vendor or get("vendor")
    product.category = product.category or get("category")
    product.tags = product.tags or split_tags(get("tags"))
    product.body = product.body or html_to_text(get("body"))
    product.currency = product.currency or (get("currency").upper() or None) or currency
