"""Downloads against the fake hub: verified installs, resuming, damaged transfers, a full disk, licences."""

from __future__ import annotations

import hashlib
import json
from collections import namedtuple
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.models import downloads
from desktop_app.core.models.downloads import NetworkError, NotEnoughDiskError, download_model
from desktop_app.core.models.registry import (
    ChecksumMismatchError,
    LicenceNotAcceptedError,
    Registry,
    accept_licence,
    load_manifest,
)
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.jobs import Cancelled, CancelToken
from tests.models.conftest import FAKE_GGUF_FILE, GGUF_ENTRY, write_manifest
from tests.models.fake_hub import FakeHub


def _download(context: AppContext, name: str = "fake-1b-it", **kwargs):
    manifest = load_manifest()
    return download_model(manifest.get(name), manifest, context.paths, context.settings, **kwargs)


def _partial(context: AppContext) -> Path:
    return context.paths.models_dir / ".partial" / "fake-1b-it" / (FAKE_GGUF_FILE + ".partial")


@pytest.fixture
def accepted(context: AppContext) -> AppContext:
    accept_licence("gemma", context.settings)
    return context


def test_download_installs_a_verified_file_with_progress(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                         accepted: AppContext) -> None:
    reports: list[tuple[int, int | None, str]] = []
    model = _download(accepted, progress=lambda done, total, detail: reports.append((done, total, detail)))

    repo = fake_hub.repos["fake-org/fake-1b-it-GGUF"]
    target = accepted.paths.models_dir / "fake-1b-it" / repo.commit / FAKE_GGUF_FILE
    assert Path(model.location) == target and target.read_bytes() == gguf_repo
    assert model.verified and model.commit == repo.commit and model.checksum_source == "hub"
    assert model.files[FAKE_GGUF_FILE].sha256 == hashlib.sha256(gguf_repo).hexdigest()
    assert Registry(accepted.paths).get("fake-1b-it") == model
    assert [r[1] for r in reports] == [len(gguf_repo)] * len(reports) and reports[-1][0] == len(gguf_repo)
    detail = reports[-1][2]
    assert "/s" in detail and ("KB" in detail or "MB" in detail)
    assert len(fake_hub.downloads()) == 1, "README.md is not in the manifest's files and must not be fetched"
    assert not _partial(accepted).exists()

    _download(accepted)  # download once: a verified install is not fetched again
    assert len(fake_hub.downloads()) == 1


def test_a_download_works_while_the_rest_of_the_process_stays_offline(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                                     accepted: AppContext) -> None:
    """The window's case: the guard on and the hub libraries offline for the whole process, the download let out anyway."""
    from huggingface_hub import constants

    offline.enforce_offline()
    before = offline.blocked_attempts()
    assert _download(accepted).verified
    assert offline.is_offline() and constants.HF_HUB_OFFLINE is True and offline.blocked_attempts() == before


def test_the_users_own_offline_setting_is_honoured(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                   accepted: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(NetworkError, match="offline mode") as caught:
        _download(accepted)
    assert "HF_HUB_OFFLINE" in caught.value.hint
    offline.enforce_offline()  # the guard's own "1" must not hide the user's
    with pytest.raises(NetworkError, match="offline mode"):
        _download(accepted)
    offline.allow_network()  # puts the user's "1" back, for monkeypatch to remove
    assert fake_hub.requests == []


def test_interrupted_download_resumes_in_the_next_call(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                       accepted: AppContext) -> None:
    fake_hub.drop_after[FAKE_GGUF_FILE] = 100_000
    with pytest.raises(NetworkError, match="broke off") as caught:
        _download(accepted, retries=0)
    assert "continues from there" in caught.value.hint
    assert _partial(accepted).stat().st_size == 100_000
    assert Registry(accepted.paths).get("fake-1b-it") is None

    model = _download(accepted, retries=0)
    first, second = fake_hub.downloads()
    assert first[2] is None and second[2] == "bytes=100000-"
    assert Path(model.location).read_bytes() == gguf_repo and model.verified


def test_a_broken_transfer_is_retried_within_one_call(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                      accepted: AppContext) -> None:
    fake_hub.drop_after[FAKE_GGUF_FILE] = 70_000
    model = _download(accepted, retries=1)
    assert [r[2] for r in fake_hub.downloads()] == [None, "bytes=70000-"]
    assert Path(model.location).read_bytes() == gguf_repo


def test_a_server_that_ignores_range_restarts_the_file_cleanly(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                               accepted: AppContext) -> None:
    fake_hub.drop_after[FAKE_GGUF_FILE] = 50_000
    fake_hub.ignore_range = True
    with pytest.raises(NetworkError):
        _download(accepted, retries=0)
    model = _download(accepted, retries=0)
    assert Path(model.location).read_bytes() == gguf_repo


def test_cancelling_keeps_the_partial_file_for_later(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                     accepted: AppContext) -> None:
    token = CancelToken()

    def cancel_after_first_chunk(done: int, total: int | None, detail: str) -> None:
        if done > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        _download(accepted, progress=cancel_after_first_chunk, cancel=token)
    kept = _partial(accepted).stat().st_size
    assert 0 < kept < len(gguf_repo)
    _download(accepted)
    assert fake_hub.downloads()[-1][2] == f"bytes={kept}-"


def test_damaged_transfer_is_refused_and_deleted(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                 accepted: AppContext) -> None:
    fake_hub.corrupt.add(FAKE_GGUF_FILE)
    with pytest.raises(ChecksumMismatchError, match="arrived damaged"):
        _download(accepted)
    assert not _partial(accepted).exists()
    assert not list((accepted.paths.models_dir / "fake-1b-it").rglob("*.gguf"))
    assert Registry(accepted.paths).get("fake-1b-it") is None

    fake_hub.corrupt.clear()
    assert _download(accepted).verified


def test_manifest_checksum_disagreeing_with_the_hub_downloads_nothing(fake_hub: FakeHub, gguf_repo: bytes, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch, accepted: AppContext) -> None:
    entry = {**GGUF_ENTRY, "sha256": {FAKE_GGUF_FILE: "0" * 64}}
    monkeypatch.setenv("FASHION_ASSISTANT_MANIFEST", str(write_manifest(tmp_path / "m.json", [entry])))
    with pytest.raises(ChecksumMismatchError, match="not the file this app's manifest names"):
        _download(accepted)
    assert fake_hub.downloads() == []


def test_manifest_checksum_is_preferred_when_it_matches(fake_hub: FakeHub, gguf_repo: bytes, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, accepted: AppContext) -> None:
    entry = {**GGUF_ENTRY, "sha256": {FAKE_GGUF_FILE: hashlib.sha256(gguf_repo).hexdigest()}}
    monkeypatch.setenv("FASHION_ASSISTANT_MANIFEST", str(write_manifest(tmp_path / "m.json", [entry])))
    assert _download(accepted).checksum_source == "manifest"


def test_not_enough_disk_stops_before_any_byte(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                               accepted: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(downloads.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 5_000_000, 5_000_000))
    with pytest.raises(NotEnoughDiskError, match="free disk space") as caught:
        _download(accepted)
    assert "--data-dir" in caught.value.hint
    assert fake_hub.downloads() == []
    assert not _partial(accepted).exists()


def test_licence_not_accepted_contacts_nothing(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                               context: AppContext) -> None:
    with pytest.raises(LicenceNotAcceptedError) as caught:
        _download(context)
    assert caught.value.licence_id == "gemma" and "ai.google.dev/gemma/terms" in caught.value.hint
    assert fake_hub.requests == []


def test_cli_shows_the_licence_and_asks_once(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path, isolated_data_dir: Path,
                                             capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["models", "download", "fake-1b-it"]) == 1  # stdin is not a terminal: no silent acceptance
    err = capsys.readouterr().err
    assert "Gemma Terms of Use" in err and "https://ai.google.dev/gemma/terms" in err and "error:" in err
    assert fake_hub.requests == []

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["models", "download", "fake-1b-it"]) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["models", "download", "fake-1b-it", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["verified"] is True and out["now_used_for"] == ["stylist"]
    settings = json.loads((isolated_data_dir / "settings.json").read_text())
    assert settings["accepted_licences"] == ["gemma"] and settings["stylist_gguf"] == out["model"]["location"]

    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked twice"))
    assert main(["models", "remove", "fake-1b-it"]) == 0
    assert main(["models", "download", "fake-1b-it"]) == 0


def test_blip2_folder_downloads_and_loads_offline(fake_hub: FakeHub, tiny_blip2: Path, test_manifest: Path,
                                                  context: AppContext) -> None:
    files = {p.name: p.read_bytes() for p in tiny_blip2.iterdir() if p.is_file()}
    repo = fake_hub.add_repo("fake-org/tiny-blip2", files)
    model = _download(context, "tiny-blip2")
    assert sorted(model.files) == sorted(n for n in files if n.endswith((".json", ".safetensors", ".txt")))
    assert {f: model.files[f].sha256 for f in model.files} == {f: hashlib.sha256(files[f]).hexdigest() for f in model.files}

    from desktop_app.core.embedding.blip2 import resolve_blip2
    from desktop_app.core.models.locator import find_blip2

    before = offline.blocked_attempts()
    offline.enforce_offline()
    status = find_blip2("fake-org/tiny-blip2", context.paths)
    assert (status.found, status.source, status.verified, status.model) == (True, "downloaded", True, "tiny-blip2")
    assert Path(status.location) == context.paths.models_dir / "tiny-blip2" / repo.commit
    resolved = resolve_blip2("fake-org/tiny-blip2", context.paths)  # what indexing and search will load
    assert resolved.folder == Path(status.location)

    from transformers import Blip2TextModelWithProjection

    Blip2TextModelWithProjection.from_pretrained(resolved.folder, local_files_only=True)
    assert offline.blocked_attempts() == before


def test_a_later_download_holds_to_what_the_first_one_got(fake_hub: FakeHub, gguf_repo: bytes, test_manifest: Path,
                                                          accepted: AppContext) -> None:
    """Trust on first use: after a removal, a repo that now serves other bytes under the same name is refused."""
    from desktop_app.core.models.registry import TrustStore, remove_model, verify_installed
    from tests.models.model_files import gguf_bytes

    first = _download(accepted)
    trusted = TrustStore(accepted.paths).get("fake-1b-it")
    assert trusted is not None and trusted.commit == first.commit
    assert trusted.files == {path: record.sha256 for path, record in first.files.items()}
    remove_model(first, Registry(accepted.paths), accepted.settings)
    fake_hub.add_repo("fake-org/fake-1b-it-GGUF", {FAKE_GGUF_FILE: gguf_bytes(chat_template="{{ messages }} v2"), "README.md": b"# fake\n"})
    with pytest.raises(ChecksumMismatchError, match="first downloaded") as caught:
        _download(accepted)
    assert "--trust-new" in caught.value.hint and Registry(accepted.paths).get("fake-1b-it") is None
    again = _download(accepted, trust_new=True)  # a deliberate update
    assert again.commit != first.commit and TrustStore(accepted.paths).get("fake-1b-it").commit == again.commit
    assert verify_installed(again, Registry(accepted.paths)) == []
