"""Re-scan of an unchanged library: 10,000 indexed files, nothing to do. Target: <= 2 s.

The catalog is filled directly through the store (random unit vectors under the tiny stand-in
model's identity) so the benchmark measures what a re-scan costs, not how long embedding took:
walking folders, one stat per file, comparing with the catalog, and proving no model is loaded.
Reported twice: the core call, and the whole `fashion-assistant index --json` process.

Usage: python bench/rescan.py [--files N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()

    import numpy as np

    from desktop_app.core.catalog import scanner
    from desktop_app.core.catalog.indexer import ModelProvider, index_folders
    from desktop_app.core.embedding.blip2 import resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths
    from desktop_app.core.store import db
    from desktop_app.core.store.catalog import Catalog
    from desktop_app.core.store.catalog_store import CatalogStore
    from tests.stand_in_models import build_tiny_blip2

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        paths = resolve_paths(data_dir=base / "data").ensure()
        model_dir = build_tiny_blip2(base / "tiny-blip2")
        photos = base / "photos"
        for index in range(args.files):
            folder = photos / f"shoot-{index // 100:03}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"IMG_{index:05}.jpg").write_bytes(index.to_bytes(4, "big"))
        models = ModelProvider(resolve_blip2(str(model_dir), paths), paths.cache_dir)
        store = CatalogStore.open(paths.db_path)
        rng = np.random.default_rng(0)
        started = time.perf_counter()
        with db.transaction(store.conn):
            store.use_model(models.identity)
            folder_id = store.add_folder(scanner.normalise_path(photos))
            for found in scanner.scan([photos]).files:
                vectors = rng.standard_normal((models.identity.num_queries, models.identity.dim)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                image_id = store.add_image(found.path, 1, 1, vectors, None)
                store.put_item(found.path, folder_id, image_id, found.size, found.mtime_ns)
        print(f"catalog of {store.item_count()} items filled in {time.perf_counter() - started:.1f} s (setup, not timed)")

        started = time.perf_counter()
        report = index_folders(Catalog(store.conn, paths.db_path), None, models)
        core = time.perf_counter() - started
        store.close()
        assert report.unchanged == args.files and report.indexed == 0, report
        assert not models.vision_loaded, "a re-scan with no changes must not load the model"
        print(f"core index_folders re-scan: {core:.3f} s for {report.unchanged} unchanged files (target <= 2 s)")

        env = {**os.environ, "FASHION_ASSISTANT_DATA_DIR": str(paths.data_dir)}
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "desktop_app.cli", "index", "--json"], cwd=REPO, env=env,
                             capture_output=True, text=True, check=True)
        whole = time.perf_counter() - started
        cli = json.loads(out.stdout)
        assert cli["unchanged"] == args.files, cli
        print(f"whole CLI process (`fashion-assistant index --json`): {whole:.3f} s, of which the re-scan {cli['seconds']:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
