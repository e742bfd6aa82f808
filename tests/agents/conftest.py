"""Agent fixtures: the real 270M loaded once per session, a chat-template copy of it, and damaged GGUF files."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.agents.llm_runtime import LoadOptions, LocalLLM
from desktop_app.core.models.gguf import read_gguf_info

# Gemma's turn format, short: enough to send chat messages through llama-cpp-python's Jinja path.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}"
    "{% else %}<start_of_turn>{{ 'model' if message['role'] == 'assistant' else 'user' }}\\n{{ message['content'] }}"
    "<end_of_turn>\\n{% endif %}{% endfor %}<start_of_turn>model\\n"
)


@pytest.fixture(scope="session")
def gemma_llm(gemma_gguf: Path) -> Iterator[LocalLLM]:
    """The bundled base model, loaded once: small context and two threads, as the classifier runs it."""
    llm = LocalLLM(gemma_gguf, LoadOptions(n_ctx=1024, n_threads=2))
    llm.load()
    yield llm
    llm.close()


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def header_layout(path: Path) -> tuple[int, int, int]:
    """(end of the metadata, end of the tensor infos, start of the tensor data) in a GGUF file."""
    import mmap

    from desktop_app.core.models import gguf

    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        reader = gguf._Reader(buffer, len(buffer))
        reader.take(4, "magic")
        reader.scalar("<I", "version")
        n_tensors, n_kv = reader.scalar("<Q", "tensors"), reader.scalar("<Q", "keys")
        for _ in range(n_kv):
            key = reader.string("key")
            reader.value(reader.scalar("<I", "type"), key)
        kv_end = reader.pos
        for _ in range(n_tensors):
            reader.string("name")
            n_dims = reader.scalar("<I", "dims")
            for _ in range(n_dims):
                reader.scalar("<Q", "dim")
            reader.scalar("<I", "type")
            reader.scalar("<Q", "offset")
        infos_end = reader.pos
    return kv_end, infos_end, -(-infos_end // 32) * 32


@pytest.fixture(scope="session")
def chat_gguf(gemma_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 270M's weights with a chat template added: an 'instruction-tuned' stand-in (its advice is noise, its path is real)."""
    kv_end, infos_end, data_start = header_layout(gemma_gguf)
    source = gemma_gguf.read_bytes()
    n_kv = struct.unpack_from("<Q", source, 16)[0]
    extra = _string("tokenizer.chat_template") + struct.pack("<I", 8) + _string(GEMMA_TEMPLATE)
    header = source[:16] + struct.pack("<Q", n_kv + 1) + source[24:kv_end] + extra + source[kv_end:infos_end]
    header += b"\0" * (-len(header) % 32)
    target = tmp_path_factory.mktemp("chat-gguf") / "gemma-270m-with-template.gguf"
    target.write_bytes(header + source[data_start:])
    assert read_gguf_info(target).instruction_tuned
    return target


@pytest.fixture(scope="session")
def chat_llm(chat_gguf: Path) -> Iterator[LocalLLM]:
    llm = LocalLLM(chat_gguf, LoadOptions(n_ctx=2048, n_threads=2))
    yield llm
    llm.close()


@pytest.fixture(scope="session")
def truncated_gguf(gemma_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model cut at 40% of its length, as an interrupted download leaves it."""
    target = tmp_path_factory.mktemp("bad-gguf") / "truncated.gguf"
    with gemma_gguf.open("rb") as source:
        target.write_bytes(source.read(int(gemma_gguf.stat().st_size * 0.4)))
    return target


@pytest.fixture(scope="session")
def unknown_type_gguf(gemma_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A header whose first tensor has a type id no ggml knows: the Python check cannot size it, so a child must load it."""
    kv_end, _infos_end, _data = header_layout(gemma_gguf)
    data = bytearray(gemma_gguf.read_bytes())
    name_len = struct.unpack_from("<Q", data, kv_end)[0]
    n_dims_at = kv_end + 8 + name_len
    n_dims = struct.unpack_from("<I", data, n_dims_at)[0]
    type_at = n_dims_at + 4 + 8 * n_dims
    struct.pack_into("<I", data, type_at, 999)
    target = tmp_path_factory.mktemp("bad-gguf") / "unknown-type.gguf"
    target.write_bytes(bytes(data))
    return target
