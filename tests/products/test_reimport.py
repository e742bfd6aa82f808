"""All or nothing, and idempotent: bad rows refuse the file, a re-import updates in place and keeps what the owner corrected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.catalog.operations import correct_tags
from desktop_app.core.products.importer import BadRowsError, ImportOptions, import_products
from desktop_app.core.store.catalog import Catalog
from tests.products.conftest import add_photos, run_cli, run_json, table_dump, write_csv

HEADER = ("sku", "name", "category", "size", "price", "stock", "photo")


def stock_list(path: Path, rows: list[tuple[str, ...]]) -> Path:
    return write_csv(path, HEADER, rows)


V1 = [("TS-1-S", "Basic tee", "T-Shirts", "S", "15.00", "10", "tee.jpg"),
      ("TS-1-M", "Basic tee", "T-Shirts", "M", "15.00", "0", ""),
      ("SK-2", "Midi skirt", "Skirts", "38", "45.00", "2", "skirt.jpg"),
      ("HT-3", "Straw hat", "Hats", "", "22.00", "1", "hat.jpg")]
V2 = [("TS-1-S", "Basic tee", "T-Shirts", "S", "12.50", "3", "tee.jpg"),
      ("TS-1-M", "Basic tee", "T-Shirts", "M", "12.50", "6", ""),
      ("SK-2", "Midi skirt", "Skirts", "38", "49.00", "0", "skirt.jpg")]  # the hat is gone from the shop's list


def test_bad_rows_refuse_the_whole_file_with_their_lines(catalog_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = stock_list(tmp_path / "bad.csv", [
        V1[0], ("", "No sku", "Hats", "", "5", "1", ""), ("SK-2", "Midi skirt", "Skirts", "38", "abc", "2", ""),
        ("HT-3", "Straw hat", "Hats", "", "22", "-4", ""), ("TS-1-S", "Again", "", "", "1", "1", "")])
    code, out, err = run_cli(capsys, "products", "import", str(path), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["imported"] is False and report["bad_rows"] == [
        {"line": 3, "reason": "missing SKU"}, {"line": 4, "reason": "price 'abc' is not a number"},
        {"line": 5, "reason": "negative stock (stock -4)"}, {"line": 6, "reason": "SKU TS-1-S is also on line 2"}]
    assert "4 bad rows, so nothing was imported" in err and "line 3: missing SKU" in err and "--skip-bad-rows" in err
    with Catalog.open(catalog_path) as catalog:
        assert catalog.products.products() == [] and catalog.products.last_import() is None
    skipped = run_json(capsys, "products", "import", str(path), "--skip-bad-rows")
    assert (skipped["imported"], skipped["products"], skipped["skipped_bad_rows"]) == (True, 1, 4)


def test_reimport_updates_prices_and_stock_discontinues_and_keeps_corrections(catalog: Catalog, tmp_path: Path) -> None:
    photos = add_photos(catalog, [tmp_path / "shop" / name for name in ("tee.jpg", "skirt.jpg", "hat.jpg")])
    first = import_products(catalog, stock_list(tmp_path / "v1.csv", V1))
    assert (first.new_products, first.photos_linked) == (3, 3)
    tee, skirt = catalog.products.get("basic-tee"), catalog.products.get("midi-skirt")
    assert tee is not None and skirt is not None and tee.category == "t-shirt"
    # The owner corrects a photo's colour and the skirt's category; a re-import must not undo either.
    correct_tags(catalog, [str(tmp_path / "shop" / "tee.jpg")], {"color": "red"})
    with catalog.transaction():
        catalog.products.correct_category(skirt.id, "dress")

    second = import_products(catalog, stock_list(tmp_path / "v2.csv", V2))
    assert (second.new_products, second.updated_products, second.discontinued) == (0, 2, 1)
    assert second.examples["discontinued"] == ["straw-hat"]
    tee_after, skirt_after, hat = (catalog.products.get(h) for h in ("basic-tee", "midi-skirt", "straw-hat"))
    assert tee_after is not None and skirt_after is not None and hat is not None
    assert (tee_after.id, tee_after.min_price, tee_after.stock, tee_after.in_stock) == (tee.id, 12.5, 9, True)
    assert (skirt_after.min_price, skirt_after.in_stock, skirt_after.category, skirt_after.category_source) == (
        49.0, False, "dress", "user")
    assert hat.discontinued and hat.discontinued_at is not None  # kept, with its photo, not deleted
    assert catalog.products.photos([hat.id])[hat.id] == [photos[str(tmp_path / "shop" / "hat.jpg")]]
    tee_photo = catalog.store.items_by_id([photos[str(tmp_path / "shop" / "tee.jpg")]])[photos[str(tmp_path / "shop" / "tee.jpg")]]
    assert (tee_photo.category, tee_photo.category_source, tee_photo.color) == ("t-shirt", "product", "red")
    assert catalog.store.correction_for(tee_photo.content_hash, "color") == "red"

    third = import_products(catalog, stock_list(tmp_path / "v2-again.csv", V2))  # the same file again changes nothing
    assert (third.new_products, third.updated_products, third.discontinued, third.tags_changed) == (0, 2, 0, 0)
    assert [p.to_json() for p in catalog.products.products()] == [p.to_json() for p in (tee_after, skirt_after, hat)]

    back = import_products(catalog, stock_list(tmp_path / "v1-again.csv", V1))  # the hat is back in the shop
    assert back.discontinued == 0 and catalog.products.get("straw-hat").in_stock  # type: ignore[union-attr]


def test_a_dry_run_writes_nothing(catalog_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = stock_list(tmp_path / "v1.csv", V1)
    report = run_json(capsys, "products", "import", str(path), "--dry-run")
    assert (report["dry_run"], report["imported"], report["products"], report["new_products"]) == (True, False, 3, 3)
    assert not catalog_path.exists(), "a dry run must not even create the catalog"
    with Catalog.open(catalog_path) as catalog:
        add_photos(catalog, [tmp_path / "shop" / "tee.jpg"])
        import_products(catalog, path)
    before = table_dump(catalog_path)
    again = run_json(capsys, "products", "import", str(stock_list(tmp_path / "v2.csv", V2)), "--dry-run")
    assert (again["discontinued"], again["updated_products"], again["photos_linked"]) == (1, 2, 1)
    assert table_dump(catalog_path) == before
    code, out, _err = run_cli(capsys, "products", "import", str(path), "--dry-run")
    assert code == 0 and "nothing written" in out


def test_an_import_is_cancelled_as_a_whole(catalog: Catalog, tmp_path: Path) -> None:
    from desktop_app.core.platform.jobs import Cancelled, CancelToken

    token = CancelToken()

    def progress(done: int, total: int | None, detail: str) -> None:
        if detail.startswith("Linking"):
            token.cancel()  # mid-transaction: products written, links not yet

    with pytest.raises(Cancelled):
        import_products(catalog, stock_list(tmp_path / "v1.csv", V1), ImportOptions(), progress=progress, cancel=token)
    assert catalog.products.products() == [] and catalog.products.shop_categories() == []


def test_refused_import_leaves_an_earlier_one_untouched(catalog: Catalog, tmp_path: Path) -> None:
    import_products(catalog, stock_list(tmp_path / "v1.csv", V1))
    before = [p.to_json() for p in catalog.products.products()]
    with pytest.raises(BadRowsError):
        import_products(catalog, stock_list(tmp_path / "bad.csv", [*V2, ("X", "Broken", "", "", "1,2,3", "", "")]))
    assert [p.to_json() for p in catalog.products.products()] == before
