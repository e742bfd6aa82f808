"""A small shop over the shared test photos: a Shopify export naming some of them, imported by the real importer.

Products with several photos, sizes in stock and sold out, prices that differ by size, one product sold out
altogether, one discontinued (archived) and one without sizes; the other photos belong to no product. Used by the search,
assistant and window tests of products.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.core.store.catalog import Catalog
from tests.search.conftest import Catalog as IndexedPhotos
from tests.search.conftest import indexed_copy_of_photos


@dataclass(frozen=True)
class Variant:
    size: str | None  # None: a product without sizes (Shopify's "Default Title" variant)
    sku: str
    price: float
    stock: int


@dataclass(frozen=True)
class Product:
    handle: str
    name: str
    type: str
    variants: tuple[Variant, ...]
    photos: tuple[str, ...]  # file names of shared photos, the first one the cover
    archived: bool = False


SHOP = (
    Product("tee-basic", "Basic tee", "T-Shirts",
            (Variant("S", "TEE-S", 15.0, 3), Variant("M", "TEE-M", 15.0, 0), Variant("L", "TEE-L", 18.0, 2)),
            ("10005.jpg", "10006.jpg")),
    Product("shirt-oxford", "Oxford shirt", "Shirts", (Variant("M", "OXF-M", 45.0, 5), Variant("L", "OXF-L", 45.0, 1)),
            ("10185.jpg", "10186.jpg")),
    Product("shirt-silk", "Silk shirt", "Shirts", (Variant("M", "SLK-M", 80.0, 0),), ("10255.jpg",)),
    Product("jeans-slim", "Slim jeans", "Pants",
            (Variant("38", "JNS-38", 60.0, 2), Variant("40", "JNS-40", 60.0, 0), Variant("42", "JNS-42", 65.0, 4)),
            ("10257.jpg", "10259.jpg", "10260.jpg")),
    Product("sneaker-white", "White sneakers", "Shoes", (Variant("42", "SNK-42", 90.0, 1), Variant("43", "SNK-43", 90.0, 0)),
            ("10037.jpg", "10039.jpg")),
    Product("jersey-old", "Old jersey", "Jersey", (Variant("M", "OLD-M", 30.0, 5),), ("10364.jpg",), archived=True),
    Product("loafers-canvas", "Canvas loafers", "Shoes", (Variant(None, "LOF-1", 30.0, 2),), ("10078.jpg",)),
)
LINKED = {photo: product for product in SHOP for photo in product.photos}  # a discontinued product keeps its photos
HEADERS = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Status", "Option1 Name", "Option1 Value", "Variant SKU",
           "Variant Price", "Variant Inventory Tracker", "Variant Inventory Qty", "Image Src", "Image Position"]


def write_shopify_csv(path: Path, shop: tuple[Product, ...] = SHOP) -> Path:
    """The shop as Shopify exports it: a row per variant (the first with the product), then a row per extra image."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADERS)
        writer.writeheader()
        for product in shop:
            for n, variant in enumerate(product.variants):
                row = {"Handle": product.handle, "Option1 Value": variant.size or "Default Title", "Variant SKU": variant.sku,
                       "Variant Price": f"{variant.price:.2f}", "Variant Inventory Tracker": "shopify",
                       "Variant Inventory Qty": str(variant.stock)}
                if n == 0:
                    row |= {"Title": product.name, "Body (HTML)": f"<p>Our {product.name.lower()}.</p>", "Vendor": "Test shop",
                            "Type": product.type, "Status": "archived" if product.archived else "active",
                            "Option1 Name": "Size" if variant.size else "Title",
                            "Image Src": f"https://cdn.example.com/files/{product.photos[0]}",
                            "Image Position": "1"}
                writer.writerow(row)
            for position, photo in enumerate(product.photos[1:], start=2):
                writer.writerow({"Handle": product.handle, "Image Src": f"https://cdn.example.com/files/{photo}",
                                 "Image Position": str(position)})
    return path


def import_shop(catalog: Catalog, folder: Path, shop: tuple[Product, ...] = SHOP) -> None:
    from desktop_app.core.products.importer import import_products

    report = import_products(catalog, write_shopify_csv(folder / "products_export.csv", shop))
    assert report.imported and report.products == len(shop), report
    assert report.photos_linked == sum(len(product.photos) for product in shop), report


def indexed_shop(name: str, tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexedPhotos:
    """The shared photos indexed with the stand-in model, and the shop imported over them."""
    built = indexed_copy_of_photos(name, tiny_blip2, product_photos, tmp_path_factory)
    with built.handle() as handle:
        import_shop(handle, built.photos.parent)
    return built
