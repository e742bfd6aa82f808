"""The default vocabulary of categories and colours, with the words shoppers and folders use for them.

One place for the catalog (folder names, zero-shot prompts), the search filters and the request
classifier, so "tees", "camisetas" and a folder called `T-Shirts` all mean the same category.
"""

from __future__ import annotations

import re
import unicodedata

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


_CATEGORY_INDEX = _index(CATEGORY_SYNONYMS)
_COLOR_INDEX = _index(COLOR_SYNONYMS)


def category_for_word(word: str) -> str | None:
    """The category a word or short phrase names, or None: 'Tees' -> 't-shirt', 'sweaters' -> 'jersey'."""
    return _CATEGORY_INDEX.get(normalise(word)) or _CATEGORY_INDEX.get(normalise(word).replace("-", " "))


def color_for_word(word: str) -> str | None:
    return _COLOR_INDEX.get(normalise(word))
