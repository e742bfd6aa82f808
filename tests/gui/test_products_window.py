"""The shop in the window (offscreen): File ▸ Import products…, product cards, the shop's filters, the catalog panel, the assistant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.agents.assistant import Assistant
from desktop_app.core.agents.classifier import RequestClassifier
from desktop_app.core.agents.llm_runtime import Done, Token
from desktop_app.core.models.terms import GEMMA_LICENCE
from desktop_app.ui.assistant_panel import AssistantPanel
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.products_dialog import ProductsDialog
from desktop_app.ui.results_model import ResultRow, ResultsModel
from desktop_app.ui.workers import BackgroundRunner
from tests.gui.conftest import open_window
from tests.search.conftest import Catalog, indexed_copy_of_photos
from tests.search.shop import LINKED, import_shop

pytestmark = pytest.mark.slow

SPANISH_LIST = (
    "Referencia;Nombre;Coste cliente;Talla;Existencias;Foto\r\n"
    "CAM-01;Camiseta básica;12,50;M;3;10005.jpg\r\n"
    "CAM-02;Camiseta rayas;14,90;L;0;10006.jpg\r\n"
    "PAN-01;Pantalón chino;39,00;40;2;10257.jpg\r\n"
)


@pytest.fixture
def photos(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    built = indexed_copy_of_photos("window-shop", tiny_blip2, product_photos, tmp_path_factory)
    built.context.settings = built.context.settings.model_copy(update={"accepted_licences": [GEMMA_LICENCE]})
    built.context.save_settings()
    return built


@pytest.fixture
def window(qtbot, photos: Catalog) -> Iterator[MainWindow]:
    yield from open_window(qtbot, photos.context)


@pytest.fixture
def shop_window(qtbot, photos: Catalog) -> Iterator[MainWindow]:
    with photos.handle() as handle:
        import_shop(handle, photos.photos.parent)
    yield from open_window(qtbot, photos.context)


def _open_dialog(qtbot, window: MainWindow, path: Path) -> ProductsDialog:
    dialog = window.import_products(path)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.import_button.isEnabled(), timeout=30_000)
    return dialog


def test_import_products_previews_lets_the_mapping_be_edited_and_sums_up(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "existencias.csv"
    path.write_bytes(SPANISH_LIST.encode("cp1252"))
    dialog = _open_dialog(qtbot, window, path)
    assert "cp1252" in dialog.about.text().lower() or "1252" in dialog.about.text()
    assert dialog.rows.rowCount() == 3 and dialog.rows.item(0, 1).text() == "Camiseta básica"
    boxes = dialog.field_boxes
    assert {header: box.currentData() for header, box in boxes.items()} == {
        "Referencia": "sku", "Nombre": "name", "Coste cliente": "ignore", "Talla": "size", "Existencias": "stock", "Foto": "photo"}
    boxes["Coste cliente"].setCurrentIndex(boxes["Coste cliente"].findData("price"))  # the owner names the column
    assert dialog.overrides() == {"Coste cliente": "price"}

    dialog.check_button.click()  # a dry run: the summary, nothing written
    qtbot.waitUntil(lambda: dialog.summary.toPlainText().startswith("Checked:"), timeout=60_000)
    assert window.catalogs.get().products.last_import() is None

    with qtbot.waitSignal(dialog.imported, timeout=60_000) as imported:
        dialog.import_button.click()
    report = imported.args[0]
    assert report.imported and report.products == 3 and report.photos_linked == 3
    summary = dialog.summary.toPlainText()
    assert summary.startswith("Imported 3 products with 3 variants: 3 new") and "Photos linked: 3." in summary
    prices = {p.name: p.min_price for p in window.catalogs.get().products.products()}
    assert prices == {"Camiseta básica": 12.5, "Camiseta rayas": 14.9, "Pantalón chino": 39.0}
    # the window shows the products: the catalog panel and the search's shop filters
    qtbot.waitUntil(lambda: window.catalog.shop.isVisibleTo(window.catalog) and window.catalog.products.topLevelItemCount() == 3,
                    timeout=30_000)
    assert "3 photos linked" in window.catalog.shop_label.text() and window.catalog.unlinked.count() == 21
    qtbot.waitUntil(lambda: window.search.shop_filters.isVisibleTo(window.search), timeout=30_000)
    assert [window.search.size.itemData(i) for i in range(window.search.size.count())][1:] == ["40", "L", "M"]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported_unless_skipped(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(SPANISH_LIST.replace("CAM-02;Camiseta rayas;14,90;L;0;", "CAM-02;Camiseta rayas;14,90;L;abc;"), encoding="utf-8")
    dialog = _open_dialog(qtbot, window, path)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.summary.toPlainText().startswith("Nothing was imported"), timeout=60_000)
    text = dialog.summary.toPlainText()
    assert "1 bad row" in text and "line 3:" in text and "abc" in text
    assert window.catalogs.get().products.last_import() is None
    dialog.skip_bad_rows.setChecked(True)
    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        dialog.import_button.click()
    assert "Bad rows skipped: 1." in dialog.summary.toPlainText()
    assert len(window.catalogs.get().products.products()) == 2


def test_cards_show_name_price_and_a_sold_out_badge(qtbot, runner: BackgroundRunner) -> None:
    model = ResultsModel(runner)
    sold_out = ResultRow("/x/a.jpg", "shirt", "white", 1.5, sku="s1", name="Silk shirt", price=80.0, currency="EUR", in_stock=False,
                         photos=("/x/b.jpg",))
    on_sale = ResultRow("/x/c.jpg", "shirt", "white", 1.2, sku="s2", name="Oxford shirt", price=45.0, currency="EUR", in_stock=True)
    photo = ResultRow("/x/d.jpg", "shirt", "white", 1.0)
    model.set_rows([sold_out, on_sale, photo])
    captions = [model.data(model.index(i)) for i in range(3)]
    assert captions == ["Silk shirt · 80.00 EUR · sold out · good match", "Oxford shirt · 45.00 EUR · good match",
                        "shirt · white · good match"]
    assert "1 more photo(s) of this product" in model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    badged, plain = (model.data(model.index(i), Qt.ItemDataRole.DecorationRole) for i in (0, 1))
    assert badged.size() == plain.size() and badged.toImage() != plain.toImage()  # the band across the foot


def _search(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.search.searched, timeout=120_000):
        window.search.run_search()


def test_the_search_panels_shop_filters_and_a_products_photos(qtbot, shop_window: MainWindow) -> None:
    search = shop_window.search
    qtbot.waitUntil(lambda: search.shop_filters.isVisibleTo(search), timeout=30_000)
    search.query.setText("a shirt")
    search.count.setValue(100)
    _search(qtbot, shop_window)
    rows = search.model.rows()
    assert any(row.name is None for row in rows) and any(row.sold_out for row in rows)  # unlinked photos; the silk shirt

    search.in_stock.setChecked(True)
    search.max_price.setValue(50)
    search.size.setCurrentIndex(search.size.findData("M"))
    _search(qtbot, shop_window)
    (oxford,) = search.model.rows()
    assert (oxford.name, oxford.price, oxford.in_stock) == ("Oxford shirt", 45.0, True)
    assert "Oxford shirt · 45.00 EUR" in search.model.data(search.model.index(0))

    menu = search.context_menu(oxford)
    (more,) = [action for action in menu.actions() if action.text().startswith("All photos of this product")]
    more.trigger()
    assert sorted(Path(row.path).name for row in search.model.rows()) == sorted(LINKED["10185.jpg"].photos)
    (back,) = [action for action in search.context_menu(search.model.rows()[0]).actions() if action.text() == "Back to the results"]
    back.trigger()
    assert search.model.rows() == [oxford]
    search.max_price.setValue(0)  # "to any price" again
    assert search.current_query().max_price is None and search.current_query().sizes == ["M"]


def test_the_catalog_panel_lists_products_variants_and_unlinked_photos(qtbot, shop_window: MainWindow) -> None:
    panel = shop_window.catalog
    qtbot.waitUntil(lambda: panel.products.topLevelItemCount() == 7, timeout=30_000)
    assert panel.shop_label.text() == ("Shop: 6 products (1 discontinued), 12 variants; 12 photos linked, 0 products without a photo,"
                                       " 12 photos without a product")
    items = {panel.products.topLevelItem(i).text(1): panel.products.topLevelItem(i) for i in range(7)}
    assert items["jeans-slim"].text(2) == "60.00–65.00 EUR" and items["jeans-slim"].text(3) == "6 in stock"
    assert items["shirt-silk"].text(3) == "sold out" and items["jersey-old"].text(3) == "discontinued"
    jeans = items["jeans-slim"]
    jeans.setExpanded(True)
    qtbot.waitUntil(lambda: jeans.childCount() == 3, timeout=30_000)
    assert [(jeans.child(i).text(0), jeans.child(i).text(1), jeans.child(i).text(3)) for i in range(3)] == [
        ("38", "JNS-38", "2 in stock"), ("40", "JNS-40", "sold out"), ("42", "JNS-42", "4 in stock")]
    assert panel.unlinked.count() == 24 - len(LINKED)


class _Scripted:
    model_name = "scripted"

    def advise(self, request, items, *, image=None, chat_id=None, cancel=None):
        yield Token("Try #1.")
        yield Done("stop", 1, "scripted")


def test_the_assistant_shows_budget_size_and_in_stock_products(qtbot, shop_window: MainWindow) -> None:
    def make(catalog):
        classifier = RequestClassifier(None, catalog.store.categories())  # keywords only
        return Assistant(shop_window.context, catalog, shop_window.search.warm.get(), classifier, _Scripted())

    panel = AssistantPanel(shop_window.context, shop_window.runner, shop_window.search, catalogs=shop_window.catalogs,
                           make_assistant=make)
    qtbot.addWidget(panel)
    panel.request.setText("una camisa talla M por menos de 50 euros")
    with qtbot.waitSignal(panel.answered, timeout=120_000):
        panel.send()
    chips = panel.chips.text()
    assert "[shirt × 1]" in chips and "[budget ≤ 50 EUR]" in chips and "[size M]" in chips and "[in stock only]" in chips
    (card,) = panel.model.rows()
    assert (card.number, card.name, card.price, card.in_stock) == (1, "Oxford shirt", 45.0, True)

    panel.everything.setChecked(True)  # sold out, other sizes and prices too
    panel.request.setText("two shirts")
    with qtbot.waitSignal(panel.answered, timeout=120_000):
        panel.send()
    assert "[in stock only]" not in panel.chips.text()
    assert len(panel.model.rows()) == 2
