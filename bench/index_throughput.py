"""Index throughput: the original article's way vs our indexer, on real 1800×2400 product photos.

Both ways run the full-size BLIP-2 ITM architecture (random weights, so nothing is downloaded), each
in its own subprocess so peak RSS is its own:

  (a) article: PIL open, the BLIP-2 processor, one fp32 Blip2VisionModelWithProjection call per image,
      mean of the 32 query embeddings;
  (b) ours: `index_folders` into a fresh catalog at its best settings (int8, batches, draft decoding
      overlapped with encoding, zero-shot tags and thumbnails included).

Model loading is timed apart from the images/s figures, which cover the per-image work only.

Usage: python bench/index_throughput.py [--photos DIR] [--model-dir DIR] [--batch-size N] [--precision int8|fp32]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_PHOTOS = REPO.parent / "shared" / "data" / "product-photos"
DEFAULT_MODEL = Path(tempfile.gettempdir()) / "fashion-assistant-bench" / "blip2-full"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))


def article(photos: Path, model_dir: Path) -> dict:
    import torch
    from PIL import Image
    from transformers import AutoProcessor, Blip2VisionModelWithProjection

    start = time.perf_counter()
    processor = AutoProcessor.from_pretrained(model_dir)
    model = Blip2VisionModelWithProjection.from_pretrained(model_dir, dtype=torch.float32).eval()
    loaded = time.perf_counter()
    files = _photos(photos)
    for path in files:
        image = Image.open(path)
        inputs = processor(images=image, return_tensors="pt")
        with torch.no_grad():
            embedding = model(**inputs).image_embeds[0].mean(dim=0)
        assert embedding.shape[-1] == model.config.image_text_hidden_size
    done = time.perf_counter()
    return {"images": len(files), "load_s": loaded - start, "seconds": done - loaded, "peak_rss_mb": _peak_rss_mb()}


def ours(photos: Path, model_dir: Path, batch_size: int, precision: str) -> dict:
    from desktop_app.core.blip2 import resolve_blip2
    from desktop_app.core.indexer import ModelProvider, index_folders
    from desktop_app.core.paths import resolve_paths
    from desktop_app.core.store import CatalogStore

    with tempfile.TemporaryDirectory() as tmp:
        paths = resolve_paths(data_dir=tmp).ensure()
        start = time.perf_counter()
        models = ModelProvider(resolve_blip2(str(model_dir), paths), paths.cache_dir)
        models.labels()  # the text tower, once per model (then cached on disk and freed)
        models.vision(precision)  # type: ignore[arg-type]
        loaded = time.perf_counter()
        store = CatalogStore.open(paths.db_path)
        report = index_folders(store, [photos], models, precision=precision, batch_size=batch_size,  # type: ignore[arg-type]
                               thumbnails_dir=paths.thumbnails_dir)
        done = time.perf_counter()
        store.close()
    assert report.embedded == report.scanned == len(_photos(photos)), report
    return {"images": report.embedded, "load_s": loaded - start, "seconds": done - loaded, "peak_rss_mb": _peak_rss_mb()}


def _child(way: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--way", way, "--photos", str(args.photos), "--model-dir", str(args.model_dir),
               "--batch-size", str(args.batch_size), "--precision", args.precision]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{way} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--precision", choices=["int8", "fp32"], default="int8")
    parser.add_argument("--way", choices=["article", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way == "article":
        print(json.dumps(article(args.photos, args.model_dir)))
        return 0
    if args.way == "ours":
        print(json.dumps(ours(args.photos, args.model_dir, args.batch_size, args.precision)))
        return 0
    if not (args.model_dir / "config.json").is_file():
        from tests.stand_in_models import build_blip2, full_blip2_config

        print(f"Building the full-size random BLIP-2 in {args.model_dir} (once; about 4.6 GB)…", flush=True)
        build_blip2(args.model_dir, full_blip2_config())
    print(f"{len(_photos(args.photos))} photos from {args.photos}; model {args.model_dir}", flush=True)
    results = {}
    for way, label in (("article", "(a) article: PIL + processor + fp32, one call per image"),
                       ("ours", f"(b) our indexer: {args.precision}, batch {args.batch_size}, overlapped decoding")):
        result = results[way] = _child(way, args)
        rate = result["images"] / result["seconds"]
        print(f"{label}\n    {rate:.3f} images/s ({result['seconds']:.1f} s for {result['images']}),"
              f" model load {result['load_s']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB", flush=True)
    ratio = (results["ours"]["images"] / results["ours"]["seconds"]) / (results["article"]["images"] / results["article"]["seconds"])
    print(f"ratio (b)/(a): {ratio:.2f}x (target >= 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
