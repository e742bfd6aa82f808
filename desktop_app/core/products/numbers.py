"""Prices and stock as shops write them: `12,50`, `1.234,50 €`, `$1,234.50`, `12.50 EUR`, `5`, `5,0`.

A Spanish spreadsheet writes decimal commas and dot thousands, an English one the other way round. A value
with both marks, or one mark not followed by exactly three digits, says which is its decimal mark; only a value
like `12.500` is ambiguous, and it follows the column's convention: what its unambiguous values say, else the
file's (a `;`-delimited CSV comes from a decimal-comma locale).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
_CURRENCY_CODES = ("EUR", "USD", "GBP", "MXN", "ARS", "COP", "CLP", "PEN", "CHF", "CAD", "AUD", "JPY", "UYU", "BRL", "DOP", "GTQ")
_CURRENCY = re.compile(r"(€|\$|£|¥|\b(?:" + "|".join(_CURRENCY_CODES) + r")\b|\beuros?\b)", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?[\d.,' ]*\d[\d.,' ]*")


class NotANumber(ValueError):
    pass


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str | None  # the symbol or code written beside it, as an ISO code


def currency_in(text: str) -> str | None:
    """The currency a header or a value names ('Precio (€)' -> EUR, '12 USD' -> USD), else None."""
    found = _CURRENCY.search(text)
    if found is None:
        return None
    token = found.group(1)
    if token.lower().startswith("euro"):
        return "EUR"
    return _CURRENCY_SYMBOLS.get(token, token.upper())


def decimal_mark(values: Iterable[str], default: str) -> str:
    """The column's decimal mark, from its first unambiguous values; `default` when none says."""
    votes = {".": 0, ",": 0}
    for value in values:
        mark = _unambiguous_mark(_digits_part(value))
        if mark:
            votes[mark] += 1
            if votes[mark] >= 20:
                break
    if votes["."] == votes[","]:
        return default
    return "." if votes["."] > votes[","] else ","


def _digits_part(value: str) -> str:
    return _CURRENCY.sub("", value).replace("\u00a0", " ").replace("\u202f", " ").strip()


def _unambiguous_mark(text: str) -> str | None:
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    for mark, at in ((".", last_dot), (",", last_comma)):
        if at >= 0:
            if text.count(mark) > 1:
                return "," if mark == "." else "."  # 1.234.567: dots are thousands
            decimals = len(text) - at - 1
            if decimals != 3 and text[at + 1 :].isdigit():
                return mark
    return None


_PLAIN = re.compile(r"\d+(?:\.(?:\d{1,2}|\d{4,}))?")  # 12, 12.5, 12.50: read alike in every convention


def parse_amount(value: str, decimal: str) -> Amount:
    """A price: `12,50 €` with decimal ',' -> Amount(12.5, 'EUR'). Raises NotANumber for anything else."""
    if _PLAIN.fullmatch(value):
        return Amount(float(value), None)
    currency = currency_in(value)
    text = _digits_part(value)
    if not _NUMBER.fullmatch(text):
        raise NotANumber(value)
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-").replace(" ", "").replace("'", "")
    mark = _unambiguous_mark(text) or decimal
    other = "," if mark == "." else "."
    whole, _, fraction = text.partition(mark)
    groups = whole.split(other)
    if mark in fraction or other in fraction or (len(groups) > 1 and not (
            1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:]))):
        raise NotANumber(value)  # '1,2,3' or '12.34.5' are no amount, whatever the convention
    text = "".join(groups) + ("." + fraction if fraction else "")
    try:
        return Amount(sign * float(text), currency)
    except ValueError as exc:
        raise NotANumber(value) from exc


def parse_count(value: str, decimal: str) -> int:
    """A stock quantity: a whole number, possibly written `5,0` or `1.200`. Raises NotANumber otherwise."""
    amount = parse_amount(value, decimal)
    if amount.currency is not None or not float(amount.value).is_integer():
        raise NotANumber(value)
    return int(amount.value)
