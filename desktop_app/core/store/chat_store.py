"""Chats with the stylist and their messages, in the catalog file (migration 0003).

A chat remembers its earlier turns: the stylist reads them back from here, so a restart, or the CLI
and the GUI taking turns, continue the same conversation. Every write is one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from desktop_app.core.store import db

Role = Literal["user", "assistant"]
Status = Literal["complete", "cancelled", "failed"]


@dataclass(frozen=True)
class ChatMessage:
    id: int
    chat_id: int
    role: Role
    content: str
    image_path: str | None
    items: list[dict[str, Any]] | None
    model: str | None
    status: Status
    created_at: str


@dataclass(frozen=True)
class ChatSummary:
    id: int
    title: str
    created_at: str
    updated_at: str
    n_messages: int


class ChatStore:
    """Reads and writes chats on a connection opened by `db.connect` (which has applied the migration)."""

    def __init__(self, conn: db.Connection) -> None:
        self.conn = conn

    def create_chat(self, title: str = "") -> int:
        with db.transaction(self.conn):
            cursor = self.conn.execute("INSERT INTO chats(title) VALUES (?)", (title.strip()[:120],))
        return int(cursor.lastrowid)

    def add_message(
        self, chat_id: int, role: Role, content: str, *, image_path: str | None = None,
        items: list[dict[str, Any]] | None = None, model: str | None = None, status: Status = "complete",
    ) -> int:
        with db.transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO chat_messages(chat_id, role, content, image_path, items_json, model, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat_id, role, content, image_path, None if items is None else json.dumps(items), model, status),
            )
            self.conn.execute("UPDATE chats SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", (chat_id,))
        return int(cursor.lastrowid)

    def messages(self, chat_id: int) -> list[ChatMessage]:
        rows = self.conn.execute(
            "SELECT id, chat_id, role, content, image_path, items_json, model, status, created_at"
            " FROM chat_messages WHERE chat_id = ? ORDER BY id", (chat_id,),
        ).fetchall()
        return [
            ChatMessage(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None, r[6], r[7], r[8]) for r in rows
        ]

    def chats(self) -> list[ChatSummary]:
        rows = self.conn.execute(
            "SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(m.id) FROM chats c"
            " LEFT JOIN chat_messages m ON m.chat_id = c.id GROUP BY c.id ORDER BY c.updated_at DESC, c.id DESC"
        ).fetchall()
        return [ChatSummary(*row) for row in rows]

    def delete_chat(self, chat_id: int) -> None:
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
