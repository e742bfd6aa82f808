"""`Assistant.ask` over a real catalog (the tiny BLIP-2), driven by scripted stylists through its constructor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from desktop_app.core.agents.assistant import Assistant, AssistantEvent, ChatOpened, Classified, ItemsFound
from desktop_app.core.agents.classifier import RequestClassifier
from desktop_app.core.agents.llm_runtime import Chunk, Done, Failed, Token
from desktop_app.core.agents.stylist import StyleItem
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.search import searcher as searcher_module
from desktop_app.core.search.searcher import Searcher, SearchQuery
from desktop_app.core.store.catalog import Catalog
from tests.search.conftest import Catalog as IndexedPhotos
from tests.search.conftest import indexed_copy_of_photos

THREE_CATEGORIES = "two shirts, a pair of pants and some shoes"


@pytest.fixture(scope="module")
def photos(tiny_blip2: Path, product_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexedPhotos:
    return indexed_copy_of_photos("assistant", tiny_blip2, product_photos, tmp_path_factory)


@pytest.fixture
def handle(photos: IndexedPhotos) -> Iterator[Catalog]:
    with photos.handle() as catalog:
        yield catalog


class ScriptedStylist:
    """The stylist's interface with scripted chunks instead of a model; remembers what it was asked."""

    model_name = "scripted"

    def __init__(self, script: Callable[[CancelToken], Iterator[Chunk]]) -> None:
        self.script = script
        self.asked: list[tuple[str, list[StyleItem], int | None]] = []

    def advise(self, request: str, items: Sequence[StyleItem], *, image: Path | None = None, chat_id: int | None = None,
               cancel: CancelToken | None = None) -> Iterator[Chunk]:
        self.asked.append((request, list(items), chat_id))
        return self.script(cancel or CancelToken())


def _two_tokens(_cancel: CancelToken) -> Iterator[Chunk]:
    yield Token("Try ")
    yield Token("#1.")
    yield Done("stop", 2, "scripted")


def _until_stopped(cancel: CancelToken) -> Iterator[Chunk]:
    n = 0
    while not cancel.cancelled:
        n += 1
        yield Token(f"word{n} ")
    yield Done("cancelled", n, "scripted")


def _raises_after_a_token(_cancel: CancelToken) -> Iterator[Chunk]:
    yield Token("Half an ")
    raise RuntimeError("the stylist broke")


def _assistant(photos: IndexedPhotos, handle: Catalog, stylist: ScriptedStylist | None = None,
               searcher: Searcher | None = None) -> Assistant:
    classifier = RequestClassifier(None, handle.store.categories())  # keywords only: no model to load
    return Assistant(photos.context, handle, searcher or Searcher(photos.context, handle), classifier, stylist)


def _terminal(events: list[AssistantEvent]) -> list[AssistantEvent]:
    return [e for e in events if isinstance(e, Done | Failed)]


def test_the_events_come_in_order_with_thumbnails_and_one_end(photos: IndexedPhotos, handle: Catalog) -> None:
    stylist = ScriptedStylist(_two_tokens)
    events = list(_assistant(photos, handle, stylist).ask(THREE_CATEGORIES))
    assert [type(e) for e in events] == [Classified, ItemsFound, ChatOpened, Token, Token, Done]
    classified, found, opened = events[0], events[1], events[2]
    assert isinstance(classified, Classified) and classified.classification.items == {"shirt": 2, "pants": 1, "shoes": 1}
    assert isinstance(found, ItemsFound) and isinstance(opened, ChatOpened)
    assert [i.number for i in found.items] == [1, 2, 3, 4]
    assert [i.hit.category for i in found.items] == ["shirt", "shirt", "pants", "shoes"]
    assert all(i.hit.thumbnail and Path(i.hit.thumbnail).is_file() for i in found.items)
    # the stylist is told of the same items, by the same numbers, in the chat the assistant opened
    assert stylist.asked == [(THREE_CATEGORIES, found.style_items(), opened.chat_id)]
    assert [s.number for s in found.style_items()] == [1, 2, 3, 4]
    newest = handle.chats.chats()[0]
    assert (newest.id, newest.title) == (opened.chat_id, THREE_CATEGORIES)


def test_the_request_is_encoded_once_for_all_its_categories(photos: IndexedPhotos, handle: Catalog,
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The Searcher's towers come from the public `open_*_encoder` factories: wrap what they return and count."""
    calls = {"text": 0, "vision": 0}

    class Counting:
        def __init__(self, encoder, tower: str) -> None:
            self._encoder, self._tower = encoder, tower

        def encode(self, *args, **kwargs):
            calls[self._tower] += 1
            return self._encoder.encode(*args, **kwargs)

        def __getattr__(self, name: str):
            return getattr(self._encoder, name)

    opened_text, opened_vision = searcher_module.open_text_encoder, searcher_module.open_vision_encoder
    monkeypatch.setattr(searcher_module, "open_text_encoder", lambda *a, **k: Counting(opened_text(*a, **k), "text"))
    monkeypatch.setattr(searcher_module, "open_vision_encoder", lambda *a, **k: Counting(opened_vision(*a, **k), "vision"))
    searcher = Searcher(photos.context, handle)
    photo = tmp_path / "edited.jpg"  # not the catalog's own bytes, which would be read back, not encoded
    photo.write_bytes(next((photos.photos / "shoes").glob("*.jpg")).read_bytes() + b"\0")
    events = list(_assistant(photos, handle, ScriptedStylist(_two_tokens), searcher).ask(THREE_CATEGORIES, photo))
    found = next(e for e in events if isinstance(e, ItemsFound))
    assert {i.hit.category for i in found.items} == {"shirt", "pants", "shoes"}
    assert calls == {"text": 1, "vision": 1}, "one encode of the words and one of the photo for three categories"

    # and one encoded query finds what a search per category finds
    classification = next(e for e in events if isinstance(e, Classified)).classification
    separately = [hit for category, k in classification.items.items() for hit in searcher.search(
        SearchQuery(text=classification.search_text, image=photo, categories=[category], k=k))]
    assert [i.hit for i in found.items] == separately


def test_the_default_stylist_saves_the_turn_and_the_chat_goes_on(photos: IndexedPhotos, handle: Catalog) -> None:
    assistant = _assistant(photos, handle)  # no stylist model in the settings: the honest notice, saved like advice
    first = list(assistant.ask("a pair of shoes"))
    chat_id = next(e.chat_id for e in first if isinstance(e, ChatOpened))
    items = next(e for e in first if isinstance(e, ItemsFound)).style_items()
    notice = "".join(e.text for e in first if isinstance(e, Token))
    assert first[-1] == Done("no_model", 0, "none") and "No stylist model is set up" in notice
    saved = handle.chats.messages(chat_id)
    assert [(m.role, m.status) for m in saved] == [("user", "complete"), ("assistant", "complete")]
    assert saved[0].content == "a pair of shoes" and saved[0].items == [i.to_json() for i in items]
    assert saved[1].content == notice

    second = list(assistant.ask("and a shirt", chat_id=chat_id))
    assert next(e.chat_id for e in second if isinstance(e, ChatOpened)) == chat_id
    assert [m.content for m in handle.chats.messages(chat_id)][2] == "and a shirt"
    assert len(handle.chats.messages(chat_id)) == 4


def test_stopped_before_the_advice_ends_done_cancelled_and_saves_nothing(photos: IndexedPhotos, handle: Catalog) -> None:
    stylist = ScriptedStylist(_two_tokens)
    chats_before = handle.chats.chats()
    cancel = CancelToken()
    events = []
    for event in _assistant(photos, handle, stylist).ask("two shirts", cancel=cancel):
        events.append(event)
        cancel.cancel()  # as Stop does while the items are being found
    assert [type(e) for e in events] == [Classified, Done]
    assert events[-1] == Done("cancelled", 0, "")
    assert stylist.asked == [] and handle.chats.chats() == chats_before


def test_stopped_during_the_advice_ends_with_the_stylists_own_cancelled_end(photos: IndexedPhotos, handle: Catalog) -> None:
    cancel = CancelToken()
    events = []
    for event in _assistant(photos, handle, ScriptedStylist(_until_stopped)).ask("two shirts", cancel=cancel):
        events.append(event)
        if sum(isinstance(e, Token) for e in events) == 2:
            cancel.cancel()
    assert _terminal(events) == [events[-1]] and events[-1] == Done("cancelled", 2, "scripted")
    assert [type(e) for e in events] == [Classified, ItemsFound, ChatOpened, Token, Token, Done]


def test_a_stylist_that_raises_ends_with_one_failed(photos: IndexedPhotos, handle: Catalog) -> None:
    events = list(_assistant(photos, handle, ScriptedStylist(_raises_after_a_token)).ask("two shirts"))
    assert [type(e) for e in events] == [Classified, ItemsFound, ChatOpened, Token, Failed]
    failed = events[-1]
    assert isinstance(failed, Failed) and "unexpected error" in failed.user_message and "the stylist broke" in failed.detail


def test_an_unreadable_photo_fails_before_the_advice(photos: IndexedPhotos, handle: Catalog, tmp_path: Path) -> None:
    photo = tmp_path / "not-a-photo.jpg"
    photo.write_bytes(b"not an image")
    stylist = ScriptedStylist(_two_tokens)
    events = list(_assistant(photos, handle, stylist).ask("two shirts", photo))
    assert [type(e) for e in events] == [Classified, Failed]
    failed = events[-1]
    assert isinstance(failed, Failed) and "not-a-photo.jpg cannot be used" in failed.user_message
    assert stylist.asked == []
