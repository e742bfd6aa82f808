"""The vocabulary of categories and colours, with the words shoppers and folders use for them.

One place for the catalog (folder names, zero-shot prompts), the search filters and the request
classifier, so "tees", "camisetas" and a folder called `T-Shirts` all mean the same category.
The built-in eleven categories are the default; a shop adds its own (scarves, suits, swimwear) with
English and Spanish words, by `categories add` or from an import's Type column, stored in the catalog
(migrations/0006). `catalog_vocabulary(catalog)` is that shop's vocabulary; `DEFAULT` holds before there
is a catalog. The module-level functions answer for the default vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.core.platform.i18n import N_, _

if TYPE_CHECKING:  # the vocabulary loads with every command (for its help): the store's numpy only where it is used
    from desktop_app.core.store.catalog import Catalog
    from desktop_app.core.store.product_store import ShopCategory

# category -> the phrase used in zero-shot prompts ("a photo of {phrase}")
CATEGORIES: dict[str, str] = {
    "t-shirt": "a t-shirt",
    "shirt": "a shirt",
    "jersey": "a sweater",
    "jacket": "a jacket",
    "pants": "a pair of pants",
    "shorts": "a pair of shorts",
    "dress": "a dress",
    "skirt": "a skirt",
    "shoes": "a pair of shoes",
    "bag": "a bag",
    "hat": "a hat",
}

# category -> other words for it (English and Spanish, singular and plural), matched after normalise()
CATEGORY_SYNONYMS: dict[str, list[str]] = {
    "t-shirt": ["t-shirt", "t-shirts", "tshirt", "tshirts", "t shirt", "t shirts", "tee", "tees", "tee shirt",
                "camiseta", "camisetas", "playera", "playeras", "remera", "remeras",
                "tank top", "tank tops", "crop top", "crop tops", "camisole", "camisoles"],
    "shirt": ["shirt", "shirts", "blouse", "blouses", "button-down", "button down", "camisa", "camisas", "blusa", "blusas",
              "dress shirt", "dress shirts", "camisa de vestir", "camisas de vestir"],
    "jersey": ["jersey", "jerseys", "sweater", "sweaters", "jumper", "jumpers", "pullover", "pullovers", "hoodie", "hoodies",
               "cardigan", "cardigans", "sweatshirt", "sweatshirts", "knitwear", "sueter", "sueteres", "sudadera", "sudaderas",
               "rebeca", "rebecas", "chaqueta de punto",
               "turtleneck", "turtlenecks", "fleece", "fleeces", "sweat shirt", "crewneck", "jerseis", "chompa", "chompas",
               "chaquetas de punto", "sudadera con capucha"],
    "jacket": ["jacket", "jackets", "coat", "coats", "blazer", "blazers", "parka", "parkas", "anorak", "trench",
               "chaqueta", "chaquetas", "abrigo", "abrigos", "chamarra", "chamarras", "cazadora", "cazadoras", "americana",
               "raincoat", "raincoats", "windbreaker", "windbreakers", "puffer", "puffers", "overcoat", "overcoats",
               "trench coat", "trench coats", "gabardina", "gabardinas", "anoraks", "americanas", "chaqueton", "chaquetones"],
    "pants": ["pants", "pant", "trousers", "trouser", "jeans", "jean", "denim", "chinos", "chino", "leggings", "joggers",
              "slacks", "pantalon", "pantalones", "vaqueros", "vaquero", "tejanos", "mallas",
              "sweatpants", "trackpants", "cargo pants", "cargos", "culottes", "pantalon largo", "pantalones largos", "leggins",
              "pantalones vaqueros", "jogger"],
    "shorts": ["shorts", "short", "bermudas", "bermuda", "pantalon corto", "pantalones cortos", "short de bano"],
    "dress": ["dress", "dresses", "gown", "gowns", "vestido", "vestidos", "sundress", "sundresses", "maxi dress"],
    "skirt": ["skirt", "skirts", "falda", "faldas", "pollera", "polleras", "miniskirt", "miniskirts", "minifalda",
              "minifaldas"],
    "shoes": ["shoes", "shoe", "footwear", "sneakers", "sneaker", "trainers", "trainer", "boots", "boot", "sandals", "sandal",
              "heels", "loafers", "loafer", "flats", "zapatos", "zapato", "zapatillas", "zapatilla", "botas", "bota",
              "sandalias", "sandalia", "tenis", "calzado",
              "stilettos", "pumps", "mules", "espadrilles", "flip flops", "slippers", "moccasins", "mocasines", "tacones",
              "deportivas", "deportiva", "alpargatas", "chanclas", "botines", "botin", "ankle boots"],
    "bag": ["bag", "bags", "handbag", "handbags", "purse", "purses", "backpack", "backpacks", "tote", "totes", "bolso",
            "bolsos", "bolsa", "bolsas", "mochila", "mochilas", "cartera", "carteras",
            "clutch", "clutches", "satchel", "satchels", "crossbody", "rucksack", "rucksacks", "bolso de mano", "bolsos de mano",
            "rinonera", "rinoneras"],
    "hat": ["hat", "hats", "cap", "caps", "beanie", "beanies", "sombrero", "sombreros", "gorra", "gorras", "gorro", "gorros",
            "beret", "berets", "fedora", "fedoras", "boina", "boinas", "visera", "viseras"],
}

# the built-in categories in the plural, for sentences such as "No skirts in your catalog" (translated where shown)
PLURAL_NAMES: dict[str, str] = {
    "t-shirt": N_("t-shirts"), "shirt": N_("shirts"), "jersey": N_("jerseys"), "jacket": N_("jackets"), "pants": N_("pants"),
    "shorts": N_("shorts"), "dress": N_("dresses"), "skirt": N_("skirts"), "shoes": N_("shoes"), "bag": N_("bags"),
    "hat": N_("hats"),
}

COLORS: list[str] = ["black", "white", "grey", "red", "pink", "orange", "yellow", "green", "blue", "navy", "brown", "beige",
                     "purple", "multicolour"]

COLOR_SYNONYMS: dict[str, list[str]] = {
    "black": ["black", "negro", "negra", "negros", "negras"],
    "white": ["white", "ivory", "blanco", "blanca", "blancos", "blancas"],
    "grey": ["grey", "gray", "charcoal", "gris", "grises"],
    "red": ["red", "burgundy", "maroon", "rojo", "roja", "rojos", "rojas"],
    "pink": ["pink", "rosa", "rosado", "rosada"],
    "orange": ["orange", "naranja", "anaranjado"],
    "yellow": ["yellow", "mustard", "amarillo", "amarilla"],
    "green": ["green", "olive", "khaki", "verde", "verdes"],
    "blue": ["blue", "denim blue", "light blue", "azul", "azules", "celeste"],
    "navy": ["navy", "navy blue", "azul marino"],
    "brown": ["brown", "tan", "camel", "marron", "cafe"],
    "beige": ["beige", "cream", "crema", "camel beige"],
    "purple": ["purple", "violet", "lilac", "morado", "morada", "violeta", "lila"],
    "multicolour": ["multicolour", "multicolor", "multicoloured", "multicolored", "striped", "patterned", "floral",
                    "multicolores", "estampado", "estampada", "de rayas"],
}


def normalise(text: str) -> str:
    """Lower case, accents stripped, separators as single spaces: 'Pantalón_Corto' -> 'pantalon corto'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[_\s]+", " ", text)
    return text.strip()


def _index(synonyms: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, words in synonyms.items():
        for word in [canonical, *words]:
            index[normalise(word)] = canonical
            index[normalise(word).replace("-", " ")] = canonical
    return index


_COLOR_INDEX = _index(COLOR_SYNONYMS)


def word_forms(word: str) -> list[str]:
    """A shop's word with its likely plural or singular, English and Spanish ('scarf' -> scarfs, scarves;
    'scarves' -> scarf; 'bufandas' -> bufanda; 'pantalón' -> pantalones), so a category added once is found either way."""
    base = normalise(word)
    if not base:
        return []
    last = base.split()[-1]
    head = base[: len(base) - len(last)]
    if last.endswith("ves") and len(last) > 4:
        stems = [last[:-3] + "f", last[:-3] + "fe"]
    elif last.endswith("ies") and len(last) > 4:
        stems = [last[:-3] + "y"]
    elif last.endswith("ces") and len(last) > 4:
        stems = [last[:-3] + "z", last[:-1]]
    elif last.endswith("es") and len(last) > 4:
        stems = [last[:-1], last[:-2]]  # blouses -> blouse, pantalones -> pantalon
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        stems = [last[:-1]]
    else:
        sibilant = last[-1] in "sxz" or last.endswith(("ch", "sh"))
        stems = [last + ("es" if sibilant or last[-1] in "lnrdj" else "s")]  # Spanish: pantalón -> pantalones
        if not sibilant and last[-1] not in "aeiouy":
            stems.append(last + "s")  # English: shawl -> shawls
        if last.endswith("f"):
            stems.append(last[:-1] + "ves")
        elif last.endswith("fe"):
            stems.append(last[:-2] + "ves")
        elif last.endswith("z"):
            stems.append(last[:-1] + "ces")
        elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
            stems.append(last[:-1] + "ies")
    return list(dict.fromkeys([base, *(head + stem for stem in stems)]))


_TAXONOMY_SPLIT = re.compile(r"\s*(?:>|/|\||&|,|;|\+|\band\b|\by\b)\s*")


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Categories (built-in first, then the shop's), their prompt phrases and every word for them; colours.

    Words are matched after `normalise`. A built-in category's own name always names it; a word the shop gave
    for one of its categories beats a built-in synonym ("sneakers" as a category of its own); the plural and
    singular forms made from the shop's words fill in where nothing else claims them.
    """

    phrases: Mapping[str, str]  # category -> the phrase of its zero-shot prompt ("a photo of {phrase}")
    category_words: Mapping[str, str]  # normalised word -> category
    colors: tuple[str, ...]
    color_words: Mapping[str, str]
    shop: tuple[ShopCategory, ...] = ()
    max_phrase_words: int = 4  # the longest word, in words: how far a parser must look ahead

    @classmethod
    def build(cls, shop: Iterable[ShopCategory] = ()) -> Vocabulary:
        shop = tuple(sorted(shop, key=lambda category: category.origin == "user"))  # the owner's words beat an import's
        phrases = dict(CATEGORIES)
        for category in shop:
            phrases.setdefault(category.name, category.phrase)
        words: dict[str, str] = {}
        for canonical in CATEGORIES:
            _add(words, canonical, canonical, override=True)
        for category in shop:  # the shop's own words beat the built-in synonyms
            for word in (category.name, *category.synonyms, *category.synonyms_es):
                _add(words, word, category.name, override=normalise(word) not in CATEGORIES)
        for canonical, synonyms in CATEGORY_SYNONYMS.items():
            for word in synonyms:
                _add(words, word, canonical, override=False)
        for category in shop:
            for word in (category.name, *category.synonyms, *category.synonyms_es):
                for form in word_forms(word):
                    _add(words, form, category.name, override=False)
        longest = max((len(word.split()) for word in words), default=1)
        return cls(phrases, words, tuple(COLORS), _COLOR_INDEX, shop, max(longest, 4))

    @property
    def categories(self) -> list[str]:
        return list(self.phrases)

    def is_builtin(self, category: str) -> bool:
        return category in CATEGORIES

    def category_for_word(self, word: str) -> str | None:
        """The category a word or short phrase names, or None: 'Tees' -> 't-shirt', a shop's 'bufandas' -> its 'scarf'."""
        key = normalise(word)
        return self.category_words.get(key) or self.category_words.get(key.replace("-", " "))

    def color_for_word(self, word: str) -> str | None:
        return self.color_words.get(normalise(word))

    def category_phrase(self, category: str) -> str:
        return self.phrases[category]

    def words_for(self, category: str) -> list[str]:
        """The words given for `category` (built-in synonyms, the shop's words) that still name it, without the plural and
        singular forms made from them: for a settings list or `categories list`."""
        given = [category, *CATEGORY_SYNONYMS.get(category, ())]
        for shop in self.shop:
            if shop.name == category:
                given += [*shop.synonyms, *shop.synonyms_es]
        return list(dict.fromkeys(word for word in given if self.category_for_word(word) == category))

    def match_category(self, text: str) -> str | None:
        """The category a shop's Type or taxonomy names, if any: the whole text, else its parts from the most specific
        ('Apparel & Accessories > Clothing > Shirts & Tops' -> shirt), else its longest run of words naming one
        ('Summer dresses' -> dress, 'Vestidos largos' -> dress)."""
        found = self.category_for_word(text)
        if found:
            return found
        parts = [part for part in _TAXONOMY_SPLIT.split(normalise(text)) if part]
        for part in reversed(parts):
            found = self.category_for_word(part)
            if found:
                return found
        for part in reversed(parts):
            words = part.split()
            for size in range(min(len(words), self.max_phrase_words), 0, -1):
                for start in range(len(words) - size, -1, -1):  # rightmost first: English puts the garment last
                    found = self.category_for_word(" ".join(words[start : start + size]))
                    if found:
                        return found
        return None


def _add(words: dict[str, str], word: str, category: str, *, override: bool) -> None:
    for key in {normalise(word), normalise(word).replace("-", " ")}:
        if key and (override or key not in words):
            words[key] = category


DEFAULT = Vocabulary.build()


def catalog_vocabulary(catalog: Catalog) -> Vocabulary:
    """The vocabulary of this catalog's shop: the built-in categories and colours, and the shop's own categories."""
    shop = catalog.products.shop_categories()
    return Vocabulary.build(shop) if shop else DEFAULT


def plural_name(category: str) -> str:
    """A category in the plural in the user's language; a shop's own category as the shop named it."""
    return _(PLURAL_NAMES[category]) if category in PLURAL_NAMES else category


def category_for_word(word: str) -> str | None:
    """The category a word or short phrase names in the default vocabulary, or None: 'Tees' -> 't-shirt'."""
    return DEFAULT.category_for_word(word)


def color_for_word(word: str) -> str | None:
    return _COLOR_INDEX.get(normalise(word))
