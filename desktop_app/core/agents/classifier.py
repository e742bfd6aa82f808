"""The request classifier: "two white shirts for my black jeans" -> {"items": {"shirt": 2}, ...}.

Two readers, one answer. A deterministic keyword parser knows the vocabulary, number words, "pair(s)
of", garments the shopper already has, and English and Spanish; it is fast and right on what it
recognises. A local Gemma, prompted with a few examples and held to a JSON schema whose category enum
is what the catalog holds, reads what the parser cannot. The 270M base model drops counts and second
categories (DESIGN.md; 5 of the 72 labelled requests of resources/eval exactly right here, which
`models measure` shows on each machine), so in the combined mode it is asked only when the words
fail: the parser found nothing wanted. Even then the parser has a say: a category it read as owned or
refused is struck from the model's answer (source `both`). Adding the model's categories next to the
parser's ("2 tops") was tried and dropped: on held-out requests it turned "tres pares de calcetines"
into three t-shirts.

The model's schema holds only `items` (keys from the enum, each once, counts 1..10): the total is
derived. Under a grammar checked on all 262k tokens a free-text `search_text` cost ~25 s of CPU per
request on 2 cores; the runtime now checks only the token the model chose, which makes it affordable,
and it was measured again: with `search_text` the 270M's answers grew from 11-18 tokens to 26-48, and
the text left Spanish untranslated ("2 vestidos, 3 faldas"), named what the shopper already has
("white sneakers" for "I'm wearing white sneakers; suggest some shorts") or something else entirely
("t-shirt, jacket" for "Faldas para el verano"). So the English search text is still built here, from
the request's colours, materials and occasion, never the owned garments.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from desktop_app.core.agents.budget_size import Budget, read_budget_size
from desktop_app.core.agents.llm_runtime import Constraint, Decoded, LoadOptions, LocalLLM, Prompt
from desktop_app.core.catalog.vocabulary import DEFAULT, Vocabulary, color_for_word, normalise, plural_name
from desktop_app.core.looks.rules import OutfitRules, load_rules
from desktop_app.core.models.locator import bundled_gguf_available, bundled_gguf_path
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.resources import prompt_text

log = logging.getLogger(__name__)

MAX_COUNT = 10
MAX_REQUEST_CHARS = 600  # what the model sees; the keyword parser reads the whole request
MAX_SEARCH_TEXT = 160
Source = Literal["llm", "keywords", "both", "occasion"]  # occasion: the items are an outfit from the rules


class Classification(BaseModel):
    """What the shopper wants: a count per category, and an English description to search with."""

    model_config = ConfigDict(frozen=True)

    items: dict[str, int] = Field(default_factory=dict)
    number_of_items: int = 0
    search_text: str = ""
    source: Source = "keywords"
    budget: Budget | None = None  # read by words in every mode (core/agents/budget_size.py): the model drops numbers
    size: str | None = None  # as variants are compared (`product_store.size_key`): "M", "38"
    # wanted categories the catalog has none of: said plainly, never replaced by another ("Quiero una falda")
    missing: list[str] = Field(default_factory=list)
    occasion: str | None = None  # the first the words name, by the outfit rules' precedence (core/looks/rules.py)

    @field_validator("items")
    @classmethod
    def _counts_in_range(cls, items: dict[str, int]) -> dict[str, int]:
        for category, count in items.items():
            if not 1 <= count <= MAX_COUNT:
                raise ValueError(f"count for {category} must be 1..{MAX_COUNT}, not {count}")
        return items

    @model_validator(mode="after")
    def _total_matches(self) -> Classification:
        if self.number_of_items != sum(self.items.values()):
            raise ValueError(f"number_of_items {self.number_of_items} is not the sum of {self.items}")
        return self

    def to_json(self, request: str) -> dict[str, Any]:
        return {"request": request, **self.model_dump()}


def missing_text(missing: Sequence[str]) -> str:
    """"No skirts in your catalog.", in the user's language; empty when nothing is missing."""
    if not missing:
        return ""
    return _("No {categories} in your catalog.").format(categories=_(" or ").join(plural_name(c) for c in missing))


def classification_schema(categories: Sequence[str]) -> dict[str, Any]:
    """The JSON schema the model's grammar follows: keys from the category enum, each at most once, counts 1..10."""
    count = {"type": "integer", "enum": list(range(1, MAX_COUNT + 1))}
    return {
        "type": "object",
        "properties": {
            "items": {"type": "object", "properties": {c: count for c in categories}, "additionalProperties": False},
        },
        "required": ["items"],
        "additionalProperties": False,
    }


class _ModelAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: dict[str, int]


def parse_model_answer(text: str, categories: Sequence[str]) -> dict[str, int] | None:
    """The model's items, or None when unusable: bad JSON, an unknown category, a count out of range, a repeated key."""
    try:
        pairs = json.loads(text, object_pairs_hook=_no_repeats)
        answer = _ModelAnswer.model_validate(pairs)
    except (ValueError, ValidationError) as exc:
        log.debug("Unusable classifier output %r: %s", text, exc)
        return None
    if not set(answer.items) <= set(categories) or not all(1 <= n <= MAX_COUNT for n in answer.items.values()):
        return None
    return answer.items


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"repeated keys in {keys}")
    return dict(pairs)


# ---------------------------------------------------------------- keyword parser

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "another": 1, "single": 1, "uno": 1, "una": 1, "un": 1, "otro": 1, "otra": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}
# garments named in the plural that are one item ("jeans", "unos pantalones"): a plural alone means 1
_PAIR_WORDS = {
    "jeans", "jean", "pants", "trousers", "shorts", "leggings", "leggins", "joggers", "slacks", "chinos", "sweatpants", "trackpants",
    "cargos", "culottes", "shoes", "boots", "sandals", "sneakers", "trainers", "heels", "loafers", "flats", "stilettos", "pumps",
    "mules", "espadrilles", "flip flops", "slippers", "moccasins", "ankle boots", "kicks", "pantalones", "vaqueros", "tejanos",
    "mallas", "bermudas", "pantalones cortos", "pantalones largos", "pantalones vaqueros", "zapatos", "zapatillas", "botas",
    "botines", "sandalias", "tenis", "tacones", "deportivas", "mocasines", "alpargatas", "chanclas", "calzado", "footwear",
}
_PAIR_NOUNS = {"pair", "pairs", "par", "pares"}
_COUPLE = {"couple"}
_OF = {"of", "de"}
_BOUNDARIES = {".", ";", "!", "?", ":", "(", ")", "but", "pero", "however", "sino"}
_WANT = [
    "need", "needs", "want", "wants", "find", "show", "looking", "look", "get", "give", "suggest", "recommend", "search", "buy",
    "pick", "choose", "help", "like", "would", "could", "can", "please", "what", "which", "how", "any", "busco", "buscame",
    "quiero", "queria", "quisiera", "necesito", "muestrame", "muestra", "ensename", "encuentra", "encuentrame", "dame",
    "recomienda", "recomiendame", "sugiere", "sugiereme", "sugerir", "comprar", "gustaria", "puedes", "podrias", "que", "cual",
    "cuales", "ayudame", "ayuda", "elige",
]
# phrases after which garments belong to the shopper until a boundary or a wanting word; after a garment
# with nothing of their own to own ("the jeans I already have") they own that garment instead
_HAVE_MARKERS = [
    "already have", "already own", "already got", "already bought", "i have", "i own", "ive got", "i have got", "i got",
    "i bought", "i just bought", "im wearing", "i am wearing", "ill wear", "i will wear", "ill be wearing", "i will be wearing",
    "ya tengo", "tengo", "llevo", "llevare", "voy a llevar", "me pondre", "compre", "ya compre",
]
# "X to go with Y": only what follows is the shopper's
_RELATION_MARKERS = [
    "go with", "goes with", "going with", "to match", "matches", "to wear with", "to pair with", "pairs with", "pair with",
    "combine con", "combinen con", "combinar con", "combina con", "pegue con", "peguen con", "va con", "vaya con", "vayan con",
    "quede con", "queden con", "juego con",
]
_NOT_OWNED_AFTER = {"to", "que", "no", "any", "nothing", "nada"}  # "i have to buy", "tengo que", "i have no shoes"
_NEGATED_OWNERSHIP = ["dont have", "do not have", "dont own", "do not own", "no tengo", "havent got", "have no", "ive no"]
_POSSESSIVES = {"my", "mine", "mi", "mis"}
_EXCLUDE_MARKERS = ["no", "not", "without", "sin", "except", "excepto", "salvo", "dont need", "dont want", "do not need",
                    "do not want", "no quiero", "no necesito", "other than", "instead of", "en vez de", "en lugar de"]
_LIST_CONTINUERS = {"a", "an", "the", "some", "and", "un", "una", "unos", "unas", "el", "la", "los", "las", "y", "e"}
_NOT_A_COUNT_BEFORE = {"size", "talla", "talle", "under", "below", "over", "above", "than", "menos", "mas", "numero", "no", "n",
                       "$", "€", "£", "by", "at", "around", "about"}
_NOT_A_COUNT_AFTER = {"euros", "euro", "eur", "dollars", "dollar", "usd", "pounds", "gbp", "bucks", "years", "year", "anos",
                      "ano", "cm", "kg", "pm", "am", "people", "personas", "days", "dias", "hours", "horas", "percent", "%", "€",
                      "$", "k", "degrees", "grados", "minutes", "minutos", "weeks", "semanas", "months", "meses", "times",
                      "veces", "kids", "ninos", "guests", "invitados", "st", "nd", "rd", "th"}
_MODIFIER_FOLLOWERS = {"sleeve", "sleeves", "sleeved", "length", "cut", "style", "print", "collar"}
_SEPARATORS = {"and", "or", "y", "o", "e", "u", ",", "&", "with", "con", "for", "para", "to"}
_ALTERNATIVE = {"or", "o", "u"}
_COUNT_WINDOW = 5  # tokens between a number and its garment: "three pairs of black leather boots"

# words kept in the English search text: materials, patterns, occasions, seasons, styles (Spanish -> English)
_DESCRIPTORS = {
    "linen": "linen", "lino": "linen", "leather": "leather", "cuero": "leather", "piel": "leather", "wool": "wool", "lana": "wool",
    "woolen": "wool", "cotton": "cotton", "algodon": "cotton", "silk": "silk", "seda": "silk", "denim": "denim",
    "suede": "suede", "ante": "suede", "velvet": "velvet", "terciopelo": "velvet", "knit": "knit", "knitted": "knit",
    "floral": "floral", "flores": "floral", "striped": "striped", "rayas": "striped", "plaid": "plaid", "cuadros": "plaid",
    "polka": "polka dot", "lunares": "polka dot", "casual": "casual", "informal": "casual", "formal": "formal",
    "elegant": "elegant", "elegante": "elegant", "smart": "smart", "sporty": "sporty", "deportivo": "sporty",
    "vintage": "vintage", "oversized": "oversized", "slim": "slim", "long": "long", "largo": "long", "larga": "long",
    "midi": "midi", "mini": "mini", "maxi": "maxi", "warm": "warm", "abrigado": "warm", "light": "light", "ligero": "light",
    "ligera": "light", "waterproof": "waterproof", "impermeable": "waterproof", "summer": "summer", "verano": "summer",
    "winter": "winter", "invierno": "winter", "spring": "spring", "primavera": "spring", "autumn": "autumn", "fall": "autumn",
    "otono": "autumn", "beach": "beach", "playa": "beach", "wedding": "wedding", "boda": "wedding", "office": "office",
    "oficina": "office", "trabajo": "work", "work": "work", "party": "party", "fiesta": "party", "running": "running",
    "correr": "running", "hiking": "hiking", "evening": "evening", "noche": "evening", "interview": "interview",
    "entrevista": "interview", "gym": "gym", "gimnasio": "gym", "date": "date", "cita": "date",
}
_OCCASIONS = {"summer", "winter", "spring", "autumn", "beach", "wedding", "office", "work", "party", "running", "hiking",
              "evening", "interview", "gym", "date"}
_CATEGORY_NOUNS = {"jersey": "sweater"}  # the English word BLIP-2 knows best, where it differs from the category name

_TOKEN = re.compile(r"\d+|[a-z]+(?:-[a-z]+)*|[,.;:!?()&$€£%]")


def _tokens(text: str) -> list[str]:
    text = normalise(text.replace("’", "'")).replace("'", "")
    return _TOKEN.findall(text)


def _phrases(words: Iterable[str]) -> list[tuple[str, ...]]:
    return [tuple(w.split()) for w in sorted(words, key=lambda w: -len(w.split()))]


_WANT_SET = set(_WANT)
_HAVE_PHRASES = _phrases(_HAVE_MARKERS)
_RELATION_PHRASES = _phrases(_RELATION_MARKERS)
_NEGATED_OWNERSHIP_PHRASES = _phrases(_NEGATED_OWNERSHIP)
_EXCLUDE_PHRASES = _phrases(_EXCLUDE_MARKERS)


def _match(tokens: Sequence[str], i: int, phrases: list[tuple[str, ...]]) -> int:
    """Length of the longest phrase starting at tokens[i], or 0."""
    for phrase in phrases:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


@dataclass
class _Mention:
    category: str
    start: int
    end: int  # exclusive
    plural: bool
    pair_word: bool
    count: int | None = None  # an explicit number
    pairs: bool = False  # the number counted pairs: "two pairs of jeans"
    owned: bool = False
    excluded: bool = False
    alternative: bool = False  # "a shirt or a blouse": the second is the same wish
    colors: list[str] = field(default_factory=list)

    def wanted_count(self) -> int:
        if self.count is not None:
            if self.pairs and not self.pair_word:  # "un par de camisetas", "a couple of shirts": a pair of them is two
                return min(self.count * 2, MAX_COUNT)
            return min(self.count, MAX_COUNT)
        return 2 if self.plural and not self.pair_word else 1


def _is_plural(words: Sequence[str]) -> bool:
    return any(w.endswith("s") and not w.endswith("ss") and w not in {"tenis", "bus"} for w in words)


def _plural_forms(word: str) -> set[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("f"):
        forms.add(word[:-1] + "ves")
    if word.endswith("fe"):
        forms.add(word[:-2] + "ves")
    return forms


class KeywordParser:
    """Reads a request word by word; knows only the vocabulary (the shop's, with its English and Spanish words), so it
    never invents a category."""

    def __init__(self, categories: Sequence[str], vocabulary: Vocabulary = DEFAULT) -> None:
        self.categories = list(categories)
        self.vocabulary = vocabulary
        self._allowed = set(categories)
        # categories the catalog has that the vocabulary does not name (a user's folder called "scarves")
        self._extra = {form: c for c in categories if c not in vocabulary.phrases for form in _plural_forms(normalise(c))}

    def _category(self, phrase: str) -> str | None:
        """Any category the words name, the catalog's or not: one it lacks is reported missing, never dropped unsaid."""
        return self.vocabulary.category_for_word(phrase) or self._extra.get(phrase)

    def mentions(self, tokens: Sequence[str]) -> list[_Mention]:
        found: list[_Mention] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.vocabulary.max_phrase_words, len(tokens) - i), 0, -1):  # "sudadera con capucha"
                words = tokens[i : i + n]
                category = self._category(" ".join(words))
                if category is not None:
                    phrase = " ".join(words)
                    found.append(_Mention(category, i, i + n, _is_plural(words), phrase in _PAIR_WORDS))
                    i += n
                    break
            else:
                i += 1
        return self._merge_compounds(found, tokens)

    def _merge_compounds(self, found: list[_Mention], tokens: Sequence[str]) -> list[_Mention]:
        """'denim jacket' is a jacket, 'short dress' a dress, 'pantalones vaqueros' one pair of trousers."""
        merged: list[_Mention] = []
        for mention in found:
            if merged and merged[-1].end == mention.start:
                previous = merged[-1]
                if previous.category == mention.category:  # Spanish noun + adjective: keep the noun's number
                    previous.end = mention.end
                    continue
                merged[-1] = mention  # English noun adjunct: the last noun is the garment
                mention.start = previous.start
                continue
            if mention.end < len(tokens) and tokens[mention.end] in _MODIFIER_FOLLOWERS:
                continue  # "short sleeve", "boot cut"
            merged.append(mention)
        return merged

    def parse(self, request: str, rules: OutfitRules | None = None) -> Classification:
        return self.read(request, rules).classification

    def read(self, request: str, rules: OutfitRules | None = None) -> KeywordParse:
        """The request's wanted garments, counted; those the catalog lacks as `missing`; where it names no garment but an
        occasion (by `rules`), that occasion's outfit from what the catalog holds."""
        limits = read_budget_size(request)
        tokens = _tokens(limits.rest)  # a price or a size is never a count: "máximo 80", "a size 10 shirt"
        mentions = self.mentions(tokens)
        self._assign_counts(tokens, mentions)
        self._assign_ownership(tokens, mentions)
        self._assign_colors(tokens, mentions)
        items: dict[str, int] = {}
        colors: dict[str, list[str]] = {}
        missing: list[str] = []
        for mention in mentions:
            if mention.owned or mention.excluded:
                continue
            if mention.category not in self._allowed:
                if mention.category not in missing:
                    missing.append(mention.category)
                continue
            if mention.alternative and mention.category in items:
                continue
            items[mention.category] = min(items.get(mention.category, 0) + mention.wanted_count(), MAX_COUNT)
            colors.setdefault(mention.category, []).extend(c for c in mention.colors if c not in colors.get(mention.category, []))
        occasions = rules.occasions_in(tokens) if rules is not None else []
        source: Source = "keywords"
        if occasions and not items and not missing and rules is not None:
            outfit = next(filter(None, (rules.occasion(name).outfit_for(self.categories) for name in occasions)), None)  # type: ignore[union-attr]
            items = {slot.categories[0]: 1 for slot in outfit or ()}
            source = "occasion" if items else source
        text = search_text(tokens, items if source == "keywords" else {}, colors)
        if source == "occasion" and occasions[0] not in text:  # "winter outfit" for "keep me warm on the slopes"
            text = f"{occasions[0]} outfit {text}".strip()
        classification = Classification(
            items=items, number_of_items=sum(items.values()), search_text=text, source=source,
            budget=limits.budget, size=limits.size, missing=missing, occasion=occasions[0] if occasions else None,
        )
        return KeywordParse(classification, frozenset(m.category for m in mentions), tokens, colors,
                            has_words=any(t.isalpha() for t in tokens))

    def _assign_counts(self, tokens: Sequence[str], mentions: list[_Mention]) -> None:
        """Give each garment the number before it, and mark 'or' alternatives."""
        starts = {m.start: m for m in mentions}
        number: int | None = None
        pairs = False
        since = 0
        for i, token in enumerate(tokens):
            mention = starts.get(i)
            if mention is not None:
                if number is not None and since <= _COUNT_WINDOW:
                    mention.count, mention.pairs = number, pairs
                number, pairs = None, False
                continue
            value = self._number_at(tokens, i)
            if value is not None:
                number, pairs, since = value, False, 0
            elif token in _PAIR_NOUNS or (token in _COUPLE and i + 1 < len(tokens) and tokens[i + 1] in _OF):
                number, pairs, since = (number or 1), True, 0
            elif token in _BOUNDARIES or token == ",":
                number, pairs = None, False
            else:
                since += 1
        for previous, mention in itertools.pairwise(mentions):
            between = tokens[previous.end : mention.start]
            if any(t in _ALTERNATIVE for t in between) and len(between) <= 3:
                mention.alternative = True

    @staticmethod
    def _number_at(tokens: Sequence[str], i: int) -> int | None:
        token = tokens[i]
        if token.isdigit():
            value = int(token)
        elif token in _NUMBERS:
            value = _NUMBERS[token]
        else:
            return None
        if i > 0 and tokens[i - 1] in _NOT_A_COUNT_BEFORE:
            return None
        if i + 1 < len(tokens) and tokens[i + 1] in _NOT_A_COUNT_AFTER:
            return None
        return value if value > 0 else None

    def _assign_ownership(self, tokens: Sequence[str], mentions: list[_Mention]) -> None:
        by_start = {m.start: m for m in mentions}
        owned_scope = False  # from "I already have" to a boundary or a wanting word
        possessive = 0  # tokens left for "my" to reach its garment: "my new black jeans", not "mi novia ... un vestido"
        exclude = 0  # tokens left in a "not"/"sin" scope
        i = 0
        while i < len(tokens):
            token = tokens[i]
            mention = by_start.get(i)
            if mention is not None:
                mention.owned = owned_scope or possessive > 0
                mention.excluded = exclude > 0 and not mention.owned
                possessive, exclude = 0, 0
                i = mention.end
                continue
            negated = _match(tokens, i, _NEGATED_OWNERSHIP_PHRASES)
            if negated:  # "I don't have shoes": the shoes are wanted
                owned_scope, i = False, i + negated
                continue
            relation = _match(tokens, i, _RELATION_PHRASES)
            if relation:
                owned_scope, i = True, i + relation
                continue
            owned = _match(tokens, i, _HAVE_PHRASES)
            if owned and (i + owned >= len(tokens) or tokens[i + owned] not in _NOT_OWNED_AFTER):
                if not self._owned_refers_back(tokens, i, i + owned, mentions):
                    owned_scope = True
                i += owned
                continue
            excluded = _match(tokens, i, _EXCLUDE_PHRASES)
            if excluded:
                exclude, i = 4, i + excluded
                continue
            if token in _POSSESSIVES:
                possessive = 4
            elif token in _BOUNDARIES or token in _WANT_SET:
                owned_scope, possessive, exclude = False, 0, 0
            elif token == "," and not self._continues_list(tokens, i + 1, by_start):
                owned_scope, possessive = False, 0
            exclude, possessive = max(exclude - 1, 0), max(possessive - 1, 0)
            i += 1

    @staticmethod
    def _continues_list(tokens: Sequence[str], i: int, by_start: dict[int, _Mention]) -> bool:
        if i >= len(tokens):
            return False
        token = tokens[i]
        return token in _LIST_CONTINUERS or token.isdigit() or token in _NUMBERS or color_for_word(token) is not None or i in by_start

    @staticmethod
    def _owned_refers_back(tokens: Sequence[str], start: int, end: int, mentions: list[_Mention]) -> bool:
        """'the jeans I already have': the phrase follows its garment and has no object of its own; mark it owned."""
        previous = [m for m in mentions if m.end <= start]
        if not previous:
            return False
        last = previous[-1]
        gap = tokens[last.end : start]
        if len(gap) > 2 or any(t not in {"that", "which", "que", "i", "you", "we"} for t in gap):
            return False
        following = [m for m in mentions if m.start >= end]
        if following:
            after = tokens[end : following[0].start]
            if len(after) <= 3 and not any(t in _BOUNDARIES or t in _WANT_SET or t == "," for t in after):
                return False  # "I need shoes I already have a dress": the phrase owns what follows
        last.owned = True
        return True

    @staticmethod
    def _assign_colors(tokens: Sequence[str], mentions: list[_Mention]) -> None:
        """Colours next to the garment, before it (English) or after it (Spanish), not across 'and' or another garment."""
        taken = {i for m in mentions for i in range(m.start, m.end)}
        for mention in mentions:
            sides: list[list[str]] = [[], []]
            for side, (step, edge) in enumerate(((-1, mention.start - 1), (1, mention.end))):
                for i in range(edge, edge + step * 3, step):
                    if not 0 <= i < len(tokens) or i in taken or tokens[i] in _SEPARATORS or tokens[i] in _BOUNDARIES:
                        break
                    sides[side].append(tokens[i])
            for word in [*reversed(sides[0]), *sides[1]]:
                color = color_for_word(word)
                if color and color not in mention.colors:
                    mention.colors.append(color)


def search_text(tokens: Sequence[str], items: dict[str, int], colors: dict[str, list[str]]) -> str:
    """An English description for the image search: colours, materials and the occasion, never the owned garments."""
    descriptors = [_DESCRIPTORS[t] for t in tokens if t in _DESCRIPTORS]
    occasions = list(dict.fromkeys(d for d in descriptors if d in _OCCASIONS))
    styles = list(dict.fromkeys(d for d in descriptors if d not in _OCCASIONS))
    parts = [" ".join([*colors.get(category, []), *styles, _CATEGORY_NOUNS.get(category, category)]) for category in items]
    text = ", ".join(parts)
    if occasions:
        text = f"{text} for {' and '.join(occasions)}" if text else " ".join(occasions) + " outfit"
    return text[:MAX_SEARCH_TEXT]


@dataclass(frozen=True)
class KeywordParse:
    classification: Classification
    mentioned: frozenset[str]  # every category named, wanted, owned or refused
    tokens: Sequence[str]
    colors: dict[str, list[str]]
    has_words: bool

    @property
    def needs_model(self) -> bool:
        """Only where the words name nothing: no garment (had or not) and no occasion."""
        words = self.classification
        return self.has_words and not words.items and not words.missing and words.occasion is None


# ---------------------------------------------------------------- the model and the combination


def _examples() -> list[tuple[str, dict[str, Any]]]:
    pairs = []
    for line in prompt_text("classifier_examples.txt").splitlines():
        if "=>" in line and not line.startswith("#"):
            request, answer = line.split("=>", 1)
            pairs.append((request.strip(), json.loads(answer)))
    return pairs


def build_prompt(request: str, categories: Sequence[str]) -> Prompt:
    """Few-shot prompt in both shapes. The request is flattened to one line and cut, so it cannot open a new turn."""
    cleaned = " ".join(request.split())[:MAX_REQUEST_CHARS] or "(empty request)"
    instructions = prompt_text("classifier_instructions.txt").format(categories=", ".join(categories))
    examples = [(r, a) for r, a in _examples() if set(a["items"]) <= set(categories)]
    messages = [{"role": "system", "content": instructions}]
    lines = [instructions.strip(), ""]
    for example, answer in examples:
        text = json.dumps(answer, ensure_ascii=False)
        messages += [{"role": "user", "content": example}, {"role": "assistant", "content": text}]
        lines += [f"Request: {example}", f"JSON: {text}", ""]
    messages.append({"role": "user", "content": cleaned})
    lines += [f"Request: {cleaned}", "JSON: "]
    return Prompt(messages=messages, completion="\n".join(lines))


def combine(keywords: KeywordParse, model: dict[str, int] | None) -> Classification:
    """The parser's items when it found any; else the model's, less what the parser read as owned or refused."""
    words = keywords.classification
    if words.items or not model:
        return words
    kept = {c: n for c, n in model.items() if c not in keywords.mentioned}
    return Classification(
        items=kept, number_of_items=sum(kept.values()), search_text=search_text(keywords.tokens, kept, keywords.colors),
        source="both" if kept != model else "llm", budget=words.budget, size=words.size, missing=words.missing,
        occasion=words.occasion,
    )


Mode = Literal["combined", "keywords", "llm"]


class RequestClassifier:
    """Keyword parser plus an optional local model, over the categories the catalog has (else the vocabulary's), their
    words from the vocabulary: the shop's (`catalog_vocabulary`), else the built-in one."""

    def __init__(self, llm: LocalLLM | Callable[[], LocalLLM | None] | None, categories: Sequence[str] | None = None, *,
                 max_tokens: int = 48, vocabulary: Vocabulary = DEFAULT, rules: Callable[[], OutfitRules] = load_rules) -> None:
        self._llm_source = llm
        self.rules = rules  # read at each request, so an edit of the owner's outfit rules shows at once
        # the shop's own categories are always known, even before a photo is tagged with one ("dos bufandas" -> scarf)
        self.categories = list(dict.fromkeys([*categories, *(c.name for c in vocabulary.shop)])) if categories else vocabulary.categories
        self.vocabulary = vocabulary
        self.parser = KeywordParser(self.categories, vocabulary)
        self.max_tokens = max_tokens
        self.schema = classification_schema(self.categories)

    @functools.cached_property
    def llm(self) -> LocalLLM | None:
        """The model, found when a request first needs it: one the keywords read alone never resolves the bundled
        model, so it neither asks for its terms nor touches its file. A failure is not cached: asked again, it retries."""
        source = self._llm_source
        return source() if callable(source) else source

    def with_vocabulary(self, categories: Sequence[str] | None, vocabulary: Vocabulary) -> RequestClassifier:
        """The same model (opened or not yet) over other categories and words."""
        opened = self.__dict__.get("llm", self._llm_source)  # cached_property keeps an opened model in __dict__
        return RequestClassifier(opened, categories, max_tokens=self.max_tokens, vocabulary=vocabulary, rules=self.rules)

    def ask_model(self, request: str) -> dict[str, int] | None:
        """The model's items for a request, or None when there is no model or its answer is unusable."""
        return self.model_reading(request)[0] if self.llm is not None else None

    def model_reading(self, request: str, constraint: Constraint = "check-chosen") -> tuple[dict[str, int] | None, Decoded]:
        """`ask_model` with what the answer cost, which `models measure` and the benchmark report; needs a model."""
        assert self.llm is not None, "model_reading needs a classifier with a model"
        decoded = self.llm.json_decode(build_prompt(request, self.categories), self.schema, max_tokens=self.max_tokens,
                                       constraint=constraint)
        return parse_model_answer(decoded.text, self.categories), decoded

    def classify(self, request: str, mode: Mode = "combined") -> Classification:
        keywords = self.parser.read(request, self.rules())
        if mode == "keywords":
            return keywords.classification
        if mode == "llm":
            items = self.ask_model(request) or {}
            return Classification(
                items=items, number_of_items=sum(items.values()),
                search_text=search_text(keywords.tokens, items, keywords.colors), source="llm",
                budget=keywords.classification.budget, size=keywords.classification.size,
            )
        return combine(keywords, self.ask_model(request) if keywords.needs_model else None)


def classifier_gguf(context: AppContext, override: str | Path | None = None) -> Path | None:
    """--llm, else the configured classifier GGUF, else the bundled 270M (assembled on first use), else None."""
    chosen = override or context.settings.classifier_gguf
    if chosen:
        return Path(chosen).expanduser()
    return bundled_gguf_path(context.paths) if bundled_gguf_available() else None


def open_classifier(context: AppContext, categories: Sequence[str] | None = None, override: str | Path | None = None,
                    vocabulary: Vocabulary = DEFAULT) -> RequestClassifier:
    """A classifier over `categories`, the caller's catalog's (None or empty: the default vocabulary, as before there
    is a catalog). A GGUF the user chose is header-checked now, so a wrong file fails before any request. The bundled
    one was verified when installed, and is found only when a request needs the model: a keyword-only call neither
    reads its header (0.3 s) nor asks for its terms."""
    def rules() -> OutfitRules:
        return load_rules(context.paths)

    def open_llm() -> LocalLLM | None:
        path = classifier_gguf(context, override)
        return LocalLLM(path, LoadOptions(n_ctx=1024, n_threads=context.settings.threads)) if path is not None else None

    if override or context.settings.classifier_gguf:
        llm = open_llm()
        if llm is not None:
            llm.info  # noqa: B018 - raises BadModelFileError for a file that is not a usable GGUF
        return RequestClassifier(llm, categories, vocabulary=vocabulary, rules=rules)
    return RequestClassifier(open_llm, categories, vocabulary=vocabulary, rules=rules)
