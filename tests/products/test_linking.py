"""Photos found for products by a photo column's path, by a shared file name settled by SKU, by the SKU in a name."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.products.importer import import_products
from desktop_app.core.products.linking import plan_links
from desktop_app.core.store.catalog import Catalog
from tests.products.conftest import add_photos, write_csv


def test_sku_in_file_or_folder_names(catalog: Catalog, tmp_path: Path) -> None:
    shoot = tmp_path / "shoot"
    paths = [shoot / "JKT-001_front.jpg", shoot / "jkt001-back.png", shoot / "JKT-001" / "detail.jpg", shoot / "JKT-0010.jpg",
             shoot / "IMG_1234.jpg", shoot / "20240.jpg", shoot / "2024" / "BAG-77-RED-side.jpg", shoot / "BAG-77-side.jpg"]
    items = add_photos(catalog, paths)
    write_csv(tmp_path / "list.csv", ("sku", "name", "size", "color", "price"), [
        ("JKT-001-S", "Denim jacket", "S", "Blue", "80"), ("JKT-001-M", "Denim jacket", "M", "Blue", "80"),
        ("BAG-77-RED", "Tote", "", "Red", "35"), ("BAG-77-BLK", "Tote", "", "Black", "35"), ("1234", "Socks", "", "", "5"),
        ("20240", "Belt", "", "", "15"),
    ])
    report = import_products(catalog, tmp_path / "list.csv")
    jacket, tote = catalog.products.get("denim-jacket"), catalog.products.get("tote")
    assert jacket is not None and tote is not None
    photos = catalog.products.photos([jacket.id, tote.id])
    # The variants' shared reference (JKT-001) finds the shoot's photos; JKT-0010 is another product's, not this one's.
    assert set(photos[jacket.id]) == {items[str(p)] for p in paths[:3]}
    assert set(photos[tote.id]) == {items[str(shoot / "2024" / "BAG-77-RED-side.jpg")], items[str(shoot / "BAG-77-side.jpg")]}
    red = catalog.products.for_items([items[str(shoot / "2024" / "BAG-77-RED-side.jpg")]])
    assert next(iter(red.values())).matched_by == "sku"
    red_photo = catalog.store.items_by_id([items[str(shoot / "2024" / "BAG-77-RED-side.jpg")]])
    assert next(iter(red_photo.values())).color == "red"  # the variant's colour, as the shop's file says it
    # A four-digit SKU is too common a number to find in a camera's file name (IMG_1234); five digits are not.
    assert sorted(Path(p).name for p in report.examples["photos_without_product"]) == ["IMG_1234.jpg", "JKT-0010.jpg"]
    belt = catalog.products.get("belt")
    assert belt is not None and catalog.products.photos([belt.id])[belt.id] == [items[str(shoot / "20240.jpg")]]


def test_photo_column_paths_and_shared_names(catalog: Catalog, tmp_path: Path) -> None:
    photos_root = tmp_path / "Fotos"
    items = add_photos(catalog, [photos_root / "vestido-rojo" / "1.jpg", photos_root / "vestido-rojo" / "2.jpg",
                                 photos_root / "falda-azul" / "1.jpg", tmp_path / "elsewhere" / "bolso.jpg"])
    write_csv(tmp_path / "lista.csv", ("referencia", "nombre", "precio", "foto"), [
        ("VR-1", "Vestido rojo", "50", "Fotos/vestido-rojo/1.jpg | Fotos/vestido-rojo/2.jpg"),
        ("FA-2", "Falda azul", "30", "1.jpg"),  # a name several photos share: the product's handle in the path settles it
        ("BO-3", "Bolso", "25", "C:\\Users\\tienda\\Fotos\\bolso.jpg"),  # a Windows path from another computer
        ("CA-4", "Cartera", "20", "no-such-photo.jpg"),
    ])
    report = import_products(catalog, tmp_path / "lista.csv")
    dress, skirt, bag = (catalog.products.get(h) for h in ("vestido-rojo", "falda-azul", "bolso"))
    assert dress is not None and skirt is not None and bag is not None
    linked = catalog.products.photos([dress.id, skirt.id, bag.id])
    assert linked[dress.id] == [items[str(photos_root / "vestido-rojo" / n)] for n in ("1.jpg", "2.jpg")]
    assert linked[skirt.id] == [items[str(photos_root / "falda-azul" / "1.jpg")]]
    assert linked[bag.id] == [items[str(tmp_path / "elsewhere" / "bolso.jpg")]]
    assert (report.missing_photos, report.products_without_photo, report.examples["missing_photos"]) == (1, 1, ["no-such-photo.jpg"])


def test_links_are_made_again_for_photos_indexed_after_the_import(catalog: Catalog, tmp_path: Path) -> None:
    write_csv(tmp_path / "list.csv", ("sku", "name", "price", "photo"), [("SH-9", "Loafers", "90", "loafers.jpg")])
    first = import_products(catalog, tmp_path / "list.csv")
    assert (first.photos_linked, first.missing_photos) == (0, 1)
    add_photos(catalog, [tmp_path / "new" / "loafers.jpg"])
    plan = plan_links(catalog, tmp_path)
    assert [(link.matched_by, link.position) for link in plan.links] == [("path", 1)] and plan.missing == []


def test_photos_indexed_after_the_import_find_their_products(capsys, tmp_path: Path, catalog_path: Path, tiny_blip2: Path) -> None:
    """The shop sends its list first and photographs the stock later: `index` links the new photos itself."""
    from PIL import Image

    from tests.products.conftest import run_json

    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for name, colour in (("JKT-001_front.jpg", (20, 40, 160)), ("unrelated.jpg", (200, 30, 30))):
        Image.new("RGB", (64, 80), colour).save(shoot / name)
    write_csv(tmp_path / "list.csv", ("sku", "name", "size", "price"), [("JKT-001", "Denim jacket", "M", "80")])
    imported = run_json(capsys, "products", "import", str(tmp_path / "list.csv"))
    assert imported["photos_linked"] == 0
    run_json(capsys, "index", str(shoot), "--blip2", str(tiny_blip2), "--precision", "fp32")
    with Catalog.open(catalog_path) as catalog:
        jacket = catalog.products.get("denim-jacket")
        assert jacket is not None
        (photo,) = catalog.store.items_by_id(catalog.products.photos([jacket.id])[jacket.id]).values()
        assert Path(photo.path).name == "JKT-001_front.jpg"
        assert catalog.products.counts().photos_without_product == 1
