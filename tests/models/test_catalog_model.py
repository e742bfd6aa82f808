"""The catalog's model is the default everywhere a catalog exists: `index --rebuild` re-embeds with it, and the embedder
the models report shows for it is that one, not the settings' (which only a new catalog starts with)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.models.locator import find_all
from desktop_app.core.platform.app_context import open_context
from desktop_app.core.platform.settings import DEFAULT_BLIP2

pytestmark = pytest.mark.slow


@pytest.fixture
def photos(tmp_path: Path, product_photos: Path) -> Path:
    folder = tmp_path / "photos"
    for category in ("shirt", "shoes"):
        (folder / category).mkdir(parents=True)
        for photo in sorted((product_photos / category).glob("*.jpg"))[:2]:
            shutil.copyfile(photo, folder / category / photo.name)
    return folder


def test_a_rebuild_without_blip2_uses_the_catalogs_model(photos: Path, tiny_blip2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--backend", "torch", "--json"]) == 0
    capsys.readouterr()
    assert open_context().settings.blip2_model == DEFAULT_BLIP2  # not on this machine: the old default failed here
    assert main(["index", "--rebuild", "--backend", "torch", "--json"]) == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert report["indexed"] == 4 and not report["skipped"]
    assert main(["stats", "--json"]) == 0
    assert str(tiny_blip2) in capsys.readouterr().out


def test_the_embedder_reported_is_the_catalogs(tiny_blip2: Path) -> None:
    context = open_context()
    settings_model, _classifier, _stylist = find_all(context.settings, context.paths)
    catalog_model, _classifier, _stylist = find_all(context.settings, context.paths, embedder=str(tiny_blip2))
    assert (settings_model.name, settings_model.found) == (DEFAULT_BLIP2, False)
    assert (catalog_model.name, catalog_model.found, catalog_model.source) == (str(tiny_blip2), True, "local folder")
