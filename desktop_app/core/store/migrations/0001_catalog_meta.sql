-- Facts about this catalog that outlive a run: the embedding model it was built with, the
-- precision chosen for this machine, the folders the user added. Key/value, JSON values.
CREATE TABLE catalog_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
