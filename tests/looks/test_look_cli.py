"""`fashion-assistant look` on a shop: the JSON contract, budgets and sizes for the whole look, "complete the look",
a PDF whose text holds every SKU and price, a PNG board with every photo, and a lookbook that outlives the process."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_app.cli import main
from desktop_app.core.looks.lookset import reopen
from desktop_app.core.looks.rules import load_rules
from desktop_app.core.search.searcher import Searcher
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import size_key
from tests.search.conftest import Catalog as IndexedPhotos
from tests.search.shop import LINKED, indexed_shop


@pytest.fixture(scope="module")
def shop(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexedPhotos:
    return indexed_shop("looks-shop", tiny_blip2, product_photos, tmp_path_factory)


@pytest.fixture
def on_shop(shop: IndexedPhotos, monkeypatch: pytest.MonkeyPatch) -> Iterator[IndexedPhotos]:
    monkeypatch.setenv("FASHION_ASSISTANT_DATA_DIR", str(shop.context.paths.data_dir))
    yield shop


def _look(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["look", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_json_holds_the_looks_items_scores_and_totals(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    answer = _look(capsys, "an outfit for a job interview")
    assert set(answer) == {"classification", "looks", "missing", "advice", "file"}
    assert answer["classification"]["occasion"] == "interview" and answer["missing"] == [] and answer["file"] is None
    assert 1 <= len(answer["looks"]) <= 3
    for look in answer["looks"]:
        assert {"items", "score", "total_price"} <= set(look)
        assert [item["slot"] for item in look["items"]] == ["shirt", "pants", "shoes"]
        assert look["total_price"] == pytest.approx(sum(item["price"] for item in look["items"]))
        assert all(item["in_stock"] for item in look["items"])
    numbers = [item["number"] for look in answer["looks"] for item in look["items"]]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(("request_text", "missing"), [("Quiero una falda", ["skirt"]), ("Quiero una falda y dos camisetas", ["skirt"])])
def test_a_missing_category_is_said_and_not_replaced(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str],
                                                    request_text: str, missing: list[str]) -> None:
    answer = _look(capsys, request_text)
    assert answer["missing"] == missing
    slots = {item["slot"] for look in answer["looks"] for item in look["items"]}
    assert "pants" not in slots and "skirt" not in slots  # no bottom in place of the skirt
    if "camisetas" in request_text:
        assert answer["looks"] and all(look["items"][0]["category"] == "t-shirt" for look in answer["looks"])
    else:
        assert answer["looks"] == []
    assert main(["look", request_text]) == 0
    assert "No skirts in your catalog." in capsys.readouterr().out


@pytest.mark.parametrize(("budget", "size"), [("140", None), ("200", "M"), ("120", "42")])
def test_the_budget_is_for_the_whole_look_and_every_item_comes_in_the_size(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str],
                                                                          budget: str, size: str | None) -> None:
    answer = _look(capsys, "a casual look", "--budget", budget, *(["--size", size] if size else []))
    for look in answer["looks"]:
        assert look["total_price"] <= float(budget)
        for item in look["items"]:
            product = LINKED[Path(item["path"]).name]
            live = [v for v in product.variants if v.stock > 0 and (size is None or v.size is None or size_key(v.size) == size_key(size))]
            assert live, f"{product.handle} has no variant in stock in size {size}"


def test_words_give_the_budget_too(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    answer = _look(capsys, "un conjunto informal por menos de 110 euros")
    assert answer["looks"] and all(look["total_price"] <= 110 for look in answer["looks"])


def test_complete_the_look_keeps_the_chosen_item(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    by_sku = _look(capsys, "a weekend look", "--around", "sneaker-white")
    assert by_sku["looks"] and all("sneaker-white" in [i["sku"] for i in look["items"]] for look in by_sku["looks"])
    photo = next(p for p in on_shop.photos.rglob("10185.jpg"))  # the Oxford shirt's photo, by its path
    by_photo = _look(capsys, "a weekend look", "--around", str(photo))
    assert by_photo["looks"] and all(str(photo) in [i["path"] for i in look["items"]] for look in by_photo["looks"])
    assert main(["look", "a weekend look", "--around", "no-such-thing"]) != 0
    assert "neither a photo in this catalog nor a product's SKU" in capsys.readouterr().err


def test_the_pdf_renders_and_holds_every_sku_and_price(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "looks.pdf"
    answer = _look(capsys, "an outfit for a job interview", "--out", str(out))
    assert answer["file"] == str(out) and out.stat().st_size > 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    for look, page in zip(answer["looks"], pages, strict=False):
        for item in look["items"]:
            assert item["sku"] in page and f"{item['price']:.2f}" in page
        assert f"{look['total_price']:.2f}" in page
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page*.png"))
    assert len(rendered) == len(answer["looks"])
    assert np.asarray(Image.open(rendered[0]).convert("L")).min() < 100  # photos and text, not a blank page


def test_the_png_board_has_every_items_photo(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from desktop_app.sheets.look_sheet import BOARD_PHOTO

    out = tmp_path / "board.png"
    answer = _look(capsys, "ropa para el gimnasio", "--out", str(out), "--looks", "2")
    board = np.asarray(Image.open(out).convert("RGB")).astype(np.float32)
    margin, line = 24, 22
    top = margin + 2 * line
    for row, look in enumerate(answer["looks"]):
        for column, item in enumerate(look["items"]):
            left, y = margin + column * (BOARD_PHOTO + margin), top + row * (BOARD_PHOTO + 5 * line + margin) + line
            cell = board[y + 1 : y + BOARD_PHOTO - 1, left + 1 : left + BOARD_PHOTO - 1]
            photo = Image.open(item["path"]).convert("RGB")
            photo.thumbnail((BOARD_PHOTO, BOARD_PHOTO))
            expected = np.asarray(photo).astype(np.float32).mean(axis=(0, 1))
            assert cell.std() > 10, f"no photo in the cell of {item['path']}"
            # the cell's colour is the photo's on white: never further than the photo's own margin of white
            assert np.abs(cell.mean(axis=(0, 1)) - expected).max() < 40


def test_a_saved_look_is_in_the_lookbook_after_a_restart(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    answer = _look(capsys, "an outfit for the office", "--save", "Ana, Friday")
    first = answer["looks"][0]
    with Catalog.open(on_shop.context.paths.db_path) as catalog:  # a new connection: another process's view
        saved = next(look for look in catalog.lookbook.looks() if look.name == "Ana, Friday")
        assert saved.request == "an outfit for the office" and saved.total_price == first["total_price"]
        reopened = reopen(Searcher(on_shop.context, catalog), load_rules(), saved)
        assert [hit.path for hit in reopened.looks[0].items] == [item["path"] for item in first["items"]]
        assert reopened.looks[0].total_price == first["total_price"]
    assert main(["lookbook", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert any(look["name"] == "Ana, Friday" and len(look["items"]) == len(first["items"]) for look in listed)


def test_ask_says_what_is_missing_and_shows_nothing_in_its_place(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Quiero una falda", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["classification"]["missing"] == ["skirt"] and answer["items"] == []
    assert main(["ask", "Quiero una falda y dos camisetas", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["classification"]["missing"] == ["skirt"] and answer["classification"]["items"] == {"t-shirt": 2}
    assert {item["category"] for item in answer["items"]} == {"t-shirt"}
    assert main(["ask", "Quiero una falda"]) == 0
    assert "No skirts in your catalog." in capsys.readouterr().out


def test_a_budget_without_prices_is_said(tmp_path: Path, tiny_blip2: Path, product_photos: Path,
                                         tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.search.conftest import indexed_copy_of_photos

    photos_only = indexed_copy_of_photos("looks-no-products", tiny_blip2, product_photos, tmp_path_factory)
    monkeypatch.setenv("FASHION_ASSISTANT_DATA_DIR", str(photos_only.context.paths.data_dir))
    assert main(["look", "a casual look", "--budget", "100"]) == 0
    out = capsys.readouterr().out
    assert "no prices yet" in out and "Look 1:" in out


class _Scripted:
    """A stylist that records what it is told of the looks and answers with one token."""

    model_name = "scripted"

    def __init__(self) -> None:
        self.told: list[tuple[str, list, tuple]] = []

    def advise(self, request, items, *, image=None, chat_id=None, cancel=None, looks=()):
        from desktop_app.core.agents.llm_runtime import Done, Token

        self.told.append((request, list(items), tuple(looks)))
        yield Token("Look 1 works.")
        yield Done("stop", 1, "scripted")


def test_the_stylist_is_told_each_look_numbered_with_its_items_and_total(on_shop: IndexedPhotos) -> None:
    from desktop_app.core.agents.classifier import RequestClassifier
    from desktop_app.core.agents.look_maker import LookMaker, LooksComposed
    from desktop_app.core.agents.stylist import build_prompt

    stylist = _Scripted()
    with Catalog.open(on_shop.context.paths.db_path) as catalog:
        maker = LookMaker(on_shop.context, catalog, classifier=RequestClassifier(None, catalog.store.categories()), stylist=stylist)
        events = list(maker.make("una entrevista de trabajo", looks=2))
    composed = next(e for e in events if isinstance(e, LooksComposed))
    (request, items, looks) = stylist.told[0]
    assert request == "una entrevista de trabajo" and [look.number for look in looks] == [1, 2]
    assert [item.number for item in items] == list(range(1, len(items) + 1))
    prompt = build_prompt(request, items, looks=looks).messages[-1]["content"]
    for look, outline in zip(composed.looks.looks, looks, strict=True):
        assert f"Look {outline.number} (total {look.total_price:.2f} EUR):" in prompt
        for item in outline.items:
            assert f"#{item.number}:" in prompt and f'"{item.name}"' in prompt
    assert "Write about each look by its number" in prompt


def test_printing_draws_the_same_pages(on_shop: IndexedPhotos, tmp_path: Path) -> None:
    """The window's Print paints a QPrinter with the PDF's routine; a printer writing to a file shows what it drew."""
    from PySide6.QtPrintSupport import QPrinter

    from desktop_app.core.agents.classifier import RequestClassifier
    from desktop_app.core.agents.look_maker import LookMaker, LooksComposed
    from desktop_app.sheets.look_sheet import SheetHeader, ensure_gui_application, paint_pages

    ensure_gui_application()
    with Catalog.open(on_shop.context.paths.db_path) as catalog:
        maker = LookMaker(on_shop.context, catalog, classifier=RequestClassifier(None, catalog.store.categories()),
                          stylist=_Scripted())
        composed = next(e for e in maker.make("a look for the office", advice=False) if isinstance(e, LooksComposed))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_pages(printer, composed.outlines, SheetHeader("Boutique Ana"))
    text = subprocess.run(["pdftotext", str(tmp_path / "printed.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    assert "Boutique Ana" in text and text.count("Look ") >= len(composed.outlines)
    for outline in composed.outlines:
        assert all(item.sku in text for item in outline.items)


def test_a_spanish_shop_gets_a_spanish_sheet(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASHION_ASSISTANT_LANGUAGE", "es")
    out = tmp_path / "looks.pdf"
    assert main(["look", "un conjunto para la oficina", "--out", str(out), "--looks", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Look 1 (total" in printed and "tallas en existencia" in printed
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "Tallas" in text and "Look 1 · total" in text
    assert main(["look", "Quiero una falda"]) == 0
    assert "No hay faldas en tu catálogo." in capsys.readouterr().out


def test_an_empty_request_asks_what_the_looks_are_for(on_shop: IndexedPhotos, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["look", "  "]) == 1
    assert "Say what the looks are for" in capsys.readouterr().err
    shoe = str(next(on_shop.photos.rglob("10037.jpg")))
    answer = _look(capsys, "", "--around", shoe, "--looks", "2")  # around an item, no words are needed
    assert answer["looks"] and all(shoe in [i["path"] for i in look["items"]] for look in answer["looks"])
