-- Conversations with the stylist, kept in the catalog file so a chat and the items it showed travel together.
-- items_json: the retrieved items a turn was about (number, category, colour, file name, score), as shown.
-- status: a stopped or failed answer is kept as far as it got, marked, so it is never mistaken for advice.
CREATE TABLE chats (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE chat_messages (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content    TEXT NOT NULL,
    image_path TEXT,
    items_json TEXT,
    model      TEXT,
    status     TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'cancelled', 'failed')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX chat_messages_by_chat ON chat_messages(chat_id, id);
