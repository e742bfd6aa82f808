"""Which garments make an outfit for an occasion, as the shop owner can read and edit them.

The rules are a small text file (resources/looks/outfits.txt, or the owner's copy in the data folder),
not code: a boutique dresses a wedding guest its own way, and the person who knows that is not a
programmer. A request naming an occasion ("una boda en la playa", "a job interview") takes the
first outfit whose required slots the catalog can fill; the colour rules (neutrals, clashes) are the
look composer's. A malformed line is reported with its line number, in the user's language, so an
edit that went wrong says where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.catalog.vocabulary import normalise
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.resources import resource_path

EVERYDAY = "everyday"
_COLOURS = "colours"


class OutfitRulesError(UserError):
    """The outfit rules file cannot be read as rules."""


@dataclass(frozen=True)
class Slot:
    """One garment of an outfit: any of `categories` (the most fitting first); `optional` ones only where the catalog has one."""

    categories: tuple[str, ...]
    optional: bool = False

    @property
    def label(self) -> str:
        return "/".join(self.categories)


@dataclass(frozen=True)
class Outfit:
    slots: tuple[Slot, ...]

    def fitted(self, present: Sequence[str]) -> tuple[Slot, ...] | None:
        """The slots narrowed to the categories the catalog holds, optional ones without any dropped; None when a required
        slot has nothing to fill it."""
        have = set(present)
        fitted: list[Slot] = []
        for slot in self.slots:
            kept = tuple(c for c in slot.categories if c in have)
            if kept:
                fitted.append(Slot(kept, slot.optional))
            elif not slot.optional:
                return None
        return tuple(fitted)


@dataclass(frozen=True)
class Occasion:
    name: str
    words: tuple[tuple[str, ...], ...]  # normalised, as token tuples: ("job", "interview")
    outfits: tuple[Outfit, ...]

    def outfit_for(self, present: Sequence[str]) -> tuple[Slot, ...] | None:
        for outfit in self.outfits:
            fitted = outfit.fitted(present)
            if fitted:
                return fitted
        return None


@dataclass(frozen=True)
class OutfitRules:
    occasions: tuple[Occasion, ...]  # in precedence order
    neutral: frozenset[str]
    clashes: frozenset[frozenset[str]]  # a pair, or a one-element set for "multicolour + multicolour"

    def occasion(self, name: str) -> Occasion | None:
        return next((o for o in self.occasions if o.name == name), None)

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.occasions]

    def occasions_in(self, tokens: Sequence[str]) -> list[str]:
        """The occasions the request's words name, in precedence order (not the order they were written in)."""
        found: set[str] = set()
        for occasion in self.occasions:
            for phrase in occasion.words:
                n = len(phrase)
                if any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1)):
                    found.add(occasion.name)
                    break
        return [o.name for o in self.occasions if o.name in found]

    def clash(self, first: str | None, second: str | None) -> bool:
        return first is not None and second is not None and frozenset((first, second)) in self.clashes

    def harmony(self, first: str | None, second: str | None) -> float:
        """How well two colour tags go together: -1 a named clash, 0.5 where one is neutral, 0 otherwise or unknown."""
        if first is None or second is None:
            return 0.0
        if self.clash(first, second):
            return -1.0
        return 0.5 if first in self.neutral or second in self.neutral else 0.0


def rules_file(paths: AppPaths) -> Path:
    """The owner's copy where there is one, else the bundled rules."""
    own = paths.outfit_rules_file
    return own if own.is_file() else bundled_rules_file()


def bundled_rules_file() -> Path:
    return resource_path("looks", "outfits.txt")


def load_rules(paths: AppPaths | None = None) -> OutfitRules:
    path = rules_file(paths) if paths is not None else bundled_rules_file()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutfitRulesError(_("The outfit rules file {path} cannot be read.").format(path=path),
                               _("Restore it, or delete your copy to use the built-in rules."), detail=str(exc)) from exc
    return parse_rules(text, path)


def parse_rules(text: str, path: Path | str = "outfits.txt") -> OutfitRules:
    occasions: list[Occasion] = []
    neutral: set[str] = set()
    clashes: set[frozenset[str]] = set()
    section: str | None = None
    words: list[tuple[str, ...]] = []
    outfits: list[Outfit] = []

    def close_section() -> None:
        if section is not None and section != _COLOURS:
            occasions.append(Occasion(section, tuple(words), tuple(outfits)))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            close_section()
            section, words, outfits = normalise(line[1:-1]), [], []
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or section is None:
            raise _bad_line(path, number, raw)
        if section == _COLOURS and key == "neutral":
            neutral.update(_list(value))
        elif section == _COLOURS and key == "clash":
            for pair in _list(value):
                colours = frozenset(normalise(c) for c in pair.split("+") if c.strip())
                if not 1 <= len(colours) <= 2:
                    raise _bad_line(path, number, raw)
                clashes.add(colours)
        elif key == "words":
            words.extend(tuple(normalise(w).split()) for w in _list(value))
        elif key == "outfit":
            outfits.append(_outfit(value, path, number, raw))
        else:
            raise _bad_line(path, number, raw)
    close_section()
    if not any(o.name == EVERYDAY for o in occasions):
        raise OutfitRulesError(_("The outfit rules file {path} has no [everyday] section.").format(path=path),
                               _("Add one: it is the outfit of a request that names no occasion."))
    return OutfitRules(tuple(occasions), frozenset(neutral), frozenset(clashes))


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _outfit(value: str, path: Path | str, number: int, raw: str) -> Outfit:
    slots: list[Slot] = []
    for part in value.split("+"):
        part = part.strip()
        optional = part.endswith("?")
        categories = tuple(normalise(c) for c in part.rstrip("?").split("/") if c.strip())
        if not categories:
            raise _bad_line(path, number, raw)
        slots.append(Slot(categories, optional))
    return Outfit(tuple(slots))


def _bad_line(path: Path | str, number: int, raw: str) -> OutfitRulesError:
    return OutfitRulesError(
        _("Line {number} of the outfit rules file {path} cannot be read: {line}").format(number=number, path=path, line=raw.strip()),
        _("Write it as the file's first lines explain, or delete your copy to use the built-in rules."),
    )
