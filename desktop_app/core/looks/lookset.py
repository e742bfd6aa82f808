"""A request's looks with the candidates behind them: what the CLI prints, the window shows as boards and a sheet draws.

The candidates stay with the looks, and so do their scores and pair terms (the `Problem`), so "swap"
(the next candidate of a slot) and "pin" (keep an item while the others are composed again) need no
second search and no second read of the photos' vectors. Candidates come from one encoded query:
one search per slot, with the shop's filters (in stock, the size, no item dearer than the whole
budget), and their style vectors are the photos' stored mean vectors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from desktop_app.core.looks.compose import Candidate, Problem, compose, problem
from desktop_app.core.looks.rules import OutfitRules, Slot
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.search.searcher import EncodedQuery, Searcher, SearchHit, SearchQuery
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import CatalogStore, mean_vectors
from desktop_app.core.store.lookbook_store import SavedItem, SavedLook
from desktop_app.core.store.product_store import OfferFilter

CANDIDATES_PER_SLOT = 50


@dataclass(frozen=True)
class Look:
    """One outfit: an item per slot, in the slots' order."""

    items: tuple[SearchHit, ...]
    score: float
    total_price: float | None
    currency: str | None
    pinned: frozenset[int] = frozenset()  # slot indices kept when the looks are composed again

    def to_json(self, slots: Sequence[Slot]) -> dict[str, Any]:
        return {"items": [{"slot": slot.label, **hit.to_json()} for slot, hit in zip(slots, self.items, strict=True)],
                "score": round(self.score, 4), "total_price": self.total_price, "currency": self.currency}


@dataclass(frozen=True)
class LookSet:
    slots: tuple[Slot, ...]
    candidates: tuple[tuple[SearchHit, ...], ...]  # per slot, best match first
    looks: tuple[Look, ...]
    problem: Problem
    budget: float | None = None
    fixed: Mapping[int, int] = field(default_factory=dict)  # slot -> candidate index kept in every look ("complete the look")

    def to_json(self) -> list[dict[str, Any]]:
        return [look.to_json(self.slots) for look in self.looks]


def find_candidates(searcher: Searcher, encoded: EncodedQuery, slots: Sequence[Slot], offer: OfferFilter | None,
                    cancel: CancelToken, per_slot: int = CANDIDATES_PER_SLOT) -> tuple[tuple[SearchHit, ...], ...]:
    found = []
    for slot in slots:
        query = SearchQuery(categories=list(slot.categories), k=per_slot).within(offer)
        found.append(tuple(searcher.search_encoded(encoded, query, cancel)))
    return tuple(found)


def compose_looks(store: CatalogStore, rules: OutfitRules, slots: Sequence[Slot], candidates: Sequence[Sequence[SearchHit]],
                  looks: int = 3, budget: float | None = None, fixed: Mapping[int, int] | None = None) -> LookSet:
    candidates = tuple(tuple(c) for c in candidates)
    return _composed(LookSet(tuple(slots), candidates, (), _problem(store, rules, candidates), budget, dict(fixed or {})),
                     looks, dict(fixed or {}), frozenset())


def _composed(looks: LookSet, count: int, kept: Mapping[int, int], pinned: frozenset[int]) -> LookSet:
    picks = compose(looks.problem, count, looks.budget, kept)
    return replace(looks, looks=tuple(_look(looks.candidates, pick.indices, pick.score, pinned) for pick in picks))


def recompose(looks: LookSet, pinned_from: int) -> LookSet:
    """The looks composed again, keeping look `pinned_from`'s pinned items (and any fixed one) in every look."""
    kept = dict(looks.fixed)
    source = looks.looks[pinned_from]
    for slot in source.pinned:
        kept[slot] = looks.candidates[slot].index(source.items[slot])
    return _composed(looks, len(looks.looks), kept, source.pinned)


def swap(looks: LookSet, look_index: int, slot: int) -> LookSet:
    """Look `look_index` with slot `slot`'s item replaced by the next candidate of that slot (wrapping round) that is
    not in the look already and keeps it within the budget; unchanged when there is none."""
    look = looks.looks[look_index]
    options = looks.candidates[slot]
    current = options.index(look.items[slot])
    others = {hit.item_id for i, hit in enumerate(look.items) if i != slot}
    prob = looks.problem
    indices = [looks.candidates[s].index(hit) for s, hit in enumerate(look.items)]
    for step in range(1, len(options)):
        candidate = (current + step) % len(options)
        if options[candidate].item_id in others:
            continue
        trial = [*indices[:slot], candidate, *indices[slot + 1 :]]
        total = prob.total_price(trial)
        if looks.budget is not None and total is not None and total > looks.budget + 1e-9:
            continue
        changed = _look(looks.candidates, tuple(trial), prob.score(trial), look.pinned)
        return replace(looks, looks=tuple(changed if i == look_index else old for i, old in enumerate(looks.looks)))
    return looks


def set_pinned(looks: LookSet, look_index: int, slot: int, pinned: bool) -> LookSet:
    look = looks.looks[look_index]
    marks = look.pinned | {slot} if pinned else look.pinned - {slot}
    return replace(looks, looks=tuple(replace(old, pinned=marks) if i == look_index else old for i, old in enumerate(looks.looks)))


def no_looks(rules: OutfitRules, budget: float | None = None) -> LookSet:
    """The answer when nothing could be planned: no slot, no look."""
    return LookSet((), (), (), problem((), rules), budget)


def _problem(store: CatalogStore, rules: OutfitRules, candidates: Sequence[Sequence[SearchHit]]) -> Problem:
    ids = sorted({hit.item_id for slot in candidates for hit in slot})
    stored = store.query_vectors(ids)
    styles = dict(zip(stored, mean_vectors(np.stack(list(stored.values()))), strict=True)) if stored else {}
    return problem([[Candidate(hit.item_id, float(hit.score or 0.0), _price(hit), hit.color, styles.get(hit.item_id))
                     for hit in slot] for slot in candidates], rules)


def _price(hit: SearchHit) -> float | None:
    return hit.product.price if hit.product is not None else None


def _look(candidates: Sequence[Sequence[SearchHit]], indices: Sequence[int], score: float, pinned: frozenset[int]) -> Look:
    items = tuple(candidates[s][i] for s, i in enumerate(indices))
    return Look(items, score, *_total(items), pinned)


def _total(items: Sequence[SearchHit]) -> tuple[float | None, str | None]:
    """What the items cost together, at today's prices, and in which currency (None where they are in several)."""
    priced = [hit.product for hit in items if hit.product is not None and hit.product.price is not None]
    currencies = {product.currency for product in priced}
    total = round(sum(product.price for product in priced if product.price is not None), 2) if priced else None
    return total, currencies.pop() if len(currencies) == 1 else None


def save_look(catalog: Catalog, looks: LookSet, index: int, *, name: str, request: str = "", advice: str = "") -> int:
    """Look `index` into the catalog's lookbook."""
    look = looks.looks[index]
    items = [SavedItem(slot.label, hit.item_id, hit.path) for slot, hit in zip(looks.slots, look.items, strict=True)]
    return catalog.lookbook.save(name, items, request=request, advice=advice, total_price=look.total_price, currency=look.currency)


def reopen(searcher: Searcher, rules: OutfitRules, saved: SavedLook) -> LookSet:
    """A saved look as a one-look set, its items as the catalog has them now (one gone from the catalog is left out);
    its total is worked out again from today's prices."""
    paths = searcher.store.indexed_files()
    ids = [item.item_id if item.item_id is not None else paths.get(item.path, (None,))[0] for item in saved.items]
    hits = {hit.item_id: hit for hit in searcher.hits_for([i for i in ids if i is not None])}
    kept = [(Slot((item.slot,)), hits[i]) for item, i in zip(saved.items, ids, strict=True) if i is not None and i in hits]
    slots = tuple(slot for slot, _hit in kept)
    items = tuple(hit for _slot, hit in kept)
    candidates = tuple((hit,) for hit in items)
    return LookSet(slots, candidates, (Look(items, 0.0, *_total(items)),), _problem(searcher.store, rules, candidates))
