"""Budgets and sizes in requests, English and Spanish: read into the classification, never taken for counts."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.core.agents.budget_size import Budget, read_budget_size
from desktop_app.core.agents.classifier import Classification, KeywordParser, RequestClassifier
from desktop_app.core.catalog.vocabulary import CATEGORIES
from desktop_app.core.store.product_store import size_key

PARSER = KeywordParser(list(CATEGORIES))


@pytest.mark.parametrize(
    ("request_text", "items", "budget", "size"),
    [
        # the issue's own examples
        ("a dress under 50 €", {"dress": 1}, (None, 50, "EUR"), None),
        ("un vestido por menos de 50 euros", {"dress": 1}, (None, 50, "EUR"), None),
        ("dos camisas, máximo 80", {"shirt": 2}, (None, 80, None), None),
        ("una camiseta talla M", {"t-shirt": 1}, None, "M"),
        ("shoes size 38", {"shoes": 1}, None, "38"),
        ("boots in a 42", {"shoes": 1}, None, "42"),
        ("two shirts between 20 and 40", {"shirt": 2}, (20, 40, None), None),
        ("jeans below $60", {"pants": 1}, (None, 60, "USD"), None),
        # both at once, in either order, with the count kept
        ("3 t-shirts in size M under 25 euros", {"t-shirt": 3}, (None, 25, "EUR"), "M"),
        ("Busco dos faldas talla S entre 20 y 40 €", {"skirt": 2}, (20, 40, "EUR"), "S"),
        ("zapatillas del 42, hasta 80 para correr", {"shoes": 1}, (None, 80, None), "42"),
        ("a jacket in large, under £100", {"jacket": 1}, (None, 100, "GBP"), "L"),
        ("un abrigo talla grande de 100 a 150 euros", {"jacket": 1}, (100, 150, "EUR"), "L"),
        # amounts as shops and shoppers write them
        ("un bolso de 49,99 € o menos", {"bag": 1}, (None, 49.99, "EUR"), None),
        ("a coat for €1,200", {"jacket": 1}, (None, 1200, "EUR"), None),
        ("a 30€ hat", {"hat": 1}, (None, 30, "EUR"), None),
        ("a dress over 100 euros", {"dress": 1}, (100, None, "EUR"), None),
        ("camisas, mi presupuesto es de 60", {"shirt": 2}, (None, 60, None), None),
        ("a shirt in medium, at most 45 dollars", {"shirt": 1}, (None, 45, "USD"), "M"),
        ("sandalias número 39", {"shoes": 1}, None, "39"),
        ("pantalones talla 40 que no pase de 70 euros", {"pants": 1}, (None, 70, "EUR"), "40"),
        # numbers that are counts, ages or nothing to do with money stay out
        ("menos de 3 camisas", {"shirt": 3}, None, None),
        ("more than 2 shirts", {"shirt": 2}, None, None),
        ("a shirt for kids under 10", {"shirt": 1}, None, None),
        ("a dress for women over 40", {"dress": 1}, None, None),
        ("a large bag", {"bag": 1}, None, None),
        ("a t-shirt in 2 colours", {"t-shirt": 1}, None, None),
        ("two shirts", {"shirt": 2}, None, None),
        ("I bought a red skirt yesterday. Now I want 2 tops… sorry, 2 t-shirts to match it", {"t-shirt": 2}, None, None),
    ],
)
def test_budget_and_size_are_read_and_counts_kept(request_text: str, items: dict[str, int],
                                                  budget: tuple[float | None, float | None, str | None] | None,
                                                  size: str | None) -> None:
    result = PARSER.parse(request_text)
    assert result.items == items
    expected = None if budget is None else Budget(min=budget[0], max=budget[1], currency=budget[2])
    assert result.budget == expected
    assert result.size == size


def test_the_search_text_carries_no_price_or_size() -> None:
    result = PARSER.parse("a red dress size M under 50 € for a wedding")
    assert result.search_text == "red dress for wedding"


@pytest.mark.parametrize(
    ("request_text", "variant_size"),
    [("size medium", "M"), ("talla mediana", "M"), ("talla m", "Medium"), ("in a small", "S"), ("talla pequeña", "S"),
     ("talla grande", "L"), ("size extra large", "XL"), ("talla 38", "EU 38"), ("size 9,5", "9.5"), ("calzo un 42", "42")],
)
def test_a_requested_size_is_compared_as_the_shops_variants_are(request_text: str, variant_size: str) -> None:
    assert PARSER.parse(request_text).size == size_key(variant_size)


def test_a_budget_is_a_checked_value() -> None:
    assert Budget(max=50, currency="EUR").describe() == "≤ 50 EUR"
    assert Budget(min=20, max=40).describe() == "20–40"
    for bad in ({}, {"min": 50, "max": 20}, {"max": -1}):
        with pytest.raises(ValueError):
            Budget(**bad)


def test_the_rest_of_the_request_keeps_its_words() -> None:
    read = read_budget_size("Una falda azul, talla M, por menos de 30 €")
    assert read.rest.split() == ["una", "falda", "azul,", ","]


def test_every_mode_reads_budget_and_size_by_words() -> None:
    """Without a model the "llm" mode finds no items, but the budget and size are the words' and stay."""
    classifier = RequestClassifier(None)
    for mode in ("keywords", "combined", "llm"):
        result = classifier.classify("una camisa talla L por menos de 40 euros", mode=mode)
        assert result.budget == Budget(max=40, currency="EUR") and result.size == "L"


def test_the_classification_json_has_budget_and_size() -> None:
    asked = Classification(items={"dress": 1}, number_of_items=1, budget=Budget(max=50, currency="EUR"), size="M")
    assert asked.to_json("r")["budget"] == {"min": None, "max": 50.0, "currency": "EUR"} and asked.to_json("r")["size"] == "M"
    plain = Classification().to_json("r")
    assert plain["budget"] is None and plain["size"] is None


def test_classify_json_gains_budget_and_size(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop_app.core.agents.classifier.bundled_gguf_available", lambda: False)  # keywords alone
    assert main(["classify", "--json", "un vestido talla M, menos de 50 euros", "two shirts"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["items"] == {"dress": 1} and first["size"] == "M"
    assert first["budget"] == {"min": None, "max": 50.0, "currency": "EUR"}
    assert second["budget"] is None and second["size"] is None
