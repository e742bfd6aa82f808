"""Finding BLIP-2 without the network, and its towers: shapes, normalisation, int8, and our preprocessing."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_app.core.catalog.operations import resolve_catalog_model
from desktop_app.core.embedding import blip2
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import ModelMissingError
from desktop_app.core.platform.settings import Settings
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import CatalogStore


def _fake_hub_cache(hub: Path, repo: str, model: Path, commit: str) -> Path:
    """The layout huggingface-hub writes: refs/main names the snapshot folder of the current commit."""
    base = hub / f"models--{repo.replace('/', '--')}"
    (base / "refs").mkdir(parents=True, exist_ok=True)
    (base / "refs" / "main").write_text(commit)
    snapshot = base / "snapshots" / commit
    shutil.copytree(model, snapshot)
    return snapshot


def test_a_missing_model_says_what_is_missing_and_what_to_do(app_paths) -> None:
    with pytest.raises(ModelMissingError) as caught:
        blip2.resolve_blip2("Salesforce/blip2-itm-vit-g", app_paths)
    assert "not on this machine" in caught.value.message
    assert "fashion-assistant models download Salesforce/blip2-itm-vit-g" in caught.value.hint
    with pytest.raises(ModelMissingError, match="does not exist"):
        blip2.resolve_blip2("/no/such/model", app_paths)


def test_hub_id_is_found_in_the_local_cache_and_a_recorded_revision_is_pinned(app_paths, tiny_blip2: Path) -> None:
    old = _fake_hub_cache(app_paths.models_dir / "hub", "acme/blip2-tiny", tiny_blip2, "a" * 40)
    resolved = blip2.resolve_blip2("acme/blip2-tiny", app_paths)
    assert (resolved.folder, resolved.revision, resolved.spec) == (old, "a" * 40, "acme/blip2-tiny")
    _fake_hub_cache(app_paths.models_dir / "hub", "acme/blip2-tiny", tiny_blip2, "b" * 40)  # an update arrives
    assert blip2.resolve_blip2("acme/blip2-tiny", app_paths).revision == "b" * 40
    assert blip2.resolve_blip2("acme/blip2-tiny", app_paths, revision="a" * 40).folder == old


def test_weights_without_config_or_config_without_weights_are_missing(app_paths, tiny_blip2: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(tiny_blip2 / "config.json", partial / "config.json")
    with pytest.raises(ModelMissingError, match="no weight files"):
        blip2.resolve_blip2(str(partial), app_paths)
    (partial / "config.json").unlink()
    with pytest.raises(ModelMissingError, match=r"no config\.json"):
        blip2.resolve_blip2(str(partial), app_paths)


def test_local_fingerprint_follows_content_not_location(app_paths, tiny_blip2: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(tiny_blip2, tmp_path / "copy"))
    assert blip2.folder_fingerprint(copy) == blip2.folder_fingerprint(tiny_blip2)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert blip2.folder_fingerprint(copy) != blip2.folder_fingerprint(tiny_blip2)


def test_catalog_model_defaults_to_the_recorded_one(app_paths, store: CatalogStore, tiny_blip2: Path) -> None:
    context = AppContext(app_paths, Settings(blip2_model=str(tiny_blip2)))
    catalog = Catalog(store.conn, app_paths.db_path)
    other = resolve_catalog_model(catalog, context)
    store.use_model(blip2.model_identity(other))
    context.settings.blip2_model = "Salesforce/blip2-itm-vit-g"
    assert resolve_catalog_model(catalog, context).spec == other.spec


def test_our_preprocessing_matches_the_blip_processor(tiny_models, one_photo: Path) -> None:
    from transformers import AutoProcessor

    image = Image.open(one_photo).convert("RGB").resize((300, 400))
    ours = blip2.to_pixels([image], tiny_models.pixel_spec)
    theirs = AutoProcessor.from_pretrained(tiny_models.resolved.folder)(images=image, return_tensors="np")["pixel_values"]
    assert ours.shape == theirs.shape == (1, 3, 224, 224)
    assert np.abs(ours - theirs).mean() < 0.02


def test_vision_encoder_gives_normalised_distinct_query_vectors(tiny_models, product_photos: Path) -> None:
    images = [Image.open(p).convert("RGB") for p in sorted(product_photos.rglob("*.jpg"))[:3]]
    pixels = blip2.to_pixels(images, tiny_models.pixel_spec)
    encoder = tiny_models.vision("fp32")
    vectors = encoder.encode(pixels)
    assert vectors.shape == (3, 32, tiny_models.identity.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=-1), 1.0, atol=1e-5)
    assert (vectors[0] @ vectors[0].T).mean() < 0.99  # the 32 query vectors differ, so max-over-queries means something
    int8 = blip2.VisionEncoder(tiny_models.resolved, precision="int8")
    assert int8.precision == "int8"
    assert (vectors * int8.encode(pixels)).sum(axis=-1).mean() > 0.95


def test_text_encoder_gives_one_normalised_vector_per_text(tiny_models) -> None:
    encoder = blip2.TextEncoder(tiny_models.resolved)
    vectors = encoder.encode(["a photo of a shirt", "a photo of a pair of shoes", "a red dress"])
    assert vectors.shape == (3, tiny_models.identity.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])
