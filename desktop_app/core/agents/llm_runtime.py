"""The local LLM runtime over llama-cpp-python: one GGUF, loaded on first use, checked before llama.cpp sees it.

Two kinds of call share it. A schema-constrained JSON call (the classifier) returns one string the
grammar made valid JSON. A streamed call (the stylist) yields typed chunks, checks the cancel token
after every chunk and closes the llama stream when stopped; any exception becomes one final `Failed`,
so a front end never sees an error as text and always gets exactly one terminal chunk.

A GGUF with a chat template is prompted through it (`create_chat_completion`); a base model without
one gets the plain completion text of the same `Prompt`, because llama-cpp-python would otherwise
fall back to a Llama-2 template the model never saw.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from desktop_app.core.models.gguf import BadModelFileError, GGUFInfo, read_gguf_info
from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import Cancelled, CancelToken

log = logging.getLogger(__name__)

_PROBE_TIMEOUT_S = 300


class LLMError(UserError):
    """The language model could not be loaded or stopped while answering."""


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Done:
    reason: Literal["stop", "length", "cancelled"]
    n_tokens: int
    model: str


@dataclass(frozen=True)
class Failed:
    user_message: str
    detail: str = ""


Chunk = Token | Done | Failed


@dataclass(frozen=True)
class Prompt:
    """One request in both shapes: chat messages, and the plain text a base model without a chat template gets."""

    messages: list[dict[str, str]]
    completion: str


@dataclass(frozen=True)
class LoadOptions:
    n_ctx: int = 2048
    n_threads: int | None = None  # None: every core
    n_gpu_layers: int | None = None  # None: all layers where llama.cpp was built with GPU offload, else none


_llama_log = logging.getLogger("llama.cpp")
_log_callback: Any = None  # kept referenced: llama.cpp holds only a C pointer to it


def _route_llama_logs() -> None:
    """Send llama.cpp's own messages (ggml levels: 1 debug, 2 info, 3 warn, 4 error) to our log, not the terminal."""
    global _log_callback
    if _log_callback is not None:
        return
    import ctypes

    import llama_cpp

    @llama_cpp.llama_log_callback
    def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        _llama_log.log(logging.WARNING if level in (3, 4) else logging.DEBUG, "%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = callback
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def _gpu_layers(requested: int | None) -> int:
    if requested is not None:
        return requested
    import llama_cpp

    return -1 if llama_cpp.llama_supports_gpu_offload() else 0


def _probe_load(path: str, n_ctx: int) -> str:
    """Load a model and evaluate one token; '' on success, else the error text."""
    from llama_cpp import Llama

    try:
        llama = Llama(path, n_ctx=min(n_ctx, 256), n_gpu_layers=0, verbose=False)
        llama.create_completion("a", max_tokens=1)
        llama.close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def check_loads_in_child(path: Path, n_ctx: int = 256) -> None:
    """Prove in a child process that llama.cpp can load the file, for files the header check could not fully vouch for."""
    try:
        detail = run_in_child(_probe_load, str(path), n_ctx, timeout=_PROBE_TIMEOUT_S)
    except ChildDied as exc:
        detail = f"the test load failed: {exc}"
    if not detail:
        return
    raise BadModelFileError(
        f"{path.name} could not be loaded by llama.cpp.",
        "The file may be damaged, or made for a newer llama.cpp: download it again or choose another GGUF.",
        f"{path}: {detail}",
    )


class LocalLLM:
    """One GGUF, loaded lazily and shared; calls are serialised because a llama.cpp context is not thread-safe."""

    def __init__(self, path: Path | str, options: LoadOptions | None = None) -> None:
        self.path = Path(path)
        self.options = options or LoadOptions()
        self._info: GGUFInfo | None = None
        self._llama: Any = None
        self._load_lock = threading.Lock()
        self._call_lock = threading.Lock()  # not an RLock: a stream may be finished from another thread
        self._grammars: dict[str, Any] = {}

    @property
    def info(self) -> GGUFInfo:
        if self._info is None:
            self._info = read_gguf_info(self.path)
        return self._info

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def has_chat_template(self) -> bool:
        return self.info.chat_template is not None

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def load(self) -> Any:
        """The llama_cpp.Llama, created on first use after the file passed the header check."""
        with self._load_lock:
            if self._llama is None:
                self._llama = self._create()
            return self._llama

    def _create(self) -> Any:
        info = self.info
        if not info.fully_checked:
            log.info("%s uses a tensor type the header check does not know; test-loading it in a child process", self.path)
            check_loads_in_child(self.path, self.options.n_ctx)
        from llama_cpp import Llama

        _route_llama_logs()
        n_ctx = min(self.options.n_ctx, info.context_length or self.options.n_ctx)
        threads = self.options.n_threads or os.cpu_count() or 1
        try:
            llama = Llama(
                str(self.path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                n_gpu_layers=_gpu_layers(self.options.n_gpu_layers), verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise LLMError(
                f"The model {self.path.name} could not be loaded.",
                "The file may be damaged or need a newer version of the app; try another GGUF.",
                f"{self.path}: {exc}",
            ) from exc
        log.info("Loaded %s (%s, n_ctx=%d, chat template: %s)", info.name, self.path, n_ctx, self.has_chat_template)
        return llama

    def close(self) -> None:
        with self._load_lock, self._call_lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

    def json_call(self, prompt: Prompt, schema: dict[str, Any], *, max_tokens: int) -> str:
        """One schema-constrained answer at temperature 0; the text is JSON by construction, not by hope."""
        llama = self.load()
        with self._call_lock:
            if self.has_chat_template:
                result = llama.create_chat_completion(
                    prompt.messages, response_format={"type": "json_object", "schema": schema},
                    max_tokens=max_tokens, temperature=0.0,
                )
                return str(result["choices"][0]["message"]["content"] or "")
            result = llama.create_completion(
                prompt.completion, grammar=self._grammar(schema), max_tokens=max_tokens, temperature=0.0,
            )
            return str(result["choices"][0]["text"])

    def _grammar(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars = {key: LlamaGrammar.from_json_schema(key, verbose=False)}  # keep one: schemas rarely change
        return self._grammars[key]

    def stream(
        self, prompt: Prompt, *, max_tokens: int, temperature: float = 0.7, cancel: CancelToken | None = None,
    ) -> Iterator[Chunk]:
        """Tokens as they come, then exactly one Done or Failed."""
        return guarded(self._stream(prompt, max_tokens, temperature, cancel or CancelToken()), self.path.name)

    def _stream(self, prompt: Prompt, max_tokens: int, temperature: float, cancel: CancelToken) -> Iterator[Chunk]:
        cancel.check()
        llama = self.load()
        cancel.check()
        with self._call_lock:
            if self.has_chat_template:
                parts = llama.create_chat_completion(prompt.messages, stream=True, max_tokens=max_tokens, temperature=temperature)
            else:
                parts = llama.create_completion(prompt.completion, stream=True, max_tokens=max_tokens, temperature=temperature)
            n_tokens, reason = 0, "stop"
            try:
                for part in parts:
                    choice = part["choices"][0]
                    text = choice["delta"].get("content") if "delta" in choice else choice.get("text")
                    if text:
                        n_tokens += 1
                        yield Token(text)
                    if choice.get("finish_reason") == "length":
                        reason = "length"
                    if cancel.cancelled:
                        yield Done("cancelled", n_tokens, self.name)
                        return
            finally:
                parts.close()
        yield Done(reason, n_tokens, self.name)  # type: ignore[arg-type]


def guarded(chunks: Iterator[Chunk], model: str) -> Iterator[Chunk]:
    """Pass chunks through, turning any exception into one final Failed; stop after the first terminal chunk."""
    n_tokens = 0
    try:
        for chunk in chunks:
            yield chunk
            if isinstance(chunk, Token):
                n_tokens += 1
            else:
                return
    except Cancelled:
        yield Done("cancelled", n_tokens, model)
    except UserError as exc:
        log.error("%s | %s", exc.user_text(), exc.detail)
        yield Failed(exc.user_text(), exc.detail)
    except Exception as exc:
        log.exception("The model failed while answering")
        yield Failed("The model stopped with an unexpected error; see the log for details.", "".join(traceback.format_exception(exc)))
    else:
        yield Failed("The model's answer ended unexpectedly.", "the stream ended without a Done chunk")
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
