"""Reading and checking a GGUF file's header in Python, before llama.cpp is allowed near it.

llama.cpp reports most broken files as a failed load, but a crash inside its loader takes the whole
app (and a test run) down with it, and a truncated file that still loads can fail much later. So the
header is walked here: magic, version, every key and value, every tensor's shape, type and offset,
and the file must be long enough to hold every tensor's bytes. A tensor type this table does not know
(a format newer than this code) cannot be size-checked; `GGUFInfo.fully_checked` says so, and the
runtime then proves the file loads in a child process instead.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.platform.i18n import _

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
_MAX_COUNT = 1 << 20  # tensors or keys; real models have a few thousand at most
_MAX_DIMS = 4  # GGML_MAX_DIMS

# ggml type id -> (elements per block, bytes per block), from ggml.h / gguf-py's GGML_QUANT_SIZES
GGML_BLOCK_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 40),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82),
    23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17),
}

# GGUF metadata value types -> struct format of a scalar (8 = string, 9 = array)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class GGUFArray:
    """An array value (the vocabulary, merges): skipped, not kept, since only scalars are ever read."""

    item_type: int
    length: int


class BadModelFileError(UserError):
    """The chosen file is not a usable GGUF model (wrong format, truncated, or damaged)."""


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    version: int
    n_tensors: int
    metadata: dict[str, Any] = field(repr=False)
    fully_checked: bool  # False when some tensor type was unknown, so sizes could not all be checked

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name") or self.path.stem)

    @property
    def chat_template(self) -> str | None:
        template = self.metadata.get("tokenizer.chat_template")
        return template if isinstance(template, str) and template.strip() else None

    @property
    def context_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.context_length")
        return int(value) if isinstance(value, int) else None

    @property
    def instruction_tuned(self) -> bool:
        """A chat template is what tells a chat model from a base one; a template on a "pt" model does not count."""
        finetune = str(self.metadata.get("general.finetune", "")).lower()
        return self.chat_template is not None and finetune not in {"pt", "base", "pretrained"}


class _Reader:
    """Reads from a memory map: a vocabulary of 262k strings is walked in a tenth of a second, not 0.4 s."""

    def __init__(self, buffer: mmap.mmap, size: int) -> None:
        self.buffer = buffer
        self.size = size
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise ValueError(f"{what} runs past the end of the file (needs {n} bytes at offset {self.pos}, file has {self.size})")
        start, self.pos = self.pos, self.pos + n
        return self.buffer[start : self.pos]

    def scalar(self, fmt: str, what: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def string(self, what: str) -> str:
        length = self.scalar("<Q", what)
        raw = self.take(length, what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{what} is not UTF-8") from exc

    def value(self, vtype: int, what: str) -> Any:
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype], what)
        if vtype == _STRING:
            return self.string(what)
        if vtype == _ARRAY:
            item_type = self.scalar("<I", what)
            count = self.scalar("<Q", what)
            if item_type == _ARRAY:
                raise ValueError(f"{what} is an array of arrays")
            if item_type in _SCALARS:  # skipped in one seek, once the bytes are known to be there
                end = self.pos + count * struct.calcsize(_SCALARS[item_type])
                if end > self.size:
                    raise ValueError(f"{what} runs past the end of the file")
                self.pos = end
            else:
                for _ in range(count):
                    self.value(item_type, what)
            return GGUFArray(item_type, count)
        raise ValueError(f"{what} has unknown value type {vtype}")


def _fail(path: Path, detail: str) -> BadModelFileError:
    return BadModelFileError(
        _("{file} is not a usable GGUF model file.").format(file=path.name),
        _("It may be incomplete or damaged: download it again, or choose another .gguf file."),
        f"{path}: {detail}", fix=Fix.MODELS,
    )


def read_gguf_info(path: Path | str) -> GGUFInfo:
    """Walk the whole header and check that every tensor's bytes are in the file; raise BadModelFileError if not."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < 24:
                raise _fail(path, f"only {size} bytes long")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
                return _parse(path, _Reader(buffer, size))
    except OSError as exc:
        raise BadModelFileError(_("Cannot read the model file {path}.").format(path=path), _("Check that it exists and is readable."),
                                str(exc), fix=Fix.MODELS) from exc
    except (ValueError, struct.error) as exc:
        raise _fail(path, str(exc)) from exc


def _parse(path: Path, reader: _Reader) -> GGUFInfo:
    magic = reader.take(4, "magic")
    if magic != GGUF_MAGIC:
        raise ValueError(f"magic is {magic!r}, not {GGUF_MAGIC!r}")
    version = reader.scalar("<I", "version")
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"GGUF version {version} is not supported (only {SUPPORTED_VERSIONS})")
    n_tensors = reader.scalar("<Q", "tensor count")
    n_kv = reader.scalar("<Q", "metadata count")
    if n_tensors == 0 or n_tensors > _MAX_COUNT or n_kv > _MAX_COUNT:
        raise ValueError(f"implausible counts: {n_tensors} tensors, {n_kv} metadata keys")
    metadata: dict[str, Any] = {}
    for index in range(n_kv):
        key = reader.string(f"metadata key #{index}")
        metadata[key] = reader.value(reader.scalar("<I", f"type of {key}"), key)
    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise ValueError(f"general.alignment {alignment!r} is not a power of two")
    tensors: list[tuple[str, int, int | None]] = []  # name, offset, bytes (None when the type is unknown)
    for index in range(n_tensors):
        name = reader.string(f"tensor name #{index}")
        n_dims = reader.scalar("<I", f"dimensions of {name}")
        if not 1 <= n_dims <= _MAX_DIMS:
            raise ValueError(f"tensor {name} has {n_dims} dimensions")
        dims = [reader.scalar("<Q", f"shape of {name}") for _ in range(n_dims)]
        if any(d <= 0 or d > 1 << 40 for d in dims):
            raise ValueError(f"tensor {name} has shape {dims}")
        ggml_type = reader.scalar("<I", f"type of {name}")
        offset = reader.scalar("<Q", f"offset of {name}")
        if offset % alignment:
            raise ValueError(f"tensor {name} offset {offset} is not aligned to {alignment}")
        tensors.append((name, offset, _tensor_bytes(name, dims, ggml_type)))
    data_start = -(-reader.pos // alignment) * alignment
    for name, offset, nbytes in tensors:
        end = data_start + offset + (nbytes or 0)
        if end > reader.size:
            raise ValueError(f"tensor {name} ends at byte {end} but the file has {reader.size} bytes (truncated?)")
    return GGUFInfo(path, version, n_tensors, metadata, fully_checked=all(t[2] is not None for t in tensors))


def _tensor_bytes(name: str, dims: list[int], ggml_type: int) -> int | None:
    if ggml_type not in GGML_BLOCK_SIZES:
        return None
    block, block_bytes = GGML_BLOCK_SIZES[ggml_type]
    if dims[0] % block:
        raise ValueError(f"tensor {name} row of {dims[0]} is not a multiple of its block size {block}")
    elements = 1
    for d in dims:
        elements *= d
    return elements // block * block_bytes
