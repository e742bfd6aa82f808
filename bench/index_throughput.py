"""Index throughput: the original article's way vs our indexer, on real 1800×2400 product photos.

Both ways run the full-size BLIP-2 ITM architecture (random weights, so nothing is downloaded), each
in its own subprocess so peak RSS is its own (a child's ru_maxrss starts from its parent's peak, so
this process builds nothing, loads no torch and measures nothing itself: the model is built, and the
CPU's fp32 peak measured, in children too):

  (a) article: PIL open, the BLIP-2 processor, one fp32 Blip2VisionModelWithProjection call per image,
      mean of the 32 query embeddings;
  (b) ours with torch fp32 and (c) with torch dynamic int8: `index_folders` into a fresh catalog
      (batches, draft decoding overlapped with encoding, zero-shot tags and thumbnails included);
  (d) ours with ONNX Runtime int8 (core/embedding/onnx_encoder.py), the same run, the encoder prepared beforehand;
  and the one-time preparation of (d) (export, quantise, agreement check) in its own subprocess.

Agreement with fp32 is on the photos the indexer checks (the first AGREEMENT_SAMPLE): (a) and (b) are
fp32 themselves; (c) is torch's dynamic int8 against fp32, in a child of its own; (d) is the check the
preparation ran, with the weight scheme and the CPU's int8 kernel path (core/platform/cpu.py), which
the figures depend on: AVX2 without VNNI sums int8 products in 16 bits.

Peak memory is the largest of the process and the children it waited for (the preparation and the
first label vectors run in child processes by design).

Model loading is timed apart from the images/s figures, which cover the per-image work only. GFLOP/s
takes a photo as about 0.53 TFLOP (ViT-g at 224 px plus the Q-Former); the CPU's fp32 peak is estimated
with a large matmul and its int8 peak as 4x that (AVX-512 VNNI does four int8 MACs per fp32 FMA lane).

Usage: python bench/index_throughput.py [--photos DIR] [--count N] [--model-dir DIR] [--batch-size N] [--ways W,W] [--tiny]

--tiny runs every step with the tiny stand-in model instead (a minute, not an hour): it checks the
benchmark works, its figures mean nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_PHOTOS = REPO.parent / "shared" / "data" / "product-photos"
DEFAULT_MODELS = Path(tempfile.gettempdir()) / "fashion-assistant-bench"
WAYS = ("article", "torch-fp32", "torch-int8", "onnx")
TFLOP_PER_PHOTO = 0.53


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """The peak resident memory of this process, or of the largest child it waited for (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _peaks() -> dict:
    own, children = _peak_rss_mb(), _peak_rss_mb(resource.RUSAGE_CHILDREN)
    return {"peak_rss_mb": max(own, children), "own_rss_mb": own, "child_rss_mb": children}


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
    return {"images": len(files), "load_s": loaded - start, "seconds": done - loaded, **_peaks()}


def ours(photos: Path, model_dir: Path, batch_size: int, precision: str, backend: str, prepared_dir: Path) -> dict:
    from desktop_app.core.catalog.indexer import ModelProvider, index_folders
    from desktop_app.core.embedding.blip2 import resolve_blip2
    from desktop_app.core.platform.jobs import CancelToken
    from desktop_app.core.platform.paths import resolve_paths
    from desktop_app.core.store.catalog import Catalog

    with tempfile.TemporaryDirectory() as tmp:
        paths = resolve_paths(data_dir=tmp).ensure()
        start = time.perf_counter()
        models = ModelProvider(resolve_blip2(str(model_dir), paths), paths.cache_dir, backend=backend, prepared_dir=prepared_dir)  # type: ignore[arg-type]
        if backend == "onnx":
            encoder, why = models.fast_vision(_sample(photos, models.pixel_spec), lambda *a: None, CancelToken())
            assert encoder is not None and encoder.prepared is not None and encoder.prepared.seconds == 0, why  # prepared beforehand
        else:
            models.vision(precision)  # type: ignore[arg-type]
        models.labels()  # the text tower, once per model (then cached on disk and freed)
        loaded = time.perf_counter()
        with Catalog.open(paths.db_path) as catalog:
            report = index_folders(catalog, [photos], models, precision=precision, batch_size=batch_size,  # type: ignore[arg-type]
                                   thumbnails_dir=paths.thumbnails_dir)
        done = time.perf_counter()
    assert report.embedded == report.scanned == len(_photos(photos)) and report.backend == backend, report
    assert report.precision == ("int8" if backend == "onnx" else precision), report
    return {"images": report.embedded, "load_s": loaded - start, "seconds": done - loaded, **_peaks()}


def _sample(photos: Path, spec) -> Any:
    from PIL import Image

    from desktop_app.core.catalog.indexer import AGREEMENT_SAMPLE
    from desktop_app.core.embedding.blip2 import to_pixels

    return to_pixels([Image.open(p).convert("RGB") for p in _photos(photos)[:AGREEMENT_SAMPLE]], spec)


def prepare(photos: Path, model_dir: Path, prepared_dir: Path) -> dict:
    """The one-time conversions (vision, then the text tower the first index also prepares), timed per step from their progress messages."""
    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import pixel_spec, resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths

    with tempfile.TemporaryDirectory() as tmp:
        resolved = resolve_blip2(str(model_dir), resolve_paths(data_dir=tmp))
    steps: list[tuple[str, float]] = []
    prepared = onnx_encoder.prepare(resolved, prepared_dir, _sample(photos, pixel_spec(resolved)),  # type: ignore[arg-type]
                                    progress=lambda d, t, detail: steps.append((detail.rsplit(": ", 1)[-1], time.perf_counter())))
    timings = {name: round(end - begin, 1) for (name, begin), (_next, end) in itertools.pairwise(steps)}
    size = sum((prepared.folder / name).stat().st_size for name in (onnx_encoder.MODEL_FILE, onnx_encoder.DATA_FILE))
    text = onnx_encoder.prepare_text(resolved, prepared_dir)  # so that run (d) times indexing only
    return {"seconds": prepared.seconds, "steps": timings, **_peaks(), "agreement": prepared.agreement,
            "worst_vector": prepared.worst_vector, "photos": prepared.samples, "model_mb": size / 1e6,
            "scheme": prepared.scheme, "cpu_int8_path": prepared.cpu_int8_path,
            "text_seconds": text.seconds, "text_agreement": text.agreement}


def torch_int8_agreement(photos: Path, model_dir: Path) -> dict:
    """Way (c)'s vectors against fp32 on the photos the ONNX check used: the torch model quantised in place, as the indexer does."""
    from desktop_app.core.embedding.blip2 import VisionEncoder, agreement, resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths

    with tempfile.TemporaryDirectory() as tmp:
        encoder = VisionEncoder(resolve_blip2(str(model_dir), resolve_paths(data_dir=tmp)), precision="fp32", device="cpu")
    sample = _sample(photos, encoder.pixel_spec)
    reference = encoder.encode(sample)
    encoder.quantize_int8()
    mean_cosine, worst = agreement(reference, encoder.encode(sample))
    return {"agreement": mean_cosine, "worst_vector": worst, "photos": len(sample)}


def fp32_peak_gflops() -> dict:
    import torch

    a, b = torch.randn(4096, 4096), torch.randn(4096, 4096)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(5):  # the best of five: a peak, not an average over whatever else the machine does
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return {"gflops": 2 * 4096**3 / best / 1e9}


def build_model(model_dir: Path, tiny: bool) -> dict:
    """The stand-in model, built into a sibling folder and renamed into place, so an interrupted build is not taken for one."""
    from tests.stand_in_models import build_blip2, full_blip2_config, tiny_blip2_config

    building = model_dir.with_name(model_dir.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    build_blip2(building, tiny_blip2_config() if tiny else full_blip2_config())
    building.replace(model_dir)
    return _peaks()


def _child(way: str, args: argparse.Namespace) -> dict:
    backend, _, precision = way.partition("-")
    command = [sys.executable, __file__, "--way", backend, "--photos", str(args.photos), "--model-dir", str(args.model_dir),
               "--batch-size", str(args.batch_size), "--precision", precision or "int8", "--prepared-dir", str(args.prepared_dir)]
    out = subprocess.run([*command, *(["--tiny"] if args.tiny else [])], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{way} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--count", type=int, default=24, help="use the first N photos (default 24)")
    parser.add_argument("--model-dir", type=Path, help=f"default {DEFAULT_MODELS}/blip2-full (or blip2-tiny), built once")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--tiny", action="store_true", help="the tiny stand-in model: checks the benchmark runs, in a minute")
    parser.add_argument("--ways", type=lambda text: text.split(","), default=list(WAYS), metavar="W,W",
                        help=f"which ways to time, of {','.join(WAYS)} (default all; the article's way is always the baseline)")
    parser.add_argument("--precision", choices=["int8", "fp32"], default="int8", help=argparse.SUPPRESS)
    parser.add_argument("--way", choices=["article", "torch", "onnx", "prepare", "agreement", "peak", "build"], help=argparse.SUPPRESS)
    parser.add_argument("--prepared-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if unknown := set(args.ways) - set(WAYS):
        parser.error(f"unknown way(s) {', '.join(sorted(unknown))}: choose from {','.join(WAYS)}")
    args.ways = ["article", *args.ways]
    args.model_dir = args.model_dir or DEFAULT_MODELS / ("blip2-tiny" if args.tiny else "blip2-full")
    ways = {
        "article": lambda: article(args.photos, args.model_dir),
        "torch": lambda: ours(args.photos, args.model_dir, args.batch_size, args.precision, "torch", args.prepared_dir),
        "onnx": lambda: ours(args.photos, args.model_dir, args.batch_size, args.precision, "onnx", args.prepared_dir),
        "prepare": lambda: prepare(args.photos, args.model_dir, args.prepared_dir),
        "agreement": lambda: torch_int8_agreement(args.photos, args.model_dir),
        "peak": fp32_peak_gflops,
        "build": lambda: build_model(args.model_dir, args.tiny),
    }
    if args.way is not None:
        print(json.dumps(ways[args.way]()))
        return 0
    if not (args.model_dir / "config.json").is_file():
        size = "tiny" if args.tiny else "full-size"
        print(f"Building the {size} random BLIP-2 in {args.model_dir} (once{'' if args.tiny else '; about 4.6 GB'})…", flush=True)
        built = _child("build", args)
        print(f"built, peak RSS {built['peak_rss_mb']:.0f} MB (in its own process)", flush=True)
    with tempfile.TemporaryDirectory(prefix="fa-bench-") as tmp:
        chosen = _photos(args.photos)[: args.count]
        args.photos = Path(tmp) / "photos"
        for index, photo in enumerate(chosen):
            (args.photos / photo.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(photo, args.photos / photo.parent.name / f"{index:03d}{photo.suffix}")
        args.prepared_dir = Path(tmp) / "prepared"
        return _run_all(args)


def _run_all(args: argparse.Namespace) -> int:
    from desktop_app.core.platform.cpu import cpu_features

    peak = _child("peak", args)["gflops"]
    print(f"CPU {cpu_features().describe()}", flush=True)
    print(f"{len(_photos(args.photos))} photos; model {args.model_dir}; CPU fp32 matmul {peak:.0f} GFLOP/s,"
          f" int8 peak estimate {4 * peak:.0f} GFLOP/s", flush=True)
    converted = _child("prepare", args)
    steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in converted["steps"].items())
    print(f"one-time ONNX preparation: {converted['seconds']:.0f} s ({steps}), peak RSS {converted['peak_rss_mb']:.0f} MB"
          f" (the converting child; its parent {converted['own_rss_mb']:.0f} MB),"
          f" int8 model {converted['model_mb']:.0f} MB ({converted['scheme']} weights, checked on {converted['cpu_int8_path']});"
          f" agreement with fp32 on {converted['photos']} photos:"
          f" worst photo's mean cosine {converted['agreement']:.4f}, worst query vector {converted['worst_vector']:.4f};"
          f" then the text tower in {converted['text_seconds']:.0f} s (agreement {converted['text_agreement']:.4f})", flush=True)
    agreements = {"article": 1.0, "torch-fp32": 1.0, "onnx": converted["agreement"]}
    if "torch-int8" in args.ways:
        torch_int8 = _child("agreement", args)
        print(f"torch dynamic int8 vs fp32 on the same {torch_int8['photos']} photos: worst photo's mean cosine"
              f" {torch_int8['agreement']:.4f}, worst query vector {torch_int8['worst_vector']:.4f}", flush=True)
        agreements["torch-int8"] = torch_int8["agreement"]
    rates, rows = {}, []
    for way, label in (("article", "(a) article: PIL + processor + fp32, one call per image"),
                       ("torch-fp32", f"(b) our indexer, torch fp32, batch {args.batch_size}"),
                       ("torch-int8", f"(c) our indexer, torch dynamic int8, batch {args.batch_size}"),
                       ("onnx", f"(d) our indexer, ONNX Runtime int8, batch {args.batch_size}")):
        if way not in args.ways:
            continue
        result = _child(way, args)
        rate = rates[way] = result["images"] / result["seconds"]
        gflops = rate * TFLOP_PER_PHOTO * 1000
        rows.append((label[:3], rate, rate / rates["article"], gflops, gflops / (4 * peak), agreements[way], result["own_rss_mb"],
                     result["child_rss_mb"]))
        print(f"{label}\n    {rate:.3f} images/s, {rate / rates['article']:.2f}x (a) ({result['seconds']:.1f} s for {result['images']}),"
              f" {gflops:.0f} GFLOP/s ({gflops / (4 * peak):.0%} of int8 peak), agreement with fp32 {agreements[way]:.4f},"
              f" model load {result['load_s']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB"
              f" (the indexing process {result['own_rss_mb']:.0f} MB, its largest child {result['child_rss_mb']:.0f} MB)", flush=True)
    print(f"\nCPU {cpu_features().describe()}")
    print("way  images/s  vs (a)  GFLOP/s  of int8 peak  vs fp32  peak RSS MB  (its largest child, once per model)")
    for name, rate, ratio, gflops, share, agrees, rss, child in rows:
        print(f"{name:4} {rate:8.3f} {ratio:6.2f}x {gflops:8.0f} {share:12.0%} {agrees:8.4f} {rss:12.0f}  ({child:.0f})")
    print(f"prep {converted['seconds']:>8.0f} s (one time) {'':>31} {converted['own_rss_mb']:12.0f}  ({converted['child_rss_mb']:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
