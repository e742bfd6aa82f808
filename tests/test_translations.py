"""Every string a person meets is translatable and translated: the window's through Qt, the core's through gettext."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "desktop_app" / "ui"

# Calls whose string arguments a person reads (Qt's setters, constructors of labelled widgets, dialogs), and the window's
# own helpers that pass their text on to one of them.
VISIBLE_CALLS = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setStatusTip", "setWhatsThis", "showMessage",
    "addTab", "insertTab", "setTabText", "addMenu", "setTitle", "setSubTitle", "setHorizontalHeaderLabels",
    "setVerticalHeaderLabels", "setInformativeText", "setDetailedText", "setButtonText", "setLabelText",
    "setSpecialValueText", "setSuffix", "setPrefix", "setFormat", "setHeaderLabels", "setPlainText", "setMarkdown",
    "setHtml", "addButton", "setEmptyText", "setCancelButtonText", "setOkButtonText", "setWindowIconText",
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton", "QDockWidget",
    "QMessageBox", "information", "warning", "critical", "question", "about", "getOpenFileName", "getSaveFileName",
    "getExistingDirectory", "getOpenFileNames", "addRow", "QProgressDialog", "QWizardPage", "QCommandLinkButton",
    "_action",
}
LOGGERS = {"log", "logger", "logging"}
WORDS = re.compile(r"[A-Za-z]{2,}")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literal_words(node: ast.expr) -> bool:
    """A literal (or an f-string's literal part, or a concatenation's) that holds words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    return False


def untranslatable_strings(source: str, filename: str) -> list[str]:
    """`file:line: text` for each literal with words handed straight to a visible call, and each `tr()` that
    lupdate cannot read (an f-string or a variable: it only extracts a literal)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id in LOGGERS:
            continue  # log.warning(...) is for the log file, in English
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if name in {"tr", "translate"}:
            text = node.args[-1] if name == "translate" and len(node.args) >= 2 else (node.args[0] if node.args else None)
            if text is not None and not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
                found.append(f"{filename}:{node.lineno}: {name}() of a non-literal {ast.unparse(text)[:60]}")
            continue
        if name in VISIBLE_CALLS:
            found += [f"{filename}:{node.lineno}: {ast.unparse(arg)[:80]}" for arg in arguments if _literal_words(arg)]
    return found


def test_the_checker_finds_a_bare_label_and_an_unreadable_tr() -> None:
    source = (
        "label = QLabel('Catalog')\n"
        "button.setText(f'{n} items found')\n"
        "box.setToolTip(self.tr(f'{n} items'))\n"
        "ok = QLabel(self.tr('Catalog'))\n"
        "sep = QLabel('…')\n"
        "log.warning('No %s translation', name)\n"
        "path = QLabel(str(folder))\n"
    )
    found = untranslatable_strings(source, "x.py")
    assert [line.split(":")[1] for line in found] == ["1", "2", "3"]


def test_every_visible_string_in_the_window_is_translatable() -> None:
    found = []
    for path in sorted(UI_DIR.glob("*.py")):
        found += untranslatable_strings(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert not found, "wrap these in self.tr() / QCoreApplication.translate() with a literal:\n" + "\n".join(found)


def _translations_script():
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_string_has_a_finished_spanish_translation() -> None:
    problems = _translations_script().problems()
    assert not problems, ("run `.venv/bin/python scripts/translations.py update`, translate, then `compile`:\n"
                          + "\n".join(problems[:80]) + (f"\n… and {len(problems) - 80} more" if len(problems) > 80 else ""))


def test_the_compiled_translations_are_those_of_the_sources(tmp_path: Path) -> None:
    script = _translations_script()
    for fresh in script.compile_to(tmp_path):
        lang_relative = fresh.relative_to(tmp_path)
        shipped = (script.TS_DIR / fresh.name) if fresh.suffix == ".qm" else script.po_path(lang_relative.parts[0]).with_suffix(".mo")
        assert shipped.exists(), f"{shipped} is missing: run scripts/translations.py compile"
        assert shipped.read_bytes() == fresh.read_bytes(), f"{shipped.name} is older than its source: run scripts/translations.py compile"


@pytest.mark.parametrize("lang", ["es_ES.UTF-8", "es_MX.UTF-8"])
def test_the_cli_speaks_spanish_where_the_environment_does(lang: str, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LANG": lang, "FASHION_ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "HOME": str(tmp_path), "FASHION_ASSISTANT_ACCEPT_MODEL_TERMS": "1"}
    result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "search", "vestido rojo"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode != 0
    assert "catálogo" in result.stderr.lower(), result.stderr
    english = subprocess.run([sys.executable, "-m", "desktop_app.cli", "search", "red dress"], capture_output=True, text=True,
                             env={**env, "LANG": "en_GB.UTF-8"}, cwd=ROOT, timeout=120)
    assert "catalog" in english.stderr.lower() and "catálogo" not in english.stderr.lower(), english.stderr


def test_every_built_in_category_and_colour_has_a_display_name() -> None:
    from desktop_app.core.catalog.vocabulary import CATEGORIES, COLORS
    from desktop_app.ui.tag_names import tag_names

    assert set(tag_names()) == set(CATEGORIES) | set(COLORS)
