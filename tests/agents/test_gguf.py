"""A bad model file is reported as a BadModelFileError with a sentence for people, and never takes the process down."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.agents.llm_runtime import LocalLLM, check_loads_in_child
from desktop_app.core.models.gguf import BadModelFileError, read_gguf_info


def test_the_bundled_model_passes_the_header_check(gemma_gguf: Path) -> None:
    info = read_gguf_info(gemma_gguf)
    assert (info.architecture, info.version, info.fully_checked) == ("gemma3", 3, True)
    assert info.n_tensors > 100 and info.context_length == 32768
    assert info.chat_template is None and not info.instruction_tuned


def test_a_template_makes_a_chat_model(chat_gguf: Path) -> None:
    info = read_gguf_info(chat_gguf)
    assert info.fully_checked and info.chat_template and info.instruction_tuned


@pytest.mark.parametrize("cut", [24, 5000, 1_000_000])
def test_truncated_headers_are_caught(gemma_gguf: Path, tmp_path: Path, cut: int) -> None:
    path = tmp_path / "cut.gguf"
    with gemma_gguf.open("rb") as source:
        path.write_bytes(source.read(cut))
    with pytest.raises(BadModelFileError, match="not a usable GGUF") as caught:
        read_gguf_info(path)
    assert "runs past the end" in caught.value.detail or "ends at byte" in caught.value.detail


def test_one_missing_byte_at_the_end_is_caught(gemma_gguf: Path, tmp_path: Path) -> None:
    path = tmp_path / "minus-one.gguf"
    path.write_bytes(gemma_gguf.read_bytes()[:-1])
    with pytest.raises(BadModelFileError) as caught:
        read_gguf_info(path)
    assert "truncated" in caught.value.detail


@pytest.mark.parametrize("content", [b"", b"hello, I am a text file\n" * 10, b"GGUF" + b"\x63\x00\x00\x00" + b"\0" * 40,
                                     b"PK\x03\x04" + b"\0" * 100])
def test_files_that_are_not_gguf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(content)
    with pytest.raises(BadModelFileError) as caught:
        read_gguf_info(path)
    assert "download it again" in caught.value.user_text()


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadModelFileError, match="Cannot read"):
        read_gguf_info(tmp_path / "nope.gguf")


def test_loading_a_truncated_model_reports_it_and_the_process_lives_on(truncated_gguf: Path) -> None:
    llm = LocalLLM(truncated_gguf)
    with pytest.raises(BadModelFileError) as caught:
        llm.load()
    assert "truncated" in caught.value.detail and not llm.loaded


@pytest.mark.slow
def test_an_unknown_tensor_type_is_test_loaded_in_a_child(unknown_type_gguf: Path) -> None:
    assert not read_gguf_info(unknown_type_gguf).fully_checked
    with pytest.raises(BadModelFileError, match=r"could not be loaded by llama\.cpp"):
        LocalLLM(unknown_type_gguf).load()


@pytest.mark.slow
def test_a_good_model_passes_the_child_load(gemma_gguf: Path) -> None:
    check_loads_in_child(gemma_gguf)
