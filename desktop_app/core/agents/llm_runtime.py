"""The local LLM runtime over llama-cpp-python: one GGUF, loaded on first use, checked before llama.cpp sees it.

Two kinds of call share it. A schema-constrained JSON call (the classifier) returns one string the
grammar made valid JSON. A streamed call (the stylist) yields typed chunks, checks the cancel token
after every chunk and closes the llama stream when stopped; any exception becomes one final `Failed`,
so a front end never sees an error as text and always gets exactly one terminal chunk.

A GGUF with a chat template is prompted through it (`create_chat_completion`); a base model without
one gets the plain completion text of the same `Prompt`, because llama-cpp-python would otherwise
fall back to a Llama-2 template the model never saw.

The JSON call decodes greedily in its own loop over `Llama.eval`, with llama.cpp's grammar sampler
held outside any sampler chain. `create_completion(grammar=...)` and `response_format` put the
grammar in the chain, and `llama_sampler_sample` then applies it to all 262,144 of Gemma's tokens at
every step: the bundled 270M decoded ~10 tokens/s that way against ~37 without a grammar (one
thread, bench/classify_eval.py). Resampling on rejection is in llama.cpp's `common_sampler`, which
llama-cpp-python does not expose, so it is done here: take the model's own argmax and ask the grammar
about that one token; only when it is refused, about the 4,096 best tokens, and only when none of
those will do, about all of them. The token picked is the one greedy decoding over the fully masked
vocabulary picks (highest logit, lowest id on a tie), so the answer is the same token for token, now
at ~34 tokens/s. On the classifier's schema the grammar refuses the model's choice 2-3 times an
answer: the opening `{"` (the model wants something else after "JSON: "; `{"` ranks 200-1,300th),
now and then a key's second token, and the end, where the model wants a new line. Checking one
token costs ~0.1 ms, the shortlist ~2-7 ms (mostly finding the 4,096 best), the whole vocabulary
50-100 ms. A logits processor was not used: llama-cpp-python copies all 262k logits through numpy
into it at every step, and its own comment calls that path "probably broken".

Greedy answers can still differ with what the KV cache held before: evaluating a prompt whole or
after a cached prefix moves the logits a little (llama.cpp's arithmetic depends on the batch), which
can tip a near tie. `create_completion` reuses the prefix the same way; so does this loop, since the
few-shot prefix is most of every classifier prompt.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.core.models.gguf import BadModelFileError, GGUFInfo, read_gguf_info
from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import Cancelled, CancelToken

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

_PROBE_TIMEOUT_S = 300
_SHORTLIST = 4096  # the best tokens asked about before the whole vocabulary: the allowed `{"` ranked ~200-1,300th
# Which grammar a JSON call decodes under: the model's choice checked first (what the app uses), the grammar
# applied to every token at every step (what llama-cpp-python does; kept for the benchmark), or none.
Constraint = Literal["check-chosen", "every-token", "none"]


class LLMError(UserError):
    """The language model could not be loaded or stopped while answering."""


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Done:
    reason: Literal["stop", "length", "cancelled", "no_model"]  # no_model: the stylist had none that can advise
    n_tokens: int
    model: str


@dataclass(frozen=True)
class Failed:
    user_message: str
    detail: str = ""
    # The typed error behind it, when there is one: a face shows its own way to fix it (the window's button for `fix`).
    error: UserError | None = None


Chunk = Token | Done | Failed


@dataclass(frozen=True)
class Prompt:
    """One request in both shapes: chat messages, and the plain text a base model without a chat template gets."""

    messages: list[dict[str, str]]
    completion: str


@dataclass(frozen=True)
class Decoded:
    """One greedy answer and what it cost, for `models measure` and bench/classify_eval.py."""

    text: str
    n_tokens: int  # the answer's tokens, the end-of-generation token not counted
    prompt_s: float  # evaluating what the KV cache did not already hold of the prompt
    decode_s: float  # choosing and evaluating the answer's tokens
    refused: int  # steps where the grammar refused the model's own first choice (0 unless that is what was checked)

    @property
    def tokens_per_s(self) -> float:
        return self.n_tokens / self.decode_s if self.decode_s > 0 else 0.0


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
        _("{file} could not be loaded by llama.cpp.").format(file=path.name),
        _("The file may be damaged, or made for a newer llama.cpp: download it again or choose another GGUF."),
        f"{path}: {detail}", fix=Fix.MODELS,
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
        self._grammars: dict[str, str] = {}  # schema -> GBNF
        self._chat_format: Any = None

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
    def threads(self) -> int:
        return self.options.n_threads or os.cpu_count() or 1

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
        try:
            llama = Llama(
                str(self.path), n_ctx=n_ctx, n_threads=self.threads, n_threads_batch=self.threads,
                n_gpu_layers=_gpu_layers(self.options.n_gpu_layers), verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise LLMError(
                _("The model {file} could not be loaded.").format(file=self.path.name),
                _("The file may be damaged or need a newer version of the app; try another GGUF."),
                f"{self.path}: {exc}", fix=Fix.MODELS,
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
        return self.json_decode(prompt, schema, max_tokens=max_tokens).text

    def json_decode(self, prompt: Prompt, schema: dict[str, Any], *, max_tokens: int,
                    constraint: Constraint = "check-chosen") -> Decoded:
        """`json_call` with its costs; `constraint` other than the default is for measuring what the default saves."""
        llama = self.load()
        with self._call_lock:
            tokens = self._prompt_tokens(llama, prompt)
            if len(tokens) >= llama.n_ctx():
                raise LLMError(_("The request is too long for the model."), _("Shorten it and ask again."),
                               f"{len(tokens)} prompt tokens, context {llama.n_ctx()}")
            started = time.perf_counter()
            _feed(llama, tokens)
            fed = time.perf_counter()
            budget = min(max_tokens, llama.n_ctx() - len(tokens))
            if constraint == "none":
                answer, refused = _greedy(llama, None, budget), 0
            else:
                with _Grammar(llama, self._gbnf(schema), every_token=constraint == "every-token") as grammar:
                    answer = _greedy(llama, grammar, budget)
                    refused = grammar.refused
            text = llama.detokenize(answer, prev_tokens=tokens).decode("utf-8", "replace")
            return Decoded(text, len(answer), fed - started, time.perf_counter() - fed, refused)

    def _prompt_tokens(self, llama: Any, prompt: Prompt) -> list[int]:
        """The prompt as `create_chat_completion` or `create_completion` would tokenize it."""
        if not self.has_chat_template:
            return list(llama.tokenize(prompt.completion.encode("utf-8"), add_bos=True, special=True))
        if self._chat_format is None:
            from llama_cpp import llama_chat_format, llama_cpp

            vocab = llama_cpp.llama_model_get_vocab(llama.model)
            eos, bos = (llama_cpp.llama_vocab_get_text(vocab, t).decode("utf-8", "replace") for t in (llama.token_eos(), llama.token_bos()))
            self._chat_format = llama_chat_format.Jinja2ChatFormatter(self.info.chat_template or "", eos_token=eos, bos_token=bos)
        text = self._chat_format(messages=prompt.messages).prompt
        return list(llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))  # the template writes the BOS

    def _gbnf(self, schema: dict[str, Any]) -> str:
        """The schema's grammar, its properties in the schema's order: the grammar lets optional keys come only in
        that order, so it must be the order the prompt's examples answer in (sorted keys forbade three of them)."""
        key = json.dumps(schema)
        if key not in self._grammars:
            from llama_cpp.llama_grammar import json_schema_to_gbnf

            self._grammars = {key: json_schema_to_gbnf(key)}  # keep one: schemas rarely change
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


def _feed(llama: Any, tokens: list[int]) -> None:
    """Evaluate only what the KV cache does not hold yet: every request shares the few-shot prefix."""
    import numpy as np
    from llama_cpp import llama_cpp

    held = llama.input_ids[: min(llama.n_tokens, len(tokens))]
    differ = np.flatnonzero(held != np.asarray(tokens[: len(held)], dtype=held.dtype))
    keep = min(int(differ[0]) if len(differ) else len(held), len(tokens) - 1)  # evaluate one at least: fresh logits
    if keep < llama.n_tokens and not llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(llama.ctx), -1, keep, -1):
        keep = 0  # a cache that cannot drop a suffix (recurrent models) starts again
        llama.reset()
    llama.n_tokens = keep
    llama.eval(tokens[keep:])


def _greedy(llama: Any, grammar: _Grammar | None, max_tokens: int) -> list[int]:
    """Greedy tokens until an end-of-generation token (not included) or `max_tokens`."""
    import numpy as np
    from llama_cpp import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(llama.model)
    n_vocab = llama.n_vocab()
    answer: list[int] = []
    for _step in range(max_tokens):
        if answer:
            llama.eval(answer[-1:])
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llama.ctx, -1), shape=(n_vocab,))
        token = int(np.argmax(logits)) if grammar is None else grammar.choose(logits)
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        if grammar is not None:
            grammar.accept(token)
        answer.append(token)
    return answer


class _Grammar:
    """llama.cpp's grammar sampler on its own, outside a sampler chain, so this code decides which tokens it judges."""

    def __init__(self, llama: Any, gbnf: str, *, every_token: bool = False) -> None:
        from llama_cpp import llama_cpp

        self._lib = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(llama_cpp.llama_model_get_vocab(llama.model), gbnf.encode("utf-8"),
                                                             b"root")
        if not self._sampler:
            raise LLMError(_("The answer format could not be prepared for the model."), _("Report this with the log file."), gbnf)
        self.every_token = every_token
        self.refused = 0

    def __enter__(self) -> _Grammar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lib.llama_sampler_free(self._sampler)

    def choose(self, logits: np.ndarray) -> int:
        """What greedy decoding over the grammar-masked vocabulary picks: the model's choice if allowed, else the
        best allowed of the shortlist when it beats every token outside it, else the best allowed of all."""
        import numpy as np

        n = len(logits)
        if not self.every_token:
            top = int(np.argmax(logits))  # the first of equal maxima: the lowest id, as llama.cpp's greedy sampler
            if self._best_allowed(logits, np.array([top])) is not None:
                return top
            self.refused += 1
            if n > _SHORTLIST:
                shortlist = np.sort(np.argpartition(logits, n - _SHORTLIST)[n - _SHORTLIST:])
                found = self._best_allowed(logits, shortlist)
                if found is not None and logits[found] > logits[shortlist].min():  # every token outside is lower
                    return found
        found = self._best_allowed(logits, np.arange(n))
        if found is None:
            raise LLMError(_("The model could not finish its answer in the required format."), _("Try again."),
                           "the grammar allows no next token")
        return found

    def _best_allowed(self, logits: np.ndarray, ids: np.ndarray) -> int | None:
        """The highest-logit token of `ids` (ascending) the grammar allows, or None; llama.cpp marks the others -inf."""
        import numpy as np

        data = np.zeros(len(ids), dtype=[("id", np.int32), ("logit", np.float32), ("p", np.float32)])
        data["id"], data["logit"] = ids, logits[ids]
        candidates = self._lib.llama_token_data_array(data.ctypes.data_as(self._lib.llama_token_data_p), len(ids), -1, False)
        self._lib.llama_sampler_apply(self._sampler, ctypes.byref(candidates))
        best = int(np.argmax(data["logit"]))
        return int(ids[best]) if np.isfinite(data["logit"][best]) else None

    def accept(self, token: int) -> None:
        self._lib.llama_sampler_accept(self._sampler, token)


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
        yield Failed(_("The model stopped with an unexpected error; see the log for details."), "".join(traceback.format_exception(exc)))
    else:
        yield Failed(_("The model's answer ended unexpectedly."), "the stream ended without a Done chunk")
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
