"""The stylist refers to items by number, tells the truth about base models, stops mid-stream, and remembers chats."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.agents.llm_runtime import Done, Failed, LocalLLM, Token
from desktop_app.core.agents.stylist import StyleItem, Stylist, build_prompt
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.store import db
from desktop_app.core.store.chat_store import ChatStore

ITEMS = [
    StyleItem(1, "shirt", "white", "linen-shirt.jpg", 2.31, "/photos/shirt/linen-shirt.jpg"),
    StyleItem(2, "pants", "navy", "chinos.jpg", 1.87),
    StyleItem(3, None, None, "mystery.png", 0.5),
]


@pytest.fixture
def chats(tmp_path: Path):
    conn = db.connect(tmp_path / "catalog.sqlite3")
    yield ChatStore(conn)
    conn.close()


def test_chats_keep_messages_in_order_and_delete_with_them(chats: ChatStore) -> None:
    chat = chats.create_chat("  two shirts  ")
    chats.add_message(chat, "user", "two shirts", items=[ITEMS[0].to_json()], image_path="/tmp/a.jpg")
    chats.add_message(chat, "assistant", "Try #1.", model="m", status="cancelled")
    messages = chats.messages(chat)
    assert [(m.role, m.content, m.status) for m in messages] == [("user", "two shirts", "complete"), ("assistant", "Try #1.", "cancelled")]
    assert messages[0].items == [ITEMS[0].to_json()] and messages[0].image_path == "/tmp/a.jpg"
    assert [(c.id, c.title, c.n_messages) for c in chats.chats()] == [(chat, "two shirts", 2)]
    chats.delete_chat(chat)
    assert chats.messages(chat) == [] and chats.chats() == []


def test_the_prompt_numbers_every_item_and_replays_finished_turns() -> None:
    from desktop_app.core.store.chat_store import ChatMessage

    history = [
        ChatMessage(1, 1, "user", "a jacket", None, None, None, "complete", ""),
        ChatMessage(2, 1, "assistant", "Take #4.", None, None, "m", "complete", ""),
        ChatMessage(3, 1, "user", "and shoes", None, None, None, "complete", ""),
        ChatMessage(4, 1, "assistant", "half an ans", None, None, "m", "cancelled", ""),
    ]
    prompt = build_prompt("two shirts", ITEMS, Path("/tmp/look.jpg"), history)
    turn = prompt.messages[-1]["content"]
    assert "#1: white shirt (linen-shirt.jpg, match 2.31)" in turn and "#2: navy pants (chinos.jpg" in turn
    assert "#3: untagged item (mystery.png" in turn and "look.jpg" in turn
    assert [m["role"] for m in prompt.messages] == ["system", "user", "assistant", "user"]
    assert "half an ans" not in prompt.completion and "and shoes" not in prompt.completion
    assert "by its number" in prompt.messages[0]["content"]


def test_a_base_model_says_so_and_shows_the_items(gemma_gguf: Path, chats: ChatStore) -> None:
    stylist = Stylist(LocalLLM(gemma_gguf), chats)
    chat = chats.create_chat()
    chunks = list(stylist.advise("two shirts", ITEMS, chat_id=chat))
    assert len(chunks) == 2 and isinstance(chunks[0], Token) and chunks[1] == Done("no_model", 0, stylist.llm.name)
    text = chunks[0].text
    assert "base model" in text and "instruction-tuned" in text and "Gemma 3 1B-it" in text
    assert "#1: white shirt (linen-shirt.jpg" in text and "#2: navy pants" in text
    assert not stylist.can_advise and stylist.model_name is None and not stylist.llm.loaded  # never loaded to make noise
    assert [m.role for m in chats.messages(chat)] == ["user", "assistant"]


def test_no_stylist_model_says_how_to_get_one() -> None:
    (token, done) = list(Stylist(None).advise("a hat", ITEMS[:1]))
    assert isinstance(token, Token) and "No stylist model is set up" in token.text and "#1:" in token.text
    assert "Gemma 3 1B-it" in token.text and "fashion-assistant" not in token.text and "--llm" not in token.text
    assert done == Done("no_model", 0, "none")


def test_stop_mid_stream_is_saved_as_cancelled_and_the_chat_goes_on(chat_llm: LocalLLM, chats: ChatStore) -> None:
    stylist = Stylist(chat_llm, chats, max_tokens=200)
    assert stylist.can_advise
    chat = chats.create_chat("shirts")
    cancel = CancelToken()
    chunks = []
    for chunk in stylist.advise("two shirts", ITEMS, chat_id=chat, cancel=cancel):
        chunks.append(chunk)
        if len(chunks) == 2:
            cancel.cancel()
    assert [type(c) for c in chunks] == [Token, Token, Done] and chunks[-1].reason == "cancelled"
    saved = chats.messages(chat)
    assert [(m.role, m.status) for m in saved] == [("user", "complete"), ("assistant", "cancelled")]
    assert saved[1].content == chunks[0].text + chunks[1].text and saved[0].items[0]["file_name"] == "linen-shirt.jpg"

    second = list(Stylist(chat_llm, chats, max_tokens=2).advise("and a hat?", ITEMS[:1], chat_id=chat))
    assert isinstance(second[-1], Done) and not any(isinstance(c, Failed) for c in second)
    assert [(m.role, m.status) for m in chats.messages(chat)][2:] == [("user", "complete"), ("assistant", "complete")]


def test_a_broken_stylist_model_fails_once_and_is_saved_as_failed(chats: ChatStore, chat_gguf: Path, tmp_path: Path) -> None:
    chat = chats.create_chat()
    broken = tmp_path / "broken-it.gguf"
    broken.write_bytes(chat_gguf.read_bytes()[: 50_000_000])
    chunks = list(Stylist(LocalLLM(broken), chats).advise("a hat", ITEMS, chat_id=chat))
    # a truncated file cannot prove it has a template, so it is reported as unusable, never streamed as text
    assert len(chunks) == 1 and isinstance(chunks[0], Failed) and "not a usable GGUF" in chunks[0].user_message
    assert chats.messages(chat)[-1].status == "failed"
