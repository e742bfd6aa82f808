"""A report of what this installation has: Python, torch, ONNX Runtime, SQLite and sqlite-vec, models, data paths.

Shared by `fashion-assistant doctor` and the GUI's status bar, so what a tester pastes into a bug
report is what the window showed.
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from desktop_app import __version__
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.store.db import backend_info
from desktop_app.core.platform.errors import UserError
from desktop_app.core.models.locator import find_all


def torch_report() -> dict[str, Any]:
    try:
        import torch
    except ImportError as exc:
        return {"available": False, "error": str(exc)}
    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device = "mps"
    else:
        device = "cpu"
    return {"available": True, "version": torch.__version__, "threads": torch.get_num_threads(), "device": device}


def onnx_report() -> dict[str, Any]:
    """Whether the fast int8 encoder can run here (the optional `fast` extra), and the CPU features its kernels use."""
    try:
        import onnxruntime
    except ImportError:
        return {"available": False, "hint": "pip install 'fashion-assistant[fast]' for faster indexing in less memory"}
    return {"available": True, "version": onnxruntime.__version__, "providers": onnxruntime.get_available_providers()}


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
            "stdlib sqlite3" if backend.driver == "sqlite3" else "sqlean-py (this Python's sqlite3 cannot load extensions)"
        ),
    }


def network_report() -> dict[str, Any]:
    """What a privacy-minded user checks first: is this process offline, and did anything try to get out?"""
    return {
        "offline": offline.is_offline(),
        "hub_env": {name: os.environ.get(name) for name in offline.OFFLINE_ENV},
        "blocked_attempts": list(offline.blocked_attempts()),
    }


def collect(context: AppContext) -> dict[str, Any]:
    paths = context.paths
    return {
        "app_version": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable, "platform": platform.platform()},
        "torch": torch_report(),
        "onnxruntime": onnx_report(),
        "sqlite": sqlite_report(),
        "models": [status.to_json() for status in find_all(context.settings, paths)],
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
        checked = " (verified)" if model.get("verified") else ""
        parts.append(f"{model['role'].capitalize()}: {mark} {model['name']}{checked}")
    return "   ".join(parts)
