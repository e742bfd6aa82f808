"""One indexing (or repair) of a catalog at a time, across processes: the CLI's and the window's.

Two runs writing the same photos at once would both embed them and collide on their content hash.
The lock is the operating system's own on a small file beside the catalog (`catalog.sqlite3.lock`):
`flock` on POSIX, `msvcrt.locking` on Windows. The kernel drops it when its process ends however it
ends (kill -9 included), so a crash can never leave a stale lock, and nobody has to judge whether a
recorded process id is still alive. The file stays after release (removing it would let two runs lock
two different files of the same name); what it holds, who took it and when, is only for the message.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import N_, _

WAIT_SECONDS = 5.0  # a run that is about to end (a re-scan with nothing new) is waited for, not reported
_POLL_SECONDS = 0.1
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would translate newlines without it
_INFO_OFFSET = 1  # Windows' locks are mandatory: byte 0 is the locked one, the holder's details come after it
# What holds the lock, as the holder wrote it into the lock file, in words for the message of one that waits for it.
_WHAT = {"indexing": N_("indexing"), "repair": N_("repair"), "restore": N_("restore"), "replacement": N_("replacement")}


class CatalogBusyError(UserError):
    """Another process (or window) is indexing or repairing this catalog right now."""


def lock_path(catalog_path: Path) -> Path:
    return catalog_path.with_name(catalog_path.name + ".lock")


@contextlib.contextmanager
def index_lock(catalog_path: Path | str, what: str = "indexing", wait: float | None = None) -> Iterator[None]:
    """Hold the catalog's indexing lock, waiting up to `wait` seconds (WAIT_SECONDS) for a current holder to finish."""
    if str(catalog_path) == ":memory:":
        yield
        return
    path = lock_path(Path(catalog_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | _BINARY, 0o644), "r+b") as handle:
        _acquire(handle, WAIT_SECONDS if wait is None else wait)
        try:
            _record_holder(handle, what)
            yield
        finally:
            _unlock(handle)


def _acquire(handle: IO[bytes], wait: float) -> None:
    deadline = time.monotonic() + wait
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            raise _busy(handle)
        time.sleep(_POLL_SECONDS)


def _busy(handle: IO[bytes]) -> CatalogBusyError:
    holder = _read_holder(handle)
    what = str(holder.get("what", "indexing"))
    what = _(_WHAT[what]) if what in _WHAT else what
    if "pid" in holder and "since" in holder:
        message = _("Another {what} of this catalog is running (process {pid}, since {since}).").format(
            what=what, pid=holder["pid"], since=holder["since"])
    else:
        message = _("Another {what} of this catalog is running.").format(what=what)
    return CatalogBusyError(message, _("Wait for it to finish, or stop it, then run the command again."))


def _record_holder(handle: IO[bytes], what: str) -> None:
    info = {"pid": os.getpid(), "since": datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "what": what}
    handle.seek(0)
    handle.write(b" " + json.dumps(info).encode())
    handle.truncate()
    handle.flush()


def _read_holder(handle: IO[bytes]) -> dict[str, str]:
    try:
        handle.seek(_INFO_OFFSET)
        raw = json.loads(handle.read().decode() or "{}")
    except (OSError, ValueError):
        return {}
    return {key: str(value) for key, value in raw.items()} if isinstance(raw, dict) else {}


if os.name == "nt":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
