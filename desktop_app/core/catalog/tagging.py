"""Category and colour tags: from folder names when they say it, else zero-shot from BLIP-2 text prompts.

Boutiques already sort photos into folders like `Tees/` or `sweaters/`, and that beats any model,
so a folder that names a category (or colour) wins; the zero-shot tag fills the rest. Zero-shot
scores follow BLIP-2's image-text similarity: the maximum, over an image's 32 query vectors, of the
cosine with a prompt's [CLS] vector. Label vectors depend only on the model and the vocabulary's
prompts (the shop's own categories included), so they are computed once per model and vocabulary
(loading the small text tower briefly) and cached on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.core.catalog.vocabulary import DEFAULT, Vocabulary

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import ResolvedModel

log = logging.getLogger(__name__)

_LABEL_CACHE_VERSION = 1


def category_prompt(category: str, vocab: Vocabulary = DEFAULT) -> str:
    return f"a photo of {vocab.category_phrase(category)}"


def color_prompt(color: str) -> str:
    word = "multicoloured" if color == "multicolour" else color
    return f"a photo of a {word} piece of clothing"


@dataclass(frozen=True)
class Tag:
    kind: str  # "category" or "color"
    value: str
    source: str  # "folder", "auto" or "user"
    score: float | None


@dataclass(frozen=True)
class LabelVectors:
    categories: list[str]
    category_vectors: np.ndarray  # (C, D), normalised
    colors: list[str]
    color_vectors: np.ndarray  # (K, D), normalised

    def zero_shot(self, query_vectors: np.ndarray) -> tuple[Tag, Tag]:
        """(32, D) normalised query vectors -> the best category and colour, each scored by max-over-queries cosine."""
        return (_best("category", self.categories, self.category_vectors, query_vectors),
                _best("color", self.colors, self.color_vectors, query_vectors))


def _best(kind: str, labels: list[str], label_vectors: np.ndarray, query_vectors: np.ndarray) -> Tag:
    scores = (np.asarray(query_vectors, dtype=np.float32) @ label_vectors.T).max(axis=0)
    best = int(np.argmax(scores))
    return Tag(kind, labels[best], "auto", float(scores[best]))


def folder_tags(path: str | os.PathLike[str], root: str | os.PathLike[str], vocab: Vocabulary = DEFAULT) -> list[Tag]:
    """Category and colour named by the nearest folder between the file and its root (the root included), in the
    shop's words (a folder `Bufandas/` names the shop's scarf category)."""
    relative = Path(path).relative_to(root)
    folders = [*reversed(relative.parent.parts), Path(root).name]
    found: dict[str, Tag] = {}
    for name in folders:
        category = vocab.category_for_word(name)
        if category and "category" not in found:
            found["category"] = Tag("category", category, "folder", None)
        color = vocab.color_for_word(name)
        if color and "color" not in found:
            found["color"] = Tag("color", color, "folder", None)
    return list(found.values())


def vocabulary_prompts(vocab: Vocabulary = DEFAULT) -> list[str]:
    """Every category prompt (the shop's after the built-in ones), then every colour prompt, in vocabulary order."""
    return [category_prompt(c, vocab) for c in vocab.categories] + [color_prompt(c) for c in vocab.colors]


def _cache_key(resolved: ResolvedModel, vocab: Vocabulary) -> str:
    payload = json.dumps([_LABEL_CACHE_VERSION, resolved.spec, resolved.revision, vocabulary_prompts(vocab)])
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _cache_file(resolved: ResolvedModel, cache_dir: Path, vocab: Vocabulary) -> Path:
    """Keyed by the prompts themselves: a category added (or a phrase changed) makes a new file, computed once."""
    return cache_dir / "label-vectors" / f"{_cache_key(resolved, vocab)}.npz"


def cached_label_vectors(resolved: ResolvedModel, cache_dir: Path, vocab: Vocabulary = DEFAULT) -> LabelVectors | None:
    """The vocabulary's prompt vectors for this model when an earlier run computed them, else None."""
    cache = _cache_file(resolved, cache_dir, vocab)
    if not cache.is_file():
        return None
    try:
        with np.load(cache) as saved:
            found = LabelVectors(vocab.categories, saved["categories"], list(vocab.colors), saved["colors"])
    except (OSError, ValueError, KeyError):
        log.warning("Label vector cache %s is unreadable; recomputing", cache)
        return None
    if len(found.category_vectors) != len(found.categories) or len(found.color_vectors) != len(found.colors):
        log.warning("Label vector cache %s does not match its vocabulary; recomputing", cache)
        return None
    return found


def label_vectors(resolved: ResolvedModel, cache_dir: Path, vocab: Vocabulary = DEFAULT) -> LabelVectors:
    """The vocabulary's prompt vectors for this model, from the cache or computed once with the text tower."""
    found = cached_label_vectors(resolved, cache_dir, vocab)
    if found is not None:
        return found
    from desktop_app.core.embedding.blip2 import TextEncoder

    categories, colors = vocab.categories, list(vocab.colors)
    cache = _cache_file(resolved, cache_dir, vocab)

    encoder = TextEncoder(resolved)
    vectors = encoder.encode(vocabulary_prompts(vocab))
    del encoder  # the text tower is not needed again while indexing; free it before the vision tower loads
    result = LabelVectors(categories, vectors[: len(categories)], colors, vectors[len(categories) :])
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(f".{cache.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, categories=result.category_vectors, colors=result.color_vectors)
    os.replace(tmp, cache)
    return result


def decide(folder: list[Tag], auto: tuple[Tag, Tag] | None, corrections: dict[str, str]) -> list[Tag]:
    """Per kind: the user's correction, else the folder's word, else the zero-shot guess."""
    chosen: dict[str, Tag] = {}
    for tag in [*(auto or ()), *folder]:
        chosen[tag.kind] = tag
    for kind, value in corrections.items():
        chosen[kind] = Tag(kind, value, "user", None)
    return list(chosen.values())
