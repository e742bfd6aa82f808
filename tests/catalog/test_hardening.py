"""Findings of a fault-injection run: nothing skipped for good for a passing cause, any file name, huge photos,
and failures that end in a message instead of a traceback."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.catalog import imaging, indexer
from desktop_app.core.platform.errors import StorageError
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import CatalogStore
from tests.conftest import REPO_ROOT


def _index(store: CatalogStore, models, roots=None, **kwargs) -> indexer.IndexReport:
    return indexer.index_folders(Catalog(store.conn, Path("catalog.sqlite3")), roots, models, precision="fp32", **kwargs)


def test_a_folder_unplugged_mid_index_is_retried_once_it_is_back(store, tiny_models, photos: Path, tmp_path: Path) -> None:
    away = tmp_path / "unplugged"
    moved = []

    def unplug_after_first_batch(done: int, total: int | None, detail: str) -> None:
        if total and 0 < done < total and not moved:
            photos.rename(away)  # as when the drive is pulled out while the photos are read
            moved.append(done)

    first = _index(store, tiny_models, [photos], batch_size=1, decode_threads=1, progress=unplug_after_first_batch)
    assert moved and first.indexed < 6
    retry = [entry for entry in first.skipped if entry["retry"]]
    assert retry and all("gone" in entry["reason"] for entry in retry), first.skipped
    away.rename(photos)
    second = _index(store, tiny_models)
    assert second.indexed + first.indexed == 6 and store.item_count() == 6
    assert store.skipped() == []


def test_a_file_the_photo_itself_breaks_is_retried_only_when_it_changes(store, tiny_models, photos: Path) -> None:
    (photos / "shoes" / "notes.jpg").write_text("not a photo")
    first = _index(store, tiny_models, [photos])
    assert [(Path(e["path"]).name, e["retry"]) for e in first.skipped] == [("notes.jpg", False)]
    assert _index(store, tiny_models).unchanged == 6  # not read again: its bytes are the same


def test_a_full_disk_for_thumbnails_stops_with_one_message_and_keeps_what_was_indexed(
        store, tiny_models, photos: Path, app_paths, monkeypatch: pytest.MonkeyPatch) -> None:
    real_save = imaging.save_thumbnail
    written = []

    def disk_fills_after_two(image, content_hash: str, thumbnails_dir: Path) -> Path:
        if len(written) >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(content_hash)
        return real_save(image, content_hash, thumbnails_dir)

    monkeypatch.setattr(imaging, "save_thumbnail", disk_fills_after_two)
    with pytest.raises(StorageError) as caught:
        _index(store, tiny_models, [photos], batch_size=1, thumbnails_dir=app_paths.thumbnails_dir)
    assert str(app_paths.thumbnails_dir) in caught.value.message and "free" in caught.value.message
    kept = store.item_count()
    assert kept >= 1 and store.skipped() == []  # nothing recorded as skipped for a full disk
    monkeypatch.setattr(imaging, "save_thumbnail", real_save)  # space freed
    again = _index(store, tiny_models, thumbnails_dir=app_paths.thumbnails_dir)
    assert store.item_count() == 6 and again.indexed == 6 - kept


def test_any_file_name_is_indexed_listed_searched_and_shown(capsys, photos: Path, tiny_blip2: Path) -> None:
    source = next((photos / "shoes").iterdir())
    odd = os.fsencode(photos / "shoes") + b"/caf\xe9.jpg"  # Latin-1 bytes, not valid UTF-8
    newline = photos / "pants" / "two\nlines.jpg"
    shutil.copy(source, odd)
    shutil.copy(next((photos / "t-shirt").iterdir()), newline)
    assert main(["index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["indexed"] == 8 and report["skipped"] == []
    assert main(["items", "--json"]) == 0
    listed = {os.fsencode(item["path"]) for item in json.loads(capsys.readouterr().out)}
    assert odd in listed and os.fsencode(newline) in listed  # the JSON escape is lossless
    assert main(["items"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert len(text) == 9 and any("two\\nlines.jpg" in line for line in text)  # 8 items + the count
    assert main(["search", "--image", os.fsdecode(odd), "-k", "1", "--json"]) == 0
    assert os.fsencode(json.loads(capsys.readouterr().out)["results"][0]["path"]) in {odd, os.fsencode(source)}


def test_a_non_utf8_name_does_not_stop_the_process_output(photos: Path, tiny_blip2: Path, tmp_path: Path) -> None:
    """In a real process, with a strict UTF-8 stdout: the text listing prints, it does not crash."""
    shutil.copy(next((photos / "shoes").iterdir()), os.fsencode(photos) + b"/\xff\xfe.jpg")
    env = {**os.environ, "FASHION_ASSISTANT_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8"}
    run = [sys.executable, "-m", "desktop_app.cli"]
    indexed = subprocess.run([*run, "index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32"],
                             env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert indexed.returncode == 0, indexed.stderr
    listed = subprocess.run([*run, "items"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and "\\udcff\\udcfe.jpg" in listed.stdout, listed.stderr


def test_a_200_megapixel_phone_photo_decodes_in_draft_mode_and_a_bomb_is_still_refused(tmp_path: Path) -> None:
    from PIL import Image

    big = tmp_path / "200mp.jpg"
    Image.new("L", (16320, 12240), 128).save(big, "JPEG", quality=50)  # 200 MP, as 200 MP phones make
    decoded = imaging.decode_image(big, (224, 224))
    assert (decoded.width, decoded.height) == (16320, 12240) and max(decoded.image.size) <= 16320 // 4
    png = tmp_path / "huge.png"
    Image.new("1", (16320, 12240)).save(png)  # no draft decoding for PNG: the full size would be decoded
    with pytest.raises(imaging.UnreadableImage, match="megapixel"):
        imaging.decode_image(png, (224, 224))


def test_an_unwritable_data_folder_is_one_message(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["--data-dir", str(blocker / "data"), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "cannot be created" in err and "Traceback" not in err


def test_an_unexpected_error_is_one_line_and_its_traceback_reaches_the_log(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.commands import stats
    from desktop_app.core.platform import logs

    def broken(_args, _context) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(stats, "run", broken)
    assert main(["stats"]) == 70
    err = capsys.readouterr().err
    log_file = logs.current_log_file()
    assert log_file and log_file in err and "RuntimeError: a bug" in err and "Traceback" not in err
    assert "Traceback" in Path(log_file).read_text(encoding="utf-8")


def test_no_room_for_the_fast_encoder_is_one_message_before_any_conversion(tiny_blip2: Path, app_paths,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")
    from types import SimpleNamespace

    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import resolve_blip2

    monkeypatch.setattr(onnx_encoder.shutil, "disk_usage", lambda _folder: SimpleNamespace(free=1000, total=1, used=1))
    with pytest.raises(StorageError) as caught:
        onnx_encoder.prepare_text(resolve_blip2(str(tiny_blip2), app_paths), app_paths.prepared_dir)
    assert str(app_paths.prepared_dir) in caught.value.message and "Free at least" in caught.value.hint
    assert not any(app_paths.prepared_dir.iterdir())  # nothing half-written
