"""Which heavy libraries each command loads, each in a fresh interpreter, on a catalog whose towers are prepared.

torch, transformers and onnx cost seconds to import (issue 15: a text search took 5-10 s, most of it
imports), so a search on a prepared catalog may load ONNX Runtime and nothing heavier, and the
commands that read the catalog or the installation load none of them. `desktop_app.cli` imports
every command module to build its parser, so one command module importing torch at its top would
show up in every row here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("onnxruntime")

HEAVY = ("torch", "transformers", "onnx", "onnxruntime", "llama_cpp", "PySide6")
# Run a command as `fashion-assistant` does, then report what it left in sys.modules on the last line.
PROBE = f"""
import json, sys
from desktop_app.cli import main
code = main(sys.argv[1:])
print(json.dumps({{"rc": code, "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""
KEYWORD_REQUEST = "two red t-shirts and black jeans"  # every word in the vocabulary: the keyword parser answers alone


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "HF_HOME": str(root / "hf-home"), "FASHION_ASSISTANT_DATA_DIR": str(root / "data"),
            "PYTHONPATH": str(REPO_ROOT)}


@pytest.fixture(scope="module")
def prepared(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of the shared photos indexed by `fashion-assistant index` with the default backend, which
    prepares both ONNX towers; returns the folder holding its data folder."""
    root = tmp_path_factory.mktemp("cold-imports")
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "index", str(product_photos), "--blip2", str(tiny_blip2), "--json"],
        env=_env(root), cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"] == "onnx" and report["embedded"] > 0, report
    assert len(list((root / "data").rglob("manifest.json"))) == 2, "both towers should be prepared"
    return root


def _heavy_modules(root: Path, *argv: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], env=_env(root), cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rc"] == 0, done.stderr[-3000:]
    return set(result["heavy"])


def _a_photo(product_photos: Path) -> str:
    return str(sorted(product_photos.rglob("*.jpg"))[0])


@pytest.mark.slow
def test_opening_a_prepared_tower_hashes_only_a_changed_file(prepared: Path, tiny_blip2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are taken again only where a file's mtime moved, and once: hashing the full-size vision weights took seconds per search."""
    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths

    paths = resolve_paths(data_dir=prepared / "data")
    resolved = resolve_blip2(str(tiny_blip2), paths)
    real_hash, hashed = onnx_encoder.hash_file, []
    monkeypatch.setattr(onnx_encoder, "hash_file", lambda path: hashed.append(path.name) or real_hash(path))
    found = onnx_encoder.cached(resolved, paths.prepared_dir, "vision")
    assert found is not None and hashed == []
    data = found.folder / onnx_encoder.DATA_FILE
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1))  # touched: it may have been rewritten in place
    assert onnx_encoder.cached(resolved, paths.prepared_dir, "vision") is not None and hashed == [onnx_encoder.DATA_FILE]
    assert onnx_encoder.cached(resolved, paths.prepared_dir, "vision") is not None and hashed == [onnx_encoder.DATA_FILE]  # remembered


@pytest.mark.slow
def test_text_search_loads_onnx_runtime_only(prepared: Path) -> None:
    assert _heavy_modules(prepared, "search", "red", "shoes") == {"onnxruntime"}


@pytest.mark.slow
def test_photo_search_loads_onnx_runtime_only(prepared: Path, product_photos: Path, tmp_path: Path) -> None:
    outside = tmp_path / "an-edited-photo.jpg"  # not in the catalog (its bytes differ), so it is encoded
    outside.write_bytes(Path(_a_photo(product_photos)).read_bytes() + b"\0")
    assert _heavy_modules(prepared, "search", "--image", str(outside)) == {"onnxruntime"}


@pytest.mark.slow
def test_a_photo_of_the_catalog_loads_no_tower(prepared: Path, product_photos: Path) -> None:
    assert _heavy_modules(prepared, "search", "--image", _a_photo(product_photos)) == set()  # its stored vectors are read back


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ("items",), ("stats",), ("doctor",), ("classify", KEYWORD_REQUEST), ("tag", "PHOTO", "--color", "red"),
], ids=lambda command: command[0])
def test_catalog_and_installation_commands_load_nothing_heavy(prepared: Path, product_photos: Path, command: tuple[str, ...]) -> None:
    argv = [_a_photo(product_photos) if word == "PHOTO" else word for word in command]
    assert _heavy_modules(prepared, *argv) == set()
