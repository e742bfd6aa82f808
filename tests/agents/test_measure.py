"""`models measure`: the bundled labelled set, each model measured in a child of its own, results kept and listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.agents.measure import (
    ACCURACY_BAR,
    LabelledRequest,
    _Candidate,
    _recommend,
    labelled_requests,
    peak_rss_bytes,
    spread,
)
from desktop_app.core.catalog.vocabulary import CATEGORIES
from desktop_app.core.models.inventory import Measurement

RESULT_KEYS = {
    "name", "size_bytes", "instruction_tuned", "requests", "exact", "accuracy", "accuracy_by_language", "p50_s", "p95_s",
    "tokens_per_s", "peak_rss_bytes", "load_s", "threads", "measured_at",
}


def test_the_labelled_set_is_bilingual_and_speaks_the_vocabulary() -> None:
    cases = labelled_requests()
    assert len(cases) >= 40 and {c.language for c in cases} == {"en", "es"}
    assert sum(c.language == "es" for c in cases) >= 20
    assert all(set(c.items) <= set(CATEGORIES) and all(1 <= n <= 10 for n in c.items.values()) for c in cases)
    assert len({c.request for c in cases}) == len(cases)


def test_a_short_run_spreads_over_both_languages() -> None:
    cases = labelled_requests()
    few = spread(cases, 4)
    assert len(few) == 4 and {c.language for c in few} == {"en", "es"}
    assert spread(cases, None) == cases == spread(cases, 1000)


def _result(name: str, size: int, exact: int, *, instruction_tuned: bool = False) -> Measurement:
    return Measurement(name=name, size_bytes=size, instruction_tuned=instruction_tuned, requests=10, exact=exact,
                       accuracy_by_language={"en": exact / 10}, p50_s=0.5, p95_s=0.9, tokens_per_s=40.0, peak_rss_bytes=None,
                       load_s=1.0, threads=2, measured_at="2025-01-01T00:00:00+00:00")


def test_the_smallest_model_that_reaches_the_bar_is_recommended_and_the_stylist_must_be_instruction_tuned() -> None:
    base, small_it, large_it = (_result("base", 1, 9), _result("small-it", 2, 7, instruction_tuned=True),
                                _result("large-it", 3, 9, instruction_tuned=True))
    candidates = {
        "base": _Candidate("base", Path("b"), 1, ("classifier",), False),
        "small-it": _Candidate("small-it", Path("s"), 2, ("classifier", "stylist"), True),
        "large-it": _Candidate("large-it", Path("l"), 3, ("classifier", "stylist"), True),
    }
    results = [base, small_it, large_it]
    assert ACCURACY_BAR == 0.8
    assert _recommend("classifier", results, candidates).model == "base"
    stylist = _recommend("stylist", results, candidates)
    assert (stylist.model, stylist.candidates) == ("large-it", 2)  # small-it is instruction-tuned but below the bar
    assert _recommend("stylist", [base], candidates).to_json() == {"role": "stylist", "model": None, "candidates": 0}


def test_peak_memory_is_this_process_own() -> None:
    peak = peak_rss_bytes()
    assert peak is not None and 10_000_000 < peak < 100_000_000_000


def test_a_limit_below_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "measure", "--limit", "0"]) != 0
    assert "--limit must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_models_measure_runs_the_bundled_model_and_models_list_shows_the_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "measure", "--limit", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["bar"], report["requests"]) == (ACCURACY_BAR, 3)
    (result,) = report["results"]
    assert set(result) == RESULT_KEYS and result["name"] == "gemma-3-270m" and result["requests"] == 3
    assert set(result["accuracy_by_language"]) == {"en", "es"} and 0 <= result["exact"] <= 3
    assert 0 < result["p50_s"] <= result["p95_s"] and result["tokens_per_s"] > 0 and result["load_s"] > 0
    assert result["peak_rss_bytes"] > 100_000_000  # the model's weights are read into the child's memory
    assert not result["instruction_tuned"]
    roles = {r["role"]: r for r in report["recommendations"]}
    assert set(roles) == {"classifier", "stylist"} and roles["stylist"] == {"role": "stylist", "model": None, "candidates": 0}
    assert Path(report["stored_in"]).is_file()

    assert main(["models", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["models"]}
    assert rows["gemma-3-270m"]["measured"] == result
    assert "measured" not in rows["gemma-3-1b-it"]  # not installed, never measured
    assert main(["models", "list"]) == 0
    listed = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("gemma-3-270m"))
    assert f"{result['accuracy']:.0%} exact, p50 {result['p50_s']:.2f} s" in listed


def test_an_unmeasured_model_says_so_in_models_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    listed = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("gemma-3-270m"))
    assert "not measured" in listed


def test_labelled_requests_read_the_held_out_set_too() -> None:
    heldout = labelled_requests(Path(__file__).resolve().parents[2] / "bench" / "data" / "classify_heldout.json")
    assert heldout and all(isinstance(c, LabelledRequest) for c in heldout)
