"""Tags: folder names first, then BLIP-2's max-over-queries zero-shot score, and the user's word over both."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop_app.core.catalog import tagging, vocabulary


def test_nearest_folder_naming_a_category_wins(tmp_path: Path) -> None:
    root = tmp_path / "Shop Sweaters"
    tags = tagging.folder_tags(root / "Tees" / "2024" / "a.jpg", root)
    assert [(t.kind, t.value, t.source) for t in tags] == [("category", "t-shirt", "folder")]
    assert tagging.folder_tags(tmp_path / "sweaters" / "x" / "a.jpg", tmp_path / "sweaters")[0].value == "jersey"
    assert tagging.folder_tags(tmp_path / "misc" / "a.jpg", tmp_path / "misc") == []
    colours = tagging.folder_tags(tmp_path / "r" / "Navy" / "jeans" / "a.jpg", tmp_path / "r")
    assert {(t.kind, t.value) for t in colours} == {("category", "pants"), ("color", "navy")}


def test_zero_shot_scores_the_best_query_vector_not_the_mean() -> None:
    dim = 4
    labels = tagging.LabelVectors(["shirt", "shoes"], np.eye(dim, dtype=np.float32)[:2], ["red", "blue"],
                                  np.eye(dim, dtype=np.float32)[2:])
    queries = np.zeros((32, dim), dtype=np.float32)
    queries[:, 0] = 0.6  # every query leans a little to "shirt"...
    queries[:, 3] = 0.8
    queries[7] = [0.0, 1.0, 0.0, 0.0]  # ...but one query is exactly "shoes"
    category, color = labels.zero_shot(queries)
    assert queries.mean(axis=0) @ labels.category_vectors[0] > queries.mean(axis=0) @ labels.category_vectors[1]
    assert (category.value, category.source) == ("shoes", "auto") and category.score == 1.0
    assert (color.value, round(color.score, 3)) == ("blue", 0.8)


def test_correction_beats_folder_beats_auto() -> None:
    auto = (tagging.Tag("category", "shirt", "auto", 0.3), tagging.Tag("color", "red", "auto", 0.2))
    folder = [tagging.Tag("category", "shoes", "folder", None)]
    decided = {t.kind: t for t in tagging.decide(folder, auto, {})}
    assert (decided["category"].value, decided["category"].source) == ("shoes", "folder")
    assert decided["color"].source == "auto"
    decided = {t.kind: t for t in tagging.decide(folder, auto, {"category": "bag"})}
    assert (decided["category"].value, decided["category"].source) == ("bag", "user")


def test_label_vectors_are_computed_once_per_model(tiny_models, tmp_path: Path) -> None:
    first = tagging.label_vectors(tiny_models.resolved, tmp_path)
    assert first.category_vectors.shape == (len(vocabulary.CATEGORIES), tiny_models.identity.dim)
    assert first.color_vectors.shape == (len(vocabulary.COLORS), tiny_models.identity.dim)
    assert np.allclose(np.linalg.norm(first.category_vectors, axis=1), 1.0, atol=1e-5)
    (cached,) = (tmp_path / "label-vectors").glob("*.npz")
    again = tagging.label_vectors(tiny_models.resolved, tmp_path)
    assert np.array_equal(again.color_vectors, first.color_vectors)
    assert len(list((tmp_path / "label-vectors").glob("*.npz"))) == 1 and cached.is_file()
