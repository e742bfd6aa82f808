"""Time to a usable window: `fashion-assistant-gui --self-test` against a bare PySide6 window, same run.

Each run is a fresh process, timed from spawn to the line the app prints once its window has been
shown and painted (models are not loaded; the model check runs after, on a worker). The baseline is
the least any PySide6 app pays: an interpreter, Qt, and one empty QMainWindow. Target: under 2 s.

Usage: .venv/bin/python bench/gui_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = (
    "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1]); w = QMainWindow(); w.resize(1280, 800); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('self-test: window shown', flush=True), app.exit(0)))\n"
    "app.exec()\n"
)


def time_to_window(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    for line in process.stdout:
        if "window shown" in line:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"{command[0]} never showed its window")
    process.kill()
    process.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    gui = os.path.join(os.path.dirname(sys.executable), "fashion-assistant-gui")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "FASHION_ASSISTANT_DATA_DIR": data}
        time_to_window([gui, "--self-test"], env)  # warm-up: byte-code caches, catalog created
        app, bare = [], []
        for _ in range(args.runs):
            app.append(time_to_window([gui, "--self-test"], env))
            bare.append(time_to_window([sys.executable, "-c", BARE], env))
    app_median, bare_median = statistics.median(app), statistics.median(bare)
    print(f"fashion-assistant-gui to a usable window: median {app_median:.2f} s (min {min(app):.2f}, max {max(app):.2f}), {args.runs} runs")
    print(f"bare PySide6 QMainWindow (baseline):      median {bare_median:.2f} s (min {min(bare):.2f}, max {max(bare):.2f})")
    print(f"ratio app / bare: {app_median / bare_median:.2f}x; target under 2 s: {'met' if app_median < 2.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
