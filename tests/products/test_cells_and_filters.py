"""How shops write numbers and sizes, and the product filters search runs in SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.products.importer import import_products
from desktop_app.core.products.numbers import NotANumber, decimal_mark, parse_amount, parse_count
from desktop_app.core.products.reading import decode, sniff_delimiter
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import OfferFilter, size_key
from tests.products.conftest import add_photos, write_csv


@pytest.mark.parametrize(("text", "decimal", "value", "currency"), [
    ("12,50", ",", 12.5, None), ("12.50", ",", 12.5, None), ("1.234,50 €", ".", 1234.5, "EUR"), ("$1,234.50", ",", 1234.5, "USD"),
    ("12.500", ",", 12500.0, None), ("12.500", ".", 12.5, None), ("1 234,5", ",", 1234.5, None), ("EUR 9", ".", 9.0, "EUR"),
    ("19,5", ".", 19.5, None), ("45 euros", ".", 45.0, "EUR"), ("1.234.567", ".", 1234567.0, None), ("-3", ".", -3.0, None),
])
def test_amounts_as_shops_write_them(text: str, decimal: str, value: float, currency: str | None) -> None:
    amount = parse_amount(text, decimal)
    assert (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize("text", ["abc", "12,5,0", "1,2,3", "12..5", "", "€", "12-3"])
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_amount(text, ".")


def test_counts_and_the_column_convention() -> None:
    assert (parse_count("5", "."), parse_count("5,0", ","), parse_count("1.200", ",")) == (5, 5, 1200)
    with pytest.raises(NotANumber):
        parse_count("2.5", ".")
    assert decimal_mark(["12.500", "3,20"], ".") == ","  # 3,20 settles it
    assert decimal_mark(["12.500", "7"], ",") == ","  # nothing settles it: the file's convention


def test_sizes_compare_as_filters_need() -> None:
    assert [size_key(s) for s in ("m", "Talla M", "Medium", "EU 38", "38,5", "Talla única", "G", "xl", "2XL", "T. 40", "S/M")] == [
        "M", "M", "M", "38", "38.5", "ONESIZE", "L", "XL", "XXL", "40", "S/M"]


def test_encodings_and_delimiters() -> None:
    assert decode("Año;Niño".encode("cp1252")) == ("Año;Niño", "cp1252")
    assert decode("\ufeffsku,name".encode()) == ("sku,name", "utf-8-sig")
    assert sniff_delimiter('sku;"name, long";price\n1;2;3') == ";"
    assert sniff_delimiter("sku\tname\tprice\n") == "\t"


def test_offer_filters_need_one_variant_meeting_every_condition(catalog: Catalog, tmp_path: Path) -> None:
    items = add_photos(catalog, [tmp_path / name for name in ("coat.jpg", "dress.jpg", "bag.jpg", "loose.jpg")])
    write_csv(tmp_path / "list.csv", ("sku", "name", "size", "price", "stock", "photo"), [
        ("CO-S", "Coat", "S", "120", "2", "coat.jpg"), ("CO-M", "Coat", "M", "120", "0", ""),  # M exists, but is sold out
        ("DR-M", "Dress", "M", "45", "1", "dress.jpg"), ("DR-L", "Dress", "L", "60", "3", ""),
        ("BG-1", "Bag", "", "30", "0", "bag.jpg"),
    ])
    import_products(catalog, tmp_path / "list.csv")
    coat, dress, bag = (items[str(tmp_path / name)] for name in ("coat.jpg", "dress.jpg", "bag.jpg"))

    def ids(**conditions: object) -> set[int]:
        return set(catalog.products.offer_item_ids(OfferFilter(**conditions)).tolist())  # type: ignore[arg-type]

    assert ids() == {coat, dress, bag}  # photos without a product never match a product filter
    assert ids(in_stock=True) == {coat, dress}
    assert ids(in_stock=True, sizes=("talla m",)) == {dress}
    assert ids(sizes=("M",)) == {coat, dress}
    assert ids(in_stock=True, max_price=50) == {dress}
    assert ids(min_price=50, max_price=70, sizes=("M",)) == set()  # the dress's M costs 45, its L 60
    assert ids(min_price=50, max_price=70) == {dress}
    for offer, index in ((OfferFilter(in_stock=True, max_price=50), "product_photos_by_stock_min_price"),
                         (OfferFilter(min_price=50), "product_photos_by_max_price"),
                         (OfferFilter(min_price=20, max_price=50), "product_variants_by_offer"),
                         (OfferFilter(in_stock=True, sizes=("M",)), "product_variants_by_size")):
        sql, args = catalog.products.offer_subquery(offer)
        plan = " ".join(str(row[-1]) for row in catalog.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        assert index in plan, (offer, plan)
    assert ids(min_price=100) == {coat} and ids(in_stock=True, min_price=100) == {coat} and ids(in_stock=True, min_price=61) == {coat}
    hit = catalog.products.for_items([dress])[dress]
    assert (hit.product.name, hit.product.min_price, hit.product.sizes, hit.product.in_stock) == ("Dress", 45.0, ("M", "L"), True)


def test_a_bag_or_a_one_size_scarf_fits_whoever_asks_for_a_size(catalog: Catalog, tmp_path: Path) -> None:
    """The assistant's "size M" keeps a bag and a "talla única" scarf; the search's --size M does not."""
    items = add_photos(catalog, [tmp_path / name for name in ("coat.jpg", "bag.jpg", "scarf.jpg")])
    write_csv(tmp_path / "list.csv", ("sku", "name", "size", "price", "stock", "photo"), [
        ("CO-S", "Coat", "S", "120", "2", "coat.jpg"), ("BG-1", "Bag", "", "30", "4", "bag.jpg"),
        ("SC-1", "Scarf", "Talla única", "20", "1", "scarf.jpg"),
    ])
    import_products(catalog, tmp_path / "list.csv")
    coat, bag, scarf = (items[str(tmp_path / name)] for name in ("coat.jpg", "bag.jpg", "scarf.jpg"))

    def ids(offer: OfferFilter) -> set[int]:
        return set(catalog.products.offer_item_ids(offer).tolist())

    assert ids(OfferFilter(in_stock=True, sizes=("M",))) == set()
    assert ids(OfferFilter(in_stock=True, sizes=("M",), one_size_fits=True)) == {bag, scarf}
    assert ids(OfferFilter(in_stock=True, sizes=("S",), one_size_fits=True, max_price=25)) == {scarf}
    assert ids(OfferFilter(sizes=("S",), one_size_fits=True)) == {coat, bag, scarf}
