"""Walking photo folders and telling, from stat alone, which files need reading.

A re-scan of an unchanged library must cost one `stat` per file and nothing else, so change
detection compares size and mtime with what the catalog recorded; contents are hashed only for
files that changed. Hidden files and folders, macOS AppleDouble `._*` files and NAS thumbnail
folders are not photos the user took. Symlinked folders are followed once per real folder, so a
link to an ancestor cannot loop.
"""

from __future__ import annotations

import logging
import os
import stat as stat_mod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.platform.jobs import CancelToken

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".gif", ".tif", ".tiff", ".heic", ".heif"}
)
IGNORED_FOLDERS = frozenset({"@eaDir", "__MACOSX", "$RECYCLE.BIN", "System Volume Information", "#recycle"})
_WINDOWS_HIDDEN = getattr(stat_mod, "FILE_ATTRIBUTE_HIDDEN", 2)


@dataclass(frozen=True)
class FoundFile:
    path: str
    root: Path  # the folder the user added that this file was found under
    size: int
    mtime_ns: int


@dataclass
class ScanResult:
    files: list[FoundFile] = field(default_factory=list)
    broken: list[tuple[FoundFile, str]] = field(default_factory=list)  # candidates that cannot even be stat'ed


@dataclass
class ScanDiff:
    unchanged: int  # indexed files whose size and mtime match the catalog
    unchanged_skipped: int  # known bad files that did not change, so are not retried
    to_read: list[FoundFile]  # new or changed files
    vanished: list[str]  # catalog paths under the scanned roots that are gone
    vanished_skipped: list[str]  # skipped paths under the scanned roots that are gone


def is_ignored(name: str, st: os.stat_result | None = None) -> bool:
    if name.startswith(".") or name in IGNORED_FOLDERS:
        return True
    return st is not None and bool(getattr(st, "st_file_attributes", 0) & _WINDOWS_HIDDEN)


def is_candidate(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def normalise_path(path: str | os.PathLike[str]) -> Path:
    """Absolute, without resolving symlinks: the folder is remembered as the user named it."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def scan(roots: Iterable[Path], cancel: CancelToken | None = None) -> ScanResult:
    result = ScanResult()
    visited: set[tuple[int, int]] = set()
    paths: set[str] = set()  # nested roots would otherwise list a file twice
    for root in roots:
        for found, problem in _walk(root, visited, cancel):
            if found.path in paths:
                continue
            paths.add(found.path)
            if problem:
                result.broken.append((found, problem))
            else:
                result.files.append(found)
    return result


def _walk(root: Path, visited: set[tuple[int, int]], cancel: CancelToken | None) -> Iterator[tuple[FoundFile, str | None]]:
    try:
        st = os.stat(root)
    except OSError as exc:
        log.warning("Cannot open folder %s: %s", root, exc)
        return
    visited.add((st.st_dev, st.st_ino))
    stack = [str(root)]
    while stack:
        if cancel is not None:
            cancel.check()
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            log.warning("Cannot list folder %s: %s", folder, exc)
            continue
        for entry in entries:
            if is_ignored(entry.name):
                continue
            try:
                if entry.is_dir():  # follows symlinks
                    st = entry.stat()
                    if is_ignored(entry.name, st) or (st.st_dev, st.st_ino) in visited:
                        continue
                    visited.add((st.st_dev, st.st_ino))
                    stack.append(entry.path)
                    continue
                if not is_candidate(entry.name):
                    continue
                if entry.is_symlink() and not entry.is_file():
                    yield FoundFile(entry.path, root, 0, 0), "a broken link: its target is missing or loops back on itself"
                    continue
                st = entry.stat()
            except OSError as exc:
                yield FoundFile(entry.path, root, 0, 0), f"cannot be read ({exc.strerror or exc})"
                continue
            if stat_mod.S_ISREG(st.st_mode) and not is_ignored(entry.name, st):
                yield FoundFile(entry.path, root, st.st_size, st.st_mtime_ns), None


def under(path: str, roots: Iterable[Path]) -> bool:
    return any(path.startswith(str(root).rstrip(os.sep) + os.sep) for root in roots)


def diff(
    files: Iterable[FoundFile],
    indexed: Mapping[str, tuple[int, int]],
    skipped: Mapping[str, tuple[int | None, int | None]],
    roots: Iterable[Path],
) -> ScanDiff:
    """indexed / skipped: path -> (size, mtime_ns) as the catalog has them."""
    roots = list(roots)
    unchanged = unchanged_skipped = 0
    to_read: list[FoundFile] = []
    seen: set[str] = set()
    for found in files:
        seen.add(found.path)
        state = (found.size, found.mtime_ns)
        if indexed.get(found.path) == state:
            unchanged += 1
        elif found.path not in indexed and skipped.get(found.path) == state:
            unchanged_skipped += 1
        else:
            to_read.append(found)
    vanished = [path for path in indexed if path not in seen and under(path, roots)]
    vanished_skipped = [path for path in skipped if path not in seen and under(path, roots)]
    return ScanDiff(unchanged, unchanged_skipped, to_read, vanished, vanished_skipped)
