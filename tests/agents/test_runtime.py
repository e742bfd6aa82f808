"""Streams end with exactly one terminal chunk, stop between tokens when cancelled, and never carry errors as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.agents.llm_runtime import Chunk, Done, Failed, LocalLLM, Prompt, Token, guarded
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import CancelToken

STORY = Prompt(messages=[{"role": "user", "content": "Tell me a long story."}], completion="Once upon a time, in a small town,")


def _terminals(chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in chunks if not isinstance(c, Token)]


def test_cancel_mid_stream_stops_at_the_next_token(gemma_llm: LocalLLM) -> None:
    cancel = CancelToken()
    chunks: list[Chunk] = []
    for chunk in gemma_llm.stream(STORY, max_tokens=200, cancel=cancel):
        chunks.append(chunk)
        if len(chunks) == 3:
            cancel.cancel()
    assert [type(c) for c in chunks] == [Token, Token, Token, Done]
    assert chunks[-1] == Done("cancelled", 3, gemma_llm.name)
    # the llama stream was closed and the model released: the next call runs to its length
    again = list(gemma_llm.stream(STORY, max_tokens=4))
    assert _terminals(again) == [Done("length", 4, gemma_llm.name)] and len(again) == 5


def test_a_token_cancelled_before_the_start_yields_only_done(gemma_llm: LocalLLM) -> None:
    cancel = CancelToken()
    cancel.cancel()
    chunks = list(gemma_llm.stream(STORY, max_tokens=50, cancel=cancel))
    assert len(chunks) == 1 and isinstance(chunks[0], Done) and chunks[0].reason == "cancelled"


def test_closing_the_consumer_releases_the_model(gemma_llm: LocalLLM) -> None:
    stream = gemma_llm.stream(STORY, max_tokens=200)
    assert isinstance(next(stream), Token)
    stream.close()
    assert isinstance(list(gemma_llm.stream(STORY, max_tokens=2))[-1], Done)


def test_a_bad_model_streams_one_failed_chunk(truncated_gguf: Path) -> None:
    chunks = list(LocalLLM(truncated_gguf).stream(STORY, max_tokens=5))
    assert len(chunks) == 1 and isinstance(chunks[0], Failed)
    assert "not a usable GGUF" in chunks[0].user_message and "truncated" in chunks[0].detail


def test_guarded_turns_exceptions_into_one_failed_and_drops_chunks_after_done() -> None:
    def broken() -> Iterator[Chunk]:
        yield Token("Hello")
        raise RuntimeError("boom")

    def user_error() -> Iterator[Chunk]:
        raise UserError("The model is busy.", "Try again.", "lock")
        yield Token("never")

    def chatty() -> Iterator[Chunk]:
        yield Done("stop", 0, "m")
        yield Token("after the end")

    def unterminated() -> Iterator[Chunk]:
        yield Token("a")

    chunks = list(guarded(broken(), "m"))
    assert chunks[0] == Token("Hello") and isinstance(chunks[1], Failed) and len(chunks) == 2
    assert "boom" not in chunks[1].user_message and "boom" in chunks[1].detail
    assert list(guarded(user_error(), "m")) == [Failed("The model is busy. Try again.", "lock")]
    assert list(guarded(chatty(), "m")) == [Done("stop", 0, "m")]
    assert isinstance(list(guarded(unterminated(), "m"))[-1], Failed)


def test_the_chat_path_streams_through_the_template(chat_llm: LocalLLM) -> None:
    assert chat_llm.has_chat_template
    chunks = list(chat_llm.stream(STORY, max_tokens=3, temperature=0.0))
    (done,) = _terminals(chunks)
    assert isinstance(done, Done) and done.reason in {"stop", "length"} and done.n_tokens == len(chunks) - 1 <= 3
