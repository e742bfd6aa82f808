from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main


def test_doctor_json_names_sqlite_vec(capsys: pytest.CaptureFixture[str], isolated_data_dir: Path) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sqlite"]["ok"] is True
    assert report["sqlite"]["sqlite_vec_version"].startswith("v")
    assert report["torch"]["device"] in {"cpu", "mps"} or report["torch"]["device"].startswith("cuda")
    roles = {m["role"]: m for m in report["models"]}
    assert set(roles) == {"embedder", "classifier", "stylist"}
    assert roles["classifier"]["found"] is True and roles["classifier"]["source"] == "bundled package"
    assert roles["embedder"]["found"] is False and "models download" in roles["embedder"]["hint"]
    assert report["paths"]["data_dir"] == str(isolated_data_dir.resolve())


def test_doctor_finds_a_local_blip2_folder(tiny_blip2: Path, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.core.platform.settings import Settings, save_settings

    save_settings(Settings(blip2_model=str(tiny_blip2)), isolated_data_dir / "settings.json")
    assert main(["doctor", "--json"]) == 0
    embedder = json.loads(capsys.readouterr().out)["models"][0]
    assert (embedder["found"], embedder["source"]) == (True, "local folder")


def test_data_dir_and_db_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "--db", str(tmp_path / "x.db"), "doctor", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)["paths"]
    assert paths["catalog"] == str((tmp_path / "x.db").resolve())
    assert paths["data_dir"] == str((tmp_path / "d").resolve())


@pytest.mark.slow
def test_installed_entry_point_runs(isolated_data_dir: Path) -> None:
    exe = Path(sys.executable).with_name("fashion-assistant")
    out = subprocess.run([str(exe), "doctor"], capture_output=True, text=True, check=True)
    assert "sqlite-vec" in out.stdout


def test_python_m_desktop_app_is_the_gui() -> None:
    out = subprocess.run([sys.executable, "-m", "desktop_app", "--help"], capture_output=True, text=True, check=True)
    assert "fashion-assistant-gui" in out.stdout and "--self-test" in out.stdout
