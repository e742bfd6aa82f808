"""Composing looks: one candidate per slot, the best-matching items that go together, within the budget.

A look's score is what the shopper asked for plus how well its items go with each other:

- each item's match, the search's standardised score (0 is a typical item, 2 two deviations better);
- for each pair of items, colour harmony on their colour tags (a neutral goes with anything, a named
  clash costs more than a better match gains), and style closeness: the cosine of the two photos'
  mean vectors (the ones already stored), less the mean over that pair of slots, so it ranks pairs
  instead of adding a constant.

Every combination of 4 slots of 50 candidates is 6.25 million looks. A beam search over the slots
keeps the best `BEAM_WIDTH` partial looks (pair terms with the slots already chosen counted as it
goes), and prunes a partial look the budget cannot finish: what it spent plus the cheapest item of
each slot left. `bench/looks.py` holds it against `best_by_exhaustion` (the reference, every
combination scored at once) and tests check they agree.

The looks after the first do not reuse an item of an earlier look, unless a slot has run out of
candidates (a small catalog); a fixed slot ("complete the look" around an item, a pinned item)
keeps its one item in every look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.core.looks.rules import OutfitRules

BEAM_WIDTH = 256
CLASH_PENALTY = 2.0
NEUTRAL_BONUS = 0.5
STYLE_WEIGHT = 1.0


@dataclass(frozen=True)
class Candidate:
    """An item that can fill a slot, as the composer weighs it."""

    key: int  # the item id: the same photo in two slots is the same item
    match: float
    price: float | None
    color: str | None
    style: np.ndarray | None  # normalised mean vector of the photo


@dataclass(frozen=True)
class Pick:
    """One composed look: a candidate index per slot."""

    indices: tuple[int, ...]
    score: float
    total_price: float | None  # None when no item has a price


@dataclass(frozen=True)
class Problem:
    """The candidates as arrays: per slot their match and price, per pair of slots the pair terms."""

    match: tuple[np.ndarray, ...]
    price: tuple[np.ndarray, ...]  # an item without a price costs 0 here (a budget keeps those out in the search)
    priced: tuple[np.ndarray, ...]
    keys: tuple[np.ndarray, ...]
    pair: Mapping[tuple[int, int], np.ndarray]  # (a, b), a < b -> (n_a, n_b)

    @property
    def slots(self) -> int:
        return len(self.match)

    def score(self, indices: Sequence[int]) -> float:
        total = sum(float(self.match[s][i]) for s, i in enumerate(indices))
        total += sum(float(self.pair[a, b][indices[a], indices[b]]) for a, b in self.pair)
        return total

    def total_price(self, indices: Sequence[int]) -> float | None:
        if not any(bool(self.priced[s][i]) for s, i in enumerate(indices)):
            return None
        return round(sum(float(self.price[s][i]) for s, i in enumerate(indices)), 2)


def problem(candidates: Sequence[Sequence[Candidate]], rules: OutfitRules) -> Problem:
    match = tuple(np.array([c.match for c in slot], dtype=np.float64) for slot in candidates)
    price = tuple(np.array([c.price or 0.0 for c in slot], dtype=np.float64) for slot in candidates)
    priced = tuple(np.array([c.price is not None for c in slot], dtype=bool) for slot in candidates)
    keys = tuple(np.array([c.key for c in slot], dtype=np.int64) for slot in candidates)
    pair = {(a, b): _pair_terms(candidates[a], candidates[b], rules)
            for a in range(len(candidates)) for b in range(a + 1, len(candidates))}
    return Problem(match, price, priced, keys, pair)


def _pair_terms(first: Sequence[Candidate], second: Sequence[Candidate], rules: OutfitRules) -> np.ndarray:
    colour = np.array([[harmony(rules, x.color, y.color) for y in second] for x in first], dtype=np.float64)
    colour = colour.reshape(len(first), len(second))
    return colour + STYLE_WEIGHT * _style_terms(first, second)


def harmony(rules: OutfitRules, first: str | None, second: str | None) -> float:
    """A named clash costs CLASH_PENALTY, a neutral in the pair earns NEUTRAL_BONUS; an untagged item is neither."""
    if first is None or second is None:
        return 0.0
    if rules.clash(first, second):
        return -CLASH_PENALTY
    return NEUTRAL_BONUS if first in rules.neutral or second in rules.neutral else 0.0


def _style_terms(first: Sequence[Candidate], second: Sequence[Candidate]) -> np.ndarray:
    known_a = [i for i, c in enumerate(first) if c.style is not None]
    known_b = [j for j, c in enumerate(second) if c.style is not None]
    terms = np.zeros((len(first), len(second)), dtype=np.float64)
    if not known_a or not known_b:
        return terms
    a = np.stack([first[i].style for i in known_a]).astype(np.float64)  # type: ignore[misc]
    b = np.stack([second[j].style for j in known_b]).astype(np.float64)  # type: ignore[misc]
    cosines = np.einsum("id,jd->ij", a, b)
    terms[np.ix_(known_a, known_b)] = cosines - cosines.mean()
    return terms


def compose(prob: Problem, looks: int = 3, budget: float | None = None, fixed: Mapping[int, int] | None = None,
            width: int = BEAM_WIDTH) -> list[Pick]:
    """Up to `looks` looks, best first, none over `budget`; the later ones avoid the earlier ones' items while a slot has
    others. Fewer when the budget (or an empty slot) allows fewer."""
    fixed = dict(fixed or {})
    if prob.slots == 0 or any(len(m) == 0 for m in prob.match):
        return []
    allowed = [np.array([fixed[s]]) if s in fixed else np.arange(len(prob.match[s])) for s in range(prob.slots)]
    used: set[int] = set()
    found: list[Pick] = []
    seen: set[tuple[int, ...]] = set()
    for _look in range(looks):
        masks = []
        for s, indices in enumerate(allowed):
            fresh = indices[~np.isin(prob.keys[s][indices], list(used))] if s not in fixed else indices
            masks.append(fresh if len(fresh) else indices)
        pick = _beam(prob, masks, budget, width, seen)
        if pick is None:
            break
        found.append(pick)
        seen.add(pick.indices)
        used.update(int(prob.keys[s][i]) for s, i in enumerate(pick.indices) if s not in fixed)
    return found


def _beam(prob: Problem, allowed: Sequence[np.ndarray], budget: float | None, width: int,
          seen: set[tuple[int, ...]]) -> Pick | None:
    cheapest = [float(prob.price[s][allowed[s]].min()) for s in range(prob.slots)]
    rest = np.concatenate([np.cumsum(cheapest[::-1])[::-1][1:], [0.0]])  # the least the slots after s cost
    chosen = np.zeros((1, 0), dtype=np.int64)
    scores = np.zeros(1)
    spent = np.zeros(1)
    for s in range(prob.slots):
        options = allowed[s]
        gain = np.broadcast_to(prob.match[s][options], (len(chosen), len(options))).copy()
        for a in range(s):
            gain += prob.pair[a, s][chosen[:, a]][:, options]
        # one item cannot fill two slots of a look (a photo tagged for two categories)
        for a in range(s):
            gain[prob.keys[a][chosen[:, a]][:, None] == prob.keys[s][options][None, :]] = -np.inf
        total = scores[:, None] + gain
        cost = spent[:, None] + prob.price[s][options][None, :]
        if budget is not None:
            total[cost + rest[s] > budget + 1e-9] = -np.inf
        flat = total.ravel()
        keep = np.flatnonzero(np.isfinite(flat))
        if len(keep) == 0:
            return None
        if len(keep) > width:
            keep = keep[np.argpartition(-flat[keep], width - 1)[:width]]
        rows, cols = np.divmod(keep, len(options))
        chosen = np.concatenate([chosen[rows], options[cols][:, None]], axis=1)
        scores, spent = flat[keep], cost.ravel()[keep]
    for row in np.argsort(-scores, kind="stable"):
        indices = tuple(int(i) for i in chosen[row])
        if indices not in seen:
            return Pick(indices, float(scores[row]), prob.total_price(indices))
    return None


def best_by_exhaustion(prob: Problem, budget: float | None = None) -> Pick | None:
    """The best look by scoring every combination at once: the reference `compose` is measured against (bench, tests).
    Memory grows as the product of the slots' sizes: fine for 4 slots of 50, not for the window."""
    n = prob.slots
    shape = [len(m) for m in prob.match]

    def along(axes: Sequence[int], values: np.ndarray) -> np.ndarray:
        view = [1] * n
        for axis in axes:
            view[axis] = shape[axis]
        return values.reshape(view)

    total = np.zeros(shape)
    cost = np.zeros(shape)
    for s in range(n):
        total = total + along([s], prob.match[s])
        cost = cost + along([s], prob.price[s])
    for (a, b), terms in prob.pair.items():
        total = total + along([a, b], terms)
        same = prob.keys[a][:, None] == prob.keys[b][None, :]
        total = np.where(along([a, b], same), -np.inf, total)
    if budget is not None:
        total = np.where(cost > budget + 1e-9, -np.inf, total)
    best = int(np.argmax(total))
    if not np.isfinite(total.flat[best]):
        return None
    indices = tuple(int(i) for i in np.unravel_index(best, shape))
    return Pick(indices, float(total.flat[best]), prob.total_price(indices))
