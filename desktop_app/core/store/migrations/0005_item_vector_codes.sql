-- Search's first stage (core/store/query_index.py): per item, its photo's mean vector in int8 (kept in memory
-- by each searcher) and its 32 query vectors in 4 bits a value (read for a pool of candidates). Everything here
-- is derived from images.query_vectors, hence the item_vectors_ prefix: integrity checks and `catalog repair`
-- treat it as part of the vector index, and repair rebuilds it. An existing catalog's rows are written by its
-- first search (QueryIndex), from the stored query vectors, without re-embedding.
--
-- seq is AUTOINCREMENT, never reused: a searcher tells which rows it has not loaded yet by seq, and that some
-- went by the count, even where an item id is reused.
-- mean: int8[dim], times mean_scale, the normalised mean of the query vectors.
-- query_scales: float16[num_queries]; query_codes: uint8[num_queries][dim / 2], dimension j in the low nibble and
-- j + dim/2 in the high one, each nibble a level 1..15 standing for (level - 8) * that query's scale.
CREATE TABLE item_vectors_codes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id      INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
    mean_scale   REAL NOT NULL,
    mean         BLOB NOT NULL,
    query_scales BLOB NOT NULL,
    query_codes  BLOB NOT NULL
);
