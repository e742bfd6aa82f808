"""The model table that `models list` prints and the models window shows, and the changes both make to it by name.

One function builds the rows so the two front ends cannot disagree about what is installed, usable
or in use: the bundled 270M counts as available (it ships with the app and is assembled on first
use) before it has ever been assembled, as the status bar has always said. The changes (use, remove,
import and use) work on the settings of the context they are given and save them; the window hands
them a copy, so a worker never changes the settings the window is reading.

What `models measure` found for each model on this machine is kept beside the registry, in
`measured.json`, and each row carries its model's result: the file is written by the agents layer
(which runs the models) and read here, so the table needs no model loaded to show it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from desktop_app.core.models.locator import bundled_gguf_available
from desktop_app.core.models.registry import (
    InstalledModel,
    Manifest,
    ManifestModel,
    Registry,
    Role,
    import_model,
    installed_or_explain,
    load_manifest,
    model_roles,
    read_records,
    remove_model,
    roles_using,
    use_model,
    write_records,
)
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.settings import Settings

MEASURED_FILE = "measured.json"


class Measurement(BaseModel):
    """One model's run of the labelled request set on this machine, the model alone (no keyword parser)."""

    model_config = ConfigDict(frozen=True)

    name: str
    size_bytes: int
    instruction_tuned: bool  # has a chat template: only such a model can be the stylist
    requests: int
    exact: int  # answers whose items equal the ideal ones exactly
    accuracy_by_language: dict[str, float]
    p50_s: float  # one request, model only: prompt, decoding and parsing
    p95_s: float
    tokens_per_s: float  # answer tokens over decoding time, the prompt's evaluation not counted
    peak_rss_bytes: int | None  # the measuring child's high-water resident memory; None where the OS does not say
    load_s: float  # loading the file and the first answer (the few-shot prefix's evaluation)
    threads: int
    measured_at: str

    @property
    def accuracy(self) -> float:
        return self.exact / self.requests if self.requests else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**self.model_dump(), "accuracy": round(self.accuracy, 4)}


def measured_file(paths: AppPaths) -> Path:
    return paths.models_dir / MEASURED_FILE


def measurements(paths: AppPaths) -> dict[str, Measurement]:
    """The kept results by model name; none before the first `models measure`."""
    return read_records(measured_file(paths), Measurement, _("The kept model measurements {file} are damaged."),
                        _("Delete that file and run `fashion-assistant models measure` again."))


def record_measurement(paths: AppPaths, result: Measurement) -> None:
    """Replace this model's result and keep the others'."""
    kept = {**measurements(paths), result.name: result}
    # the registry's atomic write: a crash never loses the results already kept
    write_records(measured_file(paths), kept)


@dataclass(frozen=True)
class Listing:
    """What the manifest says about a model it knows: where it comes from, its licence, when to pick it."""

    repo: str | None
    revision: str
    licence: str
    licence_name: str
    licence_url: str
    licence_accepted: bool
    pick_when: str


@dataclass(frozen=True)
class ModelRow:
    """One line of the table; frozen, so a row a worker built is data the window reads, not state it shares."""

    name: str
    title: str
    roles: tuple[Role, ...]
    format: str
    source: str  # "hub" or "bundled" for a manifest model; the record's origin for one only this machine knows
    installed: bool  # recorded in installed.json
    available: bool  # usable without a download: installed, or the bundled model whose package ships with the app
    origin: str | None
    location: str | None
    size_bytes: int | None  # None: a hub model whose size the manifest does not give and nobody has downloaded
    verified: bool
    used_for: tuple[Role, ...]
    listing: Listing | None  # None for a model the manifest does not know (an import)
    measured: Measurement | None = None  # the last `models measure` of an available model on this machine

    def to_json(self) -> dict[str, Any]:
        """The shape `models list --json` has always printed: manifest fields only for manifest models, a measurement
        only for measured ones."""
        listing = {} if self.listing is None else {
            "repo": self.listing.repo, "revision": self.listing.revision, "licence": self.listing.licence,
            "licence_name": self.listing.licence_name, "licence_url": self.listing.licence_url,
            "licence_accepted": self.listing.licence_accepted, "pick_when": self.listing.pick_when,
        }
        return {
            "name": self.name, "title": self.title, "roles": list(self.roles), "format": self.format, "source": self.source,
            **listing, "installed": self.installed, "origin": self.origin, "location": self.location,
            "size_bytes": self.size_bytes, "verified": self.verified, "used_for": list(self.used_for),
            **({} if self.measured is None else {"measured": self.measured.to_json()}),
        }


def _listing(entry: ManifestModel, manifest: Manifest, settings: Settings) -> Listing:
    licence = manifest.licences[entry.licence]
    return Listing(
        repo=entry.repo, revision=entry.revision, licence=entry.licence, licence_name=licence.name, licence_url=licence.url,
        licence_accepted=not licence.requires_acceptance or entry.licence in settings.accepted_licences, pick_when=entry.pick_when,
    )


def _used_for(model: InstalledModel | None, bundled: bool, settings: Settings) -> list[Role]:
    if model is not None:
        return roles_using(model, settings)
    # the bundled model before its first use: no classifier chosen has always meant this one
    return ["classifier"] if bundled and settings.classifier_gguf is None else []


def _manifest_row(entry: ManifestModel, model: InstalledModel | None, manifest: Manifest, settings: Settings) -> ModelRow:
    bundled = entry.source == "bundled" and bundled_gguf_available()
    return ModelRow(
        name=entry.name, title=entry.title, roles=tuple(entry.roles), format=entry.format, source=entry.source,
        installed=model is not None, available=model is not None or bundled,
        origin=model.describe_origin() if model else None, location=model.location if model else None,
        size_bytes=model.size_bytes if model else entry.size_bytes, verified=bool(model and model.verified),
        used_for=tuple(_used_for(model, bundled, settings)), listing=_listing(entry, manifest, settings),
    )


def _machine_row(model: InstalledModel, manifest: Manifest, settings: Settings) -> ModelRow:
    return ModelRow(
        name=model.name, title=_("imported {format}").format(format=model.format), roles=tuple(model_roles(model, manifest)),
        format=model.format,
        source=model.origin, installed=True, available=True, origin=model.describe_origin(), location=model.location,
        size_bytes=model.size_bytes, verified=model.verified, used_for=tuple(roles_using(model, settings)), listing=None,
    )


def model_rows(context: AppContext) -> list[ModelRow]:
    """Every manifest model, then every installed one the manifest does not know. Reads files: not for the UI thread."""
    manifest = load_manifest()
    installed = Registry(context.paths).all()
    rows = [_manifest_row(entry, installed.get(entry.name), manifest, context.settings) for entry in manifest.models]
    rows += [_machine_row(model, manifest, context.settings) for model in installed.values() if manifest.find(model.name) is None]
    measured = measurements(context.paths)
    return [replace(row, measured=measured.get(row.name)) if row.available else row for row in rows]


def use_named(context: AppContext, name: str, role: Role) -> InstalledModel:
    """Make an installed (or the bundled) model the role's current one, and save the settings."""
    manifest = load_manifest()
    model = installed_or_explain(name, Registry(context.paths), manifest)
    use_model(model, role, context.settings, manifest)
    context.save_settings()
    return model


def remove_named(context: AppContext, name: str) -> tuple[InstalledModel, list[Role]]:
    """Delete a download or forget an import, save the settings; returns the model and the roles that went back to defaults."""
    registry = Registry(context.paths)
    model = installed_or_explain(name, registry, load_manifest())
    reset = remove_model(model, registry, context.settings)
    context.save_settings()
    return model, reset


def import_and_use(context: AppContext, path: Path, role: Role, name: str | None = None, *, progress: Progress = no_progress,
                   cancel: CancelToken | None = None) -> InstalledModel:
    """Validate, hash and record a model the user already has, make it the role's current one, and save the settings."""
    manifest = load_manifest()
    model = import_model(path, role, Registry(context.paths), manifest, name, progress=progress, cancel=cancel)
    use_model(model, role, context.settings, manifest)
    context.save_settings()
    return model
