"""`products export`: a CSV the owner's spreadsheet opens, with each SKU's photo tags, that imports back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop_app.core.products.export import HEADERS, export_products, spreadsheet_convention
from desktop_app.core.products.importer import import_products
from desktop_app.core.store.catalog import Catalog
from tests.products.conftest import add_photos, run_cli, write_csv


@pytest.mark.parametrize(("name", "convention"), [
    ("es_ES.UTF-8", (";", ",")), ("es_MX.UTF-8", (",", ".")), ("Spanish_Spain", (";", ",")), ("Spanish_Mexico", (",", ".")),
    ("en_US.UTF-8", (",", ".")), ("de_DE", (";", ",")), ("C.UTF-8", (",", ".")), ("", (",", ".")),
])
def test_the_convention_of_the_owners_region(name: str, convention: tuple[str, str]) -> None:
    assert spreadsheet_convention(name) == convention


def shop(catalog: Catalog, tmp_path: Path) -> None:
    add_photos(catalog, [tmp_path / "p" / "tee.jpg", tmp_path / "p" / "tee-back.jpg", tmp_path / "p" / "stray.jpg"], "shirt", "blue")
    write_csv(tmp_path / "list.csv", ("sku", "nombre", "tipo", "talla", "color", "precio", "existencias", "foto"), [
        ("TS-1-S", "Camiseta básica", "Camisetas", "S", "Rojo", "12,50", "3", "p/tee.jpg|p/tee-back.jpg"),
        ("TS-1-M", "Camiseta básica", "Camisetas", "M", "Rojo", "12,50", "0", ""),
    ], delimiter=";")
    import_products(catalog, tmp_path / "list.csv")


def test_spanish_csv_with_bom_and_photo_tags(catalog: Catalog, tmp_path: Path) -> None:
    shop(catalog, tmp_path)
    summary = export_products(catalog, tmp_path / "out" / "catalogo.csv", "es_ES.UTF-8")
    data = (tmp_path / "out" / "catalogo.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and (summary.delimiter, summary.decimal) == (";", ",")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert (summary.rows, summary.products, summary.variants, summary.unlinked_photos) == (3, 1, 2, 1)
    first = rows[0]
    assert (first["SKU"], first["Name"], first["Size"], first["Price"], first["Stock"], first["In Stock"]) == (
        "TS-1-S", "Camiseta básica", "S", "12,50", "3", "yes")
    assert (first["Photo Category"], first["Photo Category Source"], first["Photo Colour"]) == ("t-shirt", "product", "red")
    assert first["Photo"] == f"{tmp_path / 'p' / 'tee.jpg'} | {tmp_path / 'p' / 'tee-back.jpg'}"
    assert (rows[2]["SKU"], rows[2]["Photo"], rows[2]["Photo Category"], rows[2]["Photo Colour"]) == (
        "", str(tmp_path / "p" / "stray.jpg"), "shirt", "blue")  # the auto tags of a photo without a product
    assert list(rows[0]) == list(HEADERS)


def test_an_export_imports_back_unchanged(catalog: Catalog, tmp_path: Path) -> None:
    shop(catalog, tmp_path)
    before = [p.to_json() for p in catalog.products.products()]
    export_products(catalog, tmp_path / "round.csv", "es_ES")
    report = import_products(catalog, tmp_path / "round.csv")
    assert (report.bad_rows, report.new_products, report.discontinued) == ([], 0, 0)
    assert [p.to_json() for p in catalog.products.products()] == before


def test_xlsx_export_and_the_cli(catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    shop(catalog, tmp_path)
    code, out, _err = run_cli(capsys, "products", "export", str(tmp_path / "catalogo.xlsx"))
    assert code == 0 and "3 rows" in out
    sheet = openpyxl.load_workbook(tmp_path / "catalogo.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == HEADERS and values[1][9] == 12.5 and values[1][11] == 3  # numbers stay numbers in a workbook
