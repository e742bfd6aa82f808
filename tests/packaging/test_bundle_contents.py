"""Guards for the bundle that need no build: what the spec trims must not be what the app loads.

The spec excludes every transformers model family except a kept list (packaging/bundle_trim.py),
because transformers' TYPE_CHECKING imports would otherwise pull all ~560 into the bundle. If the app
starts loading another family (a new tokenizer, a config that names another text model), the bundle
would break only when frozen; this test catches it in the ordinary test run instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import bundle_trim  # noqa: E402

_PROBE = """
import json, sys
from pathlib import Path
from desktop_app.core.embedding.blip2 import ResolvedModel, TextEncoder, VisionEncoder
folder = Path(sys.argv[1])
resolved = ResolvedModel(str(folder), folder, "probe", "local folder")
TextEncoder(resolved, device="cpu").encode(["a red shirt"])
VisionEncoder(resolved, device="cpu")
print(json.dumps(sorted({m.split(".")[2] for m in sys.modules if m.startswith("transformers.models.") and m.count(".") >= 2})))
"""


@pytest.mark.slow
def test_transformers_models_the_app_loads_are_kept_in_the_bundle(tiny_blip2: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", _PROBE, str(tiny_blip2)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    loaded = set(json.loads(probe.stdout.strip().splitlines()[-1]))
    missing = loaded - bundle_trim.TRANSFORMERS_MODELS_KEPT
    assert not missing, f"add {sorted(missing)} to TRANSFORMERS_MODELS_KEPT in packaging/bundle_trim.py, or the bundle breaks"


def test_packaging_files_do_not_ship_in_the_python_package() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert all(pattern.startswith("desktop_app") for pattern in include), include
    assert not (REPO / "packaging" / "__init__.py").exists(), "packaging/ must not become an importable package"
