"""BLIP-2 for the catalog and for search: finding the model on this machine, and its two towers, loaded apart.

Public API (the search engine imports it; keep these names and signatures stable):

- `resolve_blip2(spec, paths) -> ResolvedModel`: a local folder, or a hub id found in the local
  Hugging Face caches (`model_locator.hub_cache_dirs`). Never touches the network; a missing model
  raises `ModelMissingError` whose hint says how to get it.
- `model_identity(resolved) -> store.EmbeddingModel`: what the catalog records (read from config.json,
  no weights loaded).
- `pixel_spec(resolved) -> PixelSpec`, `image_to_pixels(image, spec)`, `to_pixels(images, spec)`:
  decoded RGB PIL images -> the model's float32 pixel tensor (N, 3, H, W). We resize with PIL
  ourselves: without torchvision the BLIP image processor takes a slow path, and the catalog
  decodes JPEGs in draft mode near the input size anyway (see core/catalog/imaging.py).
- `VisionEncoder(resolved, precision="fp32", device="auto")`: only `Blip2VisionModelWithProjection`
  (indexing and photo queries never need the text weights); `.encode(pixels) -> (N, 32, D)` float32,
  each query vector L2-normalised. `precision="int8"` quantises the linear layers dynamically (CPU only).
- `TextEncoder(resolved, device="auto")`: only `Blip2TextModelWithProjection` (about a tenth of the
  weights); `.encode(texts) -> (N, D)` float32, the normalised [CLS] vector, which is what BLIP-2's
  image-text similarity compares against each of the 32 query vectors.
- `load_tokenizer(resolved)`: the model's tokenizer through `tokenizers` alone (core/embedding/tokenizer.py),
  shared by this text tower and the prepared ONNX one.

torch and transformers are imported inside the torch towers only: finding the model, reading its
JSON files, pixels and tokens need neither, so a search on prepared towers never imports them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from desktop_app.core.models.locator import find_blip2
from desktop_app.core.platform.errors import Fix, ModelMissingError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.store.catalog_store import EmbeddingModel

if TYPE_CHECKING:
    from PIL import Image

    from desktop_app.core.embedding.tokenizer import QueryTokenizer

log = logging.getLogger(__name__)

Precision = Literal["fp32", "int8"]
WEIGHT_SUFFIXES = (".safetensors", ".bin")
# OpenAI CLIP statistics: what BLIP-2 was trained with, used when a folder carries no processor config.
_DEFAULT_MEAN = (0.48145466, 0.4578275, 0.40821073)
_DEFAULT_STD = (0.26862954, 0.26130258, 0.27577711)
_FINGERPRINT_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class ResolvedModel:
    spec: str  # what the catalog records: the hub id, or the folder's absolute path
    folder: Path  # where the files are (a hub snapshot folder or the local folder)
    revision: str  # hub commit, or a content fingerprint of a local folder
    source: str  # "hub cache" or "local folder"


@dataclass(frozen=True)
class PixelSpec:
    height: int
    width: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    resample: int  # a PIL resampling filter; BLIP uses bicubic


def _weight_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))


def _download_hint(spec: str) -> str:
    return _("Download it with `fashion-assistant models download {spec}`, or give a local folder with --blip2 FOLDER.").format(spec=spec)


def _looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "~", "/", "\\")) or os.path.isabs(spec) or spec.count("/") > 1 or "\\" in spec


def folder_fingerprint(folder: Path) -> str:
    """A cheap content fingerprint: config.json plus, per weight file, its size and three 64 KiB samples.

    Sizes alone cannot tell two trainings of one architecture apart, and mtimes change when a folder
    is copied; sampling a few hundred KiB reads almost nothing of a 4 GB model yet differs for any
    other set of weights.
    """
    digest = hashlib.sha256((folder / "config.json").read_bytes())
    for weights in _weight_files(folder):
        size = weights.stat().st_size
        digest.update(f"{weights.name}:{size}".encode())
        with weights.open("rb") as handle:
            for offset in sorted({0, max(0, size // 2 - _FINGERPRINT_SAMPLE // 2), max(0, size - _FINGERPRINT_SAMPLE)}):
                handle.seek(offset)
                digest.update(handle.read(_FINGERPRINT_SAMPLE))
    return "local-" + digest.hexdigest()[:32]


def resolve_blip2(spec: str, paths: AppPaths, revision: str | None = None) -> ResolvedModel:
    """Where `spec` lives on this machine, without any network access.

    For a hub id, `revision` (a commit a catalog recorded) picks that snapshot when it is still
    cached, so updating the cache does not orphan an existing catalog.
    """
    status = find_blip2(spec, paths)
    if not status.found or status.location is None:
        if Path(spec).expanduser().is_dir():
            raise ModelMissingError(status.hint, fix=Fix.MODELS)
        if _looks_like_path(spec):
            raise ModelMissingError(_("The BLIP-2 model folder {spec} does not exist.").format(spec=spec),
                                    _("Check the path given with --blip2."), fix=Fix.MODELS)
        raise ModelMissingError(_("The BLIP-2 model {spec} is not on this machine (not in the local model cache).").format(spec=spec),
                                _download_hint(spec), fix=Fix.MODELS)
    folder = Path(status.location)
    if not _weight_files(folder):
        raise ModelMissingError(
            _("The BLIP-2 model {spec} is incomplete: {folder} has a config.json but no weight files.").format(spec=spec, folder=folder),
            _download_hint(spec), fix=Fix.MODELS,
        )
    if status.source != "hub cache":  # a local folder, or one the model manager downloaded or imported
        spec = str(folder) if status.source == "local folder" else spec
        return ResolvedModel(spec, folder, folder_fingerprint(folder), status.source)
    pinned = folder.parent / revision if revision else folder
    if pinned != folder and (pinned / "config.json").is_file() and _weight_files(pinned):
        folder = pinned
    return ResolvedModel(spec, folder, folder.name, status.source)  # a hub snapshot folder is named by its commit


def read_json(path: Path) -> dict[str, Any]:
    """One of a model folder's JSON files, {} where the folder lacks it (the defaults then apply)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def model_identity(resolved: ResolvedModel) -> EmbeddingModel:
    config = read_json(resolved.folder / "config.json")
    return EmbeddingModel(
        spec=resolved.spec,
        revision=resolved.revision,
        dim=int(config.get("image_text_hidden_size", 256)),
        num_queries=int(config.get("num_query_tokens", 32)),
    )


def pixel_spec(resolved: ResolvedModel) -> PixelSpec:
    """The input size and statistics from the processor config (old or new layout), else the model's defaults."""
    processor = read_json(resolved.folder / "preprocessor_config.json")
    if not processor:
        processor = read_json(resolved.folder / "processor_config.json").get("image_processor", {})
    image_size = int(read_json(resolved.folder / "config.json").get("vision_config", {}).get("image_size", 224))
    size = processor.get("size") or {}
    return PixelSpec(
        height=int(size.get("height", size.get("shortest_edge", image_size))),
        width=int(size.get("width", size.get("shortest_edge", image_size))),
        mean=tuple(processor.get("image_mean", _DEFAULT_MEAN)),  # type: ignore[arg-type]
        std=tuple(processor.get("image_std", _DEFAULT_STD)),  # type: ignore[arg-type]
        resample=int(processor.get("resample", 3)),
    )


def image_to_pixels(image: Image.Image, spec: PixelSpec) -> np.ndarray:
    """One RGB image -> (3, H, W) float32, resized and normalised as the BLIP processor does."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    if image.size != (spec.width, spec.height):
        image = image.resize((spec.width, spec.height), resample=spec.resample, reducing_gap=3.0)
    array = np.asarray(image, dtype=np.float32) * np.float32(1.0 / 255.0)
    array = (array - np.asarray(spec.mean, dtype=np.float32)) / np.asarray(spec.std, dtype=np.float32)
    return np.ascontiguousarray(array.transpose(2, 0, 1))


def to_pixels(images: Sequence[Image.Image], spec: PixelSpec) -> np.ndarray:
    """RGB images -> (N, 3, H, W) float32 for `VisionEncoder.encode`."""
    return np.stack([image_to_pixels(image, spec) for image in images])


AGREEMENT_THRESHOLD = 0.99  # an int8 encoder is used only when its vectors agree with fp32 at least this closely


def agreement(reference: np.ndarray, candidate: np.ndarray) -> tuple[float, float]:
    """How closely two encodings of the same photos agree: (the worst photo's mean query-vector cosine, the worst single cosine).

    Both inputs are (N, 32, D) and already normalised; the first figure is what the 0.99 rule judges.
    """
    cosines = (reference * candidate).sum(axis=-1)
    return float(cosines.mean(axis=-1).min()), float(cosines.min())


def pick_device(requested: str = "auto") -> str:
    import torch

    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def configure_threads(threads: int | None) -> int:
    """Give torch every core unless told otherwise; decoding overlaps in threads that mostly wait on PIL (no GIL)."""
    import torch

    count = threads or os.cpu_count() or 1
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count


def _load(cls_name: str, resolved: ResolvedModel) -> Any:
    import torch
    import transformers
    from transformers.utils import logging as hf_logging

    cls = getattr(transformers, cls_name)
    # Loading one tower from the ITM checkpoint reports the other tower's weights as "unexpected": that is the point.
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        return cls.from_pretrained(resolved.folder, local_files_only=True, dtype=torch.float32).eval()
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelMissingError(
            _("The BLIP-2 model at {folder} could not be loaded.").format(folder=resolved.folder),
            _("Its files may be incomplete or damaged: download it again (`fashion-assistant models download {spec}`)"
              " or choose another folder with --blip2.").format(spec=resolved.spec),
            f"{type(exc).__name__}: {exc}", fix=Fix.MODELS,
        ) from exc
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


class VisionEncoder:
    """The vision tower plus Q-Former: pixels -> 32 normalised query vectors per image."""

    def __init__(self, resolved: ResolvedModel, precision: Precision = "fp32", device: str = "auto", threads: int | None = None) -> None:

        configure_threads(threads)
        self.resolved = resolved
        self.identity = model_identity(resolved)
        self.pixel_spec = pixel_spec(resolved)
        self.device = pick_device(device)
        self.precision: Precision = "fp32"
        self.model = _load("Blip2VisionModelWithProjection", resolved).to(self.device)
        if precision == "int8":
            self.quantize_int8()

    def quantize_int8(self) -> None:
        """Dynamic int8 for every Linear layer, in place so a 4 GB model is never held twice; CPU only."""
        import warnings

        import torch
        from torch.ao.quantization import quantize_dynamic

        if self.device != "cpu":
            log.info("int8 dynamic quantisation runs on the CPU only; keeping fp32 on %s", self.device)
            return
        # The output projection stays float: transformers reads `vision_projection.weight.dtype`,
        # which a quantised Linear lacks, and it is a sliver of the compute.
        projection = self.model.vision_projection
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # torch.ao points at torchao, which we do not ship
            warnings.simplefilter("ignore", UserWarning)
            quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        self.model.vision_projection = projection
        self.precision = "int8"

    def encode(self, pixels: np.ndarray) -> np.ndarray:
        """(N, 3, H, W) float32 pixels -> (N, num_queries, dim) float32, each query vector of unit length."""
        import torch

        with torch.inference_mode():
            batch = torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float32)).to(self.device)
            embeds = self.model(pixel_values=batch).image_embeds.float()
            embeds = torch.nn.functional.normalize(embeds, dim=-1)
            return embeds.cpu().numpy()


def load_tokenizer(resolved: ResolvedModel) -> QueryTokenizer:
    """The model's own tokenizer, from its folder only."""
    from desktop_app.core.embedding.tokenizer import QueryTokenizer  # not at the top: it reads its JSON with read_json from here

    try:
        return QueryTokenizer.from_folder(resolved.folder)
    except (OSError, ValueError) as exc:
        raise ModelMissingError(
            _("The BLIP-2 model {spec} has no usable tokenizer in {folder}.").format(spec=resolved.spec, folder=resolved.folder),
            _download_hint(resolved.spec), str(exc), fix=Fix.MODELS,
        ) from exc


class TextEncoder:
    """The Q-Former text side: texts -> one normalised [CLS] vector each, comparable with the query vectors."""

    def __init__(self, resolved: ResolvedModel, device: str = "auto", threads: int | None = None) -> None:
        configure_threads(threads)
        self.resolved = resolved
        self.identity = model_identity(resolved)
        self.device = pick_device(device)
        self.tokenizer = load_tokenizer(resolved)
        self.model = _load("Blip2TextModelWithProjection", resolved).to(self.device)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), self.identity.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                chunk = list(texts[start : start + batch_size])
                tokens = {name: torch.from_numpy(array).to(self.device) for name, array in self.tokenizer(chunk).items()}
                embeds = self.model(**tokens).text_embeds[:, 0, :]
                out[start : start + len(chunk)] = torch.nn.functional.normalize(embeds.float(), dim=-1).cpu().numpy()
        return out
