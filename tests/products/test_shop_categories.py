"""The shop's own categories: from an import's Type, from `categories add`, found by their English and Spanish words."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.agents.classifier import KeywordParser
from desktop_app.core.catalog import tagging
from desktop_app.core.catalog.vocabulary import DEFAULT, Vocabulary, catalog_vocabulary
from desktop_app.core.products.categories import plan_categories
from desktop_app.core.products.importer import import_products
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import ProductRecord, ShopCategory
from tests.products.conftest import add_photos, run_cli, run_json, write_csv


def test_a_custom_category_is_found_by_its_spanish_synonym(catalog_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_json(capsys, "categories", "add", "scarf", "--synonyms", "scarves", "shawl", "--es", "bufanda", "fular")
    assert (added["name"], added["created"], added["es"]) == ("scarf", True, ["bufanda", "fular"])
    with Catalog.open(catalog_path) as catalog:
        vocab = catalog_vocabulary(catalog)
    assert [vocab.category_for_word(w) for w in ("bufandas", "Fulares", "shawls", "scarf", "tees")] == ["scarf"] * 4 + ["t-shirt"]
    assert vocab.categories[-1] == "scarf" and vocab.categories[: len(DEFAULT.categories)] == DEFAULT.categories
    parser = KeywordParser(vocab.categories, vocab)  # the request classifier's keyword side
    assert parser.parse("quiero dos bufandas rojas y una camiseta").items == {"scarf": 2, "t-shirt": 1}
    listed = run_json(capsys, "categories", "list")
    assert {"name": "scarf", "builtin": False, "origin": "user",
            "words": ["scarf", "scarves", "shawl", "bufanda", "fular"]} in listed["categories"]


def test_categories_add_refuses_an_empty_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(capsys, "categories", "add", "  ")
    assert code == 1 and "A category needs a name" in err


def test_import_types_map_onto_the_vocabulary_or_become_categories() -> None:
    records = [ProductRecord(handle=h, name=n, product_type=t, shop_category=c) for h, n, t, c in [
        ("a", "Tee", "Tees", ""), ("b", "Gown", "", "Apparel & Accessories > Clothing > Dresses"),
        ("c", "Wrap", "Scarves", ""), ("d", "Bikini top", "Bañadores", ""), ("e", "Thing", "Clothing", ""),
        ("f", "Summer dress", "", "Apparel & Accessories"), ("g", "Other wrap", "scarves", ""),
        ("h", "Necklace", "", "Apparel & Accessories > Jewelry > Necklaces")]]
    plan = plan_categories(records, DEFAULT)
    assert [r.category for r in plan.records] == ["t-shirt", "dress", "scarves", "bañadores", None, "dress", "scarves", "necklaces"]
    assert [c.name for c in plan.new] == ["scarves", "bañadores", "necklaces"]
    vocab = Vocabulary.build(plan.new)
    assert (vocab.category_for_word("scarf"), vocab.category_for_word("bañador"), vocab.category_for_word("necklace")) == (
        "scarves", "bañadores", "necklaces")


def test_an_owner_category_takes_over_an_imported_one(catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = add_photos(catalog, [tmp_path / "wrap.jpg"])
    write_csv(tmp_path / "list.csv", ("sku", "name", "type", "price", "photo"), [("W-1", "Wool wrap", "Foulards", "30", "wrap.jpg")])
    import_products(catalog, tmp_path / "list.csv")
    assert catalog.products.get("wool-wrap").category == "foulards"  # type: ignore[union-attr]
    added = run_json(capsys, "categories", "add", "scarf", "--synonyms", "foulards", "--es", "bufanda")
    assert (added["merged"], added["recategorised"]) == (["foulards"], 1)
    assert catalog.products.get("wool-wrap").category == "scarf"  # type: ignore[union-attr]
    assert catalog.store.items_by_id(list(items.values()))[items[str(tmp_path / "wrap.jpg")]].category == "scarf"
    assert [c.name for c in catalog.products.shop_categories()] == ["scarf"]
    again = import_products(catalog, tmp_path / "list.csv")  # the Type now names the owner's category: nothing new
    assert again.new_categories == [] and catalog.products.get("wool-wrap").category == "scarf"  # type: ignore[union-attr]


def test_zero_shot_prompts_folders_and_label_cache_include_the_shop(tmp_path: Path) -> None:
    shop = Vocabulary.build([ShopCategory("scarf", "a scarf", ("scarves",), ("bufanda",), "user")])
    prompts = tagging.vocabulary_prompts(shop)
    assert "a photo of a scarf" in prompts and len(prompts) == len(tagging.vocabulary_prompts()) + 1
    assert tagging.folder_tags(tmp_path / "Bufandas" / "1.jpg", tmp_path, shop)[0].value == "scarf"
    assert tagging.folder_tags(tmp_path / "Bufandas" / "1.jpg", tmp_path) == []  # the built-in vocabulary does not know it

    class Model:
        spec, revision = "stand-in", "r1"

    assert tagging._cache_file(Model, tmp_path, shop) != tagging._cache_file(Model, tmp_path, DEFAULT)  # type: ignore[arg-type]
