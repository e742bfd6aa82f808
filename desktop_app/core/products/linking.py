"""Which indexed photos show which product, decided from the product file and the photos' own names.

Three ways, strongest first: a photo column's path (absolute, relative to the product file, or the end of an
indexed path); the file name in Shopify's Image Src / Variant Image (the URL's last part, then its stem, since
a shop's CDN may serve `dress.webp` for the owner's `dress.jpg`); and the SKU or the handle appearing in a
photo's file name or in one of its two folders (`JKT-001_back.jpg`, `JKT-001/front.jpg`, `jkt001-2.png`),
matched on whole words of letters and digits so that `JKT-1` never claims `JKT-10`. A name that several
photos share (`front.jpg` in every product's folder) is settled by the product's SKU or handle in the path,
else left unlinked. A photo shows at most one product: the first to claim it. Links are recomputed whole
from the catalog on each import (`plan_links`), so a re-import and a relink after indexing agree.
"""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.catalog.vocabulary import Vocabulary, normalise
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import ImageRef, PhotoLink, VariantKey

_SKU_POSITION = 1000  # photos found by SKU come after those the file lists
_MAX_RUN = 8  # words in the longest SKU or handle matched
_CANCEL_EVERY = 5000
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass
class LinkPlan:
    links: list[PhotoLink] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # references no indexed photo matches
    ambiguous: list[str] = field(default_factory=list)  # references several photos match, none settled


@functools.lru_cache(maxsize=65536)  # SKUs and folder names are looked at several times each
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower() if text.isascii() else normalise(text)))


def _compact(text: str) -> str:
    return "".join(_tokens(text))


def _distinctive(key: str) -> bool:
    """Long enough not to turn up by chance in a photo's name: 4 characters, 5 when only digits (IMG_1234)."""
    return len(key) >= (5 if key.isdigit() else 4)


@dataclass
class _Photos:
    """The indexed photos, looked up by path, by file name and by stem."""

    ids: dict[str, int]
    paths: dict[int, str]
    by_name: dict[str, list[int]]
    by_stem: dict[str, list[int]]

    @classmethod
    def of(cls, catalog: Catalog) -> _Photos:
        ids = {os.path.normcase(path): item_id for item_id, path in catalog.products.item_paths()}
        paths = {item_id: path for path, item_id in ids.items()}
        by_name: dict[str, list[int]] = defaultdict(list)
        by_stem: dict[str, list[int]] = defaultdict(list)
        for path, item_id in ids.items():
            name = os.path.basename(path).lower()
            by_name[name].append(item_id)
            by_stem[os.path.splitext(name)[0]].append(item_id)
        return cls(ids, paths, by_name, by_stem)


def plan_links(catalog: Catalog, base_folder: Path | None = None, cancel: CancelToken | None = None) -> LinkPlan:
    """Every photo link the product file and the photos' names give, from the catalog as it is now."""
    if cancel is not None:
        cancel.check()
    photos = _Photos.of(catalog)
    products = catalog.products
    plan = LinkPlan()
    if not photos.ids:  # nothing indexed yet: every reference is missing, and no name can hold a SKU
        plan.missing = [ref.reference for _product_id, ref in products.image_refs()]
        return plan
    claimed: set[int] = set()
    variant_rows = products.variant_keys()
    variant_ids = {(row.product_id, row.key): row.variant_id for row in variant_rows}
    rows_by_product: dict[int, list[VariantKey]] = defaultdict(list)
    for variant_row in variant_rows:
        rows_by_product[variant_row[0]].append(variant_row)
    refs = sorted(products.image_refs(), key=lambda pair: pair[1].kind != "path")  # stable: products on sale first, by position
    for n, (product_id, ref) in enumerate(refs):
        if cancel is not None and n % _CANCEL_EVERY == 0:
            cancel.check()
        found = _find(ref, photos, base_folder, rows_by_product.get(product_id, []))
        if found is None:
            plan.missing.append(ref.reference)
        elif found == -1:
            plan.ambiguous.append(ref.reference)
        elif found not in claimed:
            claimed.add(found)
            variant = variant_ids.get((product_id, ref.variant_key)) if ref.variant_key else None
            plan.links.append(PhotoLink(found, product_id, ref.position, ref.kind, variant))
    _link_by_sku(photos, variant_rows, claimed, plan, cancel)
    return plan


def _find(ref: ImageRef, photos: _Photos, base: Path | None, product_rows: Sequence[VariantKey]) -> int | None:
    """The item a reference names; None when no photo matches, -1 when several do and nothing tells them apart."""
    if ref.kind == "path":
        given = ref.reference.replace("\\", "/")
        for candidate in (given, str(base / given) if base is not None and not os.path.isabs(given) else None):
            if candidate:
                found = photos.ids.get(os.path.normcase(os.path.normpath(candidate)))
                if found is not None:
                    return found
        tail = "/" + given.lstrip("./").lower()
        ending = [i for i in photos.by_name.get(ref.file_name, ()) if photos.paths[i].replace("\\", "/").lower().endswith(tail)]
        if len(ending) == 1:
            return ending[0]
    candidates = photos.by_name.get(ref.file_name) or photos.by_stem.get(os.path.splitext(ref.file_name)[0]) or []
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    keys = _product_keys(product_rows)
    settled = [i for i in candidates if any(key in _compact(photos.paths[i]) for key in keys)]
    return settled[0] if len(settled) == 1 else -1


def _product_keys(rows: Sequence[VariantKey]) -> list[str]:
    """A product's distinctive SKUs and handle, compacted: what settles a file name several photos share."""
    keys = [_compact(text) for row in rows for text in (row.sku, row.handle) if text]
    return list(dict.fromkeys(key for key in keys if _distinctive(key)))


def _sku_index(rows: Sequence[VariantKey]) -> dict[str, tuple[int, int | None] | None]:
    """compact key -> (product id, variant id or None); None where two products on sale share the key. A discontinued
    product's keys fill in only what no product on sale has."""
    index: dict[str, tuple[int, int | None] | None] = {}
    for live in (True, False):
        found: dict[str, tuple[int, int | None] | None] = {}
        _index_keys([row for row in rows if row.on_sale == live], found)
        for key, target in found.items():
            index.setdefault(key, target)
    return index


def _index_keys(rows: Sequence[VariantKey], index: dict[str, tuple[int, int | None] | None]) -> None:
    def add(key: str, target: tuple[int, int | None]) -> None:
        if not _distinctive(key):
            return
        if key in index and index[key] != target:
            held = index[key]
            index[key] = None if held is None or held[0] != target[0] else (target[0], None)
        else:
            index[key] = target

    by_product: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    handles: dict[int, str] = {}
    for product_id, variant_id, sku, handle, _on_sale, _key in rows:
        handles[product_id] = handle
        if sku:
            add(_compact(sku), (product_id, variant_id))
            by_product[product_id].append(_tokens(sku))
    for product_id, skus in by_product.items():
        if len(skus) > 1:  # the model's reference the variants' SKUs share: JKT-001-S, JKT-001-M -> JKT-001
            common = _common_words(skus)
            if common:
                add("".join(common), (product_id, None))
    for product_id, handle in handles.items():
        words = _tokens(handle)
        if len(words) >= 2 or any(ch.isdigit() for ch in handle):
            add("".join(words), (product_id, None))


def _common_words(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    first = lists[0]
    n = 0
    while n < len(first) and all(len(words) > n and words[n] == first[n] for words in lists):
        n += 1
    return first[:n]


def _link_by_sku(photos: _Photos, rows: Sequence[VariantKey], claimed: set[int], plan: LinkPlan,
                 cancel: CancelToken | None) -> None:
    index = _sku_index(rows)
    if not index:
        return
    folder_cache: dict[str, tuple[int, tuple[int, int | None] | None]] = {}
    found: list[tuple[str, int, tuple[int, int | None]]] = []
    for n, (item_id, path) in enumerate(photos.paths.items()):
        if cancel is not None and n % _CANCEL_EVERY == 0:
            cancel.check()
        if item_id in claimed:
            continue
        folder_path, name = os.path.split(path)
        best = _best_match(_tokens(os.path.splitext(name)[0]), index)
        for folder in (os.path.basename(folder_path), os.path.basename(os.path.dirname(folder_path))):
            if folder not in folder_cache:
                folder_cache[folder] = _best_match(_tokens(folder), index)
            if folder_cache[folder][0] > best[0]:
                best = folder_cache[folder]
        if best[1] is not None:
            found.append((path, item_id, best[1]))
    found.sort()
    order: dict[int, int] = defaultdict(int)
    for _path, item_id, (product_id, variant_id) in found:
        order[product_id] += 1
        plan.links.append(PhotoLink(item_id, product_id, _SKU_POSITION + order[product_id], "sku", variant_id))


def _best_match(words: tuple[str, ...], index: dict[str, tuple[int, int | None] | None]) -> tuple[int, tuple[int, int | None] | None]:
    """(length, target) of the longest key made of consecutive words; (0, None) for none, or when the longest are in conflict."""
    best_length, best = 0, None
    for start in range(len(words)):
        key = ""
        for end in range(start, min(len(words), start + _MAX_RUN)):
            key += words[end]
            if key in index and len(key) >= best_length:
                target = index[key]
                if len(key) > best_length:
                    best_length, best = len(key), target
                elif best != target:
                    best = None if best is None or target is None or best[0] != target[0] else (best[0], None)
    return best_length, best


def apply_links(catalog: Catalog, plan: LinkPlan, vocab: Vocabulary) -> int:
    """Make the plan the catalog's links and give each linked photo its product's category and colour (the user's
    corrections stay); returns how many photos' tags changed."""
    products = catalog.products
    products.replace_links(plan.links)
    if not plan.links:
        return 0
    facts = products.category_and_colors()
    variant_colors = products.variant_colors(sorted({link.variant_id for link in plan.links if link.variant_id is not None}))
    current = products.linked_tags()
    product_colors: dict[int, set[str]] = {}
    changes: list[tuple[int, str, str]] = []
    for link in plan.links:
        category, color_words = facts[link.product_id]
        wanted: dict[str, str] = {}
        if category:
            wanted["category"] = category
        if link.product_id not in product_colors:
            product_colors[link.product_id] = {c for c in (vocab.color_for_word(text) for text in color_words) if c}
        colors = product_colors[link.product_id]
        color = vocab.color_for_word(variant_colors.get(link.variant_id) or "") if link.variant_id is not None else None
        if color or len(colors) == 1:
            wanted["color"] = color or next(iter(colors))
        for kind, value in wanted.items():
            held = current.get((link.item_id, kind))
            if held is None or (held[1] != "user" and held != (value, "product")):
                changes.append((link.item_id, kind, value))
    catalog.store.set_tags(changes, "product")
    return len(changes)
