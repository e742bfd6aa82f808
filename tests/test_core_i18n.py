"""The core and the CLI speak the user's language through gettext, and never talk terminal where the window shows it:
errors carry a `fix` for the window and keep the CLI's hint; the stylist's notice names no command and ends with
Done("no_model"), after which `ask` prints the commands itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.agents.llm_runtime import Done, Token
from desktop_app.core.agents.stylist import StyleItem, Stylist
from desktop_app.core.embedding.blip2 import resolve_blip2
from desktop_app.core.models.registry import UnknownModelError, load_manifest
from desktop_app.core.platform import i18n
from desktop_app.core.platform.child_process import run_in_child
from desktop_app.core.platform.errors import CatalogError, Fix, ModelMissingError
from desktop_app.core.platform.paths import resolve_paths
from desktop_app.core.store import db
from desktop_app.core.store.chat_store import ChatStore
from desktop_app.core.store.repair import repair_catalog
from tests.conftest import REPO_ROOT

ITEMS = [StyleItem(1, "shirt", "white", "linen-shirt.jpg", 2.31), StyleItem(2, None, None, "mystery.png", 0.5)]
COMMAND_WORDS = ("fashion-assistant", "--llm", "--role", "models download")


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    yield
    i18n.set_language(None)


def test_a_user_error_raised_under_spanish_speaks_spanish_and_keeps_the_cli_hint(spanish: None) -> None:
    with pytest.raises(UnknownModelError) as caught:
        load_manifest().get("no-such-model")
    assert caught.value.message == "El manifiesto no tiene ningún modelo llamado 'no-such-model'."
    assert caught.value.hint.startswith("Modelos conocidos: ") and "`fashion-assistant models list`" in caught.value.hint
    assert caught.value.fix is Fix.MODELS


def test_a_message_is_translated_when_raised_so_a_later_language_applies(spanish: None) -> None:
    i18n.set_language("en")
    with pytest.raises(UnknownModelError, match="No model called 'x' is in the manifest"):
        load_manifest().get("x")
    i18n.set_language("es")
    with pytest.raises(UnknownModelError, match="ningún modelo llamado 'x'"):
        load_manifest().get("x")


def test_a_missing_embedder_leads_the_window_to_models(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as caught:
        resolve_blip2(str(tmp_path / "no" / "such" / "blip2"), resolve_paths())
    assert caught.value.fix is Fix.MODELS and "--blip2" in caught.value.hint  # the CLI's sentence stays


def test_no_catalog_to_repair_leads_the_window_to_add_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        repair_catalog(tmp_path / "catalog.sqlite3")
    assert caught.value.fix is Fix.ADD_FOLDER and "fashion-assistant index" in caught.value.hint


def _spoken() -> str:
    return i18n._("Cancelled.")


def test_a_child_process_speaks_its_parents_language(spanish: None) -> None:
    assert run_in_child(_spoken) == "Cancelado."  # the window's choice, not the environment's ("en" in the tests)


def test_the_doctor_speaks_spanish_where_the_environment_does(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FASHION_ASSISTANT_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env |= {"LANG": "es_ES.UTF-8", "FASHION_ASSISTANT_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "doctor"], capture_output=True, text=True, env=env,
                            cwd=REPO_ROOT, timeout=120, check=True)
    assert "Catálogo ninguno todavía" in result.stdout and "\nModelos\n" in result.stdout and "\nRutas\n" in result.stdout
    assert "Estilista" in result.stdout and "sin configurar" in result.stdout
    english = subprocess.run([sys.executable, "-m", "desktop_app.cli", "doctor"], capture_output=True, text=True,
                             env=env | {"LANG": "en_GB.UTF-8"}, cwd=REPO_ROOT, timeout=120, check=True)
    assert "Catalog  none yet" in english.stdout and "Catálogo" not in english.stdout


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_no_model_notice_names_no_command_and_ends_with_no_model(language: str, tmp_path: Path) -> None:
    i18n.set_language(language)
    try:
        conn = db.connect(tmp_path / "catalog.sqlite3")
        chats = ChatStore(conn)
        chat = chats.create_chat()
        chunks = list(Stylist(None, chats).advise("a shirt", ITEMS, chat_id=chat))
        saved = chats.messages(chat)
        conn.close()
    finally:
        i18n.set_language(None)
    assert [type(c) for c in chunks] == [Token, Done] and chunks[-1] == Done("no_model", 0, "none")
    text = chunks[0].text
    assert not any(word in text for word in COMMAND_WORDS), text
    assert "#1: white shirt (linen-shirt.jpg" in text and "Gemma 3 1B-it" in text and "Gemma 3 4B-it" in text
    if language == "es":
        assert "No hay ningún modelo estilista configurado" in text and "artículo sin etiquetar" in text
    else:
        assert "No stylist model is set up" in text and "here is what the search found" in text
    assert [(m.role, m.status) for m in saved] == [("user", "complete"), ("assistant", "complete")]  # a whole answer


class _ScriptedAssistant:
    """Stands in for the assistant: the notice of a stylist with no model, or advice, as the events `ask` reads."""

    reason = "no_model"

    def __init__(self, *_args: object, **_kwargs: object) -> None:
        pass

    def ask(self, *_args: object, **_kwargs: object) -> Iterator[object]:
        from desktop_app.core.agents.assistant import ChatOpened

        yield ChatOpened(1)
        yield Token("No stylist model is set up, so there is no styling advice here.")
        yield Done(self.reason, 0, "none")  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", ["no_model", "stop"])
def test_ask_adds_the_commands_after_the_no_model_notice(reason: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import desktop_app.core.agents.assistant as assistant

    monkeypatch.setattr(assistant, "Assistant", type("Scripted", (_ScriptedAssistant,), {"reason": reason}))
    assert main(["ask", "a white shirt"]) == 0
    out = capsys.readouterr().out
    hint = ("To get advice: fashion-assistant models download gemma-3-1b-it, then fashion-assistant models use gemma-3-1b-it"
            " --role stylist (or pass --llm FILE).")
    assert (hint in out) == (reason == "no_model"), out


def test_ask_gives_the_commands_in_spanish_too(spanish: None, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import desktop_app.core.agents.assistant as assistant

    monkeypatch.setattr(assistant, "Assistant", _ScriptedAssistant)
    assert main(["ask", "una camisa blanca"]) == 0
    out = capsys.readouterr().out
    assert "Para recibir consejos: fashion-assistant models download gemma-3-1b-it" in out and "--llm FILE" in out
