"""Budgets and sizes in a request, English and Spanish: "under 50 €", "menos de 50 euros", "talla M", "in a 42".

Read from the text before the garments are, and blanked out of it, so the keyword parser never takes
a price or a size for a count ("máximo 80", "size 10 shirt") and the search text never carries them.
Deterministic and small on purpose: the 270M model drops numbers (DESIGN.md), and a budget read
wrong filters out the whole rail.

A number counts as a price when a currency goes with it ("50 €", "$60", "80 euros"), or when a price
word leads it ("under", "máximo", "entre ... y ...") and nothing but the end of a clause follows it:
"menos de 3 camisas" is a count, "menos de 50 para una boda" a budget. A size needs its own word
("size", "talla", "número", "calzo") or "in a 42" / "en la M" at the end of a clause, so "a large bag"
stays a bag. Bounds are inclusive: "under 50 €" keeps a 50.00 € item, which shoppers expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from desktop_app.core.catalog.vocabulary import normalise
from desktop_app.core.store.product_store import size_key

Currency = Literal["EUR", "USD", "GBP"]


class Budget(BaseModel):
    """What the shopper will pay, in the shop's currency (the one written, if any, is kept for the record)."""

    model_config = ConfigDict(frozen=True)

    min: float | None = None
    max: float | None = None
    currency: Currency | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.min is None and self.max is None:
            raise ValueError("a budget needs a lower or an upper bound")
        if any(bound is not None and bound < 0 for bound in (self.min, self.max)):
            raise ValueError("a budget cannot be negative")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"budget minimum {self.min} is above its maximum {self.max}")
        return self

    def describe(self) -> str:
        """'≤ 50 EUR', '20–40', '≥ 30 USD': for the stylist's prompt and the front ends' chips."""
        unit = f" {self.currency}" if self.currency else ""
        if self.min is not None and self.max is not None:
            return f"{_amount(self.min)}–{_amount(self.max)}{unit}"
        if self.max is not None:
            return f"≤ {_amount(self.max)}{unit}"
        return f"≥ {_amount(self.min or 0)}{unit}"


def _amount(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class BudgetSize:
    budget: Budget | None
    size: str | None  # as `product_store.size_key` writes it, as variants are compared: "M", "38", "9.5"
    rest: str  # the normalised request with the budget and size blanked out, for the keyword parser


# -- sizes: the words a request writes them with; `size_key` (the store's) makes them what variants are compared by
_LETTER_SIZES = ("xxs", "xs", "s", "m", "l", "xl", "xxl", "2xl", "xxxl", "3xl", "4xl", "extra small", "x small", "small", "medium",
                 "large", "extra large", "x large", "xlarge", "xx large", "pequena", "pequeno", "chica", "chico", "mediana",
                 "mediano", "grande", "extra grande")


# -- the patterns, on normalise()d text (lower case, no accents) ------------------------------------
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_BEFORE = r"(?P<{n}cb>us\$|\$|€|£|eur|usd|gbp)\s*"
_CURRENCY_AFTER = (r"\s*(?P<{n}ca>€|\$|£|euros?|eur|usd|dollars?|dolares|dolar|bucks|pounds?|libras?|gbp|pesos?)"
                   r"(?![a-z0-9])")
# what may follow a price or size that no word of its own announces: the end of a clause
_CLAUSE_END = (r"(?=\s*(?:$|[,.;:!?)]|(?:and|or|y|o|e|u|for|para|please|por favor|each|cada uno|cada una|in|en|with|con"
               r"|but|pero|if|si|max|maximo|as|como|that|que|size|talla)(?![a-z])))")


def _money(name: str) -> str:
    """An amount with its optional currency before or after, captured as {name}, {name}cb and {name}ca."""
    return (f"(?:{_CURRENCY_BEFORE.format(n=name)})?(?P<{name}>{_NUMBER})(?:{_CURRENCY_AFTER.format(n=name)})?")


_UPPER = (r"under|below|less than|no more than|not more than|not over|up to|max|maximum|at most|cheaper than|lower than"
          r"|within|for less than|for under|budget(?: of| is)?|my budget is|menos de|por menos de|maximo|como maximo|hasta"
          r"|no mas de|por debajo de|mas barato que|mas barata que|mas baratos que|mas baratas que|inferior a|que no pase de"
          r"|que no supere|presupuesto(?: de| es de| es)?|mi presupuesto es(?: de)?|tope(?: de)?")
_LOWER = r"over|above|more than|at least|min|minimum|starting at|from|mas de|minimo|al menos|desde|por encima de|a partir de"
_UPPER_AFTER = r"or less|or under|or cheaper|or lower|o menos"  # "80 or less"; "2 max" counts as often as it prices
# "a shirt for kids under 10", "para mujeres de mas de 40": an age, not a price
_PEOPLE = re.compile(r"(?:kids|children|girls?|boys?|babies|women|men|people|guests|ninos|ninas|bebes|mujeres|hombres|personas"
                     r"|invitados|chicos|chicas)\s+(?:de\s+)?$")

_RANGE = re.compile(
    rf"(?<![a-z0-9])(?:between|entre|from|de|desde)\s+{_money('a')}\s*(?:and|to|y|a|hasta|-)\s*{_money('b')}(?![a-z0-9])")
_DASH_RANGE = re.compile(rf"(?<![a-z0-9.,]){_money('a')}\s*-\s*{_money('b')}(?![a-z0-9])")
_BOUNDED = re.compile(rf"(?<![a-z])(?P<word>{_UPPER}|{_LOWER})\s+(?:(?:about|around|unos|unas)\s+)?{_money('a')}"
                      rf"(?:\s+(?P<after>{_UPPER_AFTER})(?![a-z]))?")
_BARE = re.compile(rf"(?<![a-z0-9.,]){_money('a')}(?:\s+(?P<after>{_UPPER_AFTER})(?![a-z]))?")

_LETTERS = "|".join(sorted((re.escape(k) for k in _LETTER_SIZES), key=len, reverse=True))
_SIZE_NUMBER = r"(?:(?:eu|uk|us|it|fr)\s*)?\d{1,2}(?:[.,]5)?"
_SIZE_WORD = re.compile(
    rf"(?<![a-z])(?:sizes?|sz|tallas?|talle|numero|my size is|mi talla es|calzo(?: un| el)?|uso(?: la| el| talla)?)(?:\s*:\s*|\s+)"
    rf"(?P<size>{_SIZE_NUMBER}|{_LETTERS})(?![a-z0-9])")
_SIZE_IN = re.compile(rf"(?<![a-z])(?:in|en)\s+(?:(?:a|an|la|el|una|un)\s+)?(?P<size>{_SIZE_NUMBER}|{_LETTERS})(?![a-z0-9])"
                      rf"{_CLAUSE_END}")
_SIZE_DEL = re.compile(rf"(?<![a-z])del\s+(?P<size>\d{{2}}(?:[.,]5)?)(?![a-z0-9]){_CLAUSE_END}")  # "zapatos del 42"

_CURRENCIES: dict[str, Currency] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD",
    "dollars": "USD", "dolar": "USD", "dolares": "USD", "bucks": "USD", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pounds": "GBP", "libra": "GBP", "libras": "GBP",
}


def _value(text: str) -> float:
    """'12,50' and '12.50' are 12.5; '1.200' and '1,200' are 1200 (three digits after the mark are thousands)."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?", text):
        groups = re.split(r"[.,]", text)
        cents = groups.pop() if len(groups[-1]) < 3 else None
        return float("".join(groups) + (f".{cents}" if cents else ""))
    return float(text.replace(",", "."))


def _currency(match: re.Match[str], *names: str) -> Currency | None:
    for name in names:
        for side in ("cb", "ca"):
            found = match.groupdict().get(name + side)
            if found:
                return _CURRENCIES.get(found)  # pesos: a price in a currency we do not name
    return None


def _has_currency(match: re.Match[str], *names: str) -> bool:
    return any(match.groupdict().get(name + side) for name in names for side in ("cb", "ca"))


def _ends_clause(text: str, end: int) -> bool:
    return re.match(_CLAUSE_END, text[end:]) is not None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _read_budget(text: str) -> tuple[Budget | None, str]:
    for pattern in (_RANGE, _DASH_RANGE):
        for match in pattern.finditer(text):
            low, high = _value(match["a"]), _value(match["b"])
            priced = _has_currency(match, "a", "b") or (pattern is _RANGE and _ends_clause(text, match.end()))
            if priced and low <= high:
                return Budget(min=low, max=high, currency=_currency(match, "a", "b")), _blank(text, *match.span())
    for match in _BOUNDED.finditer(text):
        upper = re.fullmatch(_LOWER, match["word"]) is None or match["after"] is not None
        # Without a currency only an upper bound at the end of a clause is a price: "menos de 3 camisas" counts shirts,
        # and "over 40" is as often an age as a price.
        if not _has_currency(match, "a") and (not upper or not _ends_clause(text, match.end())):
            continue
        if _PEOPLE.search(text[: match.start()]):
            continue
        value = _value(match["a"])
        budget = Budget(max=value, currency=_currency(match, "a")) if upper else Budget(min=value, currency=_currency(match, "a"))
        return budget, _blank(text, *match.span())
    for match in _BARE.finditer(text):
        if _has_currency(match, "a") or match["after"]:  # "a 50 € dress", "80 or less": what the shopper will pay at most
            return Budget(max=_value(match["a"]), currency=_currency(match, "a")), _blank(text, *match.span())
    return None, text


def _read_size(text: str) -> tuple[str | None, str]:
    for pattern in (_SIZE_WORD, _SIZE_IN, _SIZE_DEL):
        match = pattern.search(text)
        if match:
            return size_key(match["size"]), _blank(text, *match.span())
    return None, text


def read_budget_size(request: str) -> BudgetSize:
    """The request's budget and size, if it names them, and its text without them. Sizes first: 'talla 38' is no price."""
    text = normalise(request.replace("’", "'"))
    size, text = _read_size(text)
    budget, text = _read_budget(text)
    return BudgetSize(budget, size, text)
