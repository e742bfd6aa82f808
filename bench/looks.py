"""Composing looks: the beam composer against scoring every combination, in one run.

    .venv/bin/python bench/looks.py [--slots 4] [--candidates 50] [--looks 3] [--runs 30]

Each run draws a fresh problem as the window and `look` see it: `slots` slots of `candidates` candidates,
each with a standardised match, a price, a colour tag and a 256-d style vector (clustered, as BLIP-2
photos of one shop are), and a budget that rules out about half the combinations. Timed per run:
`problem` (pair terms: colour harmony and style closeness) plus `compose` of `looks` looks, against
`best_by_exhaustion` (every combination scored at once with numpy, best look only). Printed: p50/p95 of
both, their ratio, and in how many runs the two best looks agree (same items; the target is all runs).
Target: compose p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from desktop_app.core.looks.compose import Candidate, best_by_exhaustion, compose, problem
from desktop_app.core.looks.rules import load_rules

COLOURS = ["black", "white", "grey", "beige", "navy", "brown", "red", "pink", "orange", "yellow", "green", "blue", "purple",
           "multicolour", None]


def draw(rng: np.random.Generator, slots: int, per_slot: int) -> tuple[list[list[Candidate]], float]:
    centres = rng.normal(size=(6, 256))
    found, key, cheapest = [], 0, 0.0
    for _slot in range(slots):
        row = []
        prices = rng.uniform(15, 120, size=per_slot)
        cheapest += float(prices.min())
        for price in prices:
            style = centres[rng.integers(len(centres))] + 0.8 * rng.normal(size=256)
            row.append(Candidate(key, float(rng.normal(1.0, 0.8)), round(float(price), 2), COLOURS[rng.integers(len(COLOURS))],
                                 style / np.linalg.norm(style)))
            key += 1
        found.append(row)
    return found, cheapest + slots * 55.0  # around the median total: half the looks are over


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--looks", type=int, default=3)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rules = load_rules()
    rng = np.random.default_rng(args.seed)
    beam, exhaustive, agree = [], [], 0
    for _run in range(args.runs):
        candidates, budget = draw(rng, args.slots, args.candidates)
        start = time.perf_counter()
        prob = problem(candidates, rules)
        looks = compose(prob, args.looks, budget)
        beam.append(time.perf_counter() - start)
        start = time.perf_counter()
        prob_again = problem(candidates, rules)
        reference = best_by_exhaustion(prob_again, budget)
        exhaustive.append(time.perf_counter() - start)
        agree += bool(looks) and reference is not None and looks[0].indices == reference.indices
    print(f"{args.runs} runs: {args.looks} looks of {args.slots} slots from {args.candidates} candidates per slot, within a budget")
    print(f"compose (pair terms + beam):     p50 {percentile(beam, 50):8.1f} ms   p95 {percentile(beam, 95):8.1f} ms")
    print(f"exhaustive (best look only):     p50 {percentile(exhaustive, 50):8.1f} ms   p95 {percentile(exhaustive, 95):8.1f} ms")
    print(f"exhaustive / compose at p95:     {percentile(exhaustive, 95) / percentile(beam, 95):.1f}x")
    print(f"best look agrees with exhaustive: {agree}/{args.runs} runs")
    target = percentile(beam, 95) <= 50.0
    print(f"target compose p95 <= 50 ms: {'met' if target else 'NOT met'}")
    return 0 if target and agree == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
