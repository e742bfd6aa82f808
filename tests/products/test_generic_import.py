"""Generic product lists as shops keep them: Spanish headers, `;` and decimal commas in Windows-1252, XLSX, --map."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.products.fields import MappingError
from desktop_app.core.products.importer import ImportOptions, import_products, preview_file
from desktop_app.core.store.catalog import Catalog
from tests.products.conftest import add_photos, run_cli, run_json, write_csv

SPANISH_HEADER = ("Referencia", "Nombre", "Descripción", "Categoría", "Talla", "Color", "PVP (€)", "Existencias", "Foto")


def spanish_file(path: Path) -> Path:
    """What Excel on a Spanish Windows saves: Windows-1252, `;`, decimal commas, a description with a line break."""
    return write_csv(path, SPANISH_HEADER, [
        ("CAM-001-S", "Camisa de lino", "Lino lavado.\nHecha en España", "Camisas", "S", "Blanco", "39,90", "3", "fotos/CAM-001.jpg"),
        ("CAM-001-M", "Camisa de lino", "", "Camisas", "M", "Blanco", "39,90", "0", ""),
        ("ABR-7", "Abrigo de paño", "Paño de lana", "Abrigos", "Talla única", "Camel", "1.234,50", "1", ""),
        ("BAN-2", "Bañador rayas", "", "Bañadores", "42", "Azul marino", "19,5", "", ""),
    ], delimiter=";", encoding="cp1252")


def test_spanish_semicolon_decimal_comma_windows_1252(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "fotos").mkdir()
    items = add_photos(catalog, [tmp_path / "fotos" / "CAM-001.jpg"])
    report = import_products(catalog, spanish_file(tmp_path / "productos.csv"))
    assert (report.format, report.encoding, report.delimiter, report.bad_rows) == ("generic", "cp1252", ";", [])
    assert report.mapping == {"Referencia": "sku", "Nombre": "name", "Descripción": "body", "Categoría": "category", "Talla": "size",
                              "Color": "color", "PVP (€)": "price", "Existencias": "stock", "Foto": "photo"}
    assert (report.products, report.variants) == (3, 4)  # the shirt's two sizes are one product, grouped by name
    shirt = catalog.products.get("camisa-de-lino")
    assert shirt is not None
    assert (shirt.name, shirt.category, shirt.sizes, shirt.min_price, shirt.currency) == (
        "Camisa de lino", "shirt", ("S", "M"), 39.9, "EUR")
    assert shirt.body == "Lino lavado.\nHecha en España"
    coat = catalog.products.get("abrigo-de-pano")
    assert coat is not None and (coat.min_price, coat.category, coat.name) == (1234.5, "jacket", "Abrigo de paño")
    swimsuit = catalog.products.get("banador-rayas")
    assert swimsuit is not None and swimsuit.min_price == 19.5 and swimsuit.category == "bañadores" and swimsuit.stock is None
    assert catalog.products.photos([shirt.id])[shirt.id] == list(items.values())  # by the path relative to the file


def test_xlsx_with_numbers_and_text_cells(catalog: Catalog, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank row above the header, as people leave them
    sheet.append(["SKU", "Product name", "Size", "Price", "Stock", "Colour", "Category"])
    sheet.append(["DR-1-S", "Summer dress", "S", 59.9, 2, "Red", "Dresses"])
    sheet.append(["DR-1-M", "Summer dress", "M", "59,90", 0, "Red", "Dresses"])
    sheet.append(["JN-9", "Jeans", 32, 1299, 5, "Blue", "Denim"])
    book.save(tmp_path / "stock.xlsx")
    report = import_products(catalog, tmp_path / "stock.xlsx")
    assert (report.encoding, report.products, report.variants, report.bad_rows) == ("xlsx", 2, 3, [])
    dress = catalog.products.get("summer-dress")
    assert dress is not None and (dress.min_price, dress.max_price, dress.stock, dress.category) == (59.9, 59.9, 2, "dress")
    jeans = catalog.products.get("jeans")
    assert jeans is not None and (jeans.min_price, jeans.sizes, jeans.category) == (1299.0, ("32",), "pants")
    lines = [line for line, _cells in preview_file(tmp_path / "stock.xlsx").rows]
    assert lines == [3, 4, 5]  # spreadsheet row numbers, as the owner sees them


def test_map_names_columns_the_headers_do_not(catalog_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "pos.csv", ("Ref. interna", "Artículo", "Importe", "Uds", "Notas"),
                     [("X-100", "Falda plisada", "45.00", "7", "revisar"), ("X-101", "Gorra", "12.00", "1", "")])
    code, _out, err = run_cli(capsys, "products", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "There is no file" in err
    report = run_json(capsys, "products", "import", str(path), "--map", "Ref. interna=sku", "Notas=ignore")
    assert report["mapping"] == {"Ref. interna": "sku", "Artículo": "name", "Importe": "price", "Uds": "stock"}
    assert report["products"] == 2
    with Catalog.open(catalog_path) as catalog:
        skirt = catalog.products.get("falda-plisada")  # one row a product, named: its handle is made from its name
        assert skirt is not None and (skirt.name, skirt.category, skirt.stock) == ("Falda plisada", "skirt", 7)
        assert [v.sku for v in catalog.products.variants([skirt.id])[skirt.id]] == ["X-100"]


def test_a_file_without_a_sku_column_says_how_to_name_it(catalog: Catalog, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", ("Code X", "Nombre", "Precio"), [("1", "Camiseta", "10")])
    with pytest.raises(MappingError) as refused:
        import_products(catalog, path)
    assert "recognised as the SKU" in refused.value.message and "--map" in refused.value.hint
    with pytest.raises(MappingError, match="no column named 'Nope'"):
        import_products(catalog, path, ImportOptions(mapping={"Nope": "sku"}))
    assert import_products(catalog, path, ImportOptions(mapping={"code x": "referencia"})).products == 1


def test_utf8_bom_and_utf16_files(catalog: Catalog, tmp_path: Path) -> None:
    rows = [("Z-1", "Zapatillas blancas", "49.95", "EU 38")]
    write_csv(tmp_path / "bom.csv", ("sku", "nombre", "precio", "talla"), rows, encoding="utf-8-sig")
    report = import_products(catalog, tmp_path / "bom.csv")
    assert report.encoding == "utf-8-sig" and report.mapping["sku"] == "sku"
    write_csv(tmp_path / "unicode.txt", ("sku", "nombre", "precio", "talla"), rows, delimiter="\t", encoding="utf-16")
    again = import_products(catalog, tmp_path / "unicode.txt")
    assert (again.encoding, again.delimiter, again.updated_products) == ("utf-16", "\t", 1)
    product = catalog.products.get("zapatillas-blancas")
    assert product is not None and product.category == "shoes" and product.name == "Zapatillas blancas"
    assert catalog.products.sizes() == ["38"]
