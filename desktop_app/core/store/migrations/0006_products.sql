-- The shop, not just its photos: products with their variants (SKU, size, colour, price, stock), the photos that
-- show them, and the shop's own categories. Written by `products import` (core/products), read through
-- core/store/product_store.py.
--
-- availability, on variants and (as their best) on products: 0 discontinued (gone from the shop's file, kept),
-- 1 sold out, 2 in stock. A stock left empty in the file (not tracked) counts as in stock. The filters are
-- index range scans on product_variants: in stock = availability 2, on sale = availability IN (1, 2).

CREATE TABLE product_imports (
    id          INTEGER PRIMARY KEY,
    file        TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('shopify', 'generic')),
    products    INTEGER NOT NULL DEFAULT 0,
    variants    INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per product, keyed by its handle: Shopify's Handle, or a generic file's product column (else its name).
-- category: the vocabulary's name (built-in or the shop's), from Type / Product Category unless the user chose one.
-- min_price .. colors summarise the live variants (stock_*: those in stock) and are rewritten with them, so a
-- card or a product-level filter reads one row. images: the photos the file names for it (Image Src, Variant Image, a photo column), as
-- JSON [reference, file name (its last part, lower case), position, 'image' | 'path', variant key or null], kept
-- so that photos indexed after the import can still be linked to it.
CREATE TABLE products (
    id                INTEGER PRIMARY KEY,
    handle            TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    vendor            TEXT NOT NULL DEFAULT '',
    product_type      TEXT NOT NULL DEFAULT '',
    shop_category     TEXT NOT NULL DEFAULT '',
    category          TEXT,
    category_source   TEXT NOT NULL DEFAULT 'import' CHECK (category_source IN ('import', 'user')),
    tags              TEXT NOT NULL DEFAULT '[]',
    body              TEXT NOT NULL DEFAULT '',
    currency          TEXT NOT NULL DEFAULT 'EUR',
    availability      INTEGER NOT NULL DEFAULT 2 CHECK (availability IN (0, 1, 2)),
    min_price         REAL,
    max_price         REAL,
    stock_min_price   REAL,
    stock_max_price   REAL,
    stock             INTEGER,
    sizes             TEXT NOT NULL DEFAULT '[]',
    colors            TEXT NOT NULL DEFAULT '[]',
    images            TEXT NOT NULL DEFAULT '[]',
    import_id         INTEGER,  -- the last import that listed it (product_imports.id; no foreign key: a marker, checked on every write)
    first_imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    imported_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    discontinued_at   TEXT
);
CREATE INDEX products_by_category ON products(category);

-- Indexes only where a read needs one: each costs every import 50,000 writes.
-- variant_key: the SKU, or the option values where a Shopify variant has none. size_key: the size as filters
-- compare it (product_store.size_key: "talla m" -> "M", "EU 38" -> "38").
CREATE TABLE product_variants (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_key      TEXT NOT NULL,
    sku              TEXT,
    position         INTEGER NOT NULL,
    options          TEXT NOT NULL DEFAULT '{}',
    size             TEXT,
    size_key         TEXT,
    color            TEXT,
    price            REAL,
    compare_at_price REAL,
    stock            INTEGER,
    availability     INTEGER NOT NULL DEFAULT 2 CHECK (availability IN (0, 1, 2)),
    import_id        INTEGER,
    UNIQUE (product_id, variant_key)
);
CREATE INDEX product_variants_by_offer ON product_variants(availability, price, product_id);
CREATE INDEX product_variants_by_size ON product_variants(size_key, availability, price, product_id);

-- Which product an indexed photo shows: at most one per photo; a product's photos in the file's image order,
-- those found by SKU after them. matched_by: 'image' (Image Src / Variant Image file name), 'path' (a photo
-- column), 'sku' (the SKU or handle in the photo's file or folder name).
-- availability .. stock_max_price copy the product's offer (rewritten by every import), so that the usual filters
-- (in stock, under a price, over one) are one range scan of an index of this table, whose rowid is the item id:
-- a few milliseconds for 100,000 photos, where joining the variants took a hundred.
CREATE TABLE product_photos (
    item_id         INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    product_id      INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id      INTEGER REFERENCES product_variants(id) ON DELETE SET NULL,
    position        INTEGER NOT NULL,
    matched_by      TEXT NOT NULL CHECK (matched_by IN ('image', 'path', 'sku')),
    availability    INTEGER NOT NULL DEFAULT 0,
    min_price       REAL,
    max_price       REAL,
    stock_min_price REAL,
    stock_max_price REAL
);
CREATE INDEX product_photos_by_product ON product_photos(product_id, position);
CREATE INDEX product_photos_by_min_price ON product_photos(availability, min_price);
CREATE INDEX product_photos_by_max_price ON product_photos(availability, max_price);
CREATE INDEX product_photos_by_stock_min_price ON product_photos(availability, stock_min_price);
CREATE INDEX product_photos_by_stock_max_price ON product_photos(availability, stock_max_price);

-- The shop's own categories, beside the built-in eleven (core/catalog/vocabulary.py), with the words shoppers
-- use for them; a row named like a built-in category adds words to it. phrase: the zero-shot prompt's object
-- ("a photo of {phrase}"). Synonyms are JSON lists.
CREATE TABLE shop_categories (
    name        TEXT PRIMARY KEY,
    phrase      TEXT NOT NULL,
    synonyms    TEXT NOT NULL DEFAULT '[]',
    synonyms_es TEXT NOT NULL DEFAULT '[]',
    origin      TEXT NOT NULL CHECK (origin IN ('import', 'user')),
    added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A photo's category and colour may now come from its product ('product': the shop's own file says it), which
-- beats a folder's word and the zero-shot guess and yields to the user's correction. SQLite cannot change a
-- CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE tags_new (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('category', 'color')),
    value   TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('folder', 'auto', 'product', 'user')),
    score   REAL,
    PRIMARY KEY (item_id, kind)
);
INSERT INTO tags_new(item_id, kind, value, source, score) SELECT item_id, kind, value, source, score FROM tags;
DROP TABLE tags;
ALTER TABLE tags_new RENAME TO tags;
CREATE INDEX tags_by_value ON tags(kind, value);
