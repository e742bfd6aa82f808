-- The catalog: folders the user added, photos by content, files pointing at them, tags, skipped files.
-- The vec0 table `item_vectors` is created by core/store/catalog_store.py once the embedding model (and so the
-- dimension) is known; see CatalogStore.ensure_vector_table.

CREATE TABLE folders (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per distinct photo content: identical copies, renamed and moved files share a row, so a
-- photo is embedded once. query_vectors: 32 x dim float16, each L2-normalised (for re-ranking);
-- mean_vector: dim float32, the normalised mean (also in item_vectors for KNN).
CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    content_hash  TEXT NOT NULL UNIQUE,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    query_vectors BLOB NOT NULL,
    mean_vector   BLOB NOT NULL,
    thumbnail     TEXT
);

-- One row per file on disk.
CREATE TABLE items (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    image_id   INTEGER NOT NULL REFERENCES images(id),
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    indexed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX items_by_image ON items(image_id);
CREATE INDEX items_by_folder ON items(folder_id);

-- The tag in force per item and kind; source says who decided it: user beats folder beats auto.
CREATE TABLE tags (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('category', 'color')),
    value   TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('folder', 'auto', 'user')),
    score   REAL,
    PRIMARY KEY (item_id, kind)
);
CREATE INDEX tags_by_value ON tags(kind, value);

-- A user's corrections, by content, so they survive re-indexing, renames and moves.
CREATE TABLE corrections (
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('category', 'color')),
    value        TEXT NOT NULL,
    at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (content_hash, kind)
);

-- Files that could not be indexed, with a reason a person can read; retried only when size or mtime change.
CREATE TABLE skipped (
    path     TEXT PRIMARY KEY,
    size     INTEGER,
    mtime_ns INTEGER,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
