"""Looks for a request: outfits from the shop's stock, composed, then written about by the stylist.

One operation for every front end, as `Assistant.ask` is for items: `fashion-assistant look` prints its
events, the window's Looks tab shows them as boards, and neither plans slots or composes itself.

Which slots a look has (core/looks/rules.py decides outfits, this module fits them to the request):

- a request naming an occasion and no garment takes that occasion's outfit, narrowed to the catalog;
- garments the words name are kept, each in the slot of the occasion's (else the everyday) outfit
  that holds it, the outfit chosen that holds most of them, so "a red skirt" becomes a skirt with a
  top and shoes, and "a dress" the dress outfit;
- a garment the catalog lacks is reported (`missing`) and its slot left out, never filled with
  another category: "Quiero una falda y dos camisetas" is a t-shirt look and "no skirts";
- where the words name nothing, the classifier's model has already read the request for garments,
  which then choose the outfit as named ones do;
- "complete the look" (`around`) keeps one item and fills the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.agents.assistant import Advisor, Classified, FoundItem, ended
from desktop_app.core.agents.classifier import Classification, RequestClassifier, missing_text, open_classifier
from desktop_app.core.agents.llm_runtime import Done, Failed, Token, guarded
from desktop_app.core.agents.stylist import LookOutline, open_stylist
from desktop_app.core.catalog.vocabulary import catalog_vocabulary
from desktop_app.core.looks.lookset import LookSet, compose_looks, find_candidates, no_looks
from desktop_app.core.looks.rules import EVERYDAY, Outfit, OutfitRules, Slot, load_rules
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.search.searcher import Searcher, SearchHit, SearchQuery
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.product_store import OfferFilter

if TYPE_CHECKING:
    from desktop_app.core.platform.app_context import AppContext

log = logging.getLogger(__name__)

DEFAULT_LOOKS = 3
MAX_LOOKS = 10


class AroundItemError(UserError):
    """The item a look is to be completed around is not in the catalog."""


@dataclass(frozen=True)
class LooksComposed:
    looks: LookSet
    missing: tuple[str, ...] = ()  # wanted categories the catalog has none of
    offer: OfferFilter | None = None  # the shop's filters the candidates were chosen by
    outlines: tuple[LookOutline, ...] = field(default=())  # the looks as the stylist is told of them, items numbered

    def notes(self) -> list[str]:
        """What the owner should know of these looks, in their language: what is missing, what could not be kept."""
        notes = [missing_text(self.missing)] if self.missing else []
        if self.looks.budget is not None and self.offer is None:
            notes.append(_("The catalog has no prices yet, so the budget could not be kept: import the shop's product list."))
        if self.looks.slots and not self.looks.looks:
            notes.append(_("No look could be composed from the catalog for this request: try a higher budget or another size."))
        elif not self.looks.slots and not self.missing:
            notes.append(_("The catalog has nothing to make a look from yet: add and index photos of garments."))
        return notes


LookEvent = Classified | LooksComposed | Token | Done | Failed


def plan_slots(classification: Classification, rules: OutfitRules, present: Sequence[str],
               around: str | None = None) -> tuple[tuple[Slot, ...], int | None]:
    """The look's slots and which of them holds the `around` item's category (None without one)."""
    missing = set(classification.missing)
    named = [] if classification.source == "occasion" else [c for c in classification.items if c in present and c != around]
    if missing and not named and around is None:
        return (), None  # everything asked for is missing: nothing is put in its place
    occasion = rules.occasion(classification.occasion or EVERYDAY) or rules.occasion(EVERYDAY)
    wanted = [*named, *([around] if around is not None else [])]
    best: tuple[Slot, ...] | None = None
    best_covered = -1
    for outfit in occasion.outfits if occasion is not None else ():
        # a slot a missing garment could fill is left out: another category there would be a substitute
        kept = [slot for slot in outfit.slots if not set(slot.categories) & missing]
        fitted = Outfit(tuple(kept)).fitted(present)
        if not fitted:
            continue
        covered = sum(any(c in slot.categories for slot in fitted) for c in wanted)
        if covered > best_covered:
            best, best_covered = fitted, covered
    slots = list(best or ())
    taken: set[int] = set()
    around_slot = None
    for category in wanted:
        index = next((i for i, slot in enumerate(slots) if i not in taken and category in slot.categories), None)
        if index is None:
            slots.append(Slot((category,)))
            index = len(slots) - 1
        else:
            slots[index] = Slot((category,))
        taken.add(index)
        if category == around and around is not None:
            around_slot = index
    return tuple(slots), around_slot


class LookMaker:
    """Classify, plan the slots, find candidates, compose, then the stylist's words: over one catalog handle."""

    def __init__(self, context: AppContext, catalog: Catalog, searcher: Searcher | None = None,
                 classifier: RequestClassifier | None = None, stylist: Advisor | None = None) -> None:
        self.context = context
        self.catalog = catalog
        self.searcher = searcher if searcher is not None else Searcher(context, catalog)
        self.classifier = classifier if classifier is not None else open_classifier(
            context, catalog.store.categories(), vocabulary=catalog_vocabulary(catalog))
        self.stylist: Advisor = stylist if stylist is not None else open_stylist(context, catalog.chats)

    def rules(self) -> OutfitRules:
        return load_rules(self.context.paths)

    def make(self, request: str, *, around: str | None = None, looks: int = DEFAULT_LOOKS, budget: float | None = None,
             size: str | None = None, cancel: CancelToken | None = None, advice: bool = True) -> Iterator[LookEvent]:
        """Classified, LooksComposed, then (with looks and `advice`) the stylist's tokens; always one Done or Failed last.
        `budget` is for a whole look, `size` what every sized item must come in; each overrides what the words say."""
        cancel = cancel or CancelToken()
        yield from ended(self._steps(request, around, max(1, min(looks, MAX_LOOKS)), budget, size, cancel, advice),
                         _("Composing looks stopped with an unexpected error; see the log for details."))

    def _steps(self, request: str, around: str | None, n_looks: int, budget: float | None, size: str | None,
               cancel: CancelToken, advice: bool) -> Iterator[LookEvent]:
        if not request.strip() and around is None:
            raise UserError(_("Say what the looks are for: an occasion or the garments."),
                            _("For example: an outfit for a job interview."))
        rules = self.rules()
        classifier = self.classifier.with_vocabulary(self.catalog.store.categories(), catalog_vocabulary(self.catalog))
        classification = classifier.classify(request) if request.strip() else Classification()
        yield Classified(classification)
        cancel.check()
        fixed_hit = self.around_item(around) if around is not None else None
        budget = budget if budget is not None else (classification.budget.max if classification.budget else None)
        size = size or classification.size
        offer = self._offer(budget, size)
        slots, fixed_slot = plan_slots(classification, rules, self.catalog.store.categories(),
                                       (fixed_hit.category or "") if fixed_hit is not None else None)
        missing = tuple(classification.missing)
        if not slots:
            yield LooksComposed(no_looks(rules, budget), missing, offer)
            yield Done("stop", 0, "none")
            return
        text = classification.search_text or request.strip() or None
        encoded = self.searcher.encode(SearchQuery(text=text, image=Path(fixed_hit.path) if fixed_hit and not text else None),
                                       cancel)
        searched = [s for i, s in enumerate(slots) if i != fixed_slot]
        found = iter(find_candidates(self.searcher, encoded, searched, offer, cancel))
        candidates = [(fixed_hit,) if i == fixed_slot and fixed_hit is not None else next(found) for i in range(len(slots))]
        cancel.check()
        fixed = {fixed_slot: 0} if fixed_slot is not None else None
        composed = compose_looks(self.catalog.store, rules, slots, candidates, n_looks, budget, fixed)
        event = LooksComposed(composed, missing, offer, outlines(composed))
        yield event
        cancel.check()
        if not composed.looks or not advice:
            yield Done("stop", 0, "none")
            return
        items = [item for outline in event.outlines for item in outline.items]
        chunks = self.stylist.advise(request, items, cancel=cancel, looks=event.outlines)
        yield from guarded(chunks, self.stylist.model_name or "none")

    def around_item(self, value: str) -> SearchHit:
        """The catalog item a photo path or a product's SKU names."""
        item_id = self._item_for_path(value)
        if item_id is None:
            product = self.catalog.products.get(value.strip())
            photos = self.catalog.products.photos([product.id]).get(product.id, []) if product is not None else []
            item_id = photos[0] if photos else None
        hits = self.searcher.hits_for([item_id]) if item_id is not None else []
        if not hits:
            raise AroundItemError(_("{value} is neither a photo in this catalog nor a product's SKU.").format(value=value),
                                  _("Give the path of an indexed photo, or a SKU from the product list."))
        return hits[0]

    def _item_for_path(self, value: str) -> int | None:
        path = Path(value).expanduser()
        if not path.is_file():
            return None
        indexed = self.catalog.store.indexed_files()
        for candidate in (str(path.resolve()), str(path.absolute()), str(path)):
            if candidate in indexed:
                return indexed[candidate][0]
        return None

    def _offer(self, budget: float | None, size: str | None) -> OfferFilter | None:
        """In stock, in the size, no item dearer than the whole look may cost: once the shop has imported its products."""
        if self.catalog.products.last_import() is None:
            return None
        return OfferFilter(in_stock=True, max_price=budget, sizes=(size,) if size else ())


def outlines(looks: LookSet) -> tuple[LookOutline, ...]:
    """The looks numbered from 1, their items numbered across all of them, as the board and the advice show them."""
    made: list[LookOutline] = []
    number = 0
    for index, look in enumerate(looks.looks, start=1):
        items = []
        for hit in look.items:
            number += 1
            items.append(FoundItem(number, hit).style)
        made.append(LookOutline(index, tuple(items), look.total_price, look.currency))
    return tuple(made)
