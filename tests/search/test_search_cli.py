"""`fashion-assistant search` end to end: JSON output, deleted files, and every error a user can meet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.search.searcher import Searcher, SearchQuery
from desktop_app.core.store.catalog_store import VECTOR_TABLE
from tests.search.conftest import Catalog, build_catalog


def _search(catalog: Catalog, *args: str) -> list[str]:
    return ["--data-dir", str(catalog.context.paths.data_dir), "search", *args]


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


def test_json_output(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    photo = next((catalog.photos / "shoes").iterdir())
    assert main(_search(catalog, "black", "+", "shoes", "--image", str(photo), "--category", "shoes", "pants", "-k", "4", "--json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"results", "seconds"} and report["seconds"] > 0
    assert len(report["results"]) == 4
    for result in report["results"]:
        assert set(result) == {"path", "score", "category", "category_source", "color", "thumbnail", "sku", "name", "price",
                               "currency", "sizes", "in_stock", "photos"}
        assert result["sku"] is None and result["price"] is None and result["photos"] == []  # photos without a product
        assert result["category"] in {"shoes", "pants"} and result["category_source"] == "folder"
        assert Path(result["thumbnail"]).is_file()
    scores = [r["score"] for r in report["results"]]
    assert scores == sorted(scores, reverse=True)


def test_table_output_and_min_score(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_search(catalog, "red", "shoes", "-k", "3")) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("3 results")
    assert main(_search(catalog, "red", "shoes", "--min-score", "1000")) == 0
    assert capsys.readouterr().out.startswith("No results")


def test_deleted_files_never_come_back(
    tiny_blip2: Path, product_photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    shutil.copytree(product_photos / "pants", photos / "pants")
    shutil.copytree(product_photos / "shoes", photos / "shoes")
    catalog = build_catalog(tmp_path, tiny_blip2, photos)
    gone = photos / "pants" / "10259.jpg"
    example = shutil.copy(gone, tmp_path / "example.jpg")
    searcher = Searcher(catalog.context, catalog.handle())
    try:
        assert searcher.search(SearchQuery(image=Path(example), k=1))[0].path == str(gone)
        gone.unlink()  # deleted on disk, not yet re-scanned: never shown
        hits = searcher.search(SearchQuery(image=Path(example), k=100))
        assert str(gone) not in {h.path for h in hits} and len(hits) == len(list(photos.rglob("*.jpg")))
        build_catalog(tmp_path, tiny_blip2, photos)  # the re-scan removes it from the catalog and the vector index
        store = catalog.store()
        try:
            assert str(gone) not in {row.path for row in store.items()}
            assert store.conn.execute(f"SELECT COUNT(*) FROM {VECTOR_TABLE}").fetchone()[0] == store.item_count()
        finally:
            store.close()
        hits = searcher.search(SearchQuery(image=Path(example), k=100))
        assert str(gone) not in {h.path for h in hits} and len(hits) == len(list(photos.rglob("*.jpg")))
    finally:
        searcher.close()


def test_an_empty_catalog_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "empty"), "search", "shoes"]) == 1
    assert "empty" in _one_error_line(capsys)


def test_a_catalog_from_another_model_is_refused(
    catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.stand_in_models import build_tiny_blip2

    other = build_tiny_blip2(tmp_path / "other-blip2", seed=1)
    capsys.readouterr()
    assert main(_search(catalog, "shoes", "--blip2", str(other))) == 1
    assert "built with" in _one_error_line(capsys)


@pytest.mark.parametrize(("replaced", "error"), [(False, "moved-away does not exist"), (True, "changed on this machine")])
def test_a_catalog_whose_model_is_gone_or_replaced_is_a_clear_error(
    tiny_blip2: Path, product_photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], replaced: bool, error: str
) -> None:
    from tests.stand_in_models import build_tiny_blip2

    model = Path(shutil.copytree(tiny_blip2, tmp_path / "moved-away"))
    catalog = build_catalog(tmp_path, model, Path(shutil.copytree(product_photos / "shoes", tmp_path / "photos" / "shoes")))
    shutil.rmtree(model)
    if replaced:
        build_tiny_blip2(model, seed=1)
        capsys.readouterr()
    assert main(_search(catalog, "shoes")) == 1
    assert error in _one_error_line(capsys)


@pytest.mark.parametrize("content", [b"", b"<html><body>not a photo</body></html>", b"\xff\xd8\xff\xe0 truncated"])
def test_an_unreadable_query_photo_is_a_clear_error(
    catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    photo = tmp_path / "query.jpg"
    photo.write_bytes(content)
    assert main(_search(catalog, "--image", str(photo))) == 1
    assert "example photo" in _one_error_line(capsys)


def test_a_missing_query_photo_is_a_clear_error(catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_search(catalog, "red", "+", str(tmp_path / "nowhere.png"))) == 1
    assert "nowhere.png" in _one_error_line(capsys)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["shoes", "+"], "no words after it"),
        (["--category", "spacesuit", "--", "shoes"], "not a category"),
    ],
)
def test_bad_queries_are_one_line_errors(catalog: Catalog, capsys: pytest.CaptureFixture[str], args: list[str], error: str) -> None:
    assert main(_search(catalog, *args)) == 1
    assert error in _one_error_line(capsys)


def test_a_users_own_category_can_be_filtered_on(tiny_blip2: Path, product_photos: Path, tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path, tiny_blip2, Path(shutil.copytree(product_photos / "shoes", tmp_path / "photos" / "shoes")))
    scarf = sorted(catalog.photos.iterdir())[0]
    store = catalog.store()
    try:
        store.correct(str(scarf), "category", "scarf")
    finally:
        store.close()
    searcher = Searcher(catalog.context, catalog.handle())
    try:
        hits = searcher.search(SearchQuery(text="shoes", categories=["scarf"], k=10))
        assert [(h.path, h.category, h.category_source) for h in hits] == [(str(scarf), "scarf", "user")]
        assert "scarf" in searcher.categories()
    finally:
        searcher.close()
