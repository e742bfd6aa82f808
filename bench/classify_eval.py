"""Exact-match accuracy of the request classifier's `items`, keywords only, model only and combined, with latency,
and what the JSON grammar costs the model's decoding.

    .venv/bin/python bench/classify_eval.py [--llm GGUF] [--data FILE] [--limit N] [--speed N] [--show-misses]

The labelled set is the app's own (resources/eval/requests.json, what `models measure` runs);
bench/data/classify_heldout.json holds requests written after the keyword parser, in the same format.
The model is asked once per request (the "llm" column: model-only classification, prompt, decoding
and parsing). "combined" is what `RequestClassifier.classify` does: the parser's reading, with that same
model answer used only where the parser asks for it (`needs_model`), so its latency is the parser's
time plus the model's time on those requests only. The first model call (load and the few-shot
prompt's evaluation) is reported apart.

Decoding speed, on `--speed` of the requests (spread over the set): each prompt is decoded greedily
three ways back to back, with the same max_tokens: with no grammar (plain greedy completion, which
runs on to max_tokens), under the grammar with only the model's chosen token checked (the app's way),
and under the grammar applied to every token at every step (what llama-cpp-python's
`create_completion(grammar=...)` does, the app's way before). Tokens/s is answer tokens over
decoding time, the median over the requests; evaluating the prompt is left out (after the first way
the KV cache holds it). Per request p50 counts the prompt's evaluation and parsing too. Other jobs on
the machine slow every figure (with llama.cpp's threads on every core, badly: they wait for each
other), so the load average is printed and the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.agents.classifier import RequestClassifier, combine, open_classifier
from desktop_app.core.agents.llm_runtime import Constraint
from desktop_app.core.agents.measure import LABELLED_SET, LabelledRequest, labelled_requests, spread
from desktop_app.core.platform.app_context import open_context

# no grammar first: the two grammar ways then start from the same KV cache (the prompt less its last token), so
# their logits are the same to the bit and their answers must be too
WAYS: dict[Constraint, str] = {
    "none": "no grammar (plain greedy)",
    "check-chosen": "grammar, chosen token checked (now)",
    "every-token": "grammar on every token (before)",
}
TARGET_RATIO = 0.8
TARGET_P50_S = 1.5


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def accuracy(classifier: RequestClassifier, cases: list[LabelledRequest], show_misses: bool) -> None:
    right = {"keywords": 0, "llm": 0, "combined": 0}
    seconds: dict[str, list[float]] = {"keywords": [], "llm": [], "combined": []}
    misses: list[str] = []
    asked = 0
    for case in cases:
        t0 = time.perf_counter()
        keywords = classifier.parser.read(case.request)
        t1 = time.perf_counter()
        model, _decoded = classifier.model_reading(case.request)
        t2 = time.perf_counter()
        combined = combine(keywords, model if keywords.needs_model else None)
        t3 = time.perf_counter()
        answers = {"keywords": keywords.classification.items, "llm": model, "combined": combined.items}
        seconds["keywords"].append(t1 - t0)
        seconds["llm"].append(t2 - t1)
        seconds["combined"].append((t1 - t0) + (t2 - t1 if keywords.needs_model else 0.0) + (t3 - t2))
        asked += keywords.needs_model
        for mode, items in answers.items():
            if items == case.items:
                right[mode] += 1
            elif mode == "combined":
                misses.append(f"  {case.request!r}: expected {case.items}, got {items}"
                              f" (keywords {keywords.classification.items}, model {model})")
    print(f"{'mode':<10} {'exact':>7} {'accuracy':>9} {'p50 s':>8} {'max s':>8}")
    for mode in ("keywords", "llm", "combined"):
        print(f"{mode:<10} {right[mode]:>3}/{len(cases):<3} {right[mode] / len(cases):>9.1%} "
              f"{_p50(seconds[mode]):>8.3f} {max(seconds[mode]):>8.3f}")
    print(f"model-only classify p50 per request: {_p50(seconds['llm']):.3f} s (target <= {TARGET_P50_S} s)")
    print(f"combined asked the model on {asked} of {len(cases)} requests")
    if show_misses and misses:
        print("combined misses:")
        print("\n".join(misses))


def decoding_speed(classifier: RequestClassifier, cases: list[LabelledRequest]) -> None:
    """The three ways on each request back to back, so a burst of other work on the machine hits all three alike; the
    tokens/s are the median over requests of each request's own rate, which one such burst does not swing."""
    tokens = dict.fromkeys(WAYS, 0)
    rates: dict[Constraint, list[float]] = {way: [] for way in WAYS}
    per_request: dict[Constraint, list[float]] = {way: [] for way in WAYS}
    refused, same = 0, 0
    for case in cases:
        texts = {}
        for way in WAYS:
            t0 = time.perf_counter()
            _items, decoded = classifier.model_reading(case.request, way)
            per_request[way].append(time.perf_counter() - t0)
            tokens[way] += decoded.n_tokens
            rates[way].append(decoded.tokens_per_s)
            texts[way] = decoded.text
            refused += decoded.refused if way == "check-chosen" else 0
        same += texts["check-chosen"] == texts["every-token"]
    rate = {way: _p50(rates[way]) for way in WAYS}
    print(f"decoding, {len(cases)} requests, max_tokens {classifier.max_tokens}:")
    print(f"  {'':<38} {'tokens':>7} {'tokens/s':>9} {'p50 s/request':>14}")
    for way, label in WAYS.items():
        print(f"  {label:<38} {tokens[way]:>7} {rate[way]:>9.1f} {_p50(per_request[way]):>14.3f}")
    ratio, before = (rate["check-chosen"] / rate["none"], rate["every-token"] / rate["none"]) if rate["none"] else (0.0, 0.0)
    print(f"constrained / unconstrained tokens/s: {ratio:.2f} now, {before:.2f} before (target >= {TARGET_RATIO})")
    print(f"the grammar refused the model's own choice {refused / max(len(cases), 1):.1f} times a request;"
          f" the two grammar ways gave the same answer on {same} of {len(cases)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", help="GGUF to classify with (default: the configured one, else the bundled 270M)")
    parser.add_argument("--data", type=Path, default=LABELLED_SET)
    parser.add_argument("--data-dir", help="the app's data folder (where the bundled model is assembled)")
    parser.add_argument("--limit", type=int, help="only this many requests, spread over the set")
    parser.add_argument("--speed", type=int, default=24, help="requests decoded three ways for the speed table (0: none)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    cases = spread(labelled_requests(args.data), args.limit)
    classifier = open_classifier(open_context(args.data_dir), override=args.llm)
    assert classifier.llm is not None
    start = time.perf_counter()
    classifier.llm.load()
    classifier.ask_model("warm up")
    warm_up = time.perf_counter() - start
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"model: {classifier.llm.path.name} ({classifier.llm.name}), {classifier.llm.threads} threads, {len(cases)} labelled"
          f" requests, load + first call {warm_up:.2f} s, load average {load}")
    accuracy(classifier, cases, args.show_misses)
    if args.speed:
        decoding_speed(classifier, spread(cases, args.speed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
