"""Opening the towers a catalog was built for: the one place that turns an encoder choice into an encoder.

Indexing (re-using a catalog's recorded choice) and search (encoding a query photo as the catalog's
photos were, so a photo finds itself) both open towers here, so the two can never decide differently.
torch, transformers and onnxruntime are imported only when a tower is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.store.catalog import EncoderChoice

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import ResolvedModel, TextEncoder, VisionEncoder
    from desktop_app.core.embedding.onnx_encoder import OnnxTextEncoder, OnnxVisionEncoder


def open_text_encoder(resolved: ResolvedModel, prepared_dir: Path, threads: int | None = None) -> TextEncoder | OnnxTextEncoder:
    """The prepared int8 text tower when one passed its check for this model, else the torch one."""
    from desktop_app.core.embedding import onnx_encoder

    fast = onnx_encoder.open_cached_text(resolved, prepared_dir, threads)
    if fast is not None:
        return fast
    from desktop_app.core.embedding.blip2 import TextEncoder

    return TextEncoder(resolved, threads=threads)


def open_vision_encoder(resolved: ResolvedModel, choice: EncoderChoice | None, prepared_dir: Path | None, *,
                        threads: int | None = None, device: str = "auto") -> VisionEncoder | OnnxVisionEncoder:
    """The vision tower `choice` names: the prepared ONNX one if it is still there, else torch at its precision
    (torch's dynamic int8 for a catalog whose prepared tower was removed). No choice yet means torch fp32."""
    if choice is not None and choice.backend == "onnx" and prepared_dir is not None:
        fast = open_prepared_vision(resolved, prepared_dir, threads)
        if fast is not None:
            return fast
    from desktop_app.core.embedding.blip2 import VisionEncoder

    precision = choice.precision if choice is not None else "fp32"
    return VisionEncoder(resolved, precision=precision, device=device, threads=threads)


def open_prepared_vision(resolved: ResolvedModel, prepared_dir: Path, threads: int | None = None) -> OnnxVisionEncoder | None:
    """The prepared int8 vision tower, or None where it was never prepared (or onnxruntime is missing)."""
    from desktop_app.core.embedding import onnx_encoder

    return onnx_encoder.open_cached(resolved, prepared_dir, threads)
