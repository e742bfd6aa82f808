"""Text-query encoding: would the ONNX Runtime route help the Q-Former text tower as it helps the vision tower?

Measured in one run on the full-size BLIP-2 architecture (random weights): the torch text tower the
app uses (`TextEncoder`, fp32) against the same tower exported to ONNX and run by ONNX Runtime in fp32
and with int8 weights (the vision tower's quantiser, `onnx_encoder.quantize`). Each search encodes one
short request, so the figure is per-request latency (p50/p95 over the requests below, each encoded
alone, after a warm-up), plus the agreement of each ONNX variant with torch.

Usage: python bench/text_encoder_latency.py [--model-dir DIR] [--threads N] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_MODEL = Path(tempfile.gettempdir()) / "fashion-assistant-bench" / "blip2-full"
REQUESTS = [
    "red summer dress", "black leather boots for winter", "a linen shirt for a beach wedding", "white sneakers",
    "something warm for a hike in the mountains", "navy blazer", "floral skirt", "denim jacket with patches",
    "comfortable shoes for standing all day", "a striped t-shirt", "elegant evening gown in emerald green", "wool scarf",
]


def _timed(encode, repeats: int) -> tuple[float, float, np.ndarray]:
    encode(REQUESTS[0])  # warm-up: first-call allocations and kernel selection
    times, vectors = [], []
    for _ in range(repeats):
        for request in REQUESTS:
            start = time.perf_counter()
            vectors.append(encode(request))
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], np.stack(vectors[: len(REQUESTS)])


def _export(encoder, out: Path) -> None:
    import torch

    class Tower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = encoder.model  # a submodule, so its weights export as initialisers

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            embeds = self.model(input_ids=input_ids, attention_mask=attention_mask).text_embeds[:, 0, :]
            return torch.nn.functional.normalize(embeds, dim=-1)

    tokens = {name: torch.from_numpy(ids) for name, ids in encoder.tokenizer(["a photo of a dress"]).items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Tower().eval(), (tokens["input_ids"], tokens["attention_mask"]), str(out), dynamo=False, opset_version=17,
                          input_names=["input_ids", "attention_mask"], output_names=["text_embeds"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}})


def _ort_encoder(model_file: Path, tokenizer, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # as the app's vision sessions
    session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])

    def encode(text: str) -> np.ndarray:
        tokens = tokenizer([text])  # int64 numpy arrays, as the session wants them
        return session.run(None, {"input_ids": tokens["input_ids"], "attention_mask": tokens["attention_mask"]})[0][0]

    return encode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for every variant (default 2, the search default here)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not (args.model_dir / "config.json").is_file():
        from tests.stand_in_models import build_blip2, full_blip2_config

        print(f"Building the full-size random BLIP-2 in {args.model_dir} (once; about 4.6 GB)…", flush=True)
        build_blip2(args.model_dir, full_blip2_config())

    from desktop_app.core.embedding import onnx_encoder
    from desktop_app.core.embedding.blip2 import TextEncoder, resolve_blip2
    from desktop_app.core.platform.paths import resolve_paths

    with tempfile.TemporaryDirectory(prefix="fa-text-bench-") as tmp:
        resolved = resolve_blip2(str(args.model_dir), resolve_paths(data_dir=tmp))
        encoder = TextEncoder(resolved, device="cpu", threads=args.threads)
        rows = [("torch fp32 (the app)", *_timed(lambda text: encoder.encode([text])[0], args.repeats))]
        fp32_file, int8_file = Path(tmp) / "fp32" / "text.onnx", Path(tmp) / "text_int8.onnx"
        _export(encoder, fp32_file)
        onnx_encoder.quantize(fp32_file, int8_file)
        for label, model_file in (("ONNX Runtime fp32", fp32_file), ("ONNX Runtime int8 weights", int8_file)):
            rows.append((label, *_timed(_ort_encoder(model_file, encoder.tokenizer, args.threads), args.repeats)))

    baseline_p50, baseline = rows[0][1], rows[0][3]
    print(f"{len(REQUESTS)} requests x {args.repeats}, one at a time, {args.threads} threads, full-size Q-Former text tower")
    print(f"{'variant':<28} {'p50 ms':>8} {'p95 ms':>8} {'p50 vs torch':>13} {'worst cosine vs torch':>22}")
    for label, p50, p95, vectors in rows:
        worst = float((vectors * baseline).sum(axis=-1).min())
        print(f"{label:<28} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {baseline_p50 / p50:12.2f}x {worst:22.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
