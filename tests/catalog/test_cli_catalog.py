"""The catalog commands as users and scripts run them, including a kill -9 in the middle of indexing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.store.catalog_store import VECTOR_TABLE, CatalogStore

REPO = Path(__file__).resolve().parents[2]


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_index_items_stats_and_tag(capsys, photos: Path, tiny_blip2: Path) -> None:
    report = cli_json(capsys, "index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32", "--batch-size", "4")
    assert {"scanned", "indexed", "unchanged", "removed", "skipped", "seconds"} <= set(report)
    assert (report["scanned"], report["indexed"]) == (6, 6)
    items = cli_json(capsys, "items")
    assert len(items) == 6 and set(items[0]) == {"path", "category", "category_source", "color", "width", "height"}
    target = next(i["path"] for i in items if i["category"] == "shoes")
    assert main(["tag", target, "--category", "tees"]) == 0
    capsys.readouterr()
    again = cli_json(capsys, "index")  # no PATH, no --blip2: the remembered folder and the recorded model
    assert (again["unchanged"], again["indexed"]) == (6, 0)
    row = next(i for i in cli_json(capsys, "items") if i["path"] == target)
    assert (row["category"], row["category_source"]) == ("t-shirt", "user")
    stats = cli_json(capsys, "stats")
    assert stats["categories"] == {"pants": 2, "shoes": 1, "t-shirt": 3}
    assert stats["model"]["spec"] == str(tiny_blip2) and stats["catalog"].endswith("catalog.sqlite3")


def test_missing_model_and_mismatch_are_one_line_errors(capsys, photos: Path, tiny_blip2: Path, tmp_path: Path) -> None:
    assert main(["index", str(photos)]) == 1
    err = capsys.readouterr().err
    assert "Salesforce/blip2-itm-vit-g" in err and "models download" in err and len(err.strip().splitlines()) == 1
    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32", "--json"]) == 0
    other = tmp_path / "other-model"
    other.mkdir()
    for entry in tiny_blip2.iterdir():
        (other / entry.name).write_bytes(entry.read_bytes())
    config = json.loads((other / "config.json").read_text())
    config["initializer_factor"] = 0.5  # another model: a different fingerprint
    (other / "config.json").write_text(json.dumps(config))
    capsys.readouterr()
    assert main(["index", "--blip2", str(other)]) == 1
    assert "--rebuild" in capsys.readouterr().err
    assert main(["tag", str(photos / "nope.jpg"), "--category", "shoes"]) == 1
    assert main(["tag", str(photos / "nope.jpg"), "--category", "spaceship"]) == 1


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_without_duplicates(tmp_path: Path, tiny_blip2: Path, one_photo: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    data = one_photo.read_bytes()
    total = 120
    for index in range(total):  # distinct content (bytes after the JPEG end marker), the same picture
        (folder / f"copy {index:03}.jpg").write_bytes(data + index.to_bytes(4, "big"))
    data_dir = tmp_path / "data"
    env = {**os.environ, "FASHION_ASSISTANT_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "desktop_app.cli", "index", str(folder), "--blip2", str(tiny_blip2),
               "--precision", "fp32", "--batch-size", "2", "--json"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    catalog = data_dir / "catalog.sqlite3"
    committed = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if catalog.exists():
            try:
                with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1) as conn:
                    committed = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0  # schema not there yet
            if committed:
                break
        time.sleep(0.01)
    assert process.poll() is None, "the run finished before it could be killed; the test proves nothing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < committed < total
    resumed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["unchanged"] >= committed and report["unchanged"] + report["indexed"] == total
    with sqlite3.connect(catalog) as conn:
        items = conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM items").fetchone()
        images = conn.execute("SELECT COUNT(*) FROM images").fetchone()[0]
        orphans = conn.execute("SELECT COUNT(*) FROM images WHERE id NOT IN (SELECT image_id FROM items)").fetchone()[0]
    assert items == (total, total) and images == total and orphans == 0
    store = CatalogStore.open(catalog)
    try:
        assert store.conn.execute(f"SELECT COUNT(*) FROM {VECTOR_TABLE}").fetchone()[0] == total
    finally:
        store.close()
