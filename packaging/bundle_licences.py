"""The bundle's `licenses/` folder: every component it carries, with its licence text, from what is really bundled.

The spec hands over PyInstaller's tables of what goes into the bundle (modules, extensions, libraries,
data files). Each file is traced to the installed distribution whose RECORD lists it (importlib.metadata),
to Python itself (the interpreter's prefix), to the app (the repository), or, on Linux, to the system
package that installed a library (dpkg), and each such component gets its licence texts copied:

- a distribution's own licence files (its `License-File` entries, the files in `.dist-info/licenses/`,
  and any LICENSE/COPYING/NOTICE file its RECORD lists);
- for a distribution whose wheel carries none, the texts kept in the repository's `licenses/`
  (`supplements.json` says which, and where each came from);
- Python's LICENSE.txt, a system package's `/usr/share/doc/PACKAGE/copyright`;
- Qt's LGPL notice (`licenses/qt/QT-LGPL-NOTICE.txt`, filled in with the versions and the folder of
  the Qt libraries: how to replace them, and where their source is);
- the Gemma Terms of Use and the Prohibited Use Policy of the bundled model.

A component without any licence text stops the build (`MissingLicences`), naming the fix.
Output: `licenses/README.txt` (one line per component), `licenses/index.json` (what Help ▸ Licences
reads) and one folder per component.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

LICENCE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT|ThirdPartyNotices|AUTHORS)", re.IGNORECASE)
SUPPLEMENTS = "supplements.json"


class MissingLicences(Exception):
    """Bundled components without a licence text: the build must not ship them like that."""


@dataclass
class Component:
    name: str
    version: str
    licence: str
    kind: str  # "python-package", "python", "app", "system-library", "model", "notice"
    files: list[str] = field(default_factory=list)  # relative to licenses/
    origin: str = ""  # where the texts came from: "metadata", "supplement", "dpkg", ...


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(path))


class Owners:
    """Which installed distribution a file belongs to, from every distribution's RECORD."""

    def __init__(self, distributions: Iterable[importlib.metadata.Distribution] | None = None) -> None:
        self.by_file: dict[str, importlib.metadata.Distribution] = {}
        for dist in distributions if distributions is not None else importlib.metadata.distributions():
            for entry in dist.files or []:
                self.by_file.setdefault(_key(dist.locate_file(entry)), dist)

    def owner(self, path: str) -> importlib.metadata.Distribution | None:
        return self.by_file.get(_key(path))


def licence_files(dist: importlib.metadata.Distribution) -> list[Path]:
    """The distribution's licence texts as installed, each once, in RECORD order."""
    found: dict[str, Path] = {}
    declared = set(dist.metadata.get_all("License-File") or [])
    for entry in dist.files or []:
        text = str(entry).replace("\\", "/")
        in_licences = ".dist-info/licenses/" in text or ".dist-info/license_files/" in text
        if in_licences or LICENCE_NAME.match(text.rsplit("/", 1)[-1]) or text.rsplit("/", 1)[-1] in declared:
            path = Path(dist.locate_file(entry))
            if path.is_file() and path.stat().st_size > 0 and not text.endswith((".py", ".pyc")):
                found.setdefault(_key(path), path)
    return list(found.values())


def licence_expression(dist: importlib.metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " / ".join(classifiers) or "see the texts"


def python_licence() -> Path | None:
    """The interpreter's LICENSE.txt: beside the standard library on Linux and macOS, in the prefix on Windows."""
    for candidate in (Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.is_file():
            return candidate
    return None


def system_package(path: str) -> str | None:
    """The Debian package that installed a library, where dpkg exists (merged /usr: both spellings are tried)."""
    dpkg = shutil.which("dpkg")
    if dpkg is None:
        return None
    real = os.path.realpath(path)
    candidates = {real, path, real.removeprefix("/usr"), "/usr" + real if not real.startswith("/usr") else real}
    for candidate in sorted(candidates):
        try:
            out = subprocess.run([dpkg, "-S", candidate], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        if out.returncode == 0 and ":" in out.stdout:
            return out.stdout.split(":", 1)[0].strip()
    return None


def _dpkg_version(package: str) -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


class LicenceFolder:
    """Collects the components of one bundle and writes their texts under `out`."""

    def __init__(self, out: Path, repo_licences: Path, app_root: Path, owners: Owners | None = None) -> None:
        self.out = out
        self.repo = repo_licences
        self.app_root = app_root.resolve()
        self.owners = owners or Owners()
        self.supplements = json.loads((repo_licences / SUPPLEMENTS).read_text(encoding="utf-8"))
        self.components: dict[str, Component] = {}
        self.missing: list[str] = []
        self.unowned: list[str] = []
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)

    # -- tracing what is bundled ---------------------------------------------------------------------------
    def add_toc(self, toc: Iterable[tuple]) -> None:
        """PyInstaller TOC entries (dest, src, typecode); each source file is traced to its component once."""
        prefixes = {_key(sys.base_prefix), _key(sys.prefix)}
        for _dest, src, typecode in toc:
            if typecode in ("SYMLINK", "OPTION", "DEPENDENCY") or not src or not os.path.isfile(src):
                continue
            dist = self.owners.owner(src)
            if dist is not None:
                self._distribution(dist)
            elif any(_key(src).startswith(prefix + os.sep) for prefix in prefixes):  # before the app: .venv may be in it
                self._python()
            elif _key(src).startswith(_key(self.app_root) + os.sep):
                self._app()
            elif (package := system_package(src)) is not None:
                self._system(package)
            else:
                self.unowned.append(src)

    def _distribution(self, dist: importlib.metadata.Distribution) -> None:
        name = dist.metadata["Name"]
        key = normalised(name)
        if key in self.components:
            return
        if key == "fashion-assistant":
            self._app()
            return
        component = Component(name, dist.version, licence_expression(dist), "python-package", origin="metadata")
        self.components[key] = component
        texts = licence_files(dist)
        if texts:
            component.files = self._copy(key, texts, root=Path(dist.locate_file("")))
            return
        supplement = self.supplements.get(key)
        if supplement is None:
            self.missing.append(f"{name} {dist.version}")
            return
        component.licence = supplement.get("licence", component.licence)
        component.origin = f"supplement: {supplement['source']}"
        component.files = self._copy(key, [self.repo / f for f in supplement["files"]], root=self.repo)

    def _app(self) -> None:
        if "fashion-assistant" not in self.components:
            from desktop_app import APP_DISPLAY_NAME, __version__

            self.components["fashion-assistant"] = Component(
                APP_DISPLAY_NAME, __version__, "Apache-2.0", "app", self._copy("fashion-assistant", [self.app_root / "LICENSE"]),
                "the repository's LICENSE")

    def _python(self) -> None:
        if "python" in self.components:
            return
        text = python_licence()
        component = Component("Python", sys.version.split()[0], "PSF-2.0", "python", origin="the interpreter's LICENSE.txt")
        self.components["python"] = component
        if text is None:
            self.missing.append(f"Python {component.version} (no LICENSE.txt in {sys.base_prefix})")
        else:
            component.files = self._copy("python", [text])

    def _system(self, package: str) -> None:
        key = f"system-{package}"
        if key in self.components:
            return
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        component = Component(package, _dpkg_version(package), "see the text", "system-library", origin="dpkg")
        self.components[key] = component
        if copyright_file.is_file():
            component.files = self._copy(key, [copyright_file])
        else:
            self.missing.append(f"system package {package} (no {copyright_file})")

    # -- notices added by the spec -------------------------------------------------------------------------
    def add_qt_notice(self, qt_version: str, pyside_version: str, qt_libraries: str) -> None:
        template = (self.repo / "qt" / "QT-LGPL-NOTICE.txt").read_text(encoding="utf-8")
        major_minor = ".".join(qt_version.split(".")[:2])
        text = template.format(qt_version=qt_version, qt_major_minor=major_minor, pyside_version=pyside_version,
                               qt_libraries=qt_libraries)
        target = self.out / "qt" / "QT-LGPL-NOTICE.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.components["qt"] = Component(f"Qt {qt_version} libraries", qt_version, "LGPL-3.0-only", "notice",
                                          ["qt/QT-LGPL-NOTICE.txt"], "licenses/qt/QT-LGPL-NOTICE.txt")

    def add_model(self, key: str, name: str, version: str, licence: str, texts: list[Path]) -> None:
        self.components[key] = Component(name, version, licence, "model", self._copy(key, texts), "the model's terms")

    # -- writing -------------------------------------------------------------------------------------------
    def _copy(self, key: str, texts: list[Path], root: Path | None = None) -> list[str]:
        copied = []
        for text in texts:
            try:
                relative = _short(text.resolve().relative_to(root.resolve())) if root is not None else Path(text.name)
            except ValueError:
                relative = Path(text.name)
            target = self.out / key / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(text, target)
            copied.append(target.relative_to(self.out).as_posix())
        return copied

    def finish(self) -> list[Component]:
        """Writes index.json and README.txt; raises MissingLicences when a component has no text."""
        if self.missing or self.unowned:
            lines = [f"  {name}" for name in self.missing] + [f"  {path} (no installed package owns it)" for path in self.unowned[:20]]
            raise MissingLicences(
                "These bundled components have no licence text:\n" + "\n".join(lines)
                + f"\nAdd each one's text under {self.repo} and name it in {self.repo / SUPPLEMENTS} (with where it came from).")
        components = sorted(self.components.values(), key=lambda c: (c.kind != "app", c.kind == "system-library", c.name.lower()))
        (self.out / "index.json").write_text(json.dumps({"components": [asdict(c) for c in components]}, indent=2), encoding="utf-8")
        width = max(len(c.name) for c in components)
        lines = ["The components this program carries and their licences; each folder here holds the texts.", ""]
        lines += [f"{c.name:<{width}}  {c.version:<14} {c.licence:<40} {', '.join(sorted({f.split('/')[0] for f in c.files}))}"
                  for c in components]
        (self.out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return components


def _short(relative: Path) -> Path:
    """`torch-2.13.0.dist-info/licenses/third_party/FP16/LICENSE` -> `third_party/FP16/LICENSE`; package files stay as they are."""
    parts = relative.parts
    if parts and parts[0].endswith(".dist-info"):
        parts = parts[1:]
        if parts[:1] in (("licenses",), ("license_files",)):
            parts = parts[1:]
    return Path(*parts) if parts else Path(relative.name)


def datas_for(folder: Path, prefix: str) -> list[tuple[str, str, str]]:
    """The folder's files as PyInstaller DATA entries under `prefix` inside the bundle."""
    return [(f"{prefix}/{path.relative_to(folder).as_posix()}", str(path), "DATA") for path in sorted(folder.rglob("*")) if path.is_file()]
