"""Occasions become outfits by the rules file, in English and Spanish; a garment the catalog lacks is reported, never replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.agents.classifier import RequestClassifier, missing_text
from desktop_app.core.agents.look_maker import plan_slots
from desktop_app.core.catalog.vocabulary import CATEGORIES
from desktop_app.core.looks.rules import OutfitRulesError, load_rules, parse_rules
from desktop_app.core.platform.i18n import set_language
from desktop_app.core.platform.paths import resolve_paths

EVERYTHING = list(CATEGORIES)
SHARED_PHOTOS = ["t-shirt", "shirt", "jersey", "pants", "shoes"]  # what tests/search's catalog holds


def _slots(request: str, present: list[str], around: str | None = None) -> list[tuple[str, ...]]:
    classification = RequestClassifier(None, present).classify(request)
    slots, _index = plan_slots(classification, load_rules(), present, around)
    return [slot.categories for slot in slots]


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("an outfit for a beach wedding", [("dress",), ("shoes",), ("bag",), ("hat",)]),
        ("algo para una boda en la playa", [("dress",), ("shoes",), ("bag",), ("hat",)]),
        ("I want clothes for a job interview", [("shirt",), ("pants", "skirt"), ("shoes",), ("jacket",), ("bag",)]),
        ("ropa para una entrevista de trabajo", [("shirt",), ("pants", "skirt"), ("shoes",), ("jacket",), ("bag",)]),
        ("something to keep me warm on the slopes", [("jersey", "shirt"), ("pants",), ("shoes",), ("jacket",), ("hat",)]),
        ("algo abrigado para la nieve", [("jersey", "shirt"), ("pants",), ("shoes",), ("jacket",), ("hat",)]),
        ("ropa para el gimnasio", [("t-shirt",), ("shorts", "pants"), ("shoes",), ("bag",)]),
        ("clothes for the gym", [("t-shirt",), ("shorts", "pants"), ("shoes",), ("bag",)]),
        ("a look for the office", [("shirt", "jersey"), ("pants", "skirt"), ("shoes",), ("jacket",), ("bag",)]),
        ("un conjunto para una fiesta", [("dress",), ("shoes",), ("bag",)]),
        ("an outfit for hiking", [("t-shirt", "jersey"), ("pants", "shorts"), ("shoes",), ("jacket",), ("hat",), ("bag",)]),
        ("para una cita", [("dress",), ("shoes",), ("bag",)]),
    ],
)
def test_an_occasion_gives_its_outfit(request_text: str, expected: list[tuple[str, ...]]) -> None:
    assert _slots(request_text, EVERYTHING) == expected


def test_the_outfit_is_what_the_catalog_can_fill() -> None:
    # no dress in the shop: the wedding's second outfit; no jacket or bag: the optional slots go
    assert _slots("an outfit for a beach wedding", SHARED_PHOTOS) == [("shirt",), ("pants",), ("shoes",)]
    assert _slots("ropa para el gimnasio", SHARED_PHOTOS) == [("t-shirt",), ("pants",), ("shoes",)]


def test_named_garments_stay_and_the_outfit_is_completed_around_them() -> None:
    assert _slots("a red skirt", EVERYTHING) == [("t-shirt", "shirt", "jersey"), ("skirt",), ("shoes",), ("jacket",), ("bag",)]
    assert _slots("un vestido para una boda", EVERYTHING) == [("dress",), ("shoes",), ("bag",), ("hat",)]
    assert _slots("a weekend look", EVERYTHING, around="shoes")[2] == ("shoes",)
    assert _slots("shoes for the weekend", EVERYTHING, around="shoes").count(("shoes",)) == 1  # the chosen pair is the shoes


@pytest.mark.parametrize(
    ("request_text", "missing", "expected"),
    [
        ("Quiero una falda", ["skirt"], []),  # all that was asked is missing: no look with something else instead
        ("Quiero una falda y dos camisetas", ["skirt"], [("t-shirt",), ("shoes",)]),  # the bottom slot would be a substitute
        ("a dress and a hat", ["dress", "hat"], []),
    ],
)
def test_a_missing_category_is_reported_and_never_substituted(request_text: str, missing: list[str],
                                                             expected: list[tuple[str, ...]]) -> None:
    classification = RequestClassifier(None, SHARED_PHOTOS).classify(request_text)
    assert classification.missing == missing
    assert not set(classification.items) & set(missing)
    assert "skirt" not in classification.items and "pants" not in classification.items
    assert _slots(request_text, SHARED_PHOTOS) == expected


def test_the_missing_sentence_is_in_the_users_language() -> None:
    assert missing_text(["skirt"]) == "No skirts in your catalog."
    set_language("es")
    try:
        assert missing_text(["skirt", "dress"]) == "No hay faldas o vestidos en tu catálogo."
    finally:
        set_language("en")


def test_the_owners_copy_of_the_rules_is_read(tmp_path: Path) -> None:
    paths = resolve_paths(data_dir=tmp_path)
    paths.outfit_rules_file.write_text("[picnic]\nwords: picnic, merienda\noutfit: dress + hat\n"
                                       "[everyday]\nwords: casual\noutfit: t-shirt + pants\n[colours]\nneutral: white\n",
                                       encoding="utf-8")
    rules = load_rules(paths)
    assert rules.names == ["picnic", "everyday"] and rules.occasions_in(["una", "merienda"]) == ["picnic"]
    classification = RequestClassifier(None, EVERYTHING, rules=lambda: rules).classify("ropa para una merienda")
    assert classification.occasion == "picnic" and classification.items == {"dress": 1, "hat": 1}


def test_a_broken_rules_file_says_which_line(tmp_path: Path) -> None:
    with pytest.raises(OutfitRulesError, match="Line 3"):
        parse_rules("[everyday]\noutfit: t-shirt + pants\nthis line has no key\n")
    with pytest.raises(OutfitRulesError, match="everyday"):
        parse_rules("[party]\noutfit: dress\n")
