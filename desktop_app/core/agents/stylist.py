"""The stylist: streamed advice about the items a search found, referring to them by number.

It takes a plain list of items (number, category, colour, file name, score, and for a shop's product its
name, price and the sizes in stock), so it is driven the same way by `ask`, the GUI and tests, with or
without a catalog, and advice can say "the Oxford shirt (#2, 45 EUR, in M and L)". Only an instruction-tuned GGUF (one with a
chat template) gets to write advice; with a base model, or none, the stylist says so plainly, in words
that fit the window and the terminal alike, names the models that give advice, lists the items with their
tags instead of generating noise, and ends with `Done("no_model")` so each face adds how it sets one up
(the window a button to Models, the CLI the commands).

With a `ChatStore` and a chat id, earlier turns are replayed to the model, and the request and the
answer (complete, cancelled or failed) are saved to the catalog file.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.agents.llm_runtime import Chunk, Done, Failed, LoadOptions, LocalLLM, Prompt, Token, guarded
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.i18n import N_, _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.platform.resources import prompt_text
from desktop_app.core.store.chat_store import ChatMessage, ChatStore, Status

log = logging.getLogger(__name__)

MAX_ADVICE_TOKENS = 400
HISTORY_MESSAGES = 6  # earlier messages replayed to the model; older ones still sit in the chat
HISTORY_CHARS = 1500  # per message, so a long old answer cannot crowd out the new items


@dataclass(frozen=True)
class StyleItem:
    number: int  # as shown to the shopper, from 1
    category: str | None
    color: str | None
    file_name: str
    score: float
    path: str | None = None
    # the shop's product the photo shows, if any
    sku: str | None = None
    name: str | None = None
    price: float | None = None  # the lowest of a variant the shopper can have (in stock, size, budget)
    currency: str | None = None
    sizes: tuple[str, ...] = field(default_factory=tuple)  # in stock
    in_stock: bool | None = None

    def describe(self, *, for_people: bool = False) -> str:
        """One line per item: in English for the model's prompt, in the user's language `for_people`."""
        word = _ if for_people else str
        tags = " ".join(t for t in (self.color, self.category) if t) or word(N_("untagged item"))
        match = word(N_("match {score}")).format(score=f"{self.score:.2f}")
        if self.name is None:
            return f"#{self.number}: {tags} ({self.file_name}, {match})"
        details = [f'"{self.name}"']
        if self.price is not None:
            details.append(f"{self.price:.2f} {self.currency or ''}".rstrip())
        if self.sizes:
            details.append(word(N_("sizes in stock {sizes}")).format(sizes=", ".join(self.sizes)))
        if self.in_stock is False:
            details.append(word(N_("sold out")))
        return f"#{self.number}: {tags}, {', '.join(details)} ({self.file_name}, {match})"

    def to_json(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["sizes"] = list(self.sizes)
        return raw


@dataclass(frozen=True)
class LookOutline:
    """A composed look as the stylist is told of it: its number, its items (numbered across all the looks), its total."""

    number: int
    items: tuple[StyleItem, ...]
    total_price: float | None = None
    currency: str | None = None

    def describe(self, *, for_people: bool = False) -> str:
        word = _ if for_people else str
        if self.total_price is None:
            head = word(N_("Look {number}:")).format(number=self.number)
        else:
            total = f"{self.total_price:.2f} {self.currency or ''}".rstrip()
            head = word(N_("Look {number} (total {total}):")).format(number=self.number, total=total)
        return "\n".join([head, *(f"  {item.describe(for_people=for_people)}" for item in self.items)])


def items_text(items: Sequence[StyleItem], *, for_people: bool = False, looks: Sequence[LookOutline] = ()) -> str:
    if looks:
        return "\n".join(look.describe(for_people=for_people) for look in looks)
    if not items:
        return _("(nothing was found)") if for_people else "(nothing was found)"
    return "\n".join(item.describe(for_people=for_people) for item in items)


def build_prompt(request: str, items: Sequence[StyleItem], image: Path | None = None,
                 history: Sequence[ChatMessage] = (), looks: Sequence[LookOutline] = ()) -> Prompt:
    """System rules, the chat so far, then this request with its numbered items (grouped into its looks, if any)."""
    photo = f"(The shopper also gave an example photo: {image.name}.)" if image else ""
    template = "stylist_looks_turn.txt" if looks else "stylist_turn.txt"
    turn = prompt_text(template).format(request=request.strip(), photo=photo, items=items_text(items, looks=looks)).strip()
    system = prompt_text("stylist_system.txt").strip()
    messages = [{"role": "system", "content": system}]
    for question, answer in _answered_turns(history)[-(HISTORY_MESSAGES // 2) :]:
        messages += [{"role": "user", "content": question.content[:HISTORY_CHARS]},
                     {"role": "assistant", "content": answer.content[:HISTORY_CHARS]}]
    messages.append({"role": "user", "content": turn})
    plain = "\n\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages) + "\n\nAssistant:"
    return Prompt(messages=messages, completion=plain)


def _answered_turns(history: Sequence[ChatMessage]) -> list[tuple[ChatMessage, ChatMessage]]:
    """Questions with a complete answer: chat templates (Gemma's among them) insist that user and model alternate."""
    return [(q, a) for q, a in itertools.pairwise(history)
            if q.role == "user" and a.role == "assistant" and a.status == "complete"]


def no_advice_text(items: Sequence[StyleItem], model: str | None, looks: Sequence[LookOutline] = ()) -> str:
    """The honest notice when nothing can write advice: why, which models can, and the items found. It names no
    command and no menu, as the window and the CLI each say how to set a model up after `Done("no_model")`."""
    if model is None:
        why = _("No stylist model is set up, so there is no styling advice here.")
    else:
        why = _("{model} cannot give styling advice: it is a base model, not an instruction-tuned one (its file has no"
                " chat template), and anything it wrote here would be noise rather than advice.").format(model=model)
    which = _("An instruction-tuned model gives advice once it is set up as the stylist: Gemma 3 1B-it is quick,"
              " Gemma 3 4B-it gives better advice.")
    found = (_("Meanwhile, here are the looks composed for your request:") if looks
             else _("Meanwhile, here is what the search found for your request:"))
    return f"{why}\n{which}\n{found}\n{items_text(items, for_people=True, looks=looks)}"


class Stylist:
    """Streams advice from an instruction-tuned model, or the honest notice when there is none."""

    def __init__(self, llm: LocalLLM | None, chats: ChatStore | None = None, *, max_tokens: int = MAX_ADVICE_TOKENS) -> None:
        self.llm = llm
        self.chats = chats
        self.max_tokens = max_tokens

    @property
    def can_advise(self) -> bool:
        return self.llm is not None and self.llm.info.instruction_tuned

    @property
    def model_name(self) -> str | None:
        return self.llm.name if self.can_advise and self.llm is not None else None

    def _source(self, request: str, items: Sequence[StyleItem], image: Path | None, history: Sequence[ChatMessage],
                cancel: CancelToken | None, looks: Sequence[LookOutline]) -> Iterator[Chunk]:
        if self.can_advise and self.llm is not None:  # reading the header may raise: guarded() makes that a Failed
            prompt = build_prompt(request, items, image, history, looks)
            yield from self.llm.stream(prompt, max_tokens=self.max_tokens, cancel=cancel)
            return
        name = self.llm.name if self.llm is not None else None
        yield Token(no_advice_text(items, name, looks))
        yield Done("no_model", 0, name or "none")

    def advise(self, request: str, items: Sequence[StyleItem], *, image: Path | None = None, chat_id: int | None = None,
               cancel: CancelToken | None = None, looks: Sequence[LookOutline] = ()) -> Iterator[Chunk]:
        """Tokens, then exactly one Done or Failed; saved to the chat (if any) however it ends. With `looks`, the advice
        is about those looks (each numbered, its items by number, its total)."""
        history = self.chats.messages(chat_id) if self.chats is not None and chat_id is not None else []
        if self.chats is not None and chat_id is not None:
            self.chats.add_message(chat_id, "user", request, image_path=str(image) if image else None,
                                   items=[i.to_json() for i in items])
        label = self.llm.path.name if self.llm is not None else "none"
        chunks = guarded(self._source(request, items, image, history, cancel, looks), label)
        text: list[str] = []
        status: Status = "cancelled"  # what it stays if the consumer stops reading before the end
        model: str | None = None
        try:
            for chunk in chunks:
                if isinstance(chunk, Token):
                    text.append(chunk.text)
                elif isinstance(chunk, Done):
                    # stop, length and no_model (the notice is a whole answer) are complete; the chat goes on after them
                    status, model = ("cancelled" if chunk.reason == "cancelled" else "complete"), chunk.model
                elif isinstance(chunk, Failed):
                    status = "failed"
                    log.warning("Advice failed: %s | %s", chunk.user_message, chunk.detail)
                yield chunk
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            if self.chats is not None and chat_id is not None:
                self.chats.add_message(chat_id, "assistant", "".join(text), model=model, status=status)


def stylist_gguf(context: AppContext, override: str | Path | None = None) -> Path | None:
    """--llm, else the configured stylist GGUF; None when neither is set (the bundled 270M is a base model)."""
    chosen = override or context.settings.stylist_gguf
    return Path(chosen).expanduser() if chosen else None


def open_stylist(context: AppContext, chats: ChatStore | None = None, override: str | Path | None = None) -> Stylist:
    path = stylist_gguf(context, override)
    llm = LocalLLM(path, LoadOptions(n_ctx=4096, n_threads=context.settings.threads)) if path is not None else None
    return Stylist(llm, chats)
