-- Items of a folder the user removed, kept for a while with their photo (vectors) and tags, so "Undo" puts them
-- back at once and adding the folder again re-embeds nothing. Purged after REMOVED_KEPT_DAYS (catalog_store.py).
CREATE TABLE removed_items (
    path        TEXT PRIMARY KEY,
    folder_path TEXT NOT NULL,
    image_id    INTEGER NOT NULL REFERENCES images(id),
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',  -- JSON [[kind, value, source, score], ...]
    removed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX removed_items_by_folder ON removed_items(folder_path);
CREATE INDEX removed_items_by_image ON removed_items(image_id);

-- A user's corrections by file as well as by content: a photo edited and saved under the same name keeps them.
CREATE TABLE path_corrections (
    path  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('category', 'color')),
    value TEXT NOT NULL,
    at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (path, kind)
);
