-- Looks the shop saved for a customer (core/store/lookbook_store.py): reopened with their items after a restart.
-- An item keeps its path as well as its id, so a photo indexed again (a new id) is found by where it lies.
CREATE TABLE lookbook (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    request     TEXT NOT NULL DEFAULT '',
    advice      TEXT NOT NULL DEFAULT '',
    total_price REAL,
    currency    TEXT,
    saved_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE lookbook_items (
    look_id  INTEGER NOT NULL REFERENCES lookbook(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    slot     TEXT NOT NULL,
    item_id  INTEGER REFERENCES items(id) ON DELETE SET NULL,
    path     TEXT NOT NULL,
    PRIMARY KEY (look_id, position)
);
