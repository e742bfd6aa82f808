"""Fixtures for the model manager: a fake hub on 127.0.0.1, a manifest naming its repos, and network rules reset per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.models.registry import MANIFEST_ENV
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext, open_context
from tests.models.fake_hub import FakeHub
from tests.models.model_files import gguf_bytes

FAKE_GGUF_FILE = "fake-1b-it-Q4_K_M.gguf"
REAL_MANIFEST = Path(__file__).resolve().parents[2] / "models" / "manifest.json"


@pytest.fixture(autouse=True)
def network_rules_reset() -> Iterator[None]:
    """The guard is process-wide; a test that enforced it (or a CLI call in an earlier test) must not leak into the next."""
    offline.allow_network()
    yield
    offline.allow_network()


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    yield hub
    hub.stop()


@pytest.fixture
def gguf_repo(fake_hub: FakeHub) -> bytes:
    data = gguf_bytes()
    fake_hub.add_repo("fake-org/fake-1b-it-GGUF", {FAKE_GGUF_FILE: data, "README.md": b"# fake\n"})
    return data


def write_manifest(path: Path, models: list[dict]) -> Path:
    """The real manifest's licences with test models, so licence handling is the shipped one."""
    licences = json.loads(REAL_MANIFEST.read_text(encoding="utf-8"))["licences"]
    path.write_text(json.dumps({"schema_version": 1, "licences": licences, "models": models}), encoding="utf-8")
    return path


GGUF_ENTRY = {
    "name": "fake-1b-it", "title": "Fake 1B-it", "roles": ["classifier", "stylist"], "format": "gguf", "source": "hub",
    "repo": "fake-org/fake-1b-it-GGUF", "revision": "main", "files": [FAKE_GGUF_FILE], "sha256": {FAKE_GGUF_FILE: None},
    "licence": "gemma", "architecture": "gemma3", "pick_when": "tests",
}
BLIP2_ENTRY = {
    "name": "tiny-blip2", "title": "Tiny BLIP-2", "roles": ["embedder"], "format": "blip2", "source": "hub",
    "repo": "fake-org/tiny-blip2", "revision": "main", "files": ["*.json", "*.safetensors", "*.txt"], "licence": "mit",
    "pick_when": "tests",
}


@pytest.fixture
def test_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_manifest(tmp_path / "manifest.json", [GGUF_ENTRY, BLIP2_ENTRY])
    monkeypatch.setenv(MANIFEST_ENV, str(path))
    return path


@pytest.fixture
def context(isolated_data_dir: Path) -> AppContext:
    return open_context(allow_network=True)
