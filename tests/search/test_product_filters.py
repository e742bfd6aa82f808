"""Search over a shop's products: results grouped by product, the in-stock, price and size filters in SQL, the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from desktop_app.cli import main
from desktop_app.core.search.searcher import Searcher, SearchError, SearchHit, SearchQuery
from desktop_app.core.store.catalog import Catalog as Handle
from desktop_app.core.store.product_store import OfferFilter
from tests.search.conftest import Catalog
from tests.search.shop import LINKED, SHOP, import_shop, indexed_shop

EVERYTHING = 100


@pytest.fixture(scope="module")
def shop(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return indexed_shop("shop", tiny_blip2, product_photos, tmp_path_factory)


@pytest.fixture(scope="module")
def handle(shop: Catalog) -> Iterator[Handle]:
    with shop.handle() as opened:
        yield opened


@pytest.fixture(scope="module")
def searcher(shop: Catalog, handle: Handle) -> Iterator[Searcher]:
    warm = Searcher(shop.context, handle)
    yield warm
    warm.close()


def _handles(hits: list[SearchHit]) -> set[str]:
    return {hit.product.sku for hit in hits if hit.product is not None}


def _search(searcher: Searcher, **filters: object) -> list[SearchHit]:
    return searcher.search(SearchQuery(text="a shirt", k=EVERYTHING, **filters))  # type: ignore[arg-type]


def test_results_are_products_each_shown_once_with_its_other_photos(shop: Catalog, searcher: Searcher) -> None:
    hits = _search(searcher)
    linked = [hit for hit in hits if hit.product is not None]
    assert sorted(hit.product.sku for hit in linked) == sorted(product.handle for product in SHOP)  # type: ignore[union-attr]
    unlinked = [hit for hit in hits if hit.product is None]
    photos = list(shop.photos.rglob("*.jpg"))
    assert {Path(hit.path).name for hit in unlinked} == {p.name for p in photos if p.name not in LINKED}  # still searchable
    for hit in linked:
        product = LINKED[Path(hit.path).name]
        assert hit.product is not None and hit.product.sku == product.handle and hit.product.name == product.name
        assert sorted(Path(p).name for p in (hit.path, *hit.product.photos)) == sorted(product.photos)
        assert hit.product.price == min(v.price for v in product.variants) and hit.product.currency == "EUR"
        assert hit.product.sizes == tuple(v.size for v in product.variants if v.size)
        assert hit.product.in_stock == (not product.archived and any(v.stock > 0 for v in product.variants))
        assert hit.product.discontinued == product.archived  # shown, kept, never sold


def test_a_product_is_shown_by_its_best_matching_photo(shop: Catalog, searcher: Searcher) -> None:
    for name in ("10186.jpg", "10260.jpg"):  # not the products' first photos
        photo = next(shop.photos.rglob(name))
        best = searcher.search(SearchQuery(image=photo, k=3))[0]
        assert best.path == str(photo) and best.product is not None
        assert Path(photo).name not in {Path(p).name for p in best.product.photos}
        assert len(best.product.photos) == len(LINKED[name].photos) - 1


def test_in_stock_leaves_out_sold_out_discontinued_and_unknown_items(searcher: Searcher) -> None:
    hits = _search(searcher, in_stock=True)
    assert _handles(hits) == {"tee-basic", "shirt-oxford", "jeans-slim", "sneaker-white", "loafers-canvas"}
    assert all(hit.product is not None and hit.product.in_stock for hit in hits)  # no photo without a product


def test_price_range(searcher: Searcher) -> None:
    assert _handles(_search(searcher, max_price=50)) == {"tee-basic", "shirt-oxford", "loafers-canvas"}
    assert _handles(_search(searcher, min_price=50, max_price=70)) == {"jeans-slim"}
    assert _handles(_search(searcher, min_price=85)) == {"sneaker-white"}
    assert all(hit.product is not None and hit.product.price <= 50 for hit in _search(searcher, max_price=50))  # type: ignore[operator]


@pytest.mark.parametrize("size", ["M", "m", "Medium", "talla M"])
def test_size_is_compared_as_the_shop_writes_it(searcher: Searcher, size: str) -> None:
    assert _handles(_search(searcher, sizes=[size])) == {"tee-basic", "shirt-oxford", "shirt-silk"}
    assert _handles(_search(searcher, sizes=[size], in_stock=True)) == {"shirt-oxford"}  # the tee's M is sold out


def test_one_variant_must_meet_every_condition(searcher: Searcher) -> None:
    """The jeans have a 38 at 60 € and a 42 at 65 €: a 42 under 62 € is none of them."""
    assert _handles(_search(searcher, sizes=["42"], max_price=62)) == set()
    assert _handles(_search(searcher, sizes=["38"], max_price=62, in_stock=True)) == {"jeans-slim"}
    assert _handles(_search(searcher, sizes=["40"], in_stock=True)) == set()  # the 40 is sold out
    assert _handles(_search(searcher, sizes=["38", "43"], in_stock=True)) == {"jeans-slim"}


def test_the_price_shown_is_that_of_a_variant_the_filters_allow(searcher: Searcher) -> None:
    (tee,) = [hit for hit in _search(searcher, sizes=["L"], in_stock=True) if hit.product and hit.product.sku == "tee-basic"]
    assert tee.product is not None and tee.product.price == 18.0 and tee.product.sizes_in_stock == ("S", "L")
    prices = {hit.product.sku: hit.product.price for hit in _search(searcher, sizes=["42"]) if hit.product is not None}
    assert prices == {"jeans-slim": 65.0, "sneaker-white": 90.0}  # not the jeans' 60 € of the 38


def test_the_filters_run_in_sql_in_the_first_stage(shop: Catalog, handle: Handle, monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = Searcher(shop.context, handle)  # nothing kept from other tests' searches
    sets: list[list[tuple[str, list[object]]]] = []
    allowed: list[np.ndarray | None] = []
    filtered, nearest = searcher.store.filtered_item_ids, searcher._means.nearest

    def spy_filtered(categories=(), colors=(), folder_ids=(), more=()):  # type: ignore[no-untyped-def]
        sets.append(list(more))
        return filtered(categories, colors, folder_ids, more)

    def spy_nearest(vector, n, ids=None, cancel=None):  # type: ignore[no-untyped-def]
        allowed.append(ids)
        return nearest(vector, n, ids, cancel)

    monkeypatch.setattr(searcher.store, "filtered_item_ids", spy_filtered)
    monkeypatch.setattr(searcher._means, "nearest", spy_nearest)
    searcher.search(SearchQuery(text="shirt", in_stock=True, max_price=50, categories=["shirt"]))
    (more,) = sets
    assert len(more) == 1 and more[0] == handle.products.offer_subquery(OfferFilter(in_stock=True, max_price=50))
    oxford = {item_id for item_id, link in handle.products.for_items([row.id for row in handle.store.items()]).items()
              if link.product.handle == "shirt-oxford"}
    assert allowed[0] is not None and set(allowed[0].tolist()) == oxford  # the scan sees only what SQL allowed
    sets.clear()
    searcher.search(SearchQuery(text="shirt", categories=["shirt"]))
    assert sets == [[]]  # no shop filter: the first stage as before
    searcher.close()


def test_a_new_stock_shows_at_once_in_a_warm_searcher(shop: Catalog, handle: Handle, searcher: Searcher, tmp_path: Path) -> None:
    """A re-import changes prices and stock: a searcher that stays open (the window's) filters by the new ones."""
    query = SearchQuery(text="a tee", sizes=["M"], in_stock=True, k=EVERYTHING)
    assert "tee-basic" not in _handles(searcher.search(query))
    restocked = tuple(replace(p, variants=tuple(replace(v, stock=4) for v in p.variants)) if p.handle == "tee-basic" else p
                      for p in SHOP)
    with shop.handle() as writer:
        import_shop(writer, tmp_path, restocked)
    try:
        assert "tee-basic" in _handles(searcher.search(query))
    finally:
        with shop.handle() as writer:
            import_shop(writer, tmp_path)
    assert "tee-basic" not in _handles(searcher.search(query))


def test_a_subfolder_with_the_shops_filters(shop: Catalog, searcher: Searcher) -> None:
    hits = searcher.search(SearchQuery(text="shirt", folder=shop.photos / "shirt", in_stock=True, k=EVERYTHING))
    assert _handles(hits) == {"shirt-oxford"} and len(hits) == 1


@pytest.mark.parametrize(
    ("query", "error"),
    [(SearchQuery(text="x", min_price=50, max_price=20), "above the highest"), (SearchQuery(text="x", max_price=-1), "not a price"),
     (SearchQuery(text="x", min_price=float("nan")), "not a price")],
)
def test_impossible_prices_are_user_errors(searcher: Searcher, query: SearchQuery, error: str) -> None:
    with pytest.raises(SearchError, match=error):
        searcher.search(query)


def _cli(shop: Catalog, *args: str) -> list[str]:
    return ["--data-dir", str(shop.context.paths.data_dir), "search", *args]


def test_cli_json_has_the_product_fields(shop: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_cli(shop, "white", "shirt", "--in-stock", "--max-price", "50", "--size", "M", "-k", "20", "--json")) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert {key: result[key] for key in ("sku", "name", "price", "currency", "sizes", "in_stock")} == {
        "sku": "shirt-oxford", "name": "Oxford shirt", "price": 45.0, "currency": "EUR", "sizes": ["M", "L"], "in_stock": True}
    assert [Path(p).name for p in result["photos"]] == [name for name in ("10185.jpg", "10186.jpg") if name != Path(result["path"]).name]
    assert main(_cli(shop, "shirt", "-k", "100", "--json")) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert any(r["sku"] is None and r["price"] is None and r["in_stock"] is None and r["photos"] == [] for r in results)


def test_cli_table_names_the_product_and_errors_are_one_line(shop: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_cli(shop, "jeans", "--size", "42", "--max-price", "70", "--in-stock")) == 0
    out = capsys.readouterr().out
    assert "Slim jeans [jeans-slim], 65.00 EUR, sizes 38 40 42, in stock, 2 more photos" in out
    assert out.strip().splitlines()[-1].startswith("1 results")
    assert main(_cli(shop, "jeans", "--min-price", "90", "--max-price", "10")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: The lowest price 90 is above the highest, 10.")
