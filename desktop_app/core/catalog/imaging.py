"""Decoding photos as users have them: whatever the extension says, whatever the camera wrote.

Public API (the search engine decodes query photos with it):

- `decode_image(source, target=(224, 224)) -> DecodedImage`: bytes or a path -> an RGB PIL image,
  EXIF orientation applied, JPEGs decoded in draft mode (DCT scaling) to the smallest size that still
  covers `target`, which is most of the speed on 1800×2400 photos. `width`/`height` are the full
  size as displayed. Raises `UnreadableImage` whose message is a reason a person can read.
- `save_thumbnail(image, content_hash, thumbnails_dir) -> Path`: a small JPEG for the GUI, named by
  content so copies, renames and re-runs share one file.

Content is sniffed, never trusted from the extension; CMYK, 16-bit, palette and alpha images are
converted properly (transparency onto white, as product photos are shot); decompression bombs are
refused before any pixel is decoded. HEIC needs the optional pillow-heif package.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.units import format_size

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

# Decoded pixels, after JPEG draft scaling: a 200 MP phone photo decodes at 1/8 scale (about 3 MP) for a
# 224-pixel model input, so only images whose decoded size would not fit in memory are refused.
MAX_PIXELS = 90_000_000
# What PIL itself may be asked to open (its own guard refuses twice this): room for 200 MP JPEGs and more.
_PIL_OPEN_LIMIT = 1_000_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024
THUMBNAIL_SIZE = 256
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_init_lock = threading.Lock()
_initialised = False


class UnreadableImage(UserError):
    """A file that cannot be used as a photo; `message` says why in plain words.

    `transient` when the cause lies outside the file's bytes (missing now, no permission, an I/O
    error of an unplugged drive): the next run tries it again instead of waiting for the file to change.
    """

    def __init__(self, message: str, hint: str = "", detail: str = "", *, transient: bool = False) -> None:
        super().__init__(message, hint, detail)
        self.transient = transient


@dataclass(frozen=True)
class DecodedImage:
    image: Image.Image  # RGB, upright, possibly reduced by draft decoding
    width: int  # full size as displayed (after EXIF rotation)
    height: int
    format: str


def heif_available() -> bool:
    _init_pil()
    from PIL import Image

    return "HEIF" in Image.registered_extensions().values()


def _init_pil() -> None:
    """Register the optional HEIF opener once, and keep PIL's bomb warning quiet: we refuse those images ourselves."""
    global _initialised
    with _init_lock:
        if _initialised:
            return
        import warnings

        from PIL import Image

        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = _PIL_OPEN_LIMIT
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            log.debug("pillow-heif is not installed; HEIC photos will be skipped")
        else:
            register_heif_opener()
        _initialised = True


def _sniff_non_image(head: bytes) -> str | None:
    """A reason for bytes that are plainly not a photo, before PIL guesses."""
    if not head:
        return _("the file is empty (0 bytes)")
    if head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text[:512]:
        return _("this is a web page (HTML) saved with an image name, not an image")
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS and not heif_available():
        return _("a HEIC photo: install the optional pillow-heif package (pip install pillow-heif) to index HEIC photos")
    if b"\x00" not in head[:1024]:
        try:
            head[:1024].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not text.startswith((b"<?xml", b"<svg")):
            return _("this is a text file with an image name, not an image")
        return _("an SVG or XML drawing, not a photo")
    return None


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any PIL mode -> RGB without clipping 16-bit data or blackening transparent areas."""
    import numpy as np
    from PIL import Image

    mode = image.mode
    if mode == "RGB":
        return image
    if mode.startswith("I;16") or mode in ("I", "F"):
        array = np.asarray(image, dtype=np.float64)
        peak = float(array.max()) if array.size else 0.0
        if mode.startswith("I;16") or peak > 255:
            scale = 255.0 / (65535.0 if peak <= 65535 else peak)
        else:
            scale = 255.0 if mode == "F" and peak <= 1.0 else 1.0
        grey = np.clip(array * scale + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def decode_image(source: bytes | os.PathLike[str] | str, target: tuple[int, int] | None = (224, 224)) -> DecodedImage:
    """Decode the first frame of any supported image to upright RGB; see the module docstring."""
    _init_pil()
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = source if isinstance(source, bytes) else read_file(Path(source))
    reason = _sniff_non_image(data[:2048])
    if reason:
        raise UnreadableImage(reason)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format == "JPEG" and target is not None:
                image.draft("RGB", target)  # DCT scaling: the decoder never builds the full-size pixels
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise UnreadableImage(_bomb_reason(width, height))
            orientation = image.getexif().get(0x0112, 1)
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = _to_rgb(upright)
            fmt = image.format or "unknown"
    except UnreadableImage:
        raise
    except Image.DecompressionBombError as exc:
        raise UnreadableImage(_("refused: the image declares more pixels than can be decoded safely (a decompression bomb?)"),
                              detail=str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableImage(_("not an image format this app can read"), detail=str(exc)) from exc
    except (OSError, SyntaxError, ValueError, IndexError, TypeError, EOFError) as exc:
        # PIL reports damage with many exception types depending on the plugin.
        text = str(exc).lower()
        why = _("the image is truncated (an incomplete copy or download?)") if "truncated" in text else _("the image data is damaged")
        raise UnreadableImage(why, detail=f"{type(exc).__name__}: {exc}") from exc
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return DecodedImage(rgb, width, height, fmt)


def read_file(path: Path) -> bytes:
    """The whole file (photos are read once: hashed and decoded from memory), or UnreadableImage."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableImage(_("the file is too large to be a photo ({size})").format(size=format_size(size)))
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise UnreadableImage(_("this is a folder, not a file")) from exc
    except PermissionError as exc:
        raise UnreadableImage(_("permission denied: the file cannot be read"), transient=True) from exc
    except FileNotFoundError as exc:
        raise UnreadableImage(_("the file is gone (moved, or its drive unplugged?)"), transient=True) from exc
    except OSError as exc:
        raise UnreadableImage(_("the file cannot be read ({reason})").format(reason=exc.strerror or exc), transient=True) from exc


def _bomb_reason(width: int, height: int) -> str:
    return _("refused: {width}×{height} pixels ({megapixels} megapixels) would decode to more than the {limit}-megapixel limit"
             " (a decompression bomb, or a scan too large to index)").format(
        width=width, height=height, megapixels=f"{width * height / 1e6:.0f}", limit=f"{MAX_PIXELS / 1e6:.0f}")


def thumbnail_path(content_hash: str, thumbnails_dir: Path) -> Path:
    return thumbnails_dir / content_hash[:2] / f"{content_hash}.jpg"


def save_thumbnail(image: Image.Image, content_hash: str, thumbnails_dir: Path) -> Path:
    """Write (once) a JPEG at most THUMBNAIL_SIZE on its longer side; atomic, so concurrent writers are safe."""
    target = thumbnail_path(content_hash, thumbnails_dir)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), reducing_gap=2.0)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    small.save(tmp, "JPEG", quality=85, optimize=True)
    os.replace(tmp, target)
    return target
