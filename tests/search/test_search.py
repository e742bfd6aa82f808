"""Search over a catalog the real indexer built with the tiny BLIP-2: ranking, filters, scores, warm towers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.embedding import blip2
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import Cancelled, CancelToken
from desktop_app.core.search.query_terms import QueryTermsError
from desktop_app.core.search.searcher import Searcher, SearchError, SearchQuery
from tests.search.conftest import Catalog


def _all_vectors(catalog: Catalog) -> tuple[list[str], np.ndarray]:
    store = catalog.store()
    try:
        rows = store.items()
        vectors = store.query_vectors([row.id for row in rows])
        return [row.path for row in rows], np.stack([vectors[row.id] for row in rows])
    finally:
        store.close()


def _text_vector(catalog: Catalog, text: str) -> np.ndarray:
    resolved = blip2.resolve_blip2(str(_model_folder(catalog)), catalog.context.paths)
    return blip2.TextEncoder(resolved).encode([text])[0]


def _model_folder(catalog: Catalog) -> Path:
    store = catalog.store()
    try:
        return Path(store.recorded_model().spec)  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_photo_query_returns_that_photo_first(catalog: Catalog, searcher: Searcher) -> None:
    for folder in sorted(catalog.photos.iterdir()):
        for photo in sorted(folder.iterdir())[:2]:
            hits = searcher.search(SearchQuery(image=photo, k=5))
            assert hits[0].path == str(photo)
            assert hits[0].score > hits[1].score


def test_text_reranks_by_the_best_of_the_32_query_vectors(catalog: Catalog, searcher: Searcher) -> None:
    """The order is BLIP-2's max over query vectors, not the first pass's mean vector; for at least one
    of these texts the two orders differ, so a search without the re-rank would fail here."""
    paths, queries = _all_vectors(catalog)
    means = queries.mean(axis=1)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    proxy_differs = False
    for text in ("red shoes", "a black dress for a party", "white t-shirt", "winter coat"):
        t = _text_vector(catalog, text)
        exact = (queries @ t).max(axis=1)
        hits = searcher.search(SearchQuery(text=text, k=len(paths)))
        assert [h.path for h in hits] == [paths[i] for i in np.argsort(-exact, kind="stable")]
        # Standardised against the catalog (all of it: it is smaller than the background sample).
        expected = {paths[i]: (exact[i] - exact.mean()) / exact.std() for i in range(len(paths))}
        assert [h.score for h in hits] == pytest.approx([expected[h.path] for h in hits], abs=1e-4)
        proxy_differs |= list(np.argsort(-(means @ t))) != list(np.argsort(-exact))
    assert proxy_differs


def test_weighted_terms_combine_normalised_text_vectors(catalog: Catalog, searcher: Searcher) -> None:
    paths, queries = _all_vectors(catalog)
    combined = 2 * _text_vector(catalog, "shoes") - _text_vector(catalog, "red")
    combined /= np.linalg.norm(combined)
    hits = searcher.search(SearchQuery(text="2:shoes - red", k=len(paths)))
    assert [h.path for h in hits] == [paths[i] for i in np.argsort(-(queries @ combined).max(axis=1), kind="stable")]


def test_terms_that_cancel_out_are_refused(searcher: Searcher) -> None:
    with pytest.raises(QueryTermsError, match="cancel"):
        searcher.search(SearchQuery(text="red - red"))


def test_the_category_filter_runs_in_sql_and_excludes_other_categories(
    catalog: Catalog, searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    filtered = searcher.store.filtered_item_ids

    def spy(categories=(), colors=(), folder_ids=(), more=()):  # type: ignore[no-untyped-def]
        seen.append(list(categories))
        return filtered(categories, colors, folder_ids, more)

    monkeypatch.setattr(searcher.store, "filtered_item_ids", spy)
    hits = searcher.search(SearchQuery(text="shoes", categories=["trousers", "jersey"], k=50))
    assert seen == [["pants", "jersey"]]
    assert {h.category for h in hits} == {"pants", "jersey"}
    assert len(hits) == len(list((catalog.photos / "pants").iterdir())) + len(list((catalog.photos / "jersey").iterdir()))


def test_an_unknown_category_names_the_ones_there_are(searcher: Searcher) -> None:
    with pytest.raises(SearchError, match="spacesuit") as raised:
        searcher.search(SearchQuery(text="shoes", categories=["spacesuit"]))
    assert "jersey, pants, shirt, shoes, t-shirt" in raised.value.hint


def test_the_colour_filter_keeps_only_that_colour(searcher: Searcher) -> None:
    colours = {h.color for h in searcher.search(SearchQuery(text="shoes", k=100))}
    colour = sorted(c for c in colours if c)[0]
    hits = searcher.search(SearchQuery(text="shoes", colors=[colour], k=100))
    assert hits and {h.color for h in hits} == {colour}


def test_folder_filters_added_folders_and_their_subfolders(catalog: Catalog, searcher: Searcher) -> None:
    everything = searcher.search(SearchQuery(text="shoes", folder=catalog.photos, k=100))
    assert len(everything) == len(list(catalog.photos.rglob("*.jpg")))
    shoes = searcher.search(SearchQuery(text="shoes", folder=catalog.photos / "shoes", categories=["shoes", "pants"], k=100))
    assert sorted(h.path for h in shoes) == sorted(str(p) for p in (catalog.photos / "shoes").iterdir())
    with pytest.raises(SearchError, match="not in the catalog"):
        searcher.search(SearchQuery(text="shoes", folder=catalog.photos.parent / "elsewhere"))


def test_scores_do_not_depend_on_k_or_filters(searcher: Searcher) -> None:
    wide = {h.path: h.score for h in searcher.search(SearchQuery(text="black shoes", k=100))}
    narrow = searcher.search(SearchQuery(text="black shoes", k=3, categories=["shirt"]))
    assert narrow and all(h.score == pytest.approx(wide[h.path]) for h in narrow)


def test_min_score_drops_weak_results(searcher: Searcher) -> None:
    scores = [h.score for h in searcher.search(SearchQuery(text="a red dress", k=100))]
    cut = float(np.median(scores))
    kept = searcher.search(SearchQuery(text="a red dress", k=100, min_score=cut))
    assert [h.score for h in kept] == [s for s in scores if s >= cut]
    assert 0 < len(kept) < len(scores)


def test_a_combined_query_moves_results_toward_the_text(catalog: Catalog, searcher: Searcher) -> None:
    paths, queries = _all_vectors(catalog)
    text = "a pair of black boots"
    text_score = dict(zip(paths, (queries @ _text_vector(catalog, text)).max(axis=1), strict=True))
    photo = catalog.photos / "shirt" / sorted(p.name for p in (catalog.photos / "shirt").iterdir())[0]

    def mean_text_score(weight: float) -> float:
        hits = searcher.search(SearchQuery(text=text, image=photo, text_weight=weight, k=6))
        return float(np.mean([text_score[h.path] for h in hits]))

    photo_only, mixed, words_only = mean_text_score(0.0), mean_text_score(0.5), mean_text_score(1.0)
    assert photo_only < mixed <= words_only
    assert searcher.search(SearchQuery(text=text, image=photo, text_weight=0.0))[0].path == str(photo)
    expected = [h.path for h in searcher.search(SearchQuery(text=text, k=6))]
    assert [h.path for h in searcher.search(SearchQuery(text=text, image=photo, text_weight=1.0, k=6))] == expected


def _counting_towers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the torch towers built from now on, in order."""
    built: list[str] = []

    class CountingText(blip2.TextEncoder):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            built.append("text")
            super().__init__(*args, **kwargs)

    class CountingVision(blip2.VisionEncoder):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            built.append("vision")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(blip2, "TextEncoder", CountingText)
    monkeypatch.setattr(blip2, "VisionEncoder", CountingVision)
    return built


def test_words_load_only_the_text_tower_and_towers_stay_warm(catalog: Catalog, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    built = _counting_towers(monkeypatch)
    fresh = Searcher(catalog.context, catalog.handle())
    try:
        for text in ("shoes", "red pants", "a hat"):
            fresh.search(SearchQuery(text=text))
        assert built == ["text"]
        photo = tmp_path / "edited.jpg"  # not in the catalog (its bytes differ): it must be encoded
        photo.write_bytes(next((catalog.photos / "pants").iterdir()).read_bytes() + b"\0")
        fresh.search(SearchQuery(image=photo))
        fresh.search(SearchQuery(text="blue", image=photo))
        assert built == ["text", "vision"]
    finally:
        fresh.close()


def test_a_photo_of_the_catalog_is_read_back_not_encoded(catalog: Catalog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built = _counting_towers(monkeypatch)
    photo = sorted((catalog.photos / "shoes").iterdir())[0]
    copy = tmp_path / "a-copy-from-the-downloads-folder.jpg"
    copy.write_bytes(photo.read_bytes())
    edited = tmp_path / "edited.jpg"
    edited.write_bytes(photo.read_bytes() + b"\0")  # a JPEG decoder ignores bytes after the image's end
    fresh = Searcher(catalog.context, catalog.handle())
    try:
        for same in (photo, copy):
            assert fresh.search(SearchQuery(image=same, k=3))[0].path == str(photo)
        assert built == []  # their stored vectors: no vision tower
        assert fresh.search(SearchQuery(image=edited, k=3))[0].path == str(photo)
        assert built == ["vision"]
    finally:
        fresh.close()


def test_a_cancelled_search_stops(searcher: Searcher) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        searcher.search(SearchQuery(text="shoes"), cancel=token)


def test_categories_are_those_in_the_catalog(catalog: Catalog, searcher: Searcher) -> None:
    assert searcher.categories() == sorted(p.name for p in catalog.photos.iterdir())


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (SearchQuery(text="shoes", k=0), "0 results"),
        (SearchQuery(text="shoes", text_weight=1.5), "outside 0..1"),
        (SearchQuery(text="shoes", colors=["plaid-ish"]), "not a colour"),
    ],
)
def test_malformed_queries_are_user_errors(searcher: Searcher, query: SearchQuery, error: str) -> None:
    with pytest.raises(UserError, match=error):
        searcher.search(query)
