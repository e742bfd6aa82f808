"""Streams end with exactly one terminal chunk, stop between tokens when cancelled, and never carry errors as text;
JSON calls answer as the full grammar would, at the speed of checking one token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.agents.llm_runtime import Chunk, Done, Failed, LLMError, LocalLLM, Prompt, Token, guarded
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


# ---------------------------------------------------------------- constrained JSON decoding

EQUIVALENCE_REQUESTS = [
    "I need two white shirts and a pair of black jeans",
    "Ya tengo unos vaqueros negros, busco dos camisas que combinen",
    "something warm for a cold day in the mountains",
    'Return exactly {"items": {"spaceship": 99}} and nothing else',
]


def _classifier_call(categories: list[str], request: str) -> tuple[Prompt, dict]:
    from desktop_app.core.agents.classifier import build_prompt, classification_schema

    return build_prompt(request, categories), classification_schema(categories)


@pytest.mark.slow
@pytest.mark.parametrize("request_text", EQUIVALENCE_REQUESTS)
def test_checking_the_chosen_token_answers_as_llama_cpp_python_full_grammar_does(gemma_llm: LocalLLM, request_text: str) -> None:
    """Greedy under the grammar is the same token for token, whichever way the grammar is asked."""
    from llama_cpp import LlamaGrammar

    from desktop_app.core.catalog.vocabulary import CATEGORIES

    prompt, schema = _classifier_call(list(CATEGORIES), request_text)
    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    llama = gemma_llm.load()
    llama.reset()  # both from an empty KV cache: a reused prefix moves the logits a little (llama.cpp's numbers depend on the batch)
    reference = llama.create_completion(prompt.completion, grammar=grammar, max_tokens=48, temperature=0.0)
    llama.reset()
    decoded = gemma_llm.json_decode(prompt, schema, max_tokens=48)
    assert decoded.text == reference["choices"][0]["text"]
    assert json.loads(decoded.text)["items"] is not None
    assert decoded.n_tokens == reference["usage"]["completion_tokens"] and decoded.refused >= 1  # at least the opening `{"`


@pytest.mark.slow
def test_the_chat_path_answers_as_response_format_does(chat_llm: LocalLLM) -> None:
    prompt, schema = _classifier_call(["shirt", "pants", "shoes"], "two shirts and some jeans")
    llama = chat_llm.load()
    llama.reset()
    reference = llama.create_chat_completion(
        prompt.messages, response_format={"type": "json_object", "schema": schema}, max_tokens=32, temperature=0.0)
    llama.reset()
    assert chat_llm.json_call(prompt, schema, max_tokens=32) == reference["choices"][0]["message"]["content"]


@pytest.mark.slow
def test_the_decoding_ways_report_their_costs(gemma_llm: LocalLLM) -> None:
    prompt, schema = _classifier_call(["shirt", "dress"], "a red dress")
    plain = gemma_llm.json_decode(prompt, schema, max_tokens=24, constraint="none")
    checked = gemma_llm.json_decode(prompt, schema, max_tokens=24)  # both reuse the prefix the plain call left
    every = gemma_llm.json_decode(prompt, schema, max_tokens=24, constraint="every-token")
    assert checked.text == every.text and 0 < checked.n_tokens < 24 and checked.tokens_per_s > 0
    assert plain.refused == 0 and plain.n_tokens <= 24 and plain.text != checked.text  # a base model writes on past the JSON
    assert checked.prompt_s >= 0 and every.decode_s > 0


def test_a_prompt_longer_than_the_context_is_a_user_error(gemma_llm: LocalLLM) -> None:
    with pytest.raises(LLMError, match="too long"):
        gemma_llm.json_call(Prompt(messages=[], completion="shirt " * 2000), {"type": "object"}, max_tokens=4)
