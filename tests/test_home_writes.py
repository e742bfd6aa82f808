"""The app writes only inside its own folders: run as a user runs it, with nothing of ours in the environment.

`doctor`, `index` (a fresh catalog, so the fast encoder is prepared in a spawned child), `search`, `ask` and the
window's self-test run one after another with HOME in a temporary folder and no XDG variables, so every path
comes from the platform's defaults, as on a tester's machine. Afterwards every file under HOME must lie in the
app's data, cache or log folder (as `resolve_paths` names them) or in Qt's settings folder of the app, and the
photo folder must be as it was. ONNX Runtime's telemetry, for one, writes ~/.cache/Microsoft/DeveloperTools
when it is not switched off before the library loads. The bundle's smoke test checks the same (home-writes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
DROPPED = ("FASHION_ASSISTANT_", "HF_", "TRANSFORMERS_", "ORT_", "XDG_", "PYTHONPATH")


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(DROPPED)}
    return env | {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *argv], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{argv}: {done.stderr[-3000:]}"
    return done


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_file_the_app_writes_is_in_its_own_folders(tmp_path: Path, tiny_blip2: Path, product_photos: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    photos = tmp_path / "photos"
    for category in sorted(p for p in product_photos.iterdir() if p.is_dir())[:3]:
        (photos / category.name).mkdir(parents=True)
        for photo in sorted(category.glob("*.jpg"))[:2]:
            shutil.copyfile(photo, photos / category.name / photo.name)
    photos_before = _tree(photos)
    env = _env(home)
    cli = ["-m", "desktop_app.cli"]

    folders = json.loads(_run(env, "-c", "import json; from desktop_app.core.platform.paths import resolve_paths; p = resolve_paths();"
                                         " print(json.dumps([str(p.data_dir), str(p.cache_dir), str(p.log_dir)]))").stdout)
    assert all(Path(folder).is_relative_to(home) for folder in folders), f"the app's folders are not under HOME: {folders}"
    _run(env, *cli, "doctor", "--json")
    indexed = json.loads(_run(env, *cli, "index", str(photos), "--blip2", str(tiny_blip2), "--json").stdout)
    assert indexed["indexed"] == len(photos_before) and indexed["backend"] == "onnx"  # ONNX Runtime ran, in a spawned child
    assert json.loads(_run(env, *cli, "search", "--json", "red shirt").stdout)["results"]
    asked = json.loads(_run(env, *cli, "--accept-model-terms", "ask", "--json", "two shirts and a pair of shoes").stdout)
    assert asked["classification"]
    window = _run(env, "-m", "desktop_app", "--self-test")
    assert "models checked: ok" in window.stdout

    allowed = [Path(folder) for folder in folders] + [home / ".config" / "fashion-assistant"]  # Qt's window state
    written = [home / name for name in _tree(home)]
    outside = [str(path.relative_to(home)) for path in written if not any(path.is_relative_to(folder) for folder in allowed)]
    assert outside == [], f"written outside the app's folders: {outside}"
    assert any(path.name == "catalog.sqlite3" for path in written), "the run wrote nothing: the check would prove nothing"
    assert _tree(photos) == photos_before, "the photo folder was written to"
