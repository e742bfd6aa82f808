"""Downloading a manifest model once: resumable across calls, quits and crashes, and checked byte for byte.

huggingface-hub 2.4.0 checks only sizes and deletes its partial file when a call fails, so it is
used here only for what it knows about the hub: the shape of `model_info(files_metadata=True)` (the
commit, each file's size and LFS sha256 or git blob id), URLs (`hf_hub_url`), headers and its error
types. The requests go through the download's own HTTP client, inside `offline.network_allowed_for`
the hub's hosts: the hub's shared session refuses everything while the app is offline, and must keep
doing so for every other thread. Bytes arrive with Range requests into
`models/.partial/<name>/<file>.partial`, next to a small JSON note of what that partial file must
become; a later call hashes what is there and asks for the rest. A file moves to
`models/<name>/<commit>/` only once its checksum matches, so an installed file is always a verified one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit
from urllib.request import getproxies_environment

from desktop_app.core.models.registry import (
    ChecksumMismatchError,
    FileRecord,
    InstalledModel,
    Manifest,
    ManifestModel,
    Registry,
    Role,
    TrustRecord,
    TrustStore,
    adopt_if_unset,
    install_bundled,
    matches,
    now_iso,
    require_licence,
    validate_blip2_folder,
    validate_gguf,
)
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import StorageError, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.settings import Settings
from desktop_app.core.platform.units import format_size

if TYPE_CHECKING:
    import httpx2
    from huggingface_hub.hf_api import ModelInfo

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
HUB_HOSTS = ("huggingface.co", "hf.co")  # the API, and the CDN and Xet bridge that file downloads redirect to
DISK_MARGIN = 256 * 1024 * 1024  # room left for the catalog, logs and the OS after the download
_CHUNK = 1024 * 1024
_READ_TIMEOUT = 60.0


class NetworkError(UserError):
    """The hub could not be reached, or the transfer broke off; what arrived is kept for the next try."""


class NotEnoughDiskError(StorageError):
    """The download would not fit on the disk."""


@dataclass(frozen=True)
class RemoteFile:
    path: str
    url: str
    size: int
    digest: str  # hex
    algorithm: str  # "sha256", or "git-sha1" (a small file's git blob id, the only checksum the hub keeps for it)
    checksum_source: str  # "manifest" or "hub"


@dataclass(frozen=True)
class DownloadPlan:
    entry: ManifestModel
    commit: str
    files: tuple[RemoteFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def hub_endpoint(endpoint: str | None = None) -> str:
    """Read at call time: huggingface-hub reads HF_ENDPOINT once, at import, which is too early for a test's fake hub."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def download_hosts(endpoint: str) -> tuple[str, ...]:
    """The names a download may look up: its hub, the hub's file hosts, and a proxy the environment routes it through."""
    proxies = [urlsplit(url).hostname for scheme, url in getproxies_environment().items() if scheme != "no"]
    return tuple(host for host in (urlsplit(endpoint).hostname, *HUB_HOSTS, *proxies) if host)


@contextmanager
def download_session(endpoint: str) -> Iterator[httpx2.Client]:
    """The download's own HTTP client, allowed out to the hub's hosts while it runs; the rest of the process stays offline."""
    import httpx2

    with offline.network_allowed_for(download_hosts(endpoint)), httpx2.Client(follow_redirects=True) as session:
        yield session


def _refuse_if_user_chose_offline() -> None:
    if offline.user_chose_hub_offline():
        raise NetworkError(
            _("huggingface-hub is in offline mode, so nothing can be downloaded."),
            _("Unset HF_HUB_OFFLINE (and TRANSFORMERS_OFFLINE) in your environment for `models download`."),
        )


def _hub_failure(exc: Exception, repo: str) -> UserError:
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):
        return NetworkError(
            _("The hub only gives {repo} to logged-in users who accepted its terms there.").format(repo=repo),
            _("Accept them on huggingface.co, log in with `hf auth login`, and try again."), str(exc),
        )
    if isinstance(exc, (RepositoryNotFoundError, RevisionNotFoundError)):
        return NetworkError(_("The hub has no {repo} at the manifest's revision.").format(repo=repo),
                            _("The manifest may be out of date; report it."), str(exc))
    return NetworkError(_("The model hub could not be reached."), _("Check the internet connection and run the download again."), str(exc))


def _model_info(session: httpx2.Client, repo: str, revision: str, endpoint: str) -> ModelInfo:
    """`HfApi.model_info(files_metadata=True)`, asked through the download's session instead of the hub's offline one."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.hf_api import ModelInfo
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

    url = f"{endpoint}/api/models/{repo}/revision/{quote(revision, safe='')}"
    try:
        response = session.get(url, params={"blobs": True}, headers=build_hf_headers(), timeout=_READ_TIMEOUT)
        hf_raise_for_status(response)
    except (HfHubHTTPError, httpx2.TransportError, ConnectionError) as exc:
        raise _hub_failure(exc, repo) from exc
    return ModelInfo(**response.json())


def plan_download(entry: ManifestModel, session: httpx2.Client, endpoint: str, trusted: TrustRecord | None = None) -> DownloadPlan:
    """Which files to fetch, at which commit, with which checksums: the manifest's where known, the hub's otherwise.

    After a first download (`trusted`), the same commit is asked for again and must be what the hub serves.
    """
    from huggingface_hub import hf_hub_url

    assert entry.repo is not None
    info = _model_info(session, entry.repo, trusted.commit if trusted else entry.revision, endpoint)
    commit = info.sha or entry.revision
    if trusted is not None and commit != trusted.commit:
        raise _changed_since_first_download(entry, trusted, _("the hub now serves commit {commit}, not {first}").format(
            commit=commit, first=trusted.commit))
    files: list[RemoteFile] = []
    for sibling in info.siblings or []:
        if not matches(entry, sibling.rfilename):
            continue
        known = entry.sha256.get(sibling.rfilename)
        hub_sha = sibling.lfs.sha256 if sibling.lfs else None
        size = sibling.lfs.size if sibling.lfs else sibling.size
        if known and hub_sha and known != hub_sha:
            raise ChecksumMismatchError(
                _("The hub's {file} in {repo} is not the file this app's manifest names.").format(file=sibling.rfilename, repo=entry.repo),
                _("Nothing was downloaded. The repo may have changed; report it so the manifest can be updated."),
                f"manifest {known}, hub {hub_sha}",
            )
        if known or hub_sha:
            digest, algorithm, source = (known or hub_sha or ""), "sha256", "manifest" if known else "hub"
        elif sibling.blob_id:
            digest, algorithm, source = sibling.blob_id, "git-sha1", "hub"
        else:
            raise UserError(_("The hub gave no checksum for {file}.").format(file=sibling.rfilename),
                            _("It cannot be verified, so it is not downloaded."))
        if size is None:
            raise UserError(_("The hub gave no size for {file}.").format(file=sibling.rfilename), _("Try again later."))
        url = hf_hub_url(entry.repo, sibling.rfilename, revision=commit, endpoint=endpoint)
        files.append(RemoteFile(sibling.rfilename, url, size, digest, algorithm, source))
    _require_named_files(entry, {f.path for f in files})
    return DownloadPlan(entry, commit, tuple(files))


def _changed_since_first_download(entry: ManifestModel, trusted: TrustRecord, what: str) -> ChecksumMismatchError:
    return ChecksumMismatchError(
        _("{repo} is not what this machine first downloaded on {date}: {what}.").format(
            repo=entry.repo, date=trusted.first_downloaded[:10], what=what),
        _("Nothing was installed. If its publisher changed it on purpose, download it again with --trust-new"
          " (`fashion-assistant models download {name} --trust-new`).").format(name=entry.name),
    )


def _hold_to_first_download(entry: ManifestModel, trusted: TrustRecord | None, records: dict[str, FileRecord]) -> None:
    changed = [path for path, record in records.items() if trusted and path in trusted.files and trusted.files[path] != record.sha256]
    if trusted is not None and changed:
        raise _changed_since_first_download(entry, trusted, _("{files} differ").format(files=", ".join(sorted(changed))))


def _require_named_files(entry: ManifestModel, names: set[str]) -> None:
    """A file the manifest names (not a pattern) must be there, and a BLIP-2 folder needs its config and weights."""
    missing = [p for p in entry.files if not any(c in p for c in "*?[") and p not in names]
    if entry.format == "blip2":
        if "config.json" not in names:
            missing.append("config.json")
        if not any(n.endswith((".safetensors", ".bin")) for n in names):
            missing.append(_("weights (.safetensors or .bin)"))
    if missing:
        raise UserError(_("{repo} has no {files}.").format(repo=entry.repo, files=", ".join(missing)),
                        _("Nothing was downloaded. The manifest may be out of date; report it."))


class _Meter:
    """Speed over the last few seconds (not since the start, which a resume or a stall would distort) and the ETA."""

    def __init__(self, progress: Progress, total: int, done: int) -> None:
        self.progress, self.total, self.done = progress, total, done
        self.samples: deque[tuple[float, int]] = deque([(time.monotonic(), done)])
        self.last_report = 0.0

    def add(self, n: int, name: str, force: bool = False) -> None:
        self.done += n
        now = time.monotonic()
        if not force and now - self.last_report < 0.1:
            return
        self.last_report = now
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[0][0] > 5.0:
            self.samples.popleft()
        elapsed = now - self.samples[0][0]
        speed = (self.done - self.samples[0][1]) / elapsed if elapsed > 0 else 0.0
        sizes = dict(name=name, done=format_size(self.done), total=format_size(self.total), speed=format_size(speed))
        if speed > 0:
            text = _("{name}: {done} of {total}, {speed}/s, ETA {eta}").format(eta=_duration((self.total - self.done) / speed), **sizes)
        else:
            text = _("{name}: {done} of {total}, {speed}/s").format(**sizes)
        self.progress(self.done, self.total, text)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _new_digest(remote: RemoteFile) -> hashlib._Hash:
    if remote.algorithm == "git-sha1":
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % remote.size)
        return digest
    return hashlib.sha256()


class _Staging:
    """The partial file and its note for one remote file; the note stops a resume from splicing two versions."""

    def __init__(self, root: Path, remote: RemoteFile) -> None:
        self.remote = remote
        self.partial = root / (remote.path + ".partial")
        self.note = root / (remote.path + ".partial.json")

    def resumable_bytes(self) -> int:
        expected = {"size": self.remote.size, "digest": self.remote.digest}
        try:
            same = json.loads(self.note.read_text(encoding="utf-8")) == expected
        except (OSError, ValueError):
            same = False
        size = self.partial.stat().st_size if self.partial.is_file() else 0
        if not same or size > self.remote.size:
            self.discard()
            self.partial.parent.mkdir(parents=True, exist_ok=True)
            self.note.write_text(json.dumps(expected), encoding="utf-8")
            return 0
        return size

    def discard(self) -> None:
        self.partial.unlink(missing_ok=True)
        self.note.unlink(missing_ok=True)


def _free_bytes(folder: Path) -> int:
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free


def check_disk(plan: DownloadPlan, paths: AppPaths, already: int) -> None:
    """Before the first byte: a download that fills the disk halfway helps nobody, and a full disk breaks the catalog too."""
    needed = plan.size - already + DISK_MARGIN
    free = _free_bytes(paths.models_dir)
    if free < needed:
        raise NotEnoughDiskError(
            _("{model} needs {needed} of free disk space (download plus a margin); {free} is free.").format(
                model=plan.entry.title, needed=format_size(needed), free=format_size(free)),
            _("Free some space on the disk that holds {folder}, or move the data folder with --data-dir.").format(folder=paths.models_dir),
        )


@dataclass
class _Cursor:
    """How far one file's partial copy goes and the running checksum of its bytes; outlives a broken transfer."""

    remote: RemoteFile
    offset: int = 0
    received: int = 0  # bytes that arrived in this call, so a retry knows whether the last attempt got anywhere
    digest: Any = field(init=False)

    def __post_init__(self) -> None:
        self.digest = _new_digest(self.remote)

    def restart(self) -> None:
        self.offset, self.digest = 0, _new_digest(self.remote)


def _resume(remote: RemoteFile, staging: _Staging, cancel: CancelToken) -> _Cursor:
    """What a partial file already holds counts once its bytes are hashed again; its note vouches for its version."""
    cursor = _Cursor(remote, offset=staging.resumable_bytes())
    if cursor.offset:
        log.info("Resuming %s at %d of %d bytes", remote.path, cursor.offset, remote.size)
        with staging.partial.open("rb") as handle:
            while block := handle.read(_CHUNK):
                cancel.check()
                cursor.digest.update(block)
    return cursor


def _write_blocks(blocks: Iterator[bytes], staging: _Staging, cursor: _Cursor, meter: _Meter, cancel: CancelToken) -> None:
    with staging.partial.open("r+b" if staging.partial.exists() else "wb") as handle:
        handle.seek(cursor.offset)
        handle.truncate()
        for block in blocks:  # as it arrives: a sized chunker loses its buffer when the line drops
            cancel.check()
            handle.write(block)
            cursor.digest.update(block)
            cursor.offset += len(block)
            cursor.received += len(block)
            meter.add(len(block), cursor.remote.path)


def _transfer(session: httpx2.Client, staging: _Staging, cursor: _Cursor, meter: _Meter, cancel: CancelToken) -> None:
    """One GET from the cursor on. The hub's refusals and a full disk become user errors; a broken line is the caller's to retry."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

    remote = cursor.remote
    headers = build_hf_headers()
    headers["Accept-Encoding"] = "identity"  # Range offsets must count the file's bytes, not gzip's
    if cursor.offset:
        headers["Range"] = f"bytes={cursor.offset}-"
    try:
        with session.stream("GET", remote.url, headers=headers, timeout=httpx2.Timeout(_READ_TIMEOUT, connect=30.0)) as response:
            hf_raise_for_status(response)
            if cursor.offset and response.status_code != 206:  # the server ignored Range: start again
                meter.add(-cursor.offset, remote.path)
                cursor.restart()
            _write_blocks(response.iter_bytes(), staging, cursor, meter, cancel)
    except HfHubHTTPError as exc:  # before OSError: these are OSErrors too
        raise _hub_failure(exc, remote.url) from exc
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise StorageError(
            _("The disk filled up while downloading {file}.").format(file=remote.path),
            _("Free some space and run the download again: it continues from where it stopped."), str(exc),
        ) from exc
    if cursor.offset < remote.size:
        raise httpx2.RemoteProtocolError(f"the server closed the transfer at {cursor.offset} of {remote.size} bytes")


def _install(staging: _Staging, cursor: _Cursor, target: Path) -> None:
    """Only bytes whose checksum matches become the installed file; damaged ones are deleted, not resumed."""
    remote = cursor.remote
    if cursor.offset > remote.size or cursor.digest.hexdigest() != remote.digest:
        staging.discard()
        raise ChecksumMismatchError(
            _("{file} arrived damaged: its checksum does not match the {source}'s.").format(file=remote.path,
                                                                                            source=remote.checksum_source),
            _("The damaged copy was deleted; run the download again."),
            f"expected {remote.algorithm} {remote.digest}, got {cursor.digest.hexdigest()} ({cursor.offset} bytes)",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging.partial, target)
    staging.note.unlink(missing_ok=True)


def fetch_file(session: httpx2.Client, remote: RemoteFile, staging: _Staging, target: Path, meter: _Meter,
               cancel: CancelToken, retries: int) -> None:
    """Range-download into the partial file, retrying broken transfers from where they stopped; verify; move into place.

    `retries` counts failures in a row: an attempt that brought bytes starts the count again.
    """
    import httpx2

    cursor = _resume(remote, staging, cancel)
    failures = 0
    while cursor.offset < remote.size:
        cancel.check()
        received = cursor.received
        try:
            _transfer(session, staging, cursor, meter, cancel)
        except (httpx2.TransportError, ConnectionError) as exc:
            failures = 1 if cursor.received > received else failures + 1
            if failures > retries:
                raise NetworkError(
                    _("The download of {file} broke off at {done} of {total}.").format(
                        file=remote.path, done=format_size(cursor.offset), total=format_size(remote.size)),
                    _("Run the same download again: it continues from there."), str(exc),
                ) from exc
            log.warning("Transfer of %s broke off at %d bytes (%s); retrying", remote.path, cursor.offset, exc)
            time.sleep(min(0.5 * 2.0 ** (failures - 1), 30.0))
    _install(staging, cursor, target)


def _fetch_plan(session: httpx2.Client, plan: DownloadPlan, paths: AppPaths, progress: Progress, cancel: CancelToken,
                retries: int) -> dict[str, FileRecord]:
    """Every file of the plan into `models/<name>/<commit>/`, after the disk check; what is already there is kept."""
    staging_root = paths.models_dir / ".partial" / plan.entry.name
    final_root = paths.models_dir / plan.entry.name / plan.commit
    done = sum((final_root / f.path).stat().st_size for f in plan.files if (final_root / f.path).is_file())
    stagings = {f.path: _Staging(staging_root, f) for f in plan.files}
    done += sum(s.partial.stat().st_size for s in stagings.values() if s.partial.is_file())
    check_disk(plan, paths, already=done)
    meter = _Meter(progress, plan.size, done)
    records: dict[str, FileRecord] = {}
    for remote in plan.files:
        target = final_root / remote.path
        if not target.is_file():
            fetch_file(session, remote, stagings[remote.path], target, meter, cancel, retries)
        elif target.stat().st_size != remote.size:
            raise ChecksumMismatchError(
                _("{file} is not the file the hub has.").format(file=target),
                _("Remove it with `fashion-assistant models remove {name}`.").format(name=plan.entry.name),
            )
        records[remote.path] = FileRecord(size=remote.size, sha256=_sha256_of(target, remote))
    meter.add(0, plan.entry.name, force=True)
    return records


def _validated_location(plan: DownloadPlan, final_root: Path) -> Path:
    """What loaders will be given, checked the way an import is; a download that is no usable model is deleted."""
    entry = plan.entry
    location = final_root if entry.format == "blip2" else final_root / plan.files[0].path
    try:
        if entry.format == "blip2":
            validate_blip2_folder(location)
        else:
            validate_gguf(location, architecture=entry.architecture)
    except UserError:
        shutil.rmtree(final_root, ignore_errors=True)
        raise
    return location


def download_model(entry: ManifestModel, manifest: Manifest, paths: AppPaths, settings: Settings, *,
                   endpoint: str | None = None, progress: Progress = no_progress, cancel: CancelToken | None = None,
                   retries: int = 3, trust_new: bool = False) -> InstalledModel:
    """Fetch, verify and record one manifest model; a model already installed and verified is not fetched again.

    Trust on first use: the first download's commit and sha256s are recorded, and a later one (after a
    removal, or on another mirror) must match them unless `trust_new`.
    """
    cancel = cancel or CancelToken()
    registry = Registry(paths)
    if entry.source == "bundled":
        return install_bundled(registry)
    existing = registry.get(entry.name)
    if existing is not None and existing.verified and all((existing.folder / f).is_file() for f in existing.files):
        return existing
    require_licence(entry, manifest, settings)
    _refuse_if_user_chose_offline()
    endpoint = hub_endpoint(endpoint)
    trust = TrustStore(paths)
    trusted = None if trust_new else trust.get(entry.name)
    with download_session(endpoint) as session:
        plan = plan_download(entry, session, endpoint, trusted)
        records = _fetch_plan(session, plan, paths, progress, cancel, retries)
    try:
        _hold_to_first_download(entry, trusted, records)
    except ChecksumMismatchError:
        shutil.rmtree(paths.models_dir / entry.name / plan.commit, ignore_errors=True)
        raise
    location = _validated_location(plan, paths.models_dir / entry.name / plan.commit)
    shutil.rmtree(paths.models_dir / ".partial" / entry.name, ignore_errors=True)
    sources = {f.checksum_source for f in plan.files}
    model = InstalledModel(
        name=entry.name, format=entry.format, roles=list(entry.roles), origin="downloaded", location=str(location),
        repo=entry.repo, commit=plan.commit, files=records, checksum_source="manifest" if sources == {"manifest"} else "hub",
        verified=True, licence=entry.licence, installed_at=now_iso(), verified_at=now_iso(),
    )
    registry.record(model)
    if trusted is None:
        trust.record(entry.name, TrustRecord(repo=entry.repo or "", commit=plan.commit, first_downloaded=now_iso(),
                                             files={path: record.sha256 for path, record in records.items()}))
    return model


def _sha256_of(target: Path, remote: RemoteFile) -> str:
    """The record keeps a sha256 for every file so `verify` needs no hub; small git-checked files are hashed again here."""
    if remote.algorithm == "sha256":
        return remote.digest
    return hashlib.sha256(target.read_bytes()).hexdigest()


def download_and_adopt(context: AppContext, manifest: Manifest, name: str, *, progress: Progress = no_progress,
                       cancel: CancelToken | None = None, trust_new: bool = False) -> tuple[InstalledModel, list[Role]]:
    """What `models download` and the models dialog both do: fetch and verify once, then fill a role nobody chose yet."""
    model = download_model(manifest.get(name), manifest, context.paths, context.settings, progress=progress, cancel=cancel,
                           trust_new=trust_new)
    adopted = adopt_if_unset(model, context.settings, manifest)
    if adopted:
        context.save_settings()
    return model, adopted
