"""Catalog fixtures: the tiny BLIP-2 behind the real loaders, a few real photos, and a corpus of bad files."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from desktop_app.core.platform.paths import AppPaths, resolve_paths
from desktop_app.core.store.catalog_store import CatalogStore

# name -> what must happen to it: None = indexed, "ignored" = never seen, else a word the skip reason must contain
BAD_CORPUS_EXPECTED: dict[str, str | None] = {
    "zero.jpg": "empty",
    "truncated.jpg": "truncated",
    "notes.jpg": "text file",
    "page.png": "web page",
    "x.jpg/inside.png": None,  # a folder named like a photo is just a folder
    "._resource.jpg": "ignored",
    ".hidden.jpg": "ignored",
    "bomb.png": "decompression bomb",
    "cmyk.jpg": None,
    "deep16.png": None,
    "palette_alpha.png": None,
    "animated.gif": None,
    "rotated.jpg": None,
    "ünïcode name ✓.jpg": None,
    "png named as.jpg": None,
    "dangling.jpg": "broken link",
    "loop/back": "ignored",  # a symlink to an ancestor folder
}


def jpeg_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG header that declares a huge image; decoders that trust it would allocate gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def build_bad_corpus(folder: Path, photo: Path) -> Path:
    """Every kind of file users' folders hold that is not a clean 8-bit RGB JPEG, built from one real photo."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    real = Image.open(photo).convert("RGB").reduce(4)  # 450x600
    (folder / "zero.jpg").write_bytes(b"")
    data = photo.read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "notes.jpg").write_text("shopping list: a blue shirt\n", encoding="utf-8")
    (folder / "page.png").write_text("<!DOCTYPE html><html><body>404 not found</body></html>", encoding="utf-8")
    (folder / "x.jpg").mkdir()
    real.resize((120, 160)).save(folder / "x.jpg" / "inside.png")
    (folder / "._resource.jpg").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 60)
    shutil.copyfile(photo, folder / ".hidden.jpg")
    (folder / "bomb.png").write_bytes(bomb_png())
    real.convert("CMYK").save(folder / "cmyk.jpg", "JPEG")
    deep = (np.asarray(real.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    Image.fromarray(deep).save(folder / "deep16.png")
    palette = real.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    palette.info["transparency"] = 0
    palette.save(folder / "palette_alpha.png", transparency=0)
    frames = [Image.new("RGB", (64, 64), color) for color in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    real.transpose(Image.Transpose.ROTATE_90).save(folder / "rotated.jpg", "JPEG", exif=exif.tobytes())
    shutil.copyfile(photo, folder / "ünïcode name ✓.jpg")
    real.resize((300, 400)).save(folder / "png named as.jpg", "PNG")
    os.symlink(folder / "gone.jpg", folder / "dangling.jpg")
    (folder / "loop").mkdir()
    os.symlink(folder, folder / "loop" / "back")
    return folder


@pytest.fixture
def app_paths(isolated_data_dir: Path) -> AppPaths:
    return resolve_paths(data_dir=isolated_data_dir).ensure()


@pytest.fixture
def store(app_paths: AppPaths):
    catalog = CatalogStore.open(app_paths.db_path)
    yield catalog
    catalog.close()


@pytest.fixture(scope="session")
def tiny_models(tiny_blip2: Path, tmp_path_factory: pytest.TempPathFactory):
    """One ModelProvider for the session: the tiny model loads once, as the real one would per run."""
    from desktop_app.core.catalog.indexer import ModelProvider
    from desktop_app.core.embedding.blip2 import resolve_blip2

    paths = resolve_paths(data_dir=tmp_path_factory.mktemp("models-data"))
    return ModelProvider(resolve_blip2(str(tiny_blip2), paths), tmp_path_factory.mktemp("label-cache"))


@pytest.fixture
def photos(product_photos: Path, tmp_path: Path) -> Path:
    """Six real photos in category folders, copied so tests can change them."""
    target = tmp_path / "photos"
    for category in ("shoes", "t-shirt", "pants"):
        for photo in sorted((product_photos / category).glob("*.jpg"))[:2]:
            (target / category).mkdir(parents=True, exist_ok=True)
            shutil.copy2(photo, target / category / photo.name)
    return target


@pytest.fixture
def one_photo(product_photos: Path) -> Path:
    return sorted(product_photos.rglob("*.jpg"))[0]
