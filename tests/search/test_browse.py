"""An empty query lists the items ("all my shoes"), newest first or by name, with the filters, and needs no model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.search.searcher import Searcher, SearchQuery
from tests.search.conftest import Catalog


def _names(hits) -> list[str]:
    return [Path(hit.path).name for hit in hits]


def test_an_empty_query_lists_a_category_newest_first(catalog: Catalog, searcher) -> None:
    shoes = sorted((catalog.photos / "shoes").glob("*.jpg"))
    for age, photo in enumerate(shoes):  # the first file is the newest
        os.utime(photo, ns=(2_000_000_000_000_000_000 - age * 10**12,) * 2)
    with catalog.handle() as handle, handle.transaction():
        for photo in shoes:
            handle.store.touch_item(handle.store.indexed_files()[str(photo)][0], photo.stat().st_size, photo.stat().st_mtime_ns)
    hits = searcher.search(SearchQuery(categories=["shoes"], k=100))
    assert _names(hits) == [photo.name for photo in shoes]
    assert all(hit.score is None and hit.category == "shoes" for hit in hits)
    assert all(hit.to_json()["score"] is None for hit in hits)


def test_a_listing_by_name_and_of_a_folder(catalog: Catalog, searcher) -> None:
    everything = searcher.search(SearchQuery(text="  ", k=1000, order="name"))
    names = _names(everything)
    assert names == sorted(names, key=str.casefold) and len(names) == catalog.store().item_count()
    folder = catalog.photos / "pants"
    inside = searcher.search(SearchQuery(folder=folder, k=1000))
    assert inside and all(Path(hit.path).parent == folder for hit in inside)
    assert len(searcher.search(SearchQuery(k=3))) == 3


def test_listing_needs_no_image_model(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Searcher, "_model", lambda self: pytest.fail("browsing resolved the model"))
    with catalog.handle() as handle:
        hits = Searcher(catalog.context, handle).search(SearchQuery(categories=["pants"], k=5))
    assert hits and {hit.category for hit in hits} == {"pants"}


def test_the_cli_lists_with_filters_and_no_text(catalog: Catalog) -> None:
    env = {**os.environ, "FASHION_ASSISTANT_DATA_DIR": str(catalog.context.paths.data_dir)}
    out = subprocess.run([sys.executable, "-m", "desktop_app.cli", "search", "--category", "shoes", "--order", "name", "--json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert results and all(r["category"] == "shoes" and r["score"] is None for r in results)
