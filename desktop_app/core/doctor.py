"""A report of what this installation has: Python, torch, ONNX Runtime, the CPU's int8 path, the fast encoders,
SQLite and sqlite-vec, models, data paths.

Shared by `fashion-assistant doctor` and the GUI's status bar, so what a tester pastes into a bug
report is what the window showed. It imports none of torch, transformers, onnx and onnxruntime
(seconds of a run that should take a fraction of one): torch and onnxruntime are described from
their installed files, the fast encoders from their manifests.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import sys
from pathlib import Path
from typing import Any

from desktop_app import __version__
from desktop_app.core.catalog.operations import resolve_catalog_model
from desktop_app.core.embedding.blip2 import ResolvedModel, resolve_blip2
from desktop_app.core.embedding.onnx_convert import SCHEME
from desktop_app.core.embedding.onnx_encoder import FORMATS, TowerStatus, encoder_status, runtime_version
from desktop_app.core.models.locator import find_all
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.cpu import cpu_features
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import N_, _, ngettext
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.db import backend_info
from desktop_app.core.store.integrity import check_catalog_file

# The roles and where a model was found, as `ModelStatus` names them in the JSON, in words for people.
ROLE_NAMES = {"embedder": N_("Embedder"), "classifier": N_("Classifier"), "stylist": N_("Stylist")}
SOURCE_NAMES = {"downloaded": N_("downloaded"), "local folder": N_("local folder"), "hub cache": N_("hub cache"),
                "bundled package": N_("bundled package"), "file": N_("file"), "not found": N_("not found"),
                "not configured": N_("not configured")}


def role_name(role: str) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def source_name(source: str) -> str:
    return _(SOURCE_NAMES[source]) if source in SOURCE_NAMES else source


def torch_report(threads: int | None = None) -> dict[str, Any]:
    """torch as installed, found without importing it; `threads` as the app sets them (the settings', else every core)."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return {"available": False, "error": _("torch is not installed")}
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:  # a bundle that carries torch without its metadata
        version = "unknown"
    device = _torch_device(Path(next(iter(spec.submodule_search_locations))))
    return {"available": True, "version": version, "threads": threads or os.cpu_count() or 1, "device": device}


def _torch_device(package: Path) -> str:
    """The device `blip2.pick_device` would choose, as far as torch's build tells without initialising a GPU."""
    libraries = " ".join(path.name.lower() for path in (package / "lib").glob("*torch_*"))
    if "torch_cuda" in libraries or "torch_hip" in libraries:  # ROCm builds answer to "cuda" too
        return _("cuda when a GPU is present, else cpu")
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return "mps"
    return "cpu"


def onnx_report() -> dict[str, Any]:
    """Whether the fast int8 encoder can run here (the optional `fast` extra); `cpu` says which int8 kernels it uses.

    The app runs it on the CPU execution provider only, so the report does not import onnxruntime to list the others."""
    try:
        version = runtime_version()
    except ImportError:
        return {"available": False, "hint": _("pip install 'fashion-assistant[fast]' for faster indexing in less memory")}
    return {"available": True, "version": version}


def sqlite_report() -> dict[str, Any]:
    try:
        backend = backend_info()
    except UserError as exc:
        return {"ok": False, "error": exc.user_text()}
    return {
        "ok": True,
        "driver": backend.driver,
        "sqlite_version": backend.sqlite_version,
        "sqlite_vec_version": backend.vec_version,
        "loaded_with": (
            "stdlib sqlite3" if backend.driver == "sqlite3" else _("sqlean-py (this Python's sqlite3 cannot load extensions)")
        ),
    }


def network_report() -> dict[str, Any]:
    """What a privacy-minded user checks first: is this process offline, and did anything try to get out?"""
    return {
        "offline": offline.is_offline(),
        "hub_env": {name: os.environ.get(name) for name in offline.OFFLINE_ENV},
        "blocked_attempts": list(offline.blocked_attempts()),
    }


def encoders_report(context: AppContext) -> list[dict[str, Any]]:
    """Each tower's fast encoder for the catalog's model: prepared or not, its agreement, or why torch encodes it."""
    try:
        resolved = _catalog_model(context)
    except UserError as exc:  # no model on this machine (the models report says how to get one), or an unreadable catalog
        path = cpu_features().int8_path()
        return [TowerStatus(tower, False, False, None, None, None, SCHEME, path, None, exc.message).to_json() | {"model": None}
                for tower in FORMATS]
    return [status.to_json() | {"model": resolved.spec} for status in encoder_status(resolved, context.paths.prepared_dir)]


def _catalog_model(context: AppContext) -> ResolvedModel:
    """The model the catalog was built with, else the settings' (without creating a catalog where there is none)."""
    if not context.paths.db_path.is_file():
        return resolve_blip2(context.settings.blip2_model, context.paths)
    with Catalog.open(context.paths.db_path) as catalog:
        return resolve_catalog_model(catalog, context)


def _catalog_embedder(context: AppContext) -> str | None:
    """The model the catalog was built with, so the models report checks the one search uses; None before a catalog."""
    if not context.paths.db_path.is_file():
        return None
    try:
        with Catalog.open(context.paths.db_path) as catalog:
            recorded = catalog.store.recorded_model()
    except UserError:  # an unreadable catalog: its own check reports it, the settings' model is shown meanwhile
        return None
    return recorded.spec if recorded else None


def encoder_lines(encoders: list[dict[str, Any]]) -> list[str]:
    """For `doctor` and `stats`: one line per tower, or one line with the reason where there is no model to prepare."""
    if encoders and encoders[0]["model"] is None:
        return [_("Encoders torch: {reason}").format(reason=encoders[0]["why_not"])]
    return [_("Encoder  {tower} {how}").format(tower=f"{encoder['tower']:<7}", how=_describe_encoder(encoder)) for encoder in encoders]


def _describe_encoder(encoder: dict[str, Any]) -> str:
    """Which encoder the tower uses and why: the agreement the fast one was accepted with, or why torch."""
    if encoder["usable"]:
        n = encoder["samples"]
        samples = (ngettext("{n} photo", "{n} photos", n) if encoder["tower"] == "vision"
                   else ngettext("{n} text", "{n} texts", n)).format(n=n)
        return _("ONNX int8 ({scheme}, checked on {cpu}): agrees with fp32 at {agreement} (worst vector {worst}, on {samples})").format(
            scheme=encoder["scheme"], cpu=encoder["cpu_int8_path"], agreement=f"{encoder['agreement']:.4f}",
            worst=f"{encoder['worst_vector']:.4f}", samples=samples)
    return _("torch: {reason}").format(reason=encoder["why_not"])


def catalog_check(context: AppContext, *, again: bool = False) -> dict[str, Any] | None:
    """SQLite's quick_check and the vector table's own consistency; None where there is no catalog yet."""
    report = check_catalog_file(context.paths.db_path, again=again)
    return None if report is None else report.to_json() | {"summary": report.summary()}


def collect(context: AppContext, *, full_check: bool = False) -> dict[str, Any]:
    paths = context.paths
    return {
        "app_version": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable, "platform": platform.platform()},
        "torch": torch_report(context.settings.threads),
        "onnxruntime": onnx_report(),
        "cpu": cpu_features().to_json() | {"summary": cpu_features().describe()},
        "encoders": encoders_report(context),
        "catalog_check": catalog_check(context, again=full_check),
        "sqlite": sqlite_report(),
        "models": [status.to_json() for status in find_all(context.settings, paths, embedder=_catalog_embedder(context))],
        "network": network_report(),
        "paths": {
            "data_dir": str(paths.data_dir),
            "catalog": str(paths.db_path),
            "settings": str(paths.settings_file),
            "models_dir": str(paths.models_dir),
            "cache_dir": str(paths.cache_dir),
            "log_file": str(paths.log_file),
        },
    }


def summarize_models(report: dict[str, Any]) -> str:
    """One line for a status bar: each role and whether its model is there."""
    parts = []
    for model in report["models"]:
        mark = "✓" if model["found"] else "✗"
        name = _("none") if model["name"] == "none" and not model["found"] else model["name"]
        line = _("{role}: {mark} {name} (verified)") if model.get("verified") else _("{role}: {mark} {name}")
        parts.append(line.format(role=role_name(model["role"]), mark=mark, name=name))
    return "   ".join(parts)
