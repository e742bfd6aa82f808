from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.search.query_terms import QueryTermsError, Term, parse_terms


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("", []),
        ("red summer dress", [Term(1.0, text="red summer dress")]),
        ("t-shirt - stripes", [Term(1.0, text="t-shirt"), Term(-1.0, text="stripes")]),
        ("- logo", [Term(-1.0, text="logo")]),
        ("2:linen shirt + 0.5:white - .3:logo", [Term(2.0, text="linen shirt"), Term(0.5, text="white"), Term(-0.3, text="logo")]),
        ("look.JPG + red", [Term(1.0, photo=Path("look.JPG")), Term(1.0, text="red")]),
        ("red - 2:/photos/a b.png", [Term(1.0, text="red"), Term(-2.0, photo=Path("/photos/a b.png"))]),
        ("  navy   blazer  ", [Term(1.0, text="navy blazer")]),
    ],
)
def test_parse_terms(query: str, terms: list[Term]) -> None:
    assert parse_terms(query) == terms


@pytest.mark.parametrize("query", ["red +", "+", "red + - blue", "- -"])
def test_an_operator_without_a_term_is_an_error(query: str) -> None:
    with pytest.raises(QueryTermsError, match="no words after it"):
        parse_terms(query)
