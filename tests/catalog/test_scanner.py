"""Walking folders: what counts as a photo, symlink safety, and stat-only change detection."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from desktop_app.core.catalog import scanner
from tests.catalog.conftest import BAD_CORPUS_EXPECTED, build_bad_corpus


def test_scan_ignores_hidden_files_and_survives_symlink_loops(tmp_path: Path, one_photo: Path) -> None:
    corpus = build_bad_corpus(tmp_path / "corpus", one_photo)
    result: list[scanner.ScanResult] = []
    worker = threading.Thread(target=lambda: result.append(scanner.scan([corpus])), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert result, "the scan did not finish: a symlink loop?"
    found = {os.path.relpath(f.path, corpus) for f in result[0].files}
    broken = {os.path.relpath(f.path, corpus): reason for f, reason in result[0].broken}
    expected_seen = {n for n, e in BAD_CORPUS_EXPECTED.items() if e not in ("ignored", "broken link")}
    assert found == expected_seen
    assert set(broken) == {"dangling.jpg"} and "broken link" in broken["dangling.jpg"]


def test_diff_tells_unchanged_changed_new_and_vanished_from_stat_alone(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    (root / "a").mkdir(parents=True)
    for name in ("one.jpg", "two.jpg", "three.jpg"):
        (root / "a" / name).write_bytes(name.encode())
    files = {Path(f.path).name: f for f in scanner.scan([root]).files}
    indexed = {files["one.jpg"].path: (files["one.jpg"].size, files["one.jpg"].mtime_ns),
               files["two.jpg"].path: (files["two.jpg"].size, files["two.jpg"].mtime_ns - 1),  # changed
               str(root / "a" / "gone.jpg"): (1, 1),
               str(tmp_path / "elsewhere" / "x.jpg"): (1, 1)}  # not under the scanned root: left alone
    change = scanner.diff(files.values(), indexed, {}, [root])
    assert change.unchanged == 1
    assert sorted(Path(f.path).name for f in change.to_read) == ["three.jpg", "two.jpg"]
    assert change.vanished == [str(root / "a" / "gone.jpg")]


def test_unchanged_skipped_files_are_not_retried(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    (root / "bad.jpg").write_bytes(b"nope")
    (found,) = scanner.scan([root]).files
    same = scanner.diff([found], {}, {found.path: (found.size, found.mtime_ns)}, [root])
    assert same.unchanged_skipped == 1 and not same.to_read
    changed = scanner.diff([found], {}, {found.path: (found.size + 1, found.mtime_ns)}, [root])
    assert changed.to_read == [found]


def test_nested_roots_list_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "p" / "q").mkdir(parents=True)
    (tmp_path / "p" / "q" / "x.png").write_bytes(b"x")
    assert len(scanner.scan([tmp_path / "p", tmp_path / "p" / "q"]).files) == 1
