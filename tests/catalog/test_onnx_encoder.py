"""The ONNX int8 encoder with the tiny BLIP-2: prepared once, agreeing with torch, robust to kills and damage, optional."""

from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from desktop_app.core.catalog import indexer
from desktop_app.core.catalog.indexer import ModelProvider
from desktop_app.core.embedding import onnx_encoder
from desktop_app.core.embedding.blip2 import VisionEncoder, resolve_blip2, to_pixels
from desktop_app.core.platform.jobs import Cancelled, CancelToken
from desktop_app.core.store.catalog import ENCODER_META as PRECISION_META
from desktop_app.core.store.catalog import Catalog
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def resolved(tiny_blip2: Path, tmp_path_factory: pytest.TempPathFactory):
    from desktop_app.core.platform.paths import resolve_paths

    return resolve_blip2(str(tiny_blip2), resolve_paths(data_dir=tmp_path_factory.mktemp("onnx-data")))


@pytest.fixture(scope="module")
def sample(resolved, product_photos: Path) -> np.ndarray:
    from PIL import Image

    from desktop_app.core.embedding.blip2 import pixel_spec

    files = sorted(product_photos.rglob("*.jpg"))[:3]
    return to_pixels([Image.open(f).convert("RGB") for f in files], pixel_spec(resolved))


def test_prepare_once_then_reuse(resolved, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []
    prepared = onnx_encoder.prepare(resolved, tmp_path, sample, progress=lambda d, t, detail: steps.append(detail))
    assert prepared.folder.parent == tmp_path and (prepared.folder / onnx_encoder.MODEL_FILE).is_file()
    assert any("Preparing the fast encoder, about" in step for step in steps)
    assert [p.name for p in tmp_path.iterdir()] == [prepared.folder.name]  # no temporary folder, no fp32 export left
    expected = [onnx_encoder.MANIFEST_FILE, onnx_encoder.MODEL_FILE, onnx_encoder.DATA_FILE]
    assert sorted(p.name for p in prepared.folder.iterdir()) == sorted(expected)
    assert (prepared.folder / onnx_encoder.DATA_FILE).stat().st_size > 0  # the patch embedding at least lives in the mapped file
    manifest = json.loads((prepared.folder / onnx_encoder.MANIFEST_FILE).read_text())
    assert manifest["model"] == {"spec": resolved.spec, "revision": resolved.revision} and manifest["agreement"]["samples"] == len(sample)

    monkeypatch.setattr(onnx_encoder, "run_in_child", lambda *a, **k: pytest.fail("converted again"))
    again = onnx_encoder.prepare(resolved, tmp_path, sample)
    assert again.folder == prepared.folder and again.seconds == 0.0 and again.agreement == pytest.approx(prepared.agreement, abs=1e-5)


def test_agrees_with_torch_fp32(resolved, sample, tmp_path: Path) -> None:
    prepared = onnx_encoder.prepare(resolved, tmp_path, sample)
    onnx = onnx_encoder.OnnxVisionEncoder.open(prepared, resolved).encode(sample)
    torch_fp32 = VisionEncoder(resolved, precision="fp32").encode(sample)
    assert onnx.shape == torch_fp32.shape == (len(sample), 32, 16) and onnx.dtype == np.float32
    assert np.allclose(np.linalg.norm(onnx, axis=-1), 1.0, atol=1e-4)
    cosines = (onnx * torch_fp32).sum(axis=-1)
    assert cosines.mean(axis=-1).min() >= 0.99 and prepared.agreement >= 0.99
    assert prepared.agreement == pytest.approx(float(cosines.mean(axis=-1).min()), abs=1e-3)
    one = onnx_encoder.OnnxVisionEncoder.open(prepared, resolved).encode(sample[:1])  # the batch axis is dynamic
    assert (one * onnx[:1]).sum(axis=-1).min() >= 0.99  # not equal: dynamic activation scales are per call


_SLOW_CONVERT = """
import os, sys, time
from pathlib import Path

import numpy as np

from desktop_app.core.embedding import onnx_convert

from desktop_app.core.embedding import onnx_encoder
from desktop_app.core.embedding.blip2 import resolve_blip2
from desktop_app.core.platform.paths import resolve_paths

real = onnx_convert.convert_vision


def slow(*args, **kwargs):  # runs in the converting child, which imports this file as __mp_main__
    reference = real(*args, **kwargs)
    print("converted", os.getpid(), flush=True)
    time.sleep(60)
    return reference


if __name__ == "__main__":
    onnx_convert.convert_vision = slow
    resolved = resolve_blip2(sys.argv[1], resolve_paths(data_dir=sys.argv[3]))
    onnx_encoder.prepare(resolved, Path(sys.argv[2]), np.zeros((1, 3, 224, 224), np.float32))
"""


@pytest.mark.slow
def test_killed_conversion_leaves_nothing_and_restarts_cleanly(resolved, sample, tmp_path: Path) -> None:
    root, script = tmp_path / "prepared", tmp_path / "slow_convert.py"
    script.write_text(_SLOW_CONVERT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), resolved.spec, str(root), str(tmp_path / "data")],
                              cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    try:
        assert parent.stdout is not None
        word, child = parent.stdout.readline().split()
        assert word == "converted"
        building = list(root.glob(onnx_encoder.TEMP_PREFIX + "*"))
        assert len(building) == 1 and (building[0] / onnx_encoder.MODEL_FILE).is_file()
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    assert onnx_encoder.cached(resolved, root) is None  # the half-built folder is not mistaken for a prepared one
    prepared = onnx_encoder.prepare(resolved, root, sample)
    assert [p.name for p in root.iterdir()] == [prepared.folder.name] and prepared.agreement >= 0.99
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1][:3]


def test_cancel_between_steps_leaves_nothing(resolved, sample, tmp_path: Path) -> None:
    cancel = CancelToken()

    def progress(done: int, total: int | None, detail: str) -> None:
        if "quantising" in detail:
            cancel.cancel()

    with pytest.raises(Cancelled):
        onnx_encoder.prepare(resolved, tmp_path, sample, progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # an interrupted copy


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a bad sector: same size, same name
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("name", "damage"), [(onnx_encoder.MODEL_FILE, _truncate), (onnx_encoder.DATA_FILE, _flip_a_byte)])
def test_damaged_model_file_is_rebuilt(resolved, sample, tmp_path: Path, name: str, damage) -> None:
    prepared = onnx_encoder.prepare(resolved, tmp_path, sample)
    damage(prepared.folder / name)
    assert onnx_encoder.cached(resolved, tmp_path) is None
    rebuilt = onnx_encoder.prepare(resolved, tmp_path, sample)
    assert rebuilt.seconds > 0 and onnx_encoder.cached(resolved, tmp_path) is not None
    assert onnx_encoder.OnnxVisionEncoder.open(rebuilt, resolved).encode(sample).shape == (len(sample), 32, 16)


def test_unloadable_file_is_a_typed_error(resolved, tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(onnx_encoder.OnnxPrepareError) as error:
        onnx_encoder.OnnxVisionEncoder.open(bad, resolved)
    assert error.value.hint


def _index(store, models, photos: Path, **kwargs) -> indexer.IndexReport:
    return indexer.index_folders(Catalog(store.conn, Path("catalog.sqlite3")), [photos], models, batch_size=4, **kwargs)


def test_index_uses_onnx_and_records_it(store, resolved, photos: Path, tmp_path: Path) -> None:
    models = ModelProvider(resolved, tmp_path / "labels", backend="auto", prepared_dir=tmp_path / "prepared")
    details: list[str] = []
    report = _index(store, models, photos, progress=lambda d, t, detail: details.append(detail))
    assert (report.embedded, report.backend, report.precision) == (6, "onnx", "int8")
    assert not models.vision_loaded  # the torch vision model was never kept for indexing
    assert any(detail.startswith("Preparing the fast encoder") for detail in details)
    recorded = store.get_meta(PRECISION_META)
    assert recorded["backend"] == "onnx" and recorded["choice"] == "int8" and recorded["agreement"] >= 0.99
    assert recorded["photos"] == indexer.AGREEMENT_SAMPLE


def test_torch_backend_keeps_the_old_path(store, resolved, photos: Path, tmp_path: Path) -> None:
    models = ModelProvider(resolved, tmp_path / "labels", backend="torch", prepared_dir=tmp_path / "prepared")
    report = _index(store, models, photos)
    assert (report.backend, report.precision) == ("torch", "int8") and not (tmp_path / "prepared").exists()


def test_falls_back_to_torch_without_onnxruntime(store, resolved, photos: Path, tmp_path: Path, monkeypatch) -> None:
    real_import = builtins.__import__

    def no_onnxruntime(name, *args, **kwargs):
        if name.split(".")[0] in ("onnxruntime", "onnx"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnxruntime)
    assert not onnx_encoder.available()
    models = ModelProvider(resolved, tmp_path / "labels", backend="auto", prepared_dir=tmp_path / "prepared")
    report = _index(store, models, photos)
    assert report.backend == "torch" and report.precision in ("int8", "fp32")
    assert store.get_meta(PRECISION_META)["why_not_onnx"] == "onnxruntime is not installed"
    forced = ModelProvider(resolved, tmp_path / "labels", backend="onnx", prepared_dir=tmp_path / "prepared")
    with pytest.raises(indexer.BackendUnavailableError) as error:
        forced.fast_vision(np.zeros((1, 3, 224, 224), np.float32), lambda *a: None, CancelToken())
    assert "fast" in error.value.hint


def test_disagreeing_int8_falls_back_to_torch(store, resolved, photos: Path, tmp_path: Path, monkeypatch) -> None:
    real = onnx_encoder.agreement
    monkeypatch.setattr(onnx_encoder, "agreement", lambda a, b: (real(a, b)[0] - 0.5, real(a, b)[1] - 0.5))
    models = ModelProvider(resolved, tmp_path / "labels", backend="auto", prepared_dir=tmp_path / "prepared")
    report = _index(store, models, photos)
    recorded = store.get_meta(PRECISION_META)
    assert report.backend == "torch" and recorded["backend"] == "torch" and "agree with fp32" in recorded["why_not_onnx"]



def test_cli_backend_flag(capsys, photos: Path, tiny_blip2: Path, isolated_data_dir: Path) -> None:
    from desktop_app.cli import main

    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--backend", "onnx", "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (report["backend"], report["precision"], report["embedded"]) == ("onnx", "int8", 6)
    prepared = sorted(p.name for p in (isolated_data_dir / "models" / "prepared").iterdir())  # under paths.models_dir
    assert len(prepared) == 2 and not any(name.startswith(onnx_encoder.TEMP_PREFIX) for name in prepared)  # vision, text
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["precision"]["backend"] == "onnx"


def test_photo_queries_on_an_onnx_catalog_use_the_fast_encoder(capsys, photos: Path, tiny_blip2: Path, monkeypatch,
                                                                tmp_path: Path) -> None:
    from desktop_app.cli import main
    from desktop_app.core.embedding import blip2, onnx_encoder

    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--json"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(blip2, "VisionEncoder", lambda *a, **k: pytest.fail("the torch vision tower was loaded"))
    encoded: list[int] = []
    real_encode = onnx_encoder.OnnxVisionEncoder.encode

    def counting_encode(self, pixels):  # type: ignore[no-untyped-def]
        encoded.append(len(pixels))
        return real_encode(self, pixels)

    monkeypatch.setattr(onnx_encoder.OnnxVisionEncoder, "encode", counting_encode)
    original = sorted(photos.rglob("*.jpg"))[3]
    query = tmp_path / "edited.jpg"  # the catalog's own bytes would be read back, not encoded
    query.write_bytes(original.read_bytes() + b"\0")
    assert main(["search", "--image", str(query), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["path"] == str(original)  # the photo finds itself first
    assert encoded == [1]


def test_models_prepare_ahead_of_the_first_index(capsys, photos: Path, tiny_blip2: Path, isolated_data_dir: Path) -> None:
    from desktop_app.cli import main

    assert main(["models", "prepare", "--blip2", str(tiny_blip2)]) == 1  # an empty catalog has no photos to check against
    assert "none in the catalog yet" in capsys.readouterr().err
    assert main(["models", "prepare", "--blip2", str(tiny_blip2), "--photos", str(photos / "nowhere")]) == 1
    assert "does not exist" in capsys.readouterr().err

    assert main(["models", "prepare", "--blip2", str(tiny_blip2), "--photos", str(photos), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["already_prepared"] is False and first["photos"] == indexer.AGREEMENT_SAMPLE and first["agreement"] >= 0.99
    assert first["used_for_indexing"] is True and Path(first["folder"]).parent == isolated_data_dir / "models" / "prepared"

    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--json"]) == 0  # the first index finds it ready
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["backend"] == "onnx" and report["embedded"] == 6
    assert main(["models", "prepare", "--json"]) == 0  # the catalog's model and the catalog's photos
    assert json.loads(capsys.readouterr().out)["already_prepared"] is True


def test_models_prepare_checks_on_the_catalogs_photos(capsys, photos: Path, tiny_blip2: Path) -> None:
    from desktop_app.cli import main

    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--backend", "torch", "--json"]) == 0
    capsys.readouterr()
    assert main(["models", "prepare"]) == 0
    out = capsys.readouterr().out
    assert "The fast encoder is prepared" in out and f"On {indexer.AGREEMENT_SAMPLE} of your photos it agrees" in out


def test_text_tower_agrees_with_torch_and_ignores_padding(resolved, tmp_path: Path) -> None:
    from desktop_app.core.embedding.blip2 import TextEncoder

    prepared = onnx_encoder.prepare_text(resolved, tmp_path)
    assert prepared.agreement >= 0.99 and prepared.samples > 20  # the tagging prompts and typical requests
    assert onnx_encoder.prepare_text(resolved, tmp_path).seconds == 0.0  # once per model
    texts = ["shoes", "a long red summer dress with white flowers for a beach wedding", "navy blazer"]
    fast = onnx_encoder.OnnxTextEncoder.open(prepared, resolved).encode(texts)  # one padded batch
    assert fast.shape == (3, 16) and np.allclose(np.linalg.norm(fast, axis=-1), 1.0, atol=1e-4)
    assert (fast * TextEncoder(resolved).encode(texts)).sum(axis=-1).min() >= 0.99
    alone = np.stack([onnx_encoder.OnnxTextEncoder.open(prepared, resolved).encode([text])[0] for text in texts])
    assert (fast * alone).sum(axis=-1).min() >= 0.99  # padding does not change a text's vector


def test_a_text_tower_that_disagrees_is_not_used(resolved, tmp_path: Path) -> None:
    prepared = onnx_encoder.prepare_text(resolved, tmp_path)
    assert onnx_encoder.open_cached_text(resolved, tmp_path) is not None
    manifest_file = prepared.folder / onnx_encoder.MANIFEST_FILE
    manifest = json.loads(manifest_file.read_text())
    manifest["agreement"]["agreement"] = 0.5
    manifest_file.write_text(json.dumps(manifest))
    assert onnx_encoder.open_cached_text(resolved, tmp_path) is None


def test_search_words_use_the_fast_text_encoder(capsys, photos: Path, tiny_blip2: Path, monkeypatch) -> None:
    from desktop_app.cli import main
    from desktop_app.core.embedding import blip2

    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--json"]) == 0  # prepares both towers
    capsys.readouterr()
    monkeypatch.setattr(blip2, "TextEncoder", lambda *a, **k: pytest.fail("the torch text tower was loaded"))
    assert main(["search", "red shirt", "-k", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 3


@pytest.fixture(scope="module")
def prepared_root(resolved, sample, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both towers prepared once, for the tests that only read them."""
    root = tmp_path_factory.mktemp("prepared")
    onnx_encoder.prepare(resolved, root, sample)
    onnx_encoder.prepare_text(resolved, root)
    return root


def test_weights_are_7_bit_so_no_int8_kernel_saturates(prepared_root: Path) -> None:
    import onnx
    from onnx import TensorProto, numpy_helper

    for folder in prepared_root.iterdir():
        model = onnx.load(str(folder / onnx_encoder.MODEL_FILE), load_external_data=False)
        weights = [numpy_helper.to_array(tensor, str(folder)) for tensor in model.graph.initializer if tensor.data_type == TensorProto.INT8]
        assert len(weights) >= 8  # every MatMul with a constant weight, in both towers
        assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) == 63  # each column's largest weight maps to ±63
        assert all(int(w.min()) >= -63 for w in weights)
        assert json.loads((folder / onnx_encoder.MANIFEST_FILE).read_text())["scheme"] == "w7"
    assert 2 * 255 * 63 <= np.iinfo(np.int16).max < 2 * 255 * 127  # AVX2's 16-bit pair sums of u8 x s8: 7 bits fit, 8 do not


def test_the_check_records_its_scheme_and_cpu_path(resolved, sample, prepared_root: Path) -> None:
    from desktop_app.core.platform.cpu import cpu_features

    vision, text = onnx_encoder.prepare(resolved, prepared_root, sample), onnx_encoder.prepare_text(resolved, prepared_root)
    assert vision.seconds == text.seconds == 0.0  # cached
    for prepared in (vision, text):
        assert (prepared.scheme, prepared.cpu_int8_path) == ("w7", cpu_features().int8_path())
        manifest = json.loads((prepared.folder / onnx_encoder.MANIFEST_FILE).read_text())
        assert manifest["cpu"] == cpu_features().to_json()


def test_a_folder_prepared_with_another_scheme_or_on_another_cpu_is_not_reused(resolved, prepared_root: Path, monkeypatch) -> None:
    from desktop_app.core.platform.cpu import CpuFeatures, cpu_features

    here = onnx_encoder.prepared_key(resolved)
    assert onnx_encoder.cached(resolved, prepared_root) is not None
    monkeypatch.setattr(onnx_encoder, "SCHEME", "w8")
    assert onnx_encoder.prepared_key(resolved) != here and onnx_encoder.cached(resolved, prepared_root) is None
    monkeypatch.undo()

    other = CpuFeatures("arm64", avx2=False, avx512=False, vnni=False, neon=True, dotprod=True)
    if other.int8_path() == cpu_features().int8_path():
        other = CpuFeatures("x86_64", avx2=True, avx512=False, vnni=False, neon=False, dotprod=False)
    monkeypatch.setattr(onnx_encoder, "cpu_features", lambda: other)  # the data folder copied to another kind of machine
    assert onnx_encoder.prepared_key(resolved) != here and onnx_encoder.cached(resolved, prepared_root) is None
    assert onnx_encoder.open_cached_text(resolved, prepared_root) is None
    status = {s.tower: s for s in onnx_encoder.encoder_status(resolved, prepared_root)}
    assert not status["vision"].prepared and not status["vision"].usable and status["vision"].cpu_int8_path == other.int8_path()
    assert f"prepared only as w7 weights checked on {cpu_features().int8_path()} with onnxruntime" in (status["text"].why_not or "")
    assert f"not as w7 weights checked on {other.int8_path()}" in (status["text"].why_not or "")


def test_encoder_status_reports_each_tower(resolved, prepared_root: Path, tmp_path: Path) -> None:
    from desktop_app.core.platform.cpu import cpu_features

    vision, text = onnx_encoder.encoder_status(resolved, prepared_root)
    assert (vision.tower, text.tower) == ("vision", "text")
    for status in (vision, text):
        assert status.prepared and status.usable and status.why_not is None and status.agreement is not None and status.agreement >= 0.99
        assert status.worst_vector is not None and status.samples
        assert (status.scheme, status.cpu_int8_path) == ("w7", cpu_features().int8_path())
        assert json.loads(json.dumps(status.to_json()))["folder"] == str(status.folder)
    assert text.samples == len(onnx_encoder.CHECK_TEXTS)
    nothing = onnx_encoder.encoder_status(resolved, tmp_path / "none")
    assert [s.prepared for s in nothing] == [False, False] and all("not prepared yet" in (s.why_not or "") for s in nothing)


def test_a_folder_from_the_8_bit_scheme_is_prepared_again(resolved, prepared_root: Path, tmp_path: Path) -> None:
    import hashlib
    import shutil

    import onnxruntime

    old_key = f"{onnx_encoder.FORMATS['vision']}\n{resolved.spec}\n{resolved.revision}\n{onnxruntime.__version__}"  # the key before w7
    old = tmp_path / hashlib.sha256(old_key.encode()).hexdigest()[:24]
    shutil.copytree(onnx_encoder.cached(resolved, prepared_root).folder, old)
    manifest = json.loads((old / onnx_encoder.MANIFEST_FILE).read_text())
    for key in ("scheme", "cpu", "onnxruntime"):  # what an 8-bit folder's manifest did not have
        del manifest[key]
    (old / onnx_encoder.MANIFEST_FILE).write_text(json.dumps(manifest))
    assert onnx_encoder.cached(resolved, tmp_path) is None
    vision = onnx_encoder.encoder_status(resolved, tmp_path)[0]
    assert not vision.prepared and "prepared only as w8 weights checked on an unrecorded CPU" in (vision.why_not or "")
