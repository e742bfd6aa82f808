"""Shopify's product CSV export, read as Shopify writes it.

One row per variant or extra image, grouped by `Handle`: the first row of a handle carries the product
(Title, Body (HTML), Vendor, Type, Product Category, Tags, Option names) and its first variant; later rows
carry only a variant (Option values, Variant SKU, Price, Inventory) or only an image (Image Src, Image
Position). A product without options has one variant whose option is `Title` = `Default Title`. A variant
is known by its SKU, or by its option values where it has none, so re-importing updates it in place.
Inventory left untracked (an empty Variant Inventory Tracker) is "always available"; Status `archived`
marks a product discontinued. Older exports' `Custom Product Type` / `Standard Product Type` are read too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.products.numbers import decimal_mark
from desktop_app.core.products.reading import Table
from desktop_app.core.products.records import BadRow, Parsed, RowProblems, html_to_text, image_ref, option_kind, split_tags
from desktop_app.core.store.product_store import ImageRef, ProductRecord, VariantRecord

_DEFAULT_OPTION = ("title", "default title")
_CANCEL_EVERY = 2000


@dataclass
class _Product:
    handle: str
    line: int
    name: str = ""
    vendor: str = ""
    product_type: str = ""
    shop_category: str = ""
    tags: tuple[str, ...] = ()
    body: str = ""
    archived: bool = False
    option_names: list[str] = field(default_factory=list)
    option_kinds: list[str | None] = field(default_factory=list)
    variants: list[VariantRecord] = field(default_factory=list)
    variant_lines: dict[str, int] = field(default_factory=dict)
    images: list[ImageRef] = field(default_factory=list)
    described: bool = False


class _Columns:
    """Where each of Shopify's columns is in this export (older ones lack some or name them differently).

    A row's cells are stripped and padded once, with one empty cell more at the end, where every column the
    export lacks points (-1): reading a cell is then a list index, 60,000 rows times twenty cells.
    """

    def __init__(self, headers: Sequence[str]) -> None:
        self.width = len(headers)
        index = {header.strip().lower(): i for i, header in enumerate(headers)}
        self.has_tracker = "variant inventory tracker" in index

        def at(*names: str) -> int:
            return next((index[name] for name in names if name in index), -1)

        self.handle, self.title, self.vendor, self.tags, self.body = (at(n) for n in ("handle", "title", "vendor", "tags", "body (html)"))
        self.type = at("type", "custom product type")
        self.category = at("product category", "standard product type", "google shopping / google product category")
        self.status, self.image_src, self.image_position, self.variant_image = (
            at(n) for n in ("status", "image src", "image position", "variant image"))
        self.option_names = tuple(at(f"option{i} name") for i in (1, 2, 3))
        self.option_values = tuple(at(f"option{i} value") for i in (1, 2, 3))
        self.sku, self.price, self.compare, self.qty, self.tracker = (at(n) for n in (
            "variant sku", "variant price", "variant compare at price", "variant inventory qty", "variant inventory tracker"))
        self.variant_markers = (self.option_values[0], self.sku, self.price, self.qty)

    def cells(self, row: Sequence[str]) -> list[str]:
        cells = [cell.strip() for cell in row[: self.width]]
        cells.extend([""] * (self.width - len(cells) + 1))
        return cells


def parse_shopify(table: Table, currency: str, cancel: CancelToken | None = None) -> Parsed:
    at = _Columns(table.headers)
    decimal = table.decimal or decimal_mark(table.column(at.price) if at.price >= 0 else [], "," if table.delimiter == ";" else ".")
    products: dict[str, _Product] = {}
    bad: list[BadRow] = []
    for n, row in enumerate(table.rows):
        if cancel is not None and n % _CANCEL_EVERY == 0:
            cancel.check()
        cells = at.cells(row.cells)
        handle = cells[at.handle]
        if not handle:
            bad.append(BadRow(row.line, _("missing Handle")))
            continue
        product = products.get(handle)
        if product is None:
            product = products[handle] = _Product(handle, row.line)
        if not product.described and cells[at.title]:
            _describe(product, at, cells)
        problems = RowProblems()
        if cells[at.image_src]:
            _read_image(product, at, cells, problems)
        option, sku, price, qty = at.variant_markers
        if cells[option] or cells[sku] or cells[price] or cells[qty]:
            _read_variant(product, at, cells, row.line, decimal, problems)
        if problems.reasons:
            bad.append(BadRow(row.line, "; ".join(problems.reasons)))
    records = [_record(product, currency) for product in products.values()]
    return Parsed("shopify", records, bad, rows=len(table.rows))


def _describe(product: _Product, at: _Columns, cells: Sequence[str]) -> None:
    product.described = True
    product.name = cells[at.title]
    product.vendor = cells[at.vendor]
    product.product_type = cells[at.type]
    product.shop_category = cells[at.category]
    product.tags = split_tags(cells[at.tags])
    product.body = html_to_text(cells[at.body])
    product.archived = cells[at.status].lower() == "archived"
    product.option_names = [cells[i] for i in at.option_names]
    product.option_kinds = [option_kind(name) if name else None for name in product.option_names]


def _read_image(product: _Product, at: _Columns, cells: Sequence[str], problems: RowProblems) -> None:
    src = cells[at.image_src]
    position_text = cells[at.image_position]
    position = len(product.images) + 1
    if position_text:
        try:
            position = int(float(position_text.replace(",", ".")))
        except ValueError:
            problems.add(_("Image Position {value} is not a number").format(value=repr(position_text)))
    if all(image.reference != src for image in product.images):
        product.images.append(image_ref(src, position))


def _read_variant(product: _Product, at: _Columns, cells: Sequence[str], line: int, decimal: str, problems: RowProblems) -> None:
    options: dict[str, str] = {}
    size = color = None
    for i, (name, kind) in enumerate(zip(product.option_names, product.option_kinds, strict=True)):
        value = cells[at.option_values[i]]
        if not value or (name.lower(), value.lower()) == _DEFAULT_OPTION:
            continue
        options[name or f"Option{i + 1}"] = value
        if kind == "size" and size is None:
            size = value
        elif kind == "color" and color is None:
            color = value
    sku = cells[at.sku] or None
    price, _currency = problems.price(cells[at.price], "Variant Price", decimal)
    compare, _currency = problems.price(cells[at.compare], "Variant Compare At Price", decimal)
    stock = problems.stock(cells[at.qty], "Variant Inventory Qty", decimal)
    if at.has_tracker and not cells[at.tracker]:
        stock = None  # Shopify does not count this variant: it is always available
    key = sku or " / ".join(options.values()) or "default"
    if key in product.variant_lines:
        what = _("SKU {sku}").format(sku=sku) if sku else _("the variant {key}").format(key=repr(key))
        problems.add(_("{what} of {product} is also on line {line}").format(what=what, product=product.handle,
                                                                           line=product.variant_lines[key]))
    if problems.reasons:
        return
    product.variant_lines[key] = line
    product.variants.append(VariantRecord(key, sku, len(product.variants) + 1, options, size, color, price, compare, stock))
    if cells[at.variant_image]:
        product.images.append(image_ref(cells[at.variant_image], 10_000 + len(product.variants), key))


def _record(product: _Product, currency: str) -> ProductRecord:
    by_reference: dict[str, ImageRef] = {}
    for image in product.images:  # a Variant Image is usually one of the Image Src rows too: one photo, its variant known
        seen = by_reference.get(image.reference)
        by_reference[image.reference] = image if seen is None else seen._replace(
            position=min(seen.position, image.position), variant_key=seen.variant_key or image.variant_key)
    images = sorted(by_reference.values(), key=lambda image: image.position)
    return ProductRecord(
        handle=product.handle, name=product.name or product.handle, vendor=product.vendor, product_type=product.product_type,
        shop_category=product.shop_category, tags=product.tags, body=product.body, currency=currency,
        variants=tuple(product.variants), images=tuple(images), discontinued=product.archived,
    )
