"""Exact-match accuracy of the request classifier's `items`, keywords only, model only and combined, with latency.

    .venv/bin/python bench/classify_eval.py [--llm GGUF] [--data bench/data/classify_labelled.jsonl] [--show-misses]

The model is asked once per request (the "llm" column). "combined" is what `RequestClassifier.classify`
does: the parser's reading, with that same model answer used only where the parser asks for it
(`needs_model`), so its latency is the parser's time plus the model's time on those requests only.
The first model call (load and the few-shot prompt's evaluation) is reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.agents.classifier import combine, open_classifier
from desktop_app.core.platform.app_context import open_context

DATA = Path(__file__).resolve().parent / "data" / "classify_labelled.jsonl"


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", help="GGUF to classify with (default: the configured one, else the bundled 270M)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--data-dir", help="the app's data folder (where the bundled model is assembled)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    cases = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    classifier = open_classifier(open_context(args.data_dir), override=args.llm)
    assert classifier.llm is not None
    start = time.perf_counter()
    classifier.llm.load()
    classifier.ask_model("warm up")
    warm_up = time.perf_counter() - start

    right = {"keywords": 0, "llm": 0, "combined": 0}
    seconds: dict[str, list[float]] = {"keywords": [], "llm": [], "combined": []}
    misses: list[str] = []
    asked = 0
    for case in cases:
        request, expected = case["request"], case["items"]
        t0 = time.perf_counter()
        keywords = classifier.parser.read(request)
        t1 = time.perf_counter()
        model = classifier.ask_model(request)
        t2 = time.perf_counter()
        combined = combine(keywords, model if keywords.needs_model else None)
        t3 = time.perf_counter()
        answers = {"keywords": keywords.classification.items, "llm": model, "combined": combined.items}
        seconds["keywords"].append(t1 - t0)
        seconds["llm"].append(t2 - t1)
        seconds["combined"].append((t1 - t0) + (t2 - t1 if keywords.needs_model else 0.0) + (t3 - t2))
        asked += keywords.needs_model
        for mode, items in answers.items():
            if items == expected:
                right[mode] += 1
            elif mode == "combined":
                misses.append(f"  {request!r}: expected {expected}, got {items}"
                              f" (keywords {keywords.classification.items}, model {model})")

    print(f"model: {classifier.llm.path.name} ({classifier.llm.name}), {len(cases)} labelled requests, "
          f"load + first call {warm_up:.2f} s")
    print(f"{'mode':<10} {'exact':>7} {'accuracy':>9} {'p50 s':>8} {'max s':>8}")
    for mode in ("keywords", "llm", "combined"):
        print(f"{mode:<10} {right[mode]:>3}/{len(cases):<3} {right[mode] / len(cases):>9.1%} "
              f"{_p50(seconds[mode]):>8.3f} {max(seconds[mode]):>8.3f}")
    print(f"combined asked the model on {asked} of {len(cases)} requests")
    if args.show_misses and misses:
        print("combined misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
