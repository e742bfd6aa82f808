"""Small model files written here: a GGUF with a real header and one tensor, good enough for the header checks."""

from __future__ import annotations

import struct
from pathlib import Path


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf_bytes(architecture: str = "gemma3", chat_template: str | None = "{{ messages }}", n_floats: int = 64 * 1024) -> bytes:
    """A GGUF v3 file: general.architecture (and a chat template, which makes it instruction-tuned), one F32 tensor."""
    metadata = [("general.architecture", architecture)] + ([("tokenizer.chat_template", chat_template)] if chat_template else [])
    header = b"GGUF" + struct.pack("<IQQ", 3, 1, len(metadata))
    for key, value in metadata:
        header += _string(key) + struct.pack("<I", 8) + _string(value)
    header += _string("token_embd.weight") + struct.pack("<I", 1) + struct.pack("<Q", n_floats) + struct.pack("<IQ", 0, 0)
    header += b"\0" * (-len(header) % 32)
    return header + struct.pack(f"<{n_floats}f", *(float(i % 97) for i in range(n_floats)))


def write_gguf(path: Path, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(**kwargs))  # type: ignore[arg-type]
    return path
