"""Keep the translations in step with the sources: the window's with Qt's tools, the core's with gettext (Babel).

    .venv/bin/python scripts/translations.py update    re-read the sources into the .ts and .po files (new
                                                        strings arrive unfinished, removed ones are dropped)
    .venv/bin/python scripts/translations.py compile   write the .qm and .mo files the app loads
    .venv/bin/python scripts/translations.py check     list what is missing or unfinished; exit 1 if anything is

The window: `pyside6-lupdate` reads `tr()` / `QCoreApplication.translate()` in desktop_app/ui into
resources/translations/fashion_assistant_<lang>.ts (edit them in `pyside6-linguist`), and `pyside6-lrelease`
writes the .qm. The core and the CLI: Babel reads `_()`, `ngettext()` and `N_()` in desktop_app (outside ui)
into resources/locale/<lang>/LC_MESSAGES/fashion_assistant.po, and writes the .mo that Python's gettext reads.
Both compiled forms are committed, so a checkout runs without these tools; tests/test_translations.py
fails when either is behind its source.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("es",)
DOMAIN = "fashion_assistant"
UI_DIR = ROOT / "desktop_app" / "ui"
TS_DIR = ROOT / "resources" / "translations"
LOCALE_DIR = ROOT / "resources" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else name


def ts_path(lang: str) -> Path:
    return TS_DIR / f"{DOMAIN}_{lang}.ts"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _core_template() -> Catalog:
    template = Catalog(project="fashion-assistant", domain=DOMAIN)

    def outside_ui(filename: str) -> bool:
        return not Path(filename).as_posix().startswith("ui/")

    source = ROOT / "desktop_app"
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source), method_map=[("**.py", "python")], keywords=KEYWORDS, callback=None, strip_comment_tags=True
    ):
        if outside_ui(filename):
            template.add(message, None, [(f"desktop_app/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def update() -> None:
    TS_DIR.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for p in UI_DIR.glob("*.py"))
    for lang in LANGUAGES:
        subprocess.run([_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none",
                        "-source-language", "en", "-target-language", lang, "-ts", str(ts_path(lang))], check=True)
    template = _core_template()
    for lang in LANGUAGES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="fashion-assistant", domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=True, include_lineno=False)


def compile_to(out_dir: Path | None = None) -> list[Path]:
    """Write the .qm and .mo files (into `out_dir` instead of resources/ when given, for the up-to-date test)."""
    written = []
    for lang in LANGUAGES:
        qm = (out_dir or TS_DIR) / f"{DOMAIN}_{lang}.qm"
        qm.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts_path(lang)), "-qm", str(qm)], check=True)
        written.append(qm)
        with po_path(lang).open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        mo = (out_dir / lang if out_dir else po_path(lang).parent) / f"{DOMAIN}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def problems() -> list[str]:
    """Every string a Spanish user would meet in English: unfinished or empty in the .ts, untranslated or fuzzy in the
    .po, or not in either file yet (the sources changed since the last `update`)."""
    found: list[str] = []
    for lang in LANGUAGES:
        found += [f"{ts_path(lang).name}: {item}" for item in _ts_problems(lang)]
        found += [f"{po_path(lang).name} ({lang}): {item}" for item in _po_problems(lang)]
    return found


def _ts_problems(lang: str) -> list[str]:
    path = ts_path(lang)
    if not path.exists():
        return ["missing"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / path.name
        fresh.write_bytes(path.read_bytes())
        sources = sorted(str(p) for p in UI_DIR.glob("*.py"))
        subprocess.run([_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none", "-silent",
                        "-ts", str(fresh)], check=True)
        tree = ElementTree.parse(fresh)
    out = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source")
            kind = translation.get("type") if translation is not None else "missing"
            text = "".join(translation.itertext()) if translation is not None else ""
            if kind in ("unfinished", "missing") or not text.strip():
                out.append(f"{name}: {source!r} has no finished translation")
    return out


def _po_problems(lang: str) -> list[str]:
    path = po_path(lang)
    if not path.exists():
        return ["missing"]
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    out = []
    for message in _core_template():
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        if translated is None:
            out.append(f"{message.id!r} is not in the file (run update)")
        elif translated.fuzzy or not all(translated.string if isinstance(translated.string, tuple) else (translated.string,)):
            out.append(f"{message.id!r} has no finished translation")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        for path in compile_to():
            print(path.relative_to(ROOT))
    elif command == "check":
        found = problems()
        print("\n".join(found) or "every string is translated")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
