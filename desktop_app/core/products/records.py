"""What both readers (shopify.py, generic.py) share: bad rows, the parsed file, and the cell conventions of shops.

A cell is read the same way whichever format it came in: a price through numbers.py, an HTML description as
plain text, a Shopify image URL by its file name, option names such as `Talla` or `Colour` as the size and
the colour.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

from desktop_app.core.platform.i18n import _
from desktop_app.core.products.numbers import NotANumber, parse_amount, parse_count
from desktop_app.core.store.product_store import ImageRef, ProductRecord

Format = Literal["shopify", "generic"]

SIZE_OPTIONS = {"size", "sizes", "talla", "tallas", "talle", "taille", "grosse", "groesse", "tamano", "numero", "shoe size", "waist",
                "medida", "size eu", "talla eu"}
COLOR_OPTIONS = {"color", "colour", "colors", "colours", "colores", "couleur", "farbe", "tono", "shade"}


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason}


@dataclass
class Parsed:
    format: Format
    records: list[ProductRecord]
    bad_rows: list[BadRow]
    mapping: dict[str, str] = field(default_factory=dict)  # column -> field (generic files)
    rows: int = 0


class RowProblems:
    """The reasons one row is bad, gathered so that the owner learns all of them at once."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def add(self, reason: str) -> None:
        self.reasons.append(reason)

    def price(self, cell: str, what: str, decimal: str) -> tuple[float | None, str | None]:
        """(amount, currency) of a price cell; an empty cell is no price, a negative or unreadable one a problem."""
        if cell.isdigit():  # most cells of a long file: 12, 5
            return float(cell), None
        if not cell.strip():
            return None, None
        try:
            amount = parse_amount(cell, decimal)
        except NotANumber:
            self.add(_("{column} {value} is not a number").format(column=what, value=repr(cell.strip())))
            return None, None
        if amount.value < 0:
            self.add(_("{column} {value} is negative").format(column=what, value=repr(cell.strip())))
            return None, None
        return round(amount.value, 4), amount.currency

    def stock(self, cell: str, what: str, decimal: str) -> int | None:
        if cell.isdigit():
            return int(cell)
        if not cell.strip():
            return None
        try:
            count = parse_count(cell, decimal)
        except NotANumber:
            self.add(_("{column} {value} is not a whole number").format(column=what, value=repr(cell.strip())))
            return None
        if count < 0:
            self.add(_("negative stock ({column} {value})").format(column=what, value=cell.strip()))
            return None
        return count


@functools.lru_cache(maxsize=256)  # a shop names its options the same way on every product
def option_kind(name: str) -> Literal["size", "color"] | None:
    key = normalised(name)
    if key in SIZE_OPTIONS:
        return "size"
    if key in COLOR_OPTIONS:
        return "color"
    return None


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("_", " ").split())


def image_ref(reference: str, position: int, variant_key: str | None = None) -> ImageRef:
    """A photo the file names: a URL is matched by its last part ('…/red-dress.jpg?v=12' -> red-dress.jpg), a path
    by itself (and by its file name when it is not where it says)."""
    text = reference.strip()
    if "://" in text:
        name = text.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
        return ImageRef(text, (unquote(name) if "%" in name else name).lower(), position, "image", variant_key)
    name = re.split(r"[\\/]", text)[-1]
    return ImageRef(text, name.lower(), position, "path", variant_key)


def split_references(cell: str) -> list[str]:
    """A photo cell may list several: 'front.jpg | back.jpg', one per line, or separated by ';' or ','
    (a comma only between URLs or names with an extension, since a file name may hold one)."""
    parts = [part.strip() for part in re.split(r"[|\n;]", cell) if part.strip()]
    found: list[str] = []
    for part in parts:
        pieces = [piece.strip() for piece in part.split(",")]
        if len(pieces) > 1 and all(re.search(r"\.[a-z0-9]{2,5}$|://", piece, re.IGNORECASE) for piece in pieces if piece):
            found.extend(piece for piece in pieces if piece)
        else:
            found.append(part)
    return found


def split_tags(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tag.strip() for tag in re.split(r"[,;|]", cell) if tag.strip()))


def slug(text: str) -> str:
    """A handle made from a name ('Vestido Largo Rojo' -> 'vestido-largo-rojo'), as Shopify makes them."""
    return "-".join(re.findall(r"[a-z0-9]+", normalised(text))) or normalised(text)


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_BLOCK = re.compile(r"</?(?:p|br|div|ul|ol|tr|h[1-6]|table|section|article)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def html_to_text(body: str) -> str:
    """Shopify's Body (HTML) as the plain text a card or the stylist can use: tags gone, entities decoded,
    paragraphs and list items on lines of their own."""
    if "<" not in body and "&" not in body:
        return body.strip()
    text = _TAG.sub("", _BLOCK.sub("\n", _ITEM.sub("\n- ", _SCRIPT.sub("", body))))
    text = html.unescape(text).replace("\u00a0", " ")
    return "\n".join(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)
