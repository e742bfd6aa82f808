"""`models measure`: the labelled requests on each installed GGUF, on this machine, and the smallest model that passes.

The method of the "choose a small, efficient model" article this product follows: a set of requests
with their ideal answers (resources/eval/requests.json, English and Spanish), tried on each model from
the smallest to the largest; the smallest whose answers reach the bar is the one to use. Accuracy is
the model's own (the classifier's "llm" mode), an exact match of the items: the keyword parser in front
of it would hide what tells the models apart. Figures are this machine's with the app's own settings
(threads, context), since that is what the shopper will wait for.

Each model runs in a child process of its own, so its load time and memory are its own and the
gigabytes a 4B model takes go back to the system when it is done. The peak memory is the child's
high-water resident set: Linux's VmHWM belongs to the child's own address space, while `ru_maxrss`
of a spawned child starts from its parent's peak (the parent's memory at the fork).
"""

from __future__ import annotations

import ctypes
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.agents.classifier import open_classifier
from desktop_app.core.models.gguf import read_gguf_info
from desktop_app.core.models.inventory import Measurement, measured_file, model_rows, record_measurement
from desktop_app.core.models.registry import (
    InvalidModelError,
    Registry,
    Role,
    installed_or_explain,
    load_manifest,
    model_roles,
    now_iso,
)
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.child_process import run_in_child
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.platform.logs import configure_logging
from desktop_app.core.platform.resources import resource_path

# Of the labelled requests, the share a model alone must get exactly right to be recommended for a role.
# The keyword parser reads most requests itself; the model is asked where words fail, and an answer
# wrong one time in five there is the most the combined classifier can afford.
ACCURACY_BAR = 0.8
LABELLED_SET = resource_path("eval", "requests.json")


@dataclass(frozen=True)
class LabelledRequest:
    request: str
    language: str  # "en" or "es"
    items: dict[str, int]


def labelled_requests(path: Path = LABELLED_SET) -> list[LabelledRequest]:
    """The requests with their ideal classification; bench/data holds a held-out set in the same format."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [LabelledRequest(entry["request"], entry["language"], entry["items"]) for entry in raw["requests"]]


@dataclass(frozen=True)
class _Candidate:
    name: str
    path: Path
    size_bytes: int
    roles: tuple[Role, ...]
    instruction_tuned: bool


@dataclass(frozen=True)
class _Run:
    """What one child found: plain data, pickled back to the parent."""

    load_s: float
    seconds: list[float]
    right: list[bool]
    n_tokens: int
    decode_s: float
    peak_rss_bytes: int | None
    threads: int


@dataclass(frozen=True)
class Recommendation:
    role: Role
    model: str | None  # the smallest measured model that reaches the bar; None when none does
    candidates: int  # measured models that can take the role: instruction-tuned ones for the stylist

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "model": self.model, "candidates": self.candidates}


@dataclass(frozen=True)
class MeasureReport:
    bar: float
    requests: int
    results: list[Measurement]  # smallest model first
    recommendations: list[Recommendation]
    stored_in: Path

    def to_json(self) -> dict[str, Any]:
        return {"bar": self.bar, "requests": self.requests, "results": [r.to_json() for r in self.results],
                "recommendations": [r.to_json() for r in self.recommendations], "stored_in": str(self.stored_in)}


def measure_models(context: AppContext, names: Sequence[str] = (), *, limit: int | None = None, progress: Progress = no_progress,
                   cancel: CancelToken | None = None) -> MeasureReport:
    """Measure the named GGUFs (default: every available one), smallest first. Each result is kept as soon as it is
    known, so a run stopped at the 4B model keeps the smaller ones' for `models list`."""
    cases = spread(labelled_requests(), limit)
    candidates = sorted(_candidates(context, names), key=lambda c: c.size_bytes)
    total = len(candidates) * len(cases)
    results = []
    for i, candidate in enumerate(candidates):
        def step(done: int, _total: int | None, detail: str, offset: int = i * len(cases), name: str = candidate.name) -> None:
            progress(offset + done, total, f"{name}: {detail}")

        run = run_in_child(_run_set, context, str(candidate.path), cases, progress=step, cancel=cancel)
        results.append(_measurement(candidate, cases, run))
        record_measurement(context.paths, results[-1])
    by_name = {c.name: c for c in candidates}
    recommendations = [_recommend(role, results, by_name) for role in ("classifier", "stylist")]
    return MeasureReport(ACCURACY_BAR, len(cases), results, recommendations, measured_file(context.paths))


def spread(cases: list[LabelledRequest], limit: int | None) -> list[LabelledRequest]:
    """`limit` requests spread evenly over the set, so a quick look still has both languages."""
    if limit is None or limit >= len(cases):
        return cases
    return [cases[i * len(cases) // limit] for i in range(limit)]


def _candidates(context: AppContext, names: Sequence[str]) -> list[_Candidate]:
    """The GGUF models asked for, or every available one (the bundled 270M is assembled on first use)."""
    manifest, registry = load_manifest(), Registry(context.paths)
    wanted = list(names) or [row.name for row in model_rows(context) if row.format == "gguf" and row.available]
    found = []
    for name in wanted:
        model = installed_or_explain(name, registry, manifest)
        if model.format != "gguf":
            raise InvalidModelError(_("{name} is not a language model.").format(name=model.name),
                                    _("Only GGUF models (classifier, stylist) are measured."))
        path = Path(model.location)
        found.append(_Candidate(model.name, path, model.size_bytes, tuple(model_roles(model, manifest)),
                                read_gguf_info(path).instruction_tuned))
    return found


def _run_set(context: AppContext, path: str, cases: list[LabelledRequest], progress: Progress) -> _Run:
    """In the child: the classifier as the app opens it, on this one file, the model alone on every request."""
    configure_logging(context.paths.log_file)  # llama.cpp's warnings go to the log, not the terminal
    classifier = open_classifier(context, override=path)
    assert classifier.llm is not None
    start = time.perf_counter()
    classifier.model_reading("warm up")  # the load and the few-shot prefix, once, as a session's first request
    load_s = time.perf_counter() - start
    seconds, right, n_tokens, decode_s = [], [], 0, 0.0
    for done, case in enumerate(cases, 1):
        t0 = time.perf_counter()
        items, decoded = classifier.model_reading(case.request)
        seconds.append(time.perf_counter() - t0)
        right.append(items == case.items)
        n_tokens, decode_s = n_tokens + decoded.n_tokens, decode_s + decoded.decode_s
        progress(done, len(cases), case.request)
    return _Run(load_s, seconds, right, n_tokens, decode_s, peak_rss_bytes(), classifier.llm.threads)


def _measurement(candidate: _Candidate, cases: list[LabelledRequest], run: _Run) -> Measurement:
    languages = sorted({case.language for case in cases})
    by_language = {lang: statistics.mean(ok for ok, case in zip(run.right, cases, strict=True)
                                         if case.language == lang) for lang in languages}
    return Measurement(
        name=candidate.name, size_bytes=candidate.size_bytes, instruction_tuned=candidate.instruction_tuned, requests=len(cases),
        exact=sum(run.right), accuracy_by_language=by_language, p50_s=_quantile(run.seconds, 0.5), p95_s=_quantile(run.seconds, 0.95),
        tokens_per_s=run.n_tokens / run.decode_s if run.decode_s else 0.0, peak_rss_bytes=run.peak_rss_bytes, load_s=run.load_s,
        threads=run.threads, measured_at=now_iso(),
    )


def _quantile(values: list[float], q: float) -> float:
    """Linear interpolation between the order statistics, so a handful of requests still gives a p95."""
    if not values:
        return 0.0
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def _recommend(role: Role, results: list[Measurement], candidates: dict[str, _Candidate]) -> Recommendation:
    """The smallest model (results are smallest first) that can take the role and reaches the bar."""
    able = [r for r in results if role in candidates[r.name].roles and (role != "stylist" or r.instruction_tuned)]
    passing = next((r.name for r in able if r.accuracy >= ACCURACY_BAR), None)
    return Recommendation(role, passing, len(able))


def peak_rss_bytes() -> int | None:
    """This process's own high-water resident memory, or None where the system does not say."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
        return None
    if sys.platform == "win32":
        return _windows_peak_working_set()
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # bytes on macOS


def _windows_peak_working_set() -> int | None:
    class Counters(ctypes.Structure):  # PROCESS_MEMORY_COUNTERS
        _fields_ = [("cb", ctypes.c_ulong), ("PageFaultCount", ctypes.c_ulong),
                    *((field, ctypes.c_size_t) for field in (
                        "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage", "QuotaPagedPoolUsage",
                        "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage"))]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    kernel32.GetCurrentProcess.restype = ctypes.c_void_p
    ok = kernel32.K32GetProcessMemoryInfo(ctypes.c_void_p(kernel32.GetCurrentProcess()), ctypes.byref(counters), counters.cb)
    return int(counters.PeakWorkingSetSize) if ok else None
