"""Which column holds what: the product fields, the headers shops use for them in English and Spanish, `--map`.

A generic file's columns are recognised by their header alone (`Referencia`, `PVP`, `Talla`, `Existencias`),
after accents, case, punctuation and a unit in brackets (`Precio (€)`) are set aside; `--map COLUMN=FIELD`
names or overrides any of them (`FIELD` in English or Spanish, `ignore` to leave a column out). Shopify's
export is recognised by its own header row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

Field = Literal["handle", "sku", "name", "vendor", "category", "tags", "body", "price", "compare_at_price", "size", "color",
                "stock", "photo", "currency"]
IGNORE = "ignore"

# field -> the headers that name it (normalised by header_key); the field's own name and its Spanish name first
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "handle": ("handle", "product handle", "product id", "product code", "parent", "parent sku", "parent id", "group", "model",
               "modelo", "referencia padre", "ref padre", "codigo modelo", "codigo de modelo", "style", "style number", "estilo",
               "id producto", "producto id", "grupo"),
    "sku": ("sku", "referencia", "ref", "reference", "codigo", "code", "item code", "sku code", "variant sku", "codigo articulo",
            "codigo de articulo", "cod articulo", "article number", "art nr", "ref articulo", "referencia articulo", "cod",
            "codigo sku", "ref interna", "referencia interna"),
    "name": ("name", "nombre", "title", "titulo", "product", "producto", "product name", "item", "item name", "nombre producto",
             "nombre del producto", "nombre de producto", "articulo", "denominacion", "product title"),
    "vendor": ("vendor", "marca", "brand", "proveedor", "fabricante", "manufacturer", "designer", "disenador", "supplier"),
    "category": ("category", "categoria", "type", "tipo", "product type", "tipo de producto", "familia", "family", "seccion",
                 "section", "department", "departamento", "subcategoria", "subcategory", "product category", "clase", "prenda",
                 "garment", "coleccion", "collection"),
    "tags": ("tags", "etiquetas", "keywords", "palabras clave", "labels"),
    "body": ("body", "descripcion", "description", "details", "detalles", "body html", "descripcion larga", "long description"),
    "price": ("price", "precio", "pvp", "p v p", "precio venta", "precio de venta", "sale price", "retail price", "selling price",
              "importe", "precio unitario", "unit price", "variant price", "precio final", "pvp iva incluido", "pvp con iva",
              "precio con iva"),
    "compare_at_price": ("compare at price", "precio anterior", "compare-at price", "original price", "regular price",
                         "precio original", "precio antes", "antes", "precio tachado", "rrp", "msrp", "list price",
                         "precio de lista", "pvp recomendado", "precio regular", "variant compare at price"),
    "size": ("size", "talla", "talle", "tallas", "sizes", "taille", "tamano", "size eu", "talla eu", "medida", "shoe size"),
    "color": ("color", "colour", "colores", "colors", "colours", "couleur", "farbe", "tono", "shade"),
    "stock": ("stock", "existencias", "inventory", "inventario", "quantity", "qty", "cantidad", "unidades", "units", "stock qty",
              "on hand", "available", "disponible", "disponibles", "inventory qty", "variant inventory qty", "uds", "stock actual"),
    "photo": ("photo", "foto", "image", "imagen", "picture", "photos", "fotos", "images", "imagenes", "image path", "photo path",
              "ruta foto", "ruta imagen", "ruta de la foto", "image src", "image url", "foto url", "url imagen", "file", "archivo",
              "fichero", "filename", "file name", "nombre de archivo", "picture path"),
    "currency": ("currency", "moneda", "divisa"),
}
FIELDS: tuple[str, ...] = tuple(HEADER_WORDS)
_BY_HEADER = {word: field for field, words in HEADER_WORDS.items() for word in words}
# what --map accepts for FIELD: the field, its Spanish name, or another header that names it
_FIELD_NAMES = {**_BY_HEADER, **{field: field for field in FIELDS}, "compare at": "compare_at_price", "compare-at": "compare_at_price",
                "colour": "color"}

SHOPIFY_MARKERS = ("variant sku", "variant price", "option1 name", "body (html)", "variant inventory qty", "image src")


class MappingError(UserError):
    """A column mapping names a column the file lacks, a field that does not exist, or leaves out the SKU."""


def header_key(header: str) -> str:
    """'Precio (€)' -> 'precio', 'Código_Artículo' -> 'codigo articulo', 'SKU*' -> 'sku'."""
    text = unicodedata.normalize("NFKD", header)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    text = re.sub(r"[_./:#*\s]+", " ", text)
    return " ".join(text.replace("€", " ").replace("$", " ").split())


def is_shopify(headers: Sequence[str]) -> bool:
    keys = {header.strip().lower() for header in headers}
    return "handle" in keys and sum(marker in keys for marker in SHOPIFY_MARKERS) >= 2


def detect_mapping(headers: Sequence[str]) -> dict[str, str]:
    """column -> field for the columns whose header names a field; a field already taken keeps its first column."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = _BY_HEADER.get(header_key(header)) if header else None
        if field is not None and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options -> {COLUMN: field or 'ignore'}."""
    parsed: dict[str, str] = {}
    for option in options:
        column, sep, field = option.rpartition("=")
        if not sep or not column.strip():
            raise MappingError(_("--map {option} is not COLUMN=FIELD.").format(option=repr(option)),
                               _("Write it as --map 'Referencia=sku'; fields: {fields}.").format(fields=", ".join(FIELDS)))
        parsed[column.strip()] = field_name(field)
    return parsed


def field_name(text: str) -> str:
    key = header_key(text)
    if key in {IGNORE, "none", "-", "", "ignorar", "skip"}:
        return IGNORE
    field = _FIELD_NAMES.get(key) or _FIELD_NAMES.get(key.replace(" ", "_"))
    if field is None:
        raise MappingError(_("{text} is not a product field.").format(text=repr(text)),
                           _("Map a column to one of: {fields} (or 'ignore').").format(fields=", ".join(FIELDS)))
    return field


def apply_overrides(headers: Sequence[str], detected: Mapping[str, str], overrides: Mapping[str, str]) -> dict[str, str]:
    """The detected mapping with the user's --map applied: a column they name takes that field from any other column."""
    by_key = {header.strip().lower(): header for header in headers}
    mapping = dict(detected)
    for column, given in overrides.items():
        field = field_name(given)
        header = column if column in headers else by_key.get(column.strip().lower())
        if header is None:
            shown = ", ".join(repr(h) for h in headers if h)
            raise MappingError(_("The file has no column named {column}.").format(column=repr(column)),
                               _("Its columns are: {columns}.").format(columns=shown))
        if field == IGNORE:
            mapping.pop(header, None)
            continue
        for other, taken in list(mapping.items()):
            if taken == field and other != header:
                del mapping[other]
        mapping[header] = field
    return mapping
