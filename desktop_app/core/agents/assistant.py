"""The assistant: a request (and an optional photo) becomes a classification, numbered items and streamed advice.

One operation for every front end, so the pipeline is written once: `fashion-assistant ask` prints
its events and the window shows them, and neither orchestrates the steps. `Assistant.ask` yields
typed events, the advice's own `Token` chunks among them, and ends with exactly one `Done` or
`Failed` however it ends (an error, a stop, a stylist that raises), so a front end never has to
catch anything to know the request is over.

The items are found with the request encoded once: one search per wanted category for its count
shares the same text and photo vectors, so the text tower and the photo decode run once per request,
not once per category. They are numbered in the order they are shown, so the numbers in the advice
match the cards on screen and the lines in the terminal.

A shop that imported its products is served from what is on its rails: by default every search keeps
products with a variant in stock, in the size the request names and within its budget, so the stylist
is never shown (and never proposes) a sold-out or over-budget item; a bag or a scarf without sizes fits
any size. `everything=True` (`ask --all-items`) drops those filters. A catalog of photos alone is
searched as before: nothing there says what is in stock.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from desktop_app.core.agents.classifier import Classification, RequestClassifier, open_classifier
from desktop_app.core.agents.llm_runtime import Chunk, Done, Failed, Token, guarded
from desktop_app.core.agents.stylist import LookOutline, StyleItem, open_stylist
from desktop_app.core.catalog.vocabulary import catalog_vocabulary
from desktop_app.core.models.terms import ModelTermsNotAcceptedError
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import Cancelled, CancelToken
from desktop_app.core.search.searcher import Searcher, SearchHit, SearchQuery
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import OfferFilter

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext

log = logging.getLogger(__name__)

UNCLASSIFIED_K = 4  # results shown when the request names no garment the classifier knows


class Advisor(Protocol):
    """What the assistant needs of a stylist: `Stylist`, or a scripted one where no model should run."""

    @property
    def model_name(self) -> str | None: ...

    def advise(self, request: str, items: Sequence[StyleItem], *, image: Path | None = None, chat_id: int | None = None,
               cancel: CancelToken | None = None, looks: Sequence[LookOutline] = ()) -> Iterator[Chunk]: ...


@dataclass(frozen=True)
class FoundItem:
    """One numbered card: the hit as a front end shows it (its thumbnail included), and as the stylist is told of it."""

    number: int  # as shown to the shopper, from 1
    hit: SearchHit

    @property
    def style(self) -> StyleItem:
        hit, product = self.hit, self.hit.product
        item = StyleItem(self.number, hit.category, hit.color, Path(hit.path).name, round(float(hit.score or 0.0), 3), hit.path)
        if product is None:
            return item
        return replace(item, sku=product.sku, name=product.name, price=product.price, currency=product.currency,
                       sizes=product.sizes_in_stock, in_stock=product.in_stock)


@dataclass(frozen=True)
class Classified:
    classification: Classification


@dataclass(frozen=True)
class ItemsFound:
    items: tuple[FoundItem, ...]  # in the order shown, numbered from 1
    offer: OfferFilter | None = None  # the shop's filters the items were chosen by; None: none (photos only, or everything)

    def style_items(self) -> list[StyleItem]:
        return [item.style for item in self.items]


@dataclass(frozen=True)
class ChatOpened:
    """The turn is saved in this chat. Sent before the advice, not only at the end, because a front end may stop
    reading at any token (the window drops the stream on Stop) and must still continue this chat next time."""

    chat_id: int


# The advice streams as the stylist's own Token chunks and ends with its Done or Failed; a request that ends before
# the advice ends with one of those too, so there is one set of chunk types, not a copy per layer.
AssistantEvent = Classified | ItemsFound | ChatOpened | Token | Done | Failed


class Assistant:
    """Classify, find the items, open the chat, stream the advice: over one catalog handle, with the given collaborators.

    Each collaborator defaults to the one the context's settings name: a `Searcher` on `catalog`, the
    classifier over the catalog's categories, the stylist saving to `catalog.chats`. Kept between
    requests (as the window does), its models stay loaded.
    """

    def __init__(self, context: AppContext, catalog: Catalog, searcher: Searcher | None = None,
                 classifier: RequestClassifier | None = None, stylist: Advisor | None = None) -> None:
        self.catalog = catalog
        self.searcher = searcher if searcher is not None else Searcher(context, catalog)
        self.classifier = classifier if classifier is not None else open_classifier(
            context, catalog.store.categories(), vocabulary=catalog_vocabulary(catalog))
        self.stylist: Advisor = stylist if stylist is not None else open_stylist(context, catalog.chats)

    def ask(self, request: str, photo: Path | None = None, chat_id: int | None = None,
            cancel: CancelToken | None = None, *, everything: bool = False) -> Iterator[AssistantEvent]:
        """Classified, ItemsFound, ChatOpened (a new chat unless `chat_id` continues one), the advice's tokens, then
        exactly one Done or Failed. Stopped before the advice, it ends with Done("cancelled") and saves nothing.
        `everything`: items sold out, in other sizes or over the budget too."""
        cancel = cancel or CancelToken()
        yield from ended(self._steps(request, photo, chat_id, cancel, everything),
                         _("The assistant stopped with an unexpected error; see the log for details."))

    def _steps(self, request: str, photo: Path | None, chat_id: int | None, cancel: CancelToken,
               everything: bool) -> Iterator[AssistantEvent]:
        classification = self._classifier().classify(request)
        yield Classified(classification)
        cancel.check()
        offer = None if everything else self._offer(classification)
        found = ItemsFound(self._find_items(classification, request, photo, offer, cancel), offer)
        yield found
        cancel.check()
        if chat_id is None:
            chat_id = self.catalog.chats.create_chat(request)
        yield ChatOpened(chat_id)
        # guarded(): whatever the stylist does (raise, stop early), the request still ends with one Done or Failed
        advice = self.stylist.advise(request, found.style_items(), image=photo, chat_id=chat_id, cancel=cancel)
        yield from guarded(advice, self.stylist.model_name or "none")

    def _classifier(self) -> RequestClassifier:
        """The classifier on the catalog's categories and the shop's words as they are now (indexing or an import may
        have added some since the last request), keeping the model it has loaded."""
        categories, vocabulary = self.catalog.store.categories(), catalog_vocabulary(self.catalog)
        current = self.classifier
        fresh = current.with_vocabulary(categories, vocabulary)
        if current.categories != fresh.categories or current.vocabulary.shop != vocabulary.shop:
            self.classifier = fresh
        return self.classifier

    def _offer(self, classification: Classification) -> OfferFilter | None:
        """In stock, in the size and within the budget asked, once the shop has imported its products."""
        if self.catalog.products.last_import() is None:
            return None
        budget = classification.budget
        return OfferFilter(in_stock=True, min_price=budget.min if budget else None, max_price=budget.max if budget else None,
                           sizes=(classification.size,) if classification.size else ())

    def _find_items(self, classification: Classification, request: str, photo: Path | None, offer: OfferFilter | None,
                    cancel: CancelToken) -> tuple[FoundItem, ...]:
        if not classification.items and classification.missing and photo is None:
            return ()  # all that was asked for is missing: nothing else is shown in its place
        text = classification.search_text or request.strip() or None
        encoded = self.searcher.encode(SearchQuery(text=text, image=photo), cancel)
        wanted = [([category], k) for category, k in classification.items.items()] or [([], UNCLASSIFIED_K)]
        hits = [hit for categories, k in wanted
                for hit in self.searcher.search_encoded(encoded, SearchQuery(categories=categories, k=k).within(offer), cancel)]
        return tuple(FoundItem(number, hit) for number, hit in enumerate(hits, start=1))


E = TypeVar("E")


def ended(steps: Iterator[E], unexpected: str) -> Iterator[E | Done | Failed]:
    """The steps' events, then one Done("cancelled") or Failed if they stop by raising: a stop, a user's error with
    its fix, or `unexpected` for anything else (logged with its traceback). The terms of a model not accepted yet
    are met before the first event and raised on, so the face asks for them and asks again."""
    try:
        yield from steps
    except Cancelled:
        yield Done("cancelled", 0, "")
    except ModelTermsNotAcceptedError:
        raise
    except UserError as exc:
        log.error("%s | %s", exc.user_text(), exc.detail)
        yield Failed(exc.user_text(), exc.detail, exc)
    except Exception as exc:
        log.exception("%s", unexpected)
        yield Failed(unexpected, "".join(traceback.format_exception(exc)))


