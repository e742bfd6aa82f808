"""The stand-ins must behave like models, or every search test built on them proves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_tiny_blip2_tells_photos_and_query_vectors_apart(tiny_blip2: Path, product_photos: Path) -> None:
    import torch
    from PIL import Image
    from transformers import AutoProcessor, Blip2TextModelWithProjection, Blip2VisionModelWithProjection

    processor = AutoProcessor.from_pretrained(tiny_blip2)
    vision = Blip2VisionModelWithProjection.from_pretrained(tiny_blip2).eval()
    text = Blip2TextModelWithProjection.from_pretrained(tiny_blip2).eval()
    files = sorted(product_photos.rglob("*.jpg"))[:10]
    images = []
    for f in files:
        with Image.open(f) as im:
            im.draft("RGB", (448, 448))
            images.append(im.convert("RGB"))
    with torch.no_grad():
        queries = vision(pixel_values=processor(images=images, return_tensors="pt")["pixel_values"]).image_embeds
        tokens = processor(text=["a red shirt", "black shoes"], return_tensors="pt", padding=True)
        texts = text(input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"]).text_embeds[:, 0]
    assert queries.shape[:2] == (10, 32)
    means = torch.nn.functional.normalize(queries.mean(1), dim=-1)
    similarity = means @ means.T
    assert torch.equal(similarity.argmax(1), torch.arange(10)), "each photo must be its own nearest neighbour"
    per_photo = torch.stack([(q @ q.T)[~torch.eye(32, dtype=torch.bool)].mean() for q in queries])
    assert float(per_photo.mean()) < 0.95, "the 32 query vectors of a photo must differ"
    assert not torch.allclose(texts[0], texts[1]), "different requests must embed differently"


def test_gemma_gguf_is_a_real_gguf(gemma_gguf: Path) -> None:
    assert gemma_gguf.read_bytes()[:4] == b"GGUF"
    assert gemma_gguf.stat().st_size > 100_000_000
