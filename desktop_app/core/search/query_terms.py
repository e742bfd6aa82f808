"""Weighted `+`/`-` query terms, in the manner of rclip: "red dress - stripes + 2:silk", "photo.jpg + red".

Operators must stand alone between spaces, so "t-shirt" stays one word; a term may start with a
weight `W:`; a term that is a file name with a photo suffix is an example photo rather than words.
Parsing is pure text work: whether a photo term can be read is found out when it is decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.catalog.scanner import IMAGE_EXTENSIONS
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

_WEIGHT = re.compile(r"^(\d+(?:\.\d*)?|\.\d+):\s*(.+)$")


class QueryTermsError(UserError):
    """The query text has an operator with nothing to apply it to."""


@dataclass(frozen=True)
class Term:
    weight: float  # signed: a "-" term pushes results away from it
    text: str | None = None
    photo: Path | None = None


def _term(sign: float, words: list[str], source: str) -> Term:
    if not words:
        raise QueryTermsError(
            _("The query {query} has a '+' or '-' with no words after it.").format(query=repr(source)),
            _("Write terms between the operators, for example: red dress - stripes + 2:silk"),
        )
    raw = " ".join(words)
    weight = 1.0
    match = _WEIGHT.match(raw)
    if match:
        weight, raw = float(match.group(1)), match.group(2).strip()
    if Path(raw).suffix.lower() in IMAGE_EXTENSIONS:
        return Term(sign * weight, photo=Path(raw).expanduser())
    return Term(sign * weight, text=raw)


def parse_terms(query: str) -> list[Term]:
    """Split a query into signed, weighted terms; a text without operators is one term of weight 1."""
    terms: list[Term] = []
    sign, words = 1.0, []
    started = False
    for token in query.split():
        if token in ("+", "-"):
            if started or words:
                terms.append(_term(sign, words, query))
            sign, words, started = (1.0 if token == "+" else -1.0), [], True
        else:
            words.append(token)
    if words or started:
        terms.append(_term(sign, words, query))
    return terms
