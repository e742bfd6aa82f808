"""The assistant over a shop's products: only what is in stock, in the size and within the budget asked, by default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.agents.assistant import Assistant, ItemsFound
from desktop_app.core.agents.classifier import RequestClassifier
from desktop_app.core.agents.stylist import StyleItem, build_prompt
from desktop_app.core.catalog.vocabulary import catalog_vocabulary
from desktop_app.core.search.searcher import Searcher
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import size_key
from tests.agents.test_assistant import ScriptedStylist, _two_tokens
from tests.search.conftest import Catalog as IndexedPhotos
from tests.search.shop import LINKED, indexed_shop


@pytest.fixture(scope="module")
def shop(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexedPhotos:
    return indexed_shop("assistant-shop", tiny_blip2, product_photos, tmp_path_factory)


@pytest.fixture
def handle(shop: IndexedPhotos) -> Iterator[Catalog]:
    with shop.handle() as catalog:
        yield catalog


def _assistant(shop: IndexedPhotos, handle: Catalog, stylist: ScriptedStylist) -> Assistant:
    classifier = RequestClassifier(None, handle.store.categories(), vocabulary=catalog_vocabulary(handle))  # keywords only
    return Assistant(shop.context, handle, Searcher(shop.context, handle), classifier, stylist)


def _found(shop: IndexedPhotos, handle: Catalog, request: str, **options: bool) -> tuple[ItemsFound, ScriptedStylist]:
    stylist = ScriptedStylist(_two_tokens)
    events = list(_assistant(shop, handle, stylist).ask(request, **options))
    return next(e for e in events if isinstance(e, ItemsFound)), stylist


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("two shirts under 50 €", {"shirt-oxford"}),  # the silk shirt is 80 € and sold out
        ("dos camisas de menos de 50 euros", {"shirt-oxford"}),
        ("una camiseta talla M", set()),  # the tee's M is sold out; its S and L are not what was asked
        ("a t-shirt in size L", {"tee-basic"}),
        ("unos vaqueros, máximo 62", {"jeans-slim"}),  # the 38 at 60 €; the 42 is 65 €
        ("jeans size 42 below $62", set()),
        ("zapatillas del 42 entre 50 y 100 euros", {"sneaker-white"}),
        ("a shirt and two pairs of shoes", {"shirt-oxford", "sneaker-white", "loafers-canvas"}),
    ],
)
def test_the_assistant_never_proposes_a_sold_out_over_budget_or_other_size_item(
        shop: IndexedPhotos, handle: Catalog, request_text: str, expected: set[str]) -> None:
    found, stylist = _found(shop, handle, request_text)
    classification = RequestClassifier(None, handle.store.categories()).classify(request_text)
    budget, size = classification.budget, classification.size
    assert found.offer is not None and found.offer.in_stock
    assert {item.hit.product.sku for item in found.items if item.hit.product} == expected
    for item in found.items:
        product = item.hit.product
        assert product is not None and product.in_stock, "a photo no product claims has no known stock"
        shop_product = LINKED[Path(item.hit.path).name]
        fits = [v for v in shop_product.variants if v.stock > 0
                and (size is None or (v.size is not None and size_key(v.size) == size))
                and (budget is None or ((budget.max is None or v.price <= budget.max) and (budget.min is None or v.price >= budget.min)))]
        assert fits, f"{shop_product.handle} has no variant in stock in size {size} within {budget}"
        assert product.price == min(v.price for v in fits)
    (asked,) = stylist.asked
    assert all(style.in_stock for style in asked[1])  # nor is the stylist told of one


def test_everything_on_request_shows_the_sold_out_too(shop: IndexedPhotos, handle: Catalog) -> None:
    found, _ = _found(shop, handle, "two shirts under 50 €", everything=True)
    assert found.offer is None
    assert "shirt-silk" in {item.hit.product.sku for item in found.items if item.hit.product}


def test_the_stylists_items_carry_name_price_and_sizes(shop: IndexedPhotos, handle: Catalog) -> None:
    _found_hits, stylist = _found(shop, handle, "a shirt in size M")
    (request, items, _chat) = stylist.asked[0]
    (oxford,) = [item for item in items if item.sku == "shirt-oxford"]
    assert (oxford.name, oxford.price, oxford.currency, oxford.sizes, oxford.in_stock) == ("Oxford shirt", 45.0, "EUR", ("M", "L"), True)
    assert '"Oxford shirt", 45.00 EUR, sizes in stock M, L' in oxford.describe()
    prompt = build_prompt(request, items)
    assert '"Oxford shirt", 45.00 EUR, sizes in stock M, L' in prompt.completion
    assert ", sold out" not in prompt.messages[-1]["content"]
    sold_out = StyleItem(3, "shirt", None, "x.jpg", 1.0, sku="shirt-silk", name="Silk shirt", price=80.0, currency="EUR", in_stock=False)
    assert sold_out.describe().endswith('"Silk shirt", 80.00 EUR, sold out (x.jpg, match 1.00)')
    assert StyleItem(1, "shirt", "white", "a.jpg", 0.5).describe() == "#1: white shirt (a.jpg, match 0.50)"  # no product


def test_ask_json_shows_the_products_and_the_filters(shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data-dir", str(shop.context.paths.data_dir), "ask", "una camisa talla M, menos de 50 euros", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["filters"] == {"in_stock": True, "min_price": None, "max_price": 50.0, "sizes": ["M"]}
    assert report["classification"]["budget"] == {"min": None, "max": 50.0, "currency": "EUR"}
    (item,) = report["items"]
    assert {key: item[key] for key in ("sku", "name", "price", "currency", "sizes", "in_stock")} == {
        "sku": "shirt-oxford", "name": "Oxford shirt", "price": 45.0, "currency": "EUR", "sizes": ["M", "L"], "in_stock": True}
    assert main([*args, "--all-items"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything["filters"] is None and len(everything["items"]) >= 1


def test_ask_streams_the_filters_before_the_items(shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(shop.context.paths.data_dir), "ask", "jeans size 38 under 70 €"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Only items in stock, size 38, up to 70 (--all-items for everything):"
    assert lines[1].startswith("#1: ") and '"Slim jeans", 60.00 EUR, sizes in stock 38, 42' in lines[1]


def test_a_shop_category_is_found_by_its_spanish_synonym(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Added before any photo is tagged with it: the shop's own categories are always known to the classifier."""
    from desktop_app.core.platform.app_context import open_context
    from desktop_app.core.products.categories import add_category

    context = open_context(data_dir=tmp_path / "data")
    with Catalog.open(context.paths.db_path) as catalog:
        add_category(catalog, "scarf", ["scarves"], ["bufanda"])
    monkeypatch.setattr("desktop_app.core.agents.classifier.bundled_gguf_available", lambda: False)  # keywords alone
    assert main(["--data-dir", str(context.paths.data_dir), "classify", "--json", "dos bufandas de lana, menos de 30 €"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["items"] == {"scarf": 2} and result["budget"]["max"] == 30.0
