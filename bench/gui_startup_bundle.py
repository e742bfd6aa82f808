"""Time to a usable window: the built bundle against the development install, measured in one run.

    .venv/bin/python bench/gui_startup_bundle.py [--bundle dist/fashion-assistant] [--runs 5] [--blip2 TINY_BLIP2]

Both start `fashion-assistant-gui --self-test` offscreen on the same catalog (a few photos indexed
first, with --blip2, so the window has something to load). "Usable" is the moment the self-test
prints its line: the main window is shown and the model check is done. The line is read through a
pseudo-terminal, so it arrives when printed and not when the process exits and flushes; the time to
exit is reported apart. Runs alternate bundle/dev after one unmeasured warm-up each, so both see the
same page cache; the figures are the median and the fastest run. A bundle's very first start after
unpacking is slower (its libraries are not in the page cache yet) and is not what this measures.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PHOTOS = REPO.parent / "shared" / "data" / "product-photos"


def start_to_ready(command: list[str], env: dict[str, str], timeout: float = 120.0) -> tuple[float, float]:
    """Seconds from spawn to the self-test line, and to the process's exit."""
    leader, follower = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.DEVNULL, env=env, close_fds=True)
    os.close(follower)
    ready = None
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            readable, _, _ = select.select([leader], [], [], 0.05)
            if readable:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if chunk:
                    seen += chunk
                    if ready is None and b"self-test:" in seen:
                        ready = time.perf_counter() - started
                    continue
            if process.poll() is not None:
                break
        code = process.wait(timeout=max(1.0, timeout - (time.perf_counter() - started)))
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    exited = time.perf_counter() - started
    if code != 0 or ready is None or b"FAILED" in seen:
        raise RuntimeError(f"{command[0]} --self-test failed (exit {code}): {seen.decode(errors='replace')[-500:]}")
    return ready, exited


def prepare_catalog(data_dir: Path, blip2: Path | None, env: dict[str, str]) -> int:
    if blip2 is None or not PHOTOS.is_dir():
        return 0
    photos = data_dir.parent / "photos"
    for category in sorted(p for p in PHOTOS.iterdir() if p.is_dir()):
        (photos / category.name).mkdir(parents=True, exist_ok=True)
        for photo in sorted(category.glob("*.jpg"))[:3]:
            shutil.copy2(photo, photos / category.name / photo.name)
    cli = REPO / ".venv" / "bin" / "fashion-assistant"
    subprocess.run([str(cli), "index", str(photos), "--blip2", str(blip2), "--json"], env=env, check=True, capture_output=True)
    return sum(1 for _ in photos.rglob("*.jpg"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "fashion-assistant")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--blip2", type=Path, help="a tiny BLIP-2 folder to index a few photos with first")
    args = parser.parse_args()

    bundled = args.bundle / "fashion-assistant-gui"
    dev = REPO / ".venv" / "bin" / "fashion-assistant-gui"
    for exe in (bundled, dev):
        if not exe.exists():
            print(f"missing {exe}", file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="fa-gui-startup-"))
    try:
        env = {
            "PATH": "/usr/bin:/bin", "HOME": str(work / "home"), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
            "FASHION_ASSISTANT_DATA_DIR": str(work / "data"), "XDG_CONFIG_HOME": str(work / "config"),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        }
        n_photos = prepare_catalog(work / "data", args.blip2, env)
        commands = {"bundle": [str(bundled), "--self-test"], "dev": [str(dev), "--self-test"]}
        for command in commands.values():  # warm-up: page cache, first-run settings, catalog migrations
            start_to_ready(command, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(start_to_ready(command, env))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"GUI time to a usable window (--self-test, offscreen, catalog of {n_photos} photos, {args.runs} runs each, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}):")
    summary = {}
    for name, runs in times.items():
        ready = [r for r, _ in runs]
        exited = [e for _, e in runs]
        summary[name] = statistics.median(ready)
        print(f"  {name:<7} ready: median {statistics.median(ready):.2f} s, fastest {min(ready):.2f} s;"
              f"  exit: median {statistics.median(exited):.2f} s")
    print(f"  bundle/dev ratio (median ready): {summary['bundle'] / summary['dev']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
