"""`fashion-assistant ask` and `classify` end to end, over a real catalog indexed with the tiny BLIP-2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.store import db
from desktop_app.core.store.chat_store import ChatStore
from tests.search.conftest import Catalog, indexed_copy_of_photos


@pytest.fixture(scope="module")
def catalog(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return indexed_copy_of_photos("ask", tiny_blip2, product_photos, tmp_path_factory)


def _ask(catalog: Catalog, *args: str) -> list[str]:
    return ["--data-dir", str(catalog.context.paths.data_dir), "ask", *args]


def test_ask_json_searches_each_category_for_its_count(catalog: Catalog, gemma_gguf: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    request = "I already have black jeans, find me 2 shirts and some sneakers"
    assert main(_ask(catalog, request, "--llm", str(gemma_gguf), "--json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"classification", "items", "filters", "advice", "model", "chat_id"}
    assert report["filters"] is None  # photos alone: nothing says what is in stock
    assert report["classification"]["items"] == {"shirt": 2, "shoes": 1}
    assert [i["number"] for i in report["items"]] == [1, 2, 3]
    assert [i["category"] for i in report["items"]] == ["shirt", "shirt", "shoes"]
    assert all(Path(i["path"]).is_file() and i["file_name"] == Path(i["path"]).name for i in report["items"])
    # the bundled 270M is a base model: no advice, an honest note, and the items with their tags
    assert report["model"] is None and "instruction-tuned" in report["advice"]
    assert f"#3: {report['items'][2]['color'] or ''}".rstrip() in report["advice"]
    conn = db.connect(catalog.context.paths.db_path)
    try:
        saved = ChatStore(conn).messages(report["chat_id"])
    finally:
        conn.close()
    assert [m.role for m in saved] == ["user", "assistant"] and saved[0].content == request


def test_ask_streams_the_items_then_the_text(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_ask(catalog, "Busco unos pantalones")) == 0
    out = capsys.readouterr().out
    assert out.startswith("#1: ") and "pants" in out.splitlines()[0] and "No stylist model is set up" in out
    assert out.rstrip().endswith("(or pass --llm FILE).")  # the CLI's own way to a stylist, after the core's notice


def test_ask_with_a_bad_model_is_one_clear_error(catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("not a model")
    assert main(_ask(catalog, "two shirts", "--llm", str(bad))) == 1
    assert "error: bad.gguf is not a usable GGUF model file." in capsys.readouterr().err


def test_classify_reads_stdin_and_prints_one_object_per_request(gemma_gguf: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I need two white shirts\nUnos zapatos y dos faldas\n\n"))
    assert main(["classify", "--llm", str(gemma_gguf), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["request"] for r in lines] == ["I need two white shirts", "Unos zapatos y dos faldas", ""]
    assert lines[0] == {"request": "I need two white shirts", "items": {"shirt": 2}, "number_of_items": 2,
                        "search_text": "white shirt", "source": "keywords", "budget": None, "size": None, "missing": [],
                        "occasion": None}
    assert lines[1]["items"] == {"shoes": 1, "skirt": 2} and lines[2]["items"] == {}


def test_classify_arguments_and_a_bad_gguf(gemma_gguf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "two hats", "a bag", "--llm", str(gemma_gguf)]) == 0
    out = capsys.readouterr().out
    assert '"hat": 2' in out and '"bag": 1' in out
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(gemma_gguf.read_bytes()[:1000])
    assert main(["classify", "two hats", "--llm", str(cut)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cut.gguf is not a usable GGUF model file.")
