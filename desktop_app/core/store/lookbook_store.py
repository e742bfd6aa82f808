"""The lookbook: saved looks in the catalog file (migration 0008), so a look made for a customer is there next week.

A saved look records its items by id and path, its request, the advice written for it and its total
as it was then; reopened, the items are shown as they are now (a price may have changed, and the
total shown is then worked out again by the caller).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.store import db
from desktop_app.core.store.catalog_store import db_path, from_db_path


@dataclass(frozen=True)
class SavedItem:
    slot: str
    item_id: int | None  # None once the photo left the catalog (its path may find it again)
    path: str


@dataclass(frozen=True)
class SavedLook:
    id: int
    name: str
    request: str
    advice: str
    total_price: float | None
    currency: str | None
    saved_at: str
    items: tuple[SavedItem, ...]


class LookbookStore:
    def __init__(self, conn: db.Connection) -> None:
        self.conn = conn

    def save(self, name: str, items: Sequence[SavedItem], *, request: str = "", advice: str = "",
             total_price: float | None = None, currency: str | None = None) -> int:
        with db.transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO lookbook(name, request, advice, total_price, currency) VALUES (?, ?, ?, ?, ?)",
                (name.strip()[:120], request, advice, total_price, currency))
            look_id = int(cursor.lastrowid)
            self.conn.executemany(
                "INSERT INTO lookbook_items(look_id, position, slot, item_id, path) VALUES (?, ?, ?, ?, ?)",
                [(look_id, position, item.slot, item.item_id, db_path(item.path)) for position, item in enumerate(items)])
        return look_id

    def looks(self) -> list[SavedLook]:
        """Newest first."""
        rows = self.conn.execute("SELECT id, name, request, advice, total_price, currency, saved_at FROM lookbook"
                                 " ORDER BY saved_at DESC, id DESC").fetchall()
        items: dict[int, list[SavedItem]] = {}
        for look_id, slot, item_id, path in self.conn.execute(
                "SELECT look_id, slot, item_id, path FROM lookbook_items ORDER BY look_id, position"):
            items.setdefault(int(look_id), []).append(SavedItem(slot, None if item_id is None else int(item_id), from_db_path(path)))
        return [SavedLook(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], tuple(items.get(int(r[0]), ()))) for r in rows]

    def get(self, look_id: int) -> SavedLook | None:
        return next((look for look in self.looks() if look.id == look_id), None)

    def delete(self, look_id: int) -> bool:
        with db.transaction(self.conn):
            return self.conn.execute("DELETE FROM lookbook WHERE id = ?", (look_id,)).rowcount > 0
