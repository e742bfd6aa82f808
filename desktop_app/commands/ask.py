"""`fashion-assistant ask`: the assistant's events, printed: the numbered items, then the advice as it streams.

When the stylist has no model that can advise, its notice ends with `Done("no_model")`, and this face adds
the commands that set one up (the core's notice names none, as the window shows it too)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the assistant loads only to answer
    from desktop_app.core.agents.assistant import AssistantEvent
    from desktop_app.core.agents.classifier import Classification
    from desktop_app.core.agents.llm_runtime import Done, Failed
    from desktop_app.core.agents.stylist import StyleItem
    from desktop_app.core.platform.app_context import AppContext
    from desktop_app.core.store.product_store import OfferFilter


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ask", help="find items for a request and get streamed styling advice")
    parser.add_argument("request", help="what you are looking for, in English or Spanish (quote it)")
    parser.add_argument("--image", type=Path, metavar="FILE", help="an example photo to search with as well")
    parser.add_argument("--llm", metavar="GGUF", help="instruction-tuned GGUF for the advice (default: the stylist in settings)")
    parser.add_argument("--chat", type=int, metavar="ID", help="continue an earlier chat (its id is printed with --json)")
    parser.add_argument("--all-items", action="store_true",
                        help="recommend from everything: by default only products in stock, in the size and within the budget asked")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end instead of streaming")
    parser.set_defaults(handler=run)


@dataclass
class _Answer:
    """The events gathered for `--json`, which prints everything at once when the advice has ended."""

    classification: Classification | None = None
    items: list[StyleItem] = field(default_factory=list)
    offer: OfferFilter | None = None
    chat_id: int | None = None
    advice: list[str] = field(default_factory=list)
    end: Done | Failed | None = None

    def to_json(self, request: str, model: str | None) -> dict[str, Any]:
        assert self.classification is not None
        return {
            "classification": self.classification.to_json(request), "items": [i.to_json() for i in self.items],
            "filters": None if self.offer is None else {"in_stock": self.offer.in_stock, "min_price": self.offer.min_price,
                                                        "max_price": self.offer.max_price, "sizes": list(self.offer.sizes)},
            "advice": "".join(self.advice), "model": model, "chat_id": self.chat_id,
        }


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.agents.assistant import Assistant
    from desktop_app.core.agents.llm_runtime import Done, Failed
    from desktop_app.core.agents.stylist import open_stylist
    from desktop_app.core.store.catalog import Catalog

    if args.image is not None and not args.image.is_file():
        raise UserError(_("The example photo {path} does not exist.").format(path=args.image), _("Give the path of an image file."))
    with Catalog.open(context.paths.db_path) as catalog:
        stylist = open_stylist(context, catalog.chats, override=args.llm)
        events = Assistant(context, catalog, stylist=stylist).ask(args.request, args.image, args.chat, everything=args.all_items)
        answer = _follow(events, stream=not args.json)
    if args.json and answer.chat_id is not None:  # the advice began: report it, even when it failed
        print(json.dumps(answer.to_json(args.request, stylist.model_name), ensure_ascii=False, indent=2))
    if isinstance(answer.end, Failed):
        print(_("error: {message}").format(message=answer.end.user_message), file=sys.stderr)
        return 1
    if isinstance(answer.end, Done) and answer.end.reason == "no_model":
        print(no_model_hint(), file=sys.stderr if args.json else sys.stdout)  # stdout stays one JSON object
    return 0


def no_model_hint() -> str:
    """The CLI's way to a stylist model, after the core's face-neutral notice."""
    return _("To get advice: fashion-assistant models download gemma-3-1b-it, then fashion-assistant models use"
             " gemma-3-1b-it --role stylist (or pass --llm FILE).")


def _follow(events: Iterable[AssistantEvent], *, stream: bool) -> _Answer:
    """Gathers the events, printing the items and the advice as they come when `stream`."""
    from desktop_app.core.agents.assistant import ChatOpened, Classified, ItemsFound
    from desktop_app.core.agents.llm_runtime import Token

    answer = _Answer()
    for event in events:
        if isinstance(event, Classified):
            answer.classification = event.classification
            if stream and event.classification.missing:
                from desktop_app.core.agents.classifier import missing_text

                print(missing_text(event.classification.missing))
        elif isinstance(event, ItemsFound):
            answer.items, answer.offer = event.style_items(), event.offer
            if stream:
                if event.offer is not None:
                    print(_offer_line(event.offer))
                for item in answer.items:
                    print(item.describe(for_people=True))
                print()
        elif isinstance(event, ChatOpened):
            answer.chat_id = event.chat_id
        elif isinstance(event, Token):
            answer.advice.append(event.text)
            if stream:
                print(event.text, end="", flush=True)
        else:
            answer.end = event
    if stream and answer.chat_id is not None:
        print()
    return answer


def _offer_line(offer: OfferFilter) -> str:
    """What the items were chosen by, so a short list is understood ("--all-items" shows the rest)."""
    parts = [_("in stock")] if offer.in_stock else []
    if offer.sizes:
        parts.append(_("size {sizes}").format(sizes=_(" or ").join(offer.sizes)))
    if offer.min_price is not None and offer.max_price is not None:
        parts.append(_("from {low} to {high}").format(low=f"{offer.min_price:g}", high=f"{offer.max_price:g}"))
    elif offer.max_price is not None:
        parts.append(_("up to {high}").format(high=f"{offer.max_price:g}"))
    elif offer.min_price is not None:
        parts.append(_("from {low}").format(low=f"{offer.min_price:g}"))
    return _("Only items {conditions} (--all-items for everything):").format(conditions=", ".join(parts))
