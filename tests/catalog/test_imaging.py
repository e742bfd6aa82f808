"""Decoding photos as users have them: every bad file gets a human reason, every odd good one decodes right."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_app.core.catalog import imaging
from tests.catalog.conftest import BAD_CORPUS_EXPECTED, bomb_png, build_bad_corpus


@pytest.fixture
def corpus(tmp_path: Path, one_photo: Path) -> Path:
    return build_bad_corpus(tmp_path / "corpus", one_photo)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("name", [n for n, e in BAD_CORPUS_EXPECTED.items() if e not in (None, "ignored", "broken link")])
def test_bad_files_are_refused_with_a_reason(corpus: Path, name: str) -> None:
    with pytest.raises(imaging.UnreadableImage) as caught:
        imaging.decode_image(corpus / name)
    assert BAD_CORPUS_EXPECTED[name] in caught.value.message


@pytest.mark.parametrize("name", [n for n, e in BAD_CORPUS_EXPECTED.items() if e is None])
def test_odd_but_good_files_decode_to_rgb(corpus: Path, name: str) -> None:
    decoded = imaging.decode_image(corpus / name)
    assert decoded.image.mode == "RGB"
    assert min(decoded.image.size) >= 64


def test_a_directory_named_like_a_photo_is_refused_when_read_as_a_file(corpus: Path) -> None:
    with pytest.raises(imaging.UnreadableImage, match="folder"):
        imaging.decode_image(corpus / "x.jpg")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # PIL warns as it opens; we refuse
def test_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(imaging.UnreadableImage) as caught:
        imaging.decode_image(bomb_png(12000, 9000))
    assert "megapixel" in caught.value.message


def test_exif_orientation_is_applied_and_size_reported_as_displayed(corpus: Path) -> None:
    decoded = imaging.decode_image(corpus / "rotated.jpg", target=None)
    stored = Image.open(corpus / "rotated.jpg")
    assert stored.size[0] > stored.size[1]  # stored landscape
    assert (decoded.width, decoded.height) == (stored.size[1], stored.size[0])
    assert decoded.image.size == (decoded.width, decoded.height)


def test_draft_decoding_stays_at_or_above_the_target(one_photo: Path) -> None:
    decoded = imaging.decode_image(one_photo, target=(224, 224))
    assert (decoded.width, decoded.height) == (1800, 2400)
    assert 224 <= min(decoded.image.size) < 900  # reduced by DCT scaling, never below the model's input


def test_sixteen_bit_is_scaled_not_clipped() -> None:
    ramp = np.tile(np.linspace(0, 65535, 256), (64, 1)).astype(np.uint16)
    buffer = io.BytesIO()
    Image.fromarray(ramp).save(buffer, "PNG")
    rgb = np.asarray(imaging.decode_image(buffer.getvalue()).image)
    assert rgb[:, 0].max() < 5 and rgb[:, -1].min() > 250
    assert 100 < rgb[:, 128].mean() < 155  # a clipping conversion would give 255 here


def test_transparency_becomes_white_and_cmyk_keeps_its_colour() -> None:
    clear = Image.new("RGBA", (32, 32), (255, 0, 0, 0))
    buffer = io.BytesIO()
    clear.save(buffer, "PNG")
    assert np.asarray(imaging.decode_image(buffer.getvalue()).image).min() == 255
    red = Image.new("RGB", (32, 32), (220, 20, 20)).convert("CMYK")
    buffer = io.BytesIO()
    red.save(buffer, "JPEG", quality=95)
    r, g, b = np.asarray(imaging.decode_image(buffer.getvalue()).image).reshape(-1, 3).mean(axis=0)
    assert r > 180 and g < 70 and b < 70


def test_animated_gif_gives_its_first_frame(corpus: Path) -> None:
    r, g, b = np.asarray(imaging.decode_image(corpus / "animated.gif").image).reshape(-1, 3).mean(axis=0)
    assert r > 150 and g < 80 and b < 80


def test_thumbnail_is_small_named_by_content_and_written_once(tmp_path: Path, one_photo: Path) -> None:
    decoded = imaging.decode_image(one_photo)
    first = imaging.save_thumbnail(decoded.image, "ab" * 32, tmp_path)
    assert max(Image.open(first).size) == imaging.THUMBNAIL_SIZE
    mtime = first.stat().st_mtime_ns
    assert imaging.save_thumbnail(decoded.image, "ab" * 32, tmp_path) == first
    assert first.stat().st_mtime_ns == mtime
