"""The shop's products in the catalog file: products, their variants, the photos that show them, the shop's categories.

The layout is migrations/0006_products.sql; this module is the only code that reads or writes it. Imports
(core/products) hand it whole records and it keeps, per product, a summary of its live variants (price
range, stock, sizes, availability), so that cards read one row and the filters of search are index range
scans: `offer_subquery` gives the item ids of photos whose product has a variant matching a filter, as SQL to
join with the tag filters, and `offer_item_ids` runs it. Writes are meant to be grouped by the caller in one
`db.transaction`, as an import is all or nothing.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

from desktop_app.core.store import db
from desktop_app.core.store.catalog_store import from_db_path

Availability = Literal[0, 1, 2]
DISCONTINUED, SOLD_OUT, IN_STOCK = 0, 1, 2
MatchedBy = Literal["image", "path", "sku"]
Origin = Literal["import", "user"]
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

# Words shops write for a size, as filters compare them (after accents are stripped and letters upper-cased).
_SIZE_PREFIXES = re.compile(r"^(TALLA|TALLE|TALL|SIZE|TAILLE|GROSSE|GROESSE|NUMERO|NO|NR|T|SZ|EU|EUR|ES|IT|FR|UK|US)[\s.:#-]*(?=\S)")
ONE_SIZE = "ONESIZE"  # the size_key of "talla única", "one size", "TU": fits whoever asks for a size
_SIZE_WORDS = {
    "XXSMALL": "XXS", "EXTRASMALL": "XS", "XSMALL": "XS", "SMALL": "S", "MEDIUM": "M", "LARGE": "L", "EXTRALARGE": "XL",
    "XLARGE": "XL", "XXLARGE": "XXL", "2XL": "XXL", "3XL": "XXXL", "XXXL": "XXXL", "2XS": "XXS",
    "CH": "S", "CHICA": "S", "CHICO": "S", "PEQUENA": "S", "PEQUENO": "S", "P": "S", "MEDIANA": "M", "MEDIANO": "M",
    "G": "L", "GRANDE": "L", "EG": "XL", "XG": "XL", "EXTRAGRANDE": "XL",
    "U": "ONESIZE", "UNICA": "ONESIZE", "TALLAUNICA": "ONESIZE", "TU": "ONESIZE", "ONESIZE": "ONESIZE", "OS": "ONESIZE",
    "OSFA": "ONESIZE", "UNITALLA": "ONESIZE", "UNICO": "ONESIZE",
}


@functools.lru_cache(maxsize=4096)  # a shop has a few dozen sizes, written on thousands of variants
def size_key(size: str) -> str:
    """A size as the filters compare it: 'talla m' -> 'M', 'Medium' -> 'M', 'EU 38' -> '38', '38,5' -> '38.5',
    'Talla única' -> 'ONESIZE'. The import stores it beside the size as written; a search normalises its size alike."""
    text = unicodedata.normalize("NFKD", size)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper().strip()
    if _SIZE_WORDS.get(re.sub(r"[\s.\-_]+", "", text)) == ONE_SIZE:  # 'Talla única' is one size, not size 'UNICA'
        return ONE_SIZE
    text = _SIZE_PREFIXES.sub("", text)
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    compact = re.sub(r"[\s\-_]+", "", text)
    if not re.fullmatch(r"\d+(\.\d+)?", compact):
        compact = compact.replace(".", "")
    return _SIZE_WORDS.get(compact, compact)


# -- what an import writes (named tuples, not dataclasses: an import makes 100,000 of them) -------------------
class VariantRecord(NamedTuple):
    key: str  # the SKU, or the option values when a Shopify variant has no SKU
    sku: str | None
    position: int
    options: dict[str, str] = {}  # noqa: RUF012 - as named in the file: {"Size": "M", "Color": "Red"}; never changed
    size: str | None = None
    color: str | None = None
    price: float | None = None
    compare_at_price: float | None = None
    stock: int | None = None  # None: not tracked, so always available

    @property
    def availability(self) -> Availability:
        return IN_STOCK if self.stock is None or self.stock > 0 else SOLD_OUT


class ImageRef(NamedTuple):
    """A photo the file names for a product: a URL (Image Src, Variant Image) or a path (a photo column)."""

    reference: str
    file_name: str  # the last part, lower case: what indexed photos are matched on
    position: int
    kind: Literal["image", "path"]
    variant_key: str | None = None


@dataclass(frozen=True)
class ProductRecord:
    handle: str
    name: str
    vendor: str = ""
    product_type: str = ""
    shop_category: str = ""
    category: str | None = None  # the vocabulary's name for it, decided by the import
    tags: tuple[str, ...] = ()
    body: str = ""
    currency: str = "EUR"
    variants: tuple[VariantRecord, ...] = ()
    images: tuple[ImageRef, ...] = ()
    discontinued: bool = False  # the file itself says so (Shopify's Status 'archived')


class VariantKey(NamedTuple):
    product_id: int
    variant_id: int
    sku: str | None
    handle: str
    on_sale: bool
    key: str


class PhotoLink(NamedTuple):
    item_id: int
    product_id: int
    position: int
    matched_by: MatchedBy
    variant_id: int | None = None


# -- what reads return --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    id: int
    product_id: int
    sku: str | None
    options: dict[str, str]
    size: str | None
    color: str | None
    price: float | None
    compare_at_price: float | None
    stock: int | None
    availability: Availability

    @property
    def in_stock(self) -> bool:
        return self.availability == IN_STOCK


@dataclass(frozen=True)
class Product:
    id: int
    handle: str
    name: str
    vendor: str
    product_type: str
    shop_category: str
    category: str | None
    category_source: Origin
    tags: tuple[str, ...]
    body: str
    currency: str
    availability: Availability
    min_price: float | None
    max_price: float | None
    stock: int | None  # over tracked live variants; None when none is tracked
    sizes: tuple[str, ...]  # of live variants, as written, in the file's order
    colors: tuple[str, ...]
    first_imported_at: str
    imported_at: str
    discontinued_at: str | None

    @property
    def in_stock(self) -> bool:
        return self.availability == IN_STOCK

    @property
    def discontinued(self) -> bool:
        return self.availability == DISCONTINUED

    @property
    def sku(self) -> str:
        """The product's reference for a person: its handle (Shopify's, or a generic file's product column or SKU)."""
        return self.handle

    def to_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle, "name": self.name, "vendor": self.vendor, "type": self.product_type,
            "category": self.category, "tags": list(self.tags), "currency": self.currency,
            "price": self.min_price, "max_price": self.max_price, "sizes": list(self.sizes), "colors": list(self.colors),
            "stock": self.stock, "in_stock": self.in_stock, "discontinued": self.discontinued,
        }


@dataclass(frozen=True)
class ItemProduct:
    """The product a photo shows, and where the photo stands among its photos."""

    item_id: int
    product: Product
    position: int
    variant_id: int | None
    matched_by: MatchedBy


@dataclass(frozen=True)
class OfferFilter:
    """What a shopper can afford and wear: a product matches when one of its variants meets every condition."""

    in_stock: bool = False
    min_price: float | None = None
    max_price: float | None = None
    sizes: tuple[str, ...] = ()  # any of these, compared by size_key
    one_size_fits: bool = False  # with sizes: a variant without a size, or one size (a bag, a scarf), fits as well

    @property
    def active(self) -> bool:
        return self.in_stock or self.min_price is not None or self.max_price is not None or bool(self.sizes)


@dataclass(frozen=True)
class ShopCategory:
    name: str
    phrase: str  # "a photo of {phrase}" is its zero-shot prompt
    synonyms: tuple[str, ...] = ()  # English
    synonyms_es: tuple[str, ...] = ()
    origin: Origin = "user"


@dataclass(frozen=True)
class ProductCounts:
    products: int  # not discontinued
    discontinued: int
    variants: int  # of products not discontinued
    photos_linked: int
    products_without_photo: int  # not discontinued, no photo linked
    photos_without_product: int  # indexed photos no product claims


@dataclass(frozen=True)
class UpsertResult:
    ids: dict[str, int]  # handle -> product id
    new: int
    updated: int


def _variant(row: Sequence[Any]) -> Variant:
    return Variant(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6], row[7], row[8], row[9])


_VARIANT_SELECT = ("SELECT id, product_id, sku, options, size, color, price, compare_at_price, stock, availability"
                   " FROM product_variants")
_PRODUCT_COLUMNS = ("id, handle, name, vendor, product_type, shop_category, category, category_source, tags, body, currency,"
                    " availability, min_price, max_price, stock, sizes, colors, first_imported_at, imported_at, discontinued_at")


def _product(row: Sequence[Any]) -> Product:
    return Product(*row[:8], tuple(json.loads(row[8])), *row[9:15], tuple(json.loads(row[15])), tuple(json.loads(row[16])),
                   *row[17:20])


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


_CHUNK = 900  # ids per statement: under the 999 variables of SQLite builds older than 3.32


def _rows_for(conn: db.Connection, sql: str, ids: Iterable[int]) -> Iterator[Sequence[Any]]:
    """Rows of `sql` (with `{ids}` where the id list goes) for any number of ids, a chunk of them per statement."""
    chosen = sorted({int(i) for i in ids})
    for start in range(0, len(chosen), _CHUNK):
        chunk = chosen[start : start + _CHUNK]
        yield from conn.execute(sql.format(ids=_marks(chunk)), chunk)


class ProductStore:
    """Reads and writes the product tables on a connection opened by `db.connect` (which applied migration 0006)."""

    def __init__(self, conn: db.Connection) -> None:
        self.conn = conn

    # -- imports ----------------------------------------------------------------------------------
    def start_import(self, file: str, file_format: Literal["shopify", "generic"]) -> int:
        cursor = self.conn.execute("INSERT INTO product_imports(file, format) VALUES (?, ?)", (file, file_format))
        return int(cursor.lastrowid)

    def finish_import(self, import_id: int, products: int, variants: int) -> None:
        self.conn.execute("UPDATE product_imports SET products = ?, variants = ? WHERE id = ?", (products, variants, import_id))

    def last_import(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT id, file, format, products, variants, at FROM product_imports ORDER BY id DESC LIMIT 1"
                                ).fetchone()
        return None if row is None else dict(zip(("id", "file", "format", "products", "variants", "at"), row, strict=True))

    def upsert(self, records: Sequence[ProductRecord], import_id: int) -> UpsertResult:
        """Insert or update products by handle and their variants by key, with their summaries and photo references.

        A category the user chose for a product is kept; a variant the file no longer lists is marked discontinued
        (see `discontinue_missing` for whole products).
        """
        known = {str(r[0]) for r in self.conn.execute("SELECT handle FROM products")}
        self.conn.executemany(
            "INSERT INTO products(handle, name, vendor, product_type, shop_category, category, tags, body, currency, availability,"
            " min_price, max_price, stock_min_price, stock_max_price, stock, sizes, colors, images, import_id, discontinued_at)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ?10 = 0 THEN {_NOW} END)"
            " ON CONFLICT(handle) DO UPDATE SET name = excluded.name, vendor = excluded.vendor,"
            " product_type = excluded.product_type, shop_category = excluded.shop_category,"
            " category = CASE WHEN products.category_source = 'user' THEN products.category ELSE excluded.category END,"
            " tags = excluded.tags, body = excluded.body, currency = excluded.currency, availability = excluded.availability,"
            " min_price = excluded.min_price, max_price = excluded.max_price, stock_min_price = excluded.stock_min_price,"
            " stock_max_price = excluded.stock_max_price, stock = excluded.stock, sizes = excluded.sizes,"
            f" colors = excluded.colors, images = excluded.images, import_id = excluded.import_id, imported_at = {_NOW},"
            f" discontinued_at = CASE WHEN excluded.availability = 0 THEN COALESCE(products.discontinued_at, {_NOW}) END",
            (_product_row(record, import_id) for record in records),
        )
        ids = {str(r[1]): int(r[0]) for r in self.conn.execute("SELECT id, handle FROM products WHERE import_id = ?", (import_id,))}
        options_json: dict[tuple[tuple[str, str], ...], str] = {}  # a shop has few combinations of option names and values
        self.conn.executemany(
            "INSERT INTO product_variants(product_id, variant_key, sku, position, options, size, size_key, color, price,"
            " compare_at_price, stock, availability, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(product_id, variant_key) DO UPDATE SET sku = excluded.sku, position = excluded.position,"
            " options = excluded.options, size = excluded.size, size_key = excluded.size_key, color = excluded.color,"
            " price = excluded.price, compare_at_price = excluded.compare_at_price, stock = excluded.stock,"
            " availability = excluded.availability, import_id = excluded.import_id",
            ((ids[record.handle], v.key, v.sku, v.position, _options_json(v.options, options_json), v.size,
              size_key(v.size) if v.size else None, v.color, v.price, v.compare_at_price, v.stock,
              DISCONTINUED if record.discontinued else v.availability, import_id)
             for record in records for v in record.variants),
        )
        # Variants the file no longer lists, of products it does list: kept, off sale.
        self.conn.execute("UPDATE product_variants SET availability = 0 WHERE import_id IS NOT ? AND product_id IN"
                          " (SELECT id FROM products WHERE import_id = ?)", (import_id, import_id))
        new = sum(1 for record in records if record.handle not in known)
        return UpsertResult(ids, new, len(records) - new)

    def discontinue_missing(self, import_id: int) -> list[str]:
        """Products an earlier import listed and this one does not: kept, with their photos, marked discontinued.
        Returns their handles."""
        handles = [str(r[0]) for r in self.conn.execute(
            "SELECT handle FROM products WHERE import_id IS NOT ? AND availability != 0 ORDER BY handle", (import_id,))]
        self.conn.execute(f"UPDATE products SET availability = 0, discontinued_at = {_NOW} WHERE import_id IS NOT ? AND availability != 0",
                          (import_id,))
        self.conn.execute("UPDATE product_variants SET availability = 0 WHERE product_id IN"
                          " (SELECT id FROM products WHERE import_id IS NOT ?)", (import_id,))
        return handles

    def image_refs(self) -> list[tuple[int, ImageRef]]:
        """(product id, reference) of every product, those on sale first, each in position order: what photo linking
        matches (a discontinued product keeps its photos, unless a product on sale claims them)."""
        rows = self.conn.execute("SELECT id, images FROM products WHERE images != '[]' ORDER BY availability = 0, id")
        return [(int(product_id), ImageRef(*image)) for product_id, images in rows for image in json.loads(images)]

    def variant_keys(self) -> list[VariantKey]:
        """Every variant, those on sale first, for linking: by SKU in a photo's name, and by key for a Variant Image."""
        rows = self.conn.execute("SELECT v.product_id, v.id, v.sku, p.handle, p.availability != 0, v.variant_key FROM product_variants v"
                                 " JOIN products p ON p.id = v.product_id ORDER BY p.availability = 0, v.product_id, v.position")
        return [VariantKey(*row) for row in rows]

    def category_and_colors(self) -> dict[int, tuple[str | None, list[str]]]:
        """product id -> (its category, its colours as written): what its photos are tagged with."""
        return {int(r[0]): (r[1], json.loads(r[2])) for r in self.conn.execute("SELECT id, category, colors FROM products")}

    def variant_colors(self, variant_ids: Sequence[int]) -> dict[int, str]:
        if not variant_ids:
            return {}
        rows = _rows_for(self.conn, "SELECT id, color FROM product_variants WHERE id IN ({ids}) AND color IS NOT NULL", variant_ids)
        return {int(r[0]): str(r[1]) for r in rows}

    # -- photos -----------------------------------------------------------------------------------
    def item_paths(self) -> list[tuple[int, str]]:
        """(item id, path) of every indexed photo: what linking matches names against."""
        return [(int(r[0]), from_db_path(r[1])) for r in self.conn.execute("SELECT id, path FROM items")]

    def linked_tags(self) -> dict[tuple[int, str], tuple[str, str]]:
        """(item id, kind) -> (value, source) of the linked photos' tags: which a product's words may still change."""
        rows = self.conn.execute("SELECT t.item_id, t.kind, t.value, t.source FROM tags t JOIN product_photos p ON p.item_id = t.item_id")
        return {(int(r[0]), str(r[1])): (str(r[2]), str(r[3])) for r in rows}

    def links(self) -> dict[int, PhotoLink]:
        """item id -> its link, for every linked photo."""
        rows = self.conn.execute("SELECT item_id, product_id, position, matched_by, variant_id FROM product_photos")
        return {int(r[0]): PhotoLink(int(r[0]), int(r[1]), int(r[2]), r[3], r[4]) for r in rows}

    def replace_links(self, links: Iterable[PhotoLink]) -> tuple[list[int], list[int]]:
        """Make these the photo links, replacing all others; returns (item ids newly linked or moved, item ids unlinked).

        A photo unlinked keeps its category and colour, no longer as its product's word but as a guess that
        indexing may revise.
        """
        wanted = {link.item_id: link for link in links}
        current = self.links()
        gone = [item_id for item_id in current if item_id not in wanted]
        changed = [item_id for item_id, link in wanted.items() if current.get(item_id) != link]
        self.conn.executemany("DELETE FROM product_photos WHERE item_id = ?", ((item_id,) for item_id in gone))
        self.conn.executemany(
            "INSERT INTO product_photos(item_id, product_id, variant_id, position, matched_by) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(item_id) DO UPDATE SET product_id = excluded.product_id, variant_id = excluded.variant_id,"
            " position = excluded.position, matched_by = excluded.matched_by",
            ((wanted[i].item_id, wanted[i].product_id, wanted[i].variant_id, wanted[i].position, wanted[i].matched_by)
             for i in changed),
        )
        self.conn.executemany("UPDATE tags SET source = 'auto', score = NULL WHERE item_id = ? AND source = 'product'",
                              ((item_id,) for item_id in gone))
        return changed, gone

    # -- reads for search, the assistant and the window --------------------------------------------
    def get(self, handle: str) -> Product | None:
        row = self.conn.execute(f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE handle = ?", (handle,)).fetchone()
        return None if row is None else _product(row)

    def products(self, include_discontinued: bool = True) -> list[Product]:
        where = "" if include_discontinued else " WHERE availability != 0"
        return [_product(r) for r in self.conn.execute(f"SELECT {_PRODUCT_COLUMNS} FROM products{where} ORDER BY handle")]

    def products_by_id(self, product_ids: Sequence[int]) -> dict[int, Product]:
        if not product_ids:
            return {}
        rows = _rows_for(self.conn, f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE id IN ({{ids}})", product_ids)
        return {int(r[0]): _product(r) for r in rows}

    def variants(self, product_ids: Sequence[int], include_discontinued: bool = False) -> dict[int, list[Variant]]:
        """product id -> its variants in the file's order (only those on sale unless asked)."""
        if not product_ids:
            return {}
        live = "" if include_discontinued else " AND availability != 0"
        rows = _rows_for(self.conn, f"{_VARIANT_SELECT} WHERE product_id IN ({{ids}}){live} ORDER BY product_id, position", product_ids)
        found: dict[int, list[Variant]] = {}
        for row in rows:
            found.setdefault(int(row[1]), []).append(_variant(row))
        return found

    def for_items(self, item_ids: Sequence[int]) -> dict[int, ItemProduct]:
        """item id -> the product its photo shows, for the photos that have one: a search hit's name, price, sizes."""
        if not item_ids:
            return {}
        rows = list(_rows_for(self.conn, "SELECT item_id, position, variant_id, matched_by, product_id FROM product_photos"
                                         " WHERE item_id IN ({ids})", item_ids))
        products = self.products_by_id(sorted({int(r[4]) for r in rows}))
        return {int(r[0]): ItemProduct(int(r[0]), products[int(r[4])], int(r[1]), r[2], r[3]) for r in rows}

    def photos(self, product_ids: Sequence[int]) -> dict[int, list[int]]:
        """product id -> its photos' item ids, first photo first: 'the others a click away'."""
        return {product: [int(item) for item in items] for product, items in self._photos_by_product("pp.item_id", product_ids).items()}

    def photo_paths(self, product_ids: Sequence[int]) -> dict[int, list[str]]:
        """product id -> its photos' paths, first photo first."""
        found = self._photos_by_product("items.path", product_ids)
        return {product: [from_db_path(path) for path in paths] for product, paths in found.items()}

    def _photos_by_product(self, column: str, product_ids: Sequence[int]) -> dict[int, list[Any]]:
        """product id -> `column` of its photos (product_photos as pp, joined with items), in the products' photo order."""
        if not product_ids:
            return {}
        rows = _rows_for(self.conn, f"SELECT pp.product_id, {column} FROM product_photos pp JOIN items ON items.id = pp.item_id"
                                    " WHERE pp.product_id IN ({ids}) ORDER BY pp.product_id, pp.position, pp.item_id", product_ids)
        found: dict[int, list[Any]] = {}
        for product_id, value in rows:
            found.setdefault(int(product_id), []).append(value)
        return found

    def refresh_photo_offers(self) -> None:
        """Copy each product's offer onto its photos' rows (migrations/0006): after any write to products or links."""
        self.conn.execute(
            "UPDATE product_photos SET (availability, min_price, max_price, stock_min_price, stock_max_price) = (SELECT"
            " availability, min_price, max_price, stock_min_price, stock_max_price FROM products WHERE id = product_photos.product_id)")

    def offer_subquery(self, offer: OfferFilter) -> tuple[str, list[Any]]:
        """SQL selecting `item_id` of the photos whose product has a variant meeting `offer`, and its arguments.

        It composes with the tag filters as one more joined set (as catalog_store's `filtered_item_ids` joins its own).
        In stock, under a price or over one: a range scan of one of product_photos' offer indexes (a product's lowest
        in-stock price is under 50 exactly when one of its variants in stock is). A size, or a price range with both
        ends, needs one variant meeting every condition: product_variants' (size_key, availability, price) or
        (availability, price) index, joined. Discontinued products never match; photos without a product never do.
        """
        on_sale = "availability = 2" if offer.in_stock else "availability IN (1, 2)"
        if not offer.sizes and (offer.min_price is None or offer.max_price is None):
            low, high = ("stock_min_price", "stock_max_price") if offer.in_stock else ("min_price", "max_price")
            if offer.max_price is not None:
                return f"SELECT item_id FROM product_photos WHERE {on_sale} AND {low} <= ?", [float(offer.max_price)]
            if offer.min_price is not None:
                return f"SELECT item_id FROM product_photos WHERE {on_sale} AND {high} >= ?", [float(offer.min_price)]
            return f"SELECT item_id FROM product_photos WHERE {on_sale}", []
        conditions = [on_sale]
        args: list[Any] = []
        if offer.sizes:
            keys = sorted({size_key(size) for size in offer.sizes} | ({ONE_SIZE} if offer.one_size_fits else set()))
            sized = f"size_key IN ({_marks(keys)})"
            conditions.insert(0, f"({sized} OR size_key IS NULL)" if offer.one_size_fits else sized)
            args.extend(keys)
        if offer.min_price is not None:
            conditions.append("price >= ?")
            args.append(float(offer.min_price))
        if offer.max_price is not None:
            conditions.append("price <= ?")
            args.append(float(offer.max_price))
        variants = f"SELECT product_id FROM product_variants WHERE {' AND '.join(conditions)}"
        return f"SELECT item_id FROM product_photos WHERE product_id IN ({variants})", args

    def offer_item_ids(self, offer: OfferFilter) -> np.ndarray:
        """The item ids `offer_subquery` selects, as numpy int64 (group_concat parsed by numpy, as catalog_store does)."""
        sql, args = self.offer_subquery(offer)
        (text,) = self.conn.execute(f"SELECT group_concat(item_id) FROM ({sql})", args).fetchone()
        return np.fromstring(text or "", dtype=np.int64, sep=",")

    def sizes(self) -> list[str]:
        """Every size on sale, as filters compare them (size_key), for the window's size filter."""
        return [str(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT size_key FROM product_variants WHERE size_key IS NOT NULL AND availability != 0 ORDER BY size_key")]

    def counts(self) -> ProductCounts:
        row = self.conn.execute(
            "SELECT (SELECT COUNT(*) FROM products WHERE availability != 0), (SELECT COUNT(*) FROM products WHERE availability = 0),"
            " (SELECT COUNT(*) FROM product_variants WHERE availability != 0), (SELECT COUNT(*) FROM product_photos),"
            " (SELECT COUNT(*) FROM products WHERE availability != 0 AND id NOT IN (SELECT product_id FROM product_photos)),"
            " (SELECT COUNT(*) FROM items WHERE id NOT IN (SELECT item_id FROM product_photos))").fetchone()
        return ProductCounts(*(int(value) for value in row))

    def handles_without_photo(self, limit: int) -> list[str]:
        return [str(r[0]) for r in self.conn.execute(
            "SELECT handle FROM products WHERE availability != 0 AND id NOT IN (SELECT product_id FROM product_photos)"
            " ORDER BY handle LIMIT ?", (limit,))]

    def paths_without_product(self, limit: int) -> list[str]:
        return [from_db_path(r[0]) for r in self.conn.execute(
            "SELECT path FROM items WHERE id NOT IN (SELECT item_id FROM product_photos) ORDER BY path LIMIT ?", (limit,))]

    # -- the user's corrections --------------------------------------------------------------------
    def correct_category(self, product_id: int, category: str) -> None:
        """The user's category for a product: re-imports keep it."""
        self.conn.execute("UPDATE products SET category = ?, category_source = 'user' WHERE id = ?", (category, product_id))

    def set_import_categories(self, moves: Iterable[tuple[int, str]]) -> None:
        """(product id, category) pairs decided again from the products' own Type; a user's choice is never replaced."""
        self.conn.executemany("UPDATE products SET category = ? WHERE id = ? AND category_source = 'import'",
                              ((category, product_id) for product_id, category in moves))

    # -- the shop's categories ---------------------------------------------------------------------
    def shop_categories(self) -> list[ShopCategory]:
        rows = self.conn.execute("SELECT name, phrase, synonyms, synonyms_es, origin FROM shop_categories ORDER BY name")
        return [ShopCategory(r[0], r[1], tuple(json.loads(r[2])), tuple(json.loads(r[3])), r[4]) for r in rows]

    def remove_category(self, name: str) -> None:
        self.conn.execute("DELETE FROM shop_categories WHERE name = ?", (name,))

    def put_category(self, category: ShopCategory) -> None:
        """Add a category, or replace one's phrase and words; a user's category never turns back into an import's."""
        self.conn.execute(
            "INSERT INTO shop_categories(name, phrase, synonyms, synonyms_es, origin) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET phrase = excluded.phrase, synonyms = excluded.synonyms,"
            " synonyms_es = excluded.synonyms_es,"
            " origin = CASE WHEN shop_categories.origin = 'user' THEN 'user' ELSE excluded.origin END",
            (category.name, category.phrase, json.dumps(list(category.synonyms), ensure_ascii=False),
             json.dumps(list(category.synonyms_es), ensure_ascii=False), category.origin),
        )


def _options_json(options: dict[str, str], known: dict[tuple[tuple[str, str], ...], str]) -> str:
    key = tuple(options.items())
    found = known.get(key)
    if found is None:
        found = known[key] = json.dumps(options, ensure_ascii=False)
    return found


def _product_row(record: ProductRecord, import_id: int) -> tuple[Any, ...]:
    live = list(record.variants)
    prices = [v.price for v in live if v.price is not None]
    stocked = [v.price for v in live if v.price is not None and v.availability == IN_STOCK]
    tracked = [v.stock for v in live if v.stock is not None]
    if record.discontinued:
        availability: int = DISCONTINUED
    else:
        availability = IN_STOCK if any(v.availability == IN_STOCK for v in live) or not live else SOLD_OUT
    sizes = list(dict.fromkeys(v.size for v in live if v.size))
    colors = list(dict.fromkeys(v.color for v in live if v.color))
    return (record.handle, record.name, record.vendor, record.product_type, record.shop_category, record.category,
            json.dumps(list(record.tags), ensure_ascii=False), record.body, record.currency, availability,
            min(prices) if prices else None, max(prices) if prices else None, min(stocked) if stocked else None,
            max(stocked) if stocked else None, sum(tracked) if tracked else None,
            json.dumps(sizes, ensure_ascii=False), json.dumps(colors, ensure_ascii=False),
            json.dumps([[i.reference, i.file_name, i.position, i.kind, i.variant_key] for i in record.images], ensure_ascii=False),
            import_id)
