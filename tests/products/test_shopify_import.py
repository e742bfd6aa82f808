"""Shopify's product export as it is: variants and extra image rows grouped by Handle, HTML bodies, photos by Image Src."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.products.importer import import_products
from desktop_app.core.store.catalog import Catalog
from tests.products.conftest import add_photos, run_json, shopify_row, write_shopify

CDN = "https://cdn.shopify.com/s/files/1/0533/2089/files"


def shop_file(path: Path) -> Path:
    return write_shopify(path, [
        shopify_row(handle="linen-shirt", title="Linen Shirt", body="<p>Light <strong>linen</strong>, for summer.</p>"
                    "<ul><li>100% linen</li><li>Made in Portugal &amp; dyed by hand</li></ul>", vendor="Atelier",
                    product_category="Apparel & Accessories > Clothing > Shirts & Tops", type="Shirts", tags="summer, linen",
                    option1_name="Size", option1_value="S", option2_name="Color", option2_value="White", variant_sku="LS-W-S",
                    variant_inventory_tracker="shopify", variant_inventory_qty="4", variant_price="39.90",
                    variant_compare_at_price="49.90", image_src=f"{CDN}/linen-front.jpg?v=1700000000", image_position="1",
                    variant_image=f"{CDN}/linen-front.jpg?v=1700000000", status="active"),
        shopify_row(handle="linen-shirt", option1_value="M", option2_value="White", variant_sku="LS-W-M",
                    variant_inventory_tracker="shopify", variant_inventory_qty="0", variant_price="39.90",
                    image_src=f"{CDN}/linen-back.jpg?v=1700000000", image_position="2"),
        shopify_row(handle="linen-shirt", option1_value="M", option2_value="Navy", variant_sku="LS-N-M",
                    variant_inventory_tracker="shopify", variant_inventory_qty="2", variant_price="42.00",
                    variant_image=f"{CDN}/linen-navy.jpg"),
        shopify_row(handle="linen-shirt", image_src=f"{CDN}/linen-model.jpg?v=1", image_position="3"),
        shopify_row(handle="wool-scarf", title="Wool Scarf", body="Warm &amp; soft", vendor="Atelier", type="Scarves",
                    option1_name="Title", option1_value="Default Title", variant_sku="SC-100", variant_price="25.00",
                    image_src=f"{CDN}/scarf.jpg", image_position="1", status="active"),
    ])


@pytest.fixture
def photos(catalog: Catalog, tmp_path: Path) -> dict[str, int]:
    shop = tmp_path / "photos"
    return add_photos(catalog, [shop / "shirts" / "linen-front.jpg", shop / "shirts" / "linen-back.JPG", shop / "linen-model.jpg",
                                shop / "linen-navy.jpg", shop / "scarves" / "scarf.png", shop / "unrelated.jpg"])


def test_variants_images_and_html_are_read_as_shopify_writes_them(catalog: Catalog, photos: dict[str, int], tmp_path: Path) -> None:
    report = import_products(catalog, shop_file(tmp_path / "products_export_1.csv"))
    assert (report.format, report.products, report.variants, report.bad_rows) == ("shopify", 2, 4, [])
    shirt = catalog.products.get("linen-shirt")
    assert shirt is not None
    assert (shirt.name, shirt.vendor, shirt.category, shirt.tags) == ("Linen Shirt", "Atelier", "shirt", ("summer", "linen"))
    assert shirt.body == "Light linen, for summer.\n- 100% linen\n- Made in Portugal & dyed by hand"
    assert (shirt.min_price, shirt.max_price, shirt.stock, shirt.sizes, shirt.in_stock) == (39.9, 42.0, 6, ("S", "M"), True)
    variants = catalog.products.variants([shirt.id])[shirt.id]
    assert [(v.sku, v.size, v.color, v.price, v.stock, v.in_stock) for v in variants] == [
        ("LS-W-S", "S", "White", 39.9, 4, True), ("LS-W-M", "M", "White", 39.9, 0, False), ("LS-N-M", "M", "Navy", 42.0, 2, True)]
    assert variants[0].compare_at_price == 49.9 and variants[0].options == {"Size": "S", "Color": "White"}
    scarf = catalog.products.get("wool-scarf")
    assert scarf is not None and scarf.body == "Warm & soft" and scarf.sizes == () and scarf.stock is None  # untracked: available
    assert scarf.in_stock and catalog.products.variants([scarf.id])[scarf.id][0].options == {}


def test_photos_are_linked_by_image_file_name_in_image_order(catalog: Catalog, photos: dict[str, int], tmp_path: Path) -> None:
    report = import_products(catalog, shop_file(tmp_path / "products_export_1.csv"))
    by_path = {Path(path).name: item for path, item in photos.items()}
    shirt, scarf = catalog.products.get("linen-shirt"), catalog.products.get("wool-scarf")
    assert shirt is not None and scarf is not None
    linked = catalog.products.photos([shirt.id, scarf.id])
    assert linked[shirt.id] == [by_path[name] for name in ("linen-front.jpg", "linen-back.JPG", "linen-model.jpg", "linen-navy.jpg")]
    assert linked[scarf.id] == [by_path["scarf.png"]]  # the CDN's scarf.jpg is the owner's scarf.png
    assert (report.photos_linked, report.products_without_photo, report.photos_without_product) == (5, 0, 1)
    hit = catalog.products.for_items([by_path["linen-navy.jpg"]])[by_path["linen-navy.jpg"]]
    navy = next(v for v in catalog.products.variants([shirt.id])[shirt.id] if v.sku == "LS-N-M")
    assert (hit.product.handle, hit.variant_id, hit.matched_by) == ("linen-shirt", navy.id, "image")
    tags = catalog.store.items_by_id(list(by_path.values()))
    assert (tags[by_path["linen-navy.jpg"]].category, tags[by_path["linen-navy.jpg"]].category_source) == ("shirt", "product")
    assert tags[by_path["linen-navy.jpg"]].color == "navy" and tags[by_path["linen-front.jpg"]].color == "white"
    assert tags[by_path["scarf.png"]].category == "scarves"  # a Type no word names became a category of the shop's
    assert (tags[by_path["unrelated.jpg"]].category, tags[by_path["unrelated.jpg"]].category_source) == ("t-shirt", "auto")


def test_cli_json_reports_what_the_issue_names(photos: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "products", "import", str(shop_file(tmp_path / "export.csv")))
    assert {key: report[key] for key in ("products", "variants", "photos_linked", "products_without_photo", "photos_without_product",
                                         "bad_rows", "imported", "format")} == {
        "products": 2, "variants": 4, "photos_linked": 5, "products_without_photo": 0, "photos_without_product": 1, "bad_rows": [],
        "imported": True, "format": "shopify"}
    assert report["new_categories"] == ["scarves"] and report["examples"]["photos_without_product"][0].endswith("unrelated.jpg")


def test_quoted_newlines_keep_line_numbers_and_archived_products_are_discontinued(catalog: Catalog, tmp_path: Path) -> None:
    path = write_shopify(tmp_path / "export.csv", [
        shopify_row(handle="a", title="A", body="<p>one</p>\n<p>two</p>\n<p>three</p>", variant_sku="A-1", variant_price="10"),
        shopify_row(handle="b", title="B", variant_sku="B-1", variant_price="ten"),
        shopify_row(handle="c", title="C", variant_sku="C-1", variant_price="5", status="archived"),
    ])
    from desktop_app.core.products.importer import BadRowsError

    with pytest.raises(BadRowsError) as refused:
        import_products(catalog, path)
    assert [(row.line, row.reason) for row in refused.value.report.bad_rows] == [(5, "Variant Price 'ten' is not a number")]
    assert catalog.products.products() == []
    from desktop_app.core.products.importer import ImportOptions

    report = import_products(catalog, path, ImportOptions(skip_bad_rows=True))
    assert report.skipped_bad_rows == 1 and report.variants == 2
    archived = catalog.products.get("c")
    assert archived is not None and archived.discontinued and archived.discontinued_at
    assert catalog.products.get("a").body == "one\ntwo\nthree"  # type: ignore[union-attr]
