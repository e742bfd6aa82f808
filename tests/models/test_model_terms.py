"""The bundled Gemma model's terms: shown and accepted once before its first use, in the core and on the command line;
and the bundle's own copy of the model, used where it lies.

Every test here removes the suite-wide acceptance (FASHION_ASSISTANT_ACCEPT_MODEL_TERMS, set in tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.models import registry, terms
from desktop_app.core.models.locator import bundled_gguf_path, find_classifier
from desktop_app.core.models.terms import ModelTermsNotAcceptedError
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.paths import resolve_paths
from desktop_app.core.platform.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
REQUEST = "something nice for my sister to wear tomorrow"  # no garment, no occasion: only the model can answer


@pytest.fixture(autouse=True)
def terms_not_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FASHION_ASSISTANT_ACCEPT_MODEL_TERMS", raising=False)
    monkeypatch.delenv("CI", raising=False)


def _accepted(isolated_data_dir: Path) -> list[str]:
    return load_settings(isolated_data_dir / "settings.json").accepted_licences


def test_the_bundled_model_needs_the_licence_the_terms_module_names() -> None:
    manifest = registry.load_manifest()
    entry = manifest.get(registry.BUNDLED_NAME)
    assert entry.licence == terms.GEMMA_LICENCE and manifest.licences[entry.licence].requires_acceptance


def test_the_model_is_handed_out_only_once_its_terms_are_accepted(isolated_data_dir: Path) -> None:
    paths = resolve_paths().ensure()
    with pytest.raises(ModelTermsNotAcceptedError) as caught:
        bundled_gguf_path(paths)
    assert "--accept-model-terms" in caught.value.hint and caught.value.licence_id == "gemma"
    assert not (paths.models_dir / "bundled").exists(), "nothing of the model was assembled before the acceptance"
    paths.settings_file.write_text(Settings(accepted_licences=["gemma"]).model_dump_json(), encoding="utf-8")
    assert bundled_gguf_path(paths).is_file()


def test_without_a_terminal_the_cli_stops_with_how_to_accept(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked without a terminal"))
    assert main(["classify", "--json", REQUEST]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "Gemma Terms of Use" in err and "--accept-model-terms" in err and "PROHIBITED_USE_POLICY.txt" in err
    assert _accepted(isolated_data_dir) == []


def test_a_request_the_keywords_read_alone_needs_no_terms(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The model is found only when a request needs it: "two red dresses" is read by the keyword parser alone."""
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked for terms a keyword request does not need"))
    assert main(["classify", "--json", "two red dresses"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["items"] == {"dress": 2} and "Gemma" not in err
    assert _accepted(isolated_data_dir) == [] and not (isolated_data_dir / "models" / "bundled").exists()


@pytest.mark.slow
@pytest.mark.parametrize("where", ["global", "after the command", "environment"])
def test_the_flag_or_its_variable_accepts_once_and_for_all(where: str, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    argv = {"global": ["--accept-model-terms", "classify", "--json", REQUEST],
            "after the command": ["classify", "--accept-model-terms", "--json", REQUEST],
            "environment": ["classify", "--json", REQUEST]}[where]
    if where == "environment":
        monkeypatch.setenv("FASHION_ASSISTANT_ACCEPT_MODEL_TERMS", "1")
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["source"] in ("llm", "both") and "Accepted the Gemma Terms of Use" in err
    assert _accepted(isolated_data_dir) == ["gemma"]
    monkeypatch.delenv("FASHION_ASSISTANT_ACCEPT_MODEL_TERMS", raising=False)
    assert main(["classify", "--json", "two red dresses"]) == 0  # recorded: not asked again
    assert "Accepted" not in capsys.readouterr().err


@pytest.mark.slow
def test_a_person_at_a_terminal_is_asked_once(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["classify", REQUEST]) == 1
    assert "Gemma Prohibited Use Policy" in capsys.readouterr().err and _accepted(isolated_data_dir) == []
    monkeypatch.setattr("builtins.input", lambda prompt: "sí")
    assert main(["classify", "--json", REQUEST]) == 0
    assert json.loads(capsys.readouterr().out)["items"] and _accepted(isolated_data_dir) == ["gemma"]
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked twice"))
    assert main(["classify", "--json", REQUEST]) == 0


def test_ci_is_never_asked_even_with_a_terminal(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("CI must not wait for an answer"))
    assert main(["classify", REQUEST]) == 1
    assert "--accept-model-terms" in capsys.readouterr().err


def test_measure_asks_before_it_runs_the_bundled_model(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "measure", "gemma-3-270m", "--limit", "1"]) == 1
    assert "--accept-model-terms" in capsys.readouterr().err
    assert not (isolated_data_dir / "models" / "measured.json").exists()


def test_the_terms_read_as_text_from_a_source_install() -> None:
    documents = {doc.title: doc for doc in terms.terms_documents()}
    text = documents["Gemma Terms of Use"].text()
    assert documents["Gemma Terms of Use"].path.suffix == ".html"  # the package's saved page
    assert "Gemma Terms of Use" in text and "Prohibited Use Policy" in text and "<div" not in text and "{" not in text[:200]
    policy = documents["Gemma Prohibited Use Policy"]
    assert policy.path == REPO / "licenses" / "gemma" / "PROHIBITED_USE_POLICY.txt"
    assert "You may not use nor allow others to use Gemma" in policy.text()


def test_a_saved_page_becomes_its_article() -> None:
    page = ('<html><head><style>.x{color:red}</style><script>var a=1;</script></head><body><nav>Menu Docs</nav>'
            '<div class="devsite-article-body clearfix"><h2>Section 1</h2><p>First &amp; <b>bold</b>.</p>'
            '<ul><li>one</li><li>two</li></ul><br></div><footer>Site footer</footer></body></html>')
    assert terms.html_to_text(page) == "Section 1\n\nFirst & bold.\n\n- one\n\n- two\n"


# -------------------------------------------------------------------------------------- the bundle's copy, in place


@pytest.fixture
def bundle_root(tmp_path: Path, gemma_gguf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The layout of a built bundle (sys._MEIPASS): the manifest, and the GGUF with its terms in models/gemma-3-270m/."""
    root = tmp_path / "bundle"
    folder = root / "models" / registry.BUNDLED_NAME
    folder.mkdir(parents=True)
    shutil.copyfile(REPO / "models" / "manifest.json", root / "models" / "manifest.json")
    os.link(gemma_gguf, folder / registry.BUNDLED_FILE)  # the same bytes, without copying 241 MiB
    (folder / terms.TERMS_FILE).write_text("Gemma Terms of Use\n(the bundle's copy)\n", encoding="utf-8")
    (folder / terms.POLICY_FILE).write_text("Gemma Prohibited Use Policy\n(the bundle's copy)\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    return root


def _accept(paths) -> None:
    paths.settings_file.write_text(Settings(accepted_licences=["gemma"]).model_dump_json(), encoding="utf-8")


def test_a_bundle_uses_its_own_gguf_in_place_checked_once(bundle_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = resolve_paths().ensure()
    shipped = bundle_root / "models" / registry.BUNDLED_NAME / registry.BUNDLED_FILE
    before = find_classifier(Settings(), paths)
    assert (before.found, before.location) == (True, str(shipped)) and "checked on first use" in before.origin
    _accept(paths)
    assert bundled_gguf_path(paths) == shipped
    assert not (paths.models_dir / "bundled").exists(), "the 241 MiB file is not copied into the data folder"
    record = registry.Registry(paths).get(registry.BUNDLED_NAME)
    assert record.verified and record.checksum_source == "manifest" and Path(record.location) == shipped
    monkeypatch.setattr(registry, "hash_file", lambda *a, **k: pytest.fail("hashed again although nothing changed"))
    assert bundled_gguf_path(paths) == shipped
    assert find_classifier(Settings(), paths).verified


def test_a_damaged_gguf_in_the_bundle_stops_with_what_to_do(bundle_root: Path) -> None:
    paths = resolve_paths().ensure()
    shipped = bundle_root / "models" / registry.BUNDLED_NAME / registry.BUNDLED_FILE
    shipped.unlink()
    shipped.write_bytes(b"GGUF" + b"\x00" * 1024)  # not the file the app was built with
    _accept(paths)
    with pytest.raises(UserError) as caught:
        bundled_gguf_path(paths)
    assert "damaged" in caught.value.message and "Reinstall the app" in caught.value.hint
    assert shipped.read_bytes()[:4] == b"GGUF" and shipped.stat().st_size == 1028, "the app's own folder is never written"
    assert registry.Registry(paths).get(registry.BUNDLED_NAME).verified is False


def test_a_bundle_reads_its_own_copies_of_the_terms(bundle_root: Path) -> None:
    documents = terms.terms_documents()
    assert [doc.path.parent for doc in documents] == [bundle_root / "models" / registry.BUNDLED_NAME] * 2
    assert documents[0].text().startswith("Gemma Terms of Use")
