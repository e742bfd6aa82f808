"""doctor shows the CPU's int8 path and each prepared tower's agreement, and loads no model library to say so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.platform.cpu import cpu_features
from tests.conftest import REPO_ROOT

_HEAVY = ("torch", "transformers", "onnx")


def test_doctor_names_the_int8_path_and_the_prepared_towers(tiny_blip2: Path, isolated_data_dir: Path, capsys) -> None:
    pytest.importorskip("onnxruntime")
    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths
    from desktop_app.core.platform.settings import Settings, save_settings

    save_settings(Settings(blip2_model=str(tiny_blip2)), isolated_data_dir / "settings.json")
    paths = resolve_paths()
    text = onnx_encoder.prepare_text(resolve_blip2(str(tiny_blip2), paths), paths.prepared_dir)

    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cpu"] == cpu_features().to_json() | {"summary": cpu_features().describe()}
    towers = {encoder["tower"]: encoder for encoder in report["encoders"]}
    assert towers["text"]["usable"] and towers["text"]["agreement"] == pytest.approx(text.agreement, abs=1e-5)
    assert towers["text"]["model"] == str(tiny_blip2.resolve()) and towers["text"]["cpu_int8_path"] == cpu_features().int8_path()
    assert not towers["vision"]["prepared"] and "not prepared yet" in towers["vision"]["why_not"]
    assert {"python", "torch", "onnxruntime", "sqlite", "models", "network", "paths"} <= set(report)  # the keys it always had

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"int8 path: {cpu_features().describe()}" in out
    assert f"Encoder  text    ONNX int8 (w7, checked on {cpu_features().int8_path()}): agrees with fp32 at {text.agreement:.4f}" in out
    assert "Encoder  vision  torch: not prepared yet" in out


def test_doctor_without_a_model_says_why_once(isolated_data_dir: Path, capsys) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Encoders torch: The BLIP-2 model" in out and "Encoder  vision" not in out


def test_doctor_imports_no_model_library() -> None:
    code = ("import json, sys\nfrom desktop_app.cli import main\nmain(['doctor', '--json'])\n"
            f"print(json.dumps([name for name in {_HEAVY!r} if name in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
