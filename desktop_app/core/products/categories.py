"""The shop's own categories: added by the owner, or met in an import's Type / Product Category.

A Type that a word of the vocabulary names ('Tees', 'Vestidos largos', Shopify's 'Apparel & Accessories >
Clothing > Dresses') is that category; one no word names ('Scarves', 'Bañadores') becomes a category of the
shop's, with its own word, its singular or plural and its zero-shot prompt. Shopify's standard taxonomy makes
a new category only from a specific leaf (three levels or more), never from 'Apparel & Accessories'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from desktop_app.core.catalog.vocabulary import Vocabulary, catalog_vocabulary, normalise
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import ProductRecord, ShopCategory

_MAX_NAME = 60
_TAXONOMY_LEVELS = re.compile(r"\s*>\s*")
# Types that say who or when, not what: such a product's category is left to its photos (zero-shot)
_NOT_A_GARMENT = {"clothing", "clothes", "apparel", "ropa", "prendas", "accessories", "accesorios", "other", "others", "otros",
                  "otro", "otras", "varios", "misc", "miscellaneous", "general", "default", "new", "nuevo", "novedades", "sale",
                  "rebajas", "outlet", "women", "woman", "men", "man", "mujer", "hombre", "kids", "ninos", "nina", "nino", "unisex",
                  "moda", "fashion", "basics", "basicos", "gift card", "tarjeta regalo", "products", "productos", "none"}


class CategoryError(UserError):
    """A category the owner asked for cannot be added as given."""


@dataclass(frozen=True)
class CategoryChange:
    category: ShopCategory
    created: bool  # False: words were added to a category that existed (built-in or the shop's)
    taken_from: dict[str, str]  # word -> the category it meant before and no longer means
    recategorised: int  # imported products whose Type the new words name, moved into it
    merged: list[str]  # categories an import had made that the new words take over


def category_name(text: str) -> str:
    """How a category is named in tags and filters: lower case, single spaces, accents kept ('Bañadores' -> 'bañadores')."""
    return " ".join(text.lower().split())[:_MAX_NAME]


def add_category(catalog: Catalog, name: str, synonyms: Sequence[str] = (), synonyms_es: Sequence[str] = ()) -> CategoryChange:
    """Add a category of the shop's, or more words to one (a built-in one included), in one transaction."""
    clean = category_name(name)
    if not normalise(clean):
        raise CategoryError(_("A category needs a name."), _("Give it as the first word: `fashion-assistant categories add scarf`."))
    if any(ch in clean for ch in ",;|"):
        raise CategoryError(_("{name} holds a comma or a semicolon, which cannot be part of a category's name.").format(name=repr(name)),
                            _("Give one name, and its other words with --synonyms (English) and --es (Spanish)."))
    before = catalog_vocabulary(catalog)
    existing = {category.name: category for category in before.shop}
    known = existing.get(clean)
    words_en = _words(synonyms, known.synonyms if known else ())
    words_es = _words(synonyms_es, known.synonyms_es if known else ())
    category = ShopCategory(clean, known.phrase if known else clean, words_en, words_es, "user")
    merged = []
    with catalog.transaction():
        catalog.products.put_category(category)
        joined = Vocabulary.build([*existing.values(), category])
        for other in before.shop:  # an import's category whose own name now means this one is merged into it
            if other.origin == "import" and other.name != clean and joined.category_for_word(other.name) == clean:
                catalog.products.remove_category(other.name)
                merged.append(other.name)
        after = catalog_vocabulary(catalog)
        moved = recategorise(catalog, after)
    taken = {word: old for word in (*words_en, *words_es)
             if (old := before.category_for_word(word)) and old not in {clean, *merged} and after.category_for_word(word) == clean}
    return CategoryChange(category, known is None and not before.is_builtin(clean), taken, moved, merged)


def recategorise(catalog: Catalog, vocab: Vocabulary) -> int:
    """Products whose category came from their file, decided again with `vocab` (a category the owner just added may
    name their Type), with their photos' tags; the owner's own choices stay. Returns how many products moved."""
    moves = []
    for product in catalog.products.products():
        if product.category_source != "import":
            continue
        found = next((c for text in (product.product_type, product.shop_category) if text.strip() and (c := vocab.match_category(text))),
                     None)
        if found and found != product.category:
            moves.append((product.id, found))
    catalog.products.set_import_categories(moves)
    photos = catalog.products.photos([product_id for product_id, _ in moves])
    for product_id, category in moves:
        for item_id in photos.get(product_id, []):
            catalog.store.set_tag(item_id, "category", category, "product")
    return len(moves)


def _words(given: Sequence[str], kept: Sequence[str]) -> tuple[str, ...]:
    words = [" ".join(word.split()) for text in given for word in re.split(r"[,;]", text)]
    return tuple(dict.fromkeys([*kept, *(word for word in words if word)]))


@dataclass(frozen=True)
class CategoryPlan:
    records: list[ProductRecord]  # with their category decided
    new: list[ShopCategory]  # categories the import adds to the shop's vocabulary


def plan_categories(records: Sequence[ProductRecord], vocab: Vocabulary) -> CategoryPlan:
    """Each product's category from its Type, else its Product Category, else its name; new categories for a Type no
    word names."""
    new: dict[str, ShopCategory] = {}
    current = vocab
    decided: dict[tuple[str, str], str | None] = {}
    planned: list[ProductRecord] = []
    for record in records:
        key = (record.product_type, record.shop_category)
        if key not in decided:
            category = _known(record, current)
            if category is None:
                source = _new_category_text(record)
                if source:
                    name = category_name(source)
                    new.setdefault(name, ShopCategory(name, name, (source,), (), "import"))
                    current = Vocabulary.build([*vocab.shop, *new.values()])
                    category = current.category_for_word(name)
            decided[key] = category
        # Without a Type that says it, the product's name often does ('Falda plisada', 'Red summer dress').
        planned.append(replace(record, category=decided[key] or current.match_category(record.name)))
    return CategoryPlan(planned, list(new.values()))


def _known(record: ProductRecord, vocab: Vocabulary) -> str | None:
    for text in (record.product_type, record.shop_category):
        if text.strip():
            found = vocab.match_category(text)
            if found:
                return found
    return None


def _new_category_text(record: ProductRecord) -> str:
    levels = [level for level in _TAXONOMY_LEVELS.split(record.shop_category.strip()) if level]
    for text in (record.product_type.strip(), levels[-1] if len(levels) >= 3 else ""):
        if text and normalise(text) not in _NOT_A_GARMENT and re.search(r"[^\W\d_]", text):
            return text
    return ""
