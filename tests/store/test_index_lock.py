"""Two index runs on one catalog: the second waits a little, then says another indexing is running; the lock
belongs to the kernel, so a holder killed with kill -9 leaves nothing stale."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.core.store import index_lock as lock_module
from desktop_app.core.store.index_lock import CatalogBusyError, index_lock
from tests.conftest import REPO_ROOT

HOLD = """
import sys, time
from pathlib import Path
from desktop_app.core.store.index_lock import index_lock
with index_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(catalog_path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the catalog's indexing lock, as a second `index` or the window would."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(catalog_path), str(seconds)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_holder_in_the_same_process_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite3"
    busy = pytest.raises(CatalogBusyError, match="Another indexing of this catalog is running")
    with index_lock(catalog), busy, index_lock(catalog, wait=0):
        pass
    with index_lock(catalog, wait=0):  # released on exit
        pass


def test_a_second_index_process_fails_fast_with_one_message_and_exit_code_1(isolated_data_dir: Path, tmp_path: Path) -> None:
    holder = hold_lock(isolated_data_dir / "catalog.sqlite3", 120)
    try:
        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "desktop_app.cli", "index", str(tmp_path)], cwd=REPO_ROOT,
                                env={**os.environ, "FASHION_ASSISTANT_DATA_DIR": str(isolated_data_dir)},
                                capture_output=True, text=True, timeout=60, check=False)
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    err = second.stderr.strip()
    assert second.returncode == 1 and len(err.splitlines()) == 1, err
    assert "Another indexing of this catalog is running" in err and f"process {holder.pid}" in err
    assert lock_module.WAIT_SECONDS <= took < lock_module.WAIT_SECONDS + 30


def test_a_run_that_ends_soon_is_waited_for(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite3"
    holder = hold_lock(catalog, 1.0)
    started = time.monotonic()
    with index_lock(catalog, wait=30):
        waited = time.monotonic() - started
    holder.wait()
    assert 0.3 < waited < 30


@pytest.mark.skipif(os.name == "nt", reason="kill -9 is POSIX")
def test_a_holder_killed_with_kill_9_leaves_no_stale_lock(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite3"
    holder = hold_lock(catalog, 60)
    with pytest.raises(CatalogBusyError), index_lock(catalog, wait=0):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with index_lock(catalog, wait=0):
        assert lock_module.lock_path(catalog).exists()
