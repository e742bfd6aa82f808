"""The composer: its best look is the exhaustive best, within the budget; later looks differ; clashes are avoided."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core.looks.compose import Candidate, best_by_exhaustion, compose, problem
from desktop_app.core.looks.rules import load_rules

RULES = load_rules()
COLOURS = ["black", "white", "red", "orange", "pink", "blue", "green", None]


def _candidates(rng: np.random.Generator, slots: int, per_slot: int) -> list[list[Candidate]]:
    found, key = [], 0
    for _slot in range(slots):
        row = []
        for _ in range(per_slot):
            style = rng.normal(size=16)
            row.append(Candidate(key, float(rng.normal(1, 1)), float(rng.uniform(10, 100)), COLOURS[rng.integers(len(COLOURS))],
                                 style / np.linalg.norm(style)))
            key += 1
        found.append(row)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_the_best_look_is_the_exhaustive_best_within_the_budget(seed: int) -> None:
    rng = np.random.default_rng(seed)
    prob = problem(_candidates(rng, 4, 12), RULES)
    budget = float(rng.uniform(120, 260))
    looks = compose(prob, 3, budget)
    reference = best_by_exhaustion(prob, budget)
    assert reference is not None and looks
    assert looks[0].indices == reference.indices and looks[0].score == pytest.approx(reference.score)
    for look in looks:
        assert look.total_price is not None and look.total_price <= budget + 1e-6
        assert look.score == pytest.approx(prob.score(look.indices))
    assert [look.score for look in looks] == sorted((look.score for look in looks), reverse=True)


def test_the_looks_do_not_repeat_an_item_while_others_are_left() -> None:
    prob = problem(_candidates(np.random.default_rng(1), 3, 6), RULES)
    looks = compose(prob, 3)
    keys = [int(prob.keys[s][i]) for look in looks for s, i in enumerate(look.indices)]
    assert len(looks) == 3 and len(keys) == len(set(keys))


def test_a_small_catalog_repeats_rather_than_giving_fewer_looks() -> None:
    one_each = _candidates(np.random.default_rng(2), 3, 1)
    five = [Candidate(100 + c.key, c.match, c.price, c.color, c.style) for c in _candidates(np.random.default_rng(3), 1, 5)[0]]
    prob = problem([*one_each, five], RULES)
    looks = compose(prob, 3)
    assert len(looks) == 3 and len({look.indices for look in looks}) == 3


def test_a_fixed_item_is_in_every_look() -> None:
    prob = problem(_candidates(np.random.default_rng(4), 4, 8), RULES)
    looks = compose(prob, 3, fixed={2: 5})
    assert looks and all(look.indices[2] == 5 for look in looks)


def test_a_budget_nothing_fits_gives_no_look() -> None:
    prob = problem(_candidates(np.random.default_rng(5), 3, 5), RULES)
    assert compose(prob, 3, budget=5.0) == [] and best_by_exhaustion(prob, 5.0) is None


def test_a_named_clash_loses_to_a_neutral_even_at_a_lower_match() -> None:
    style = np.ones(4) / 2
    top = [Candidate(1, 2.0, 10.0, "red", style)]
    bottoms = [Candidate(2, 2.0, 10.0, "orange", style), Candidate(3, 1.5, 10.0, "black", style)]
    prob = problem([top, bottoms], RULES)
    (best,) = compose(prob, 1)
    assert best.indices == (0, 1)  # red with black, not red with orange


def test_the_same_photo_cannot_fill_two_slots() -> None:
    style = np.ones(4) / 2
    same = Candidate(7, 3.0, 10.0, "black", style)
    prob = problem([[same], [same, Candidate(8, 0.0, 10.0, "white", style)]], RULES)
    (best,) = compose(prob, 1)
    assert best.indices == (0, 1)
