"""The catalog file: folders, photos by content, items, tags, skipped files, and the vector indexes.

Everything that reads or writes the catalog goes through `CatalogStore`, so the layout lives in one
module: 32 float16 query vectors per distinct photo for the exact re-rank; one vec0 row per item
(its mean vector, with its category, colour and folder as metadata columns, so a filtered KNN stays
in SQL); and one `item_vectors_codes` row per item for search's first stage (core/store/query_index.py):
the mean in int8 and the 32 query vectors in 4 bits a value, written with the item.
Writes are meant to be grouped by the caller in `db.transaction(store.conn)` batches.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from desktop_app.core.platform.errors import CatalogError, Fix
from desktop_app.core.platform.i18n import _
from desktop_app.core.store import db

VECTOR_TABLE = "item_vectors"
CODES_TABLE = "item_vectors_codes"  # migrations/0005: derived from images.query_vectors, as the vec0 table is
QUERY_VECTOR_DTYPE = np.float16
MEAN_LEVELS = 127  # int8 means: the first stage's scan picks a pool of thousands, which 8 bits pick as float32 does
CODE_LEVELS = 7  # 4-bit query vectors, levels -7..7 (stored +8): enough to pick the exact re-rank's candidates
_SOURCE_RANK = {"auto": 1, "folder": 2, "product": 3, "user": 4}  # product: the shop's own file (migrations/0006)
P = ParamSpec("P")
R = TypeVar("R")


REMOVED_KEPT_DAYS = 30  # how long a removed folder's photos and tags are kept for undo and a quick re-add

def db_path(path: str | Path) -> str | bytes:
    """A file name as the catalog stores it: text, or its raw bytes where it is not valid Unicode.

    Linux allows any bytes in a name (`caf\xe9.jpg` from an old archive); Python carries those as
    surrogate escapes, which SQLite's UTF-8 text cannot hold. Stored as a BLOB they round-trip exactly.
    """
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text)
    return text


def from_db_path(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def mean_vectors(queries: np.ndarray) -> np.ndarray:
    """(n, Q, D) query vectors -> (n, D) normalised means: the KNN column, and search's photo-to-photo proxy."""
    means = np.asarray(queries, dtype=np.float32).mean(axis=1)
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)


def code_rows(item_ids: Sequence[int], stored: np.ndarray) -> list[tuple[int, float, bytes, bytes, bytes]]:
    """`item_vectors_codes` rows for items whose photos have these (n, Q, D) query vectors.

    Made from the float16 values as stored, so indexing, a first search and a repair write the same bytes.
    Each vector gets its own scale: one scale for the catalog would spend most levels on values no vector has.
    """
    queries = np.asarray(stored, dtype=QUERY_VECTOR_DTYPE).astype(np.float32)
    if queries.shape[-1] % 2:
        raise ValueError(f"4-bit codes pack two dimensions a byte; {queries.shape[-1]} dimensions is odd")
    means = mean_vectors(queries)
    mean_scales = np.maximum(np.abs(means).max(axis=1), 1e-12) / MEAN_LEVELS
    mean_codes = np.rint(means / mean_scales[:, None]).astype(np.int8)
    scales = (np.maximum(np.abs(queries).max(axis=2), 1e-6) / CODE_LEVELS).astype(np.float16)
    levels = (np.rint(queries / scales[..., None].astype(np.float32)).clip(-CODE_LEVELS, CODE_LEVELS) + 8).astype(np.uint8)
    half = queries.shape[-1] // 2
    packed = levels[..., :half] | (levels[..., half:] << 4)
    return [(int(item_id), float(mean_scale), mean.tobytes(), scale.tobytes(), codes.tobytes())
            for item_id, mean_scale, mean, scale, codes in zip(item_ids, mean_scales, mean_codes, scales, packed, strict=True)]


@dataclass(frozen=True)
class QueryCodes:
    """Some items' query vectors at 4 bits a value, as the first stage reads them for its pool of candidates."""

    item_ids: np.ndarray  # (n,)
    scales: np.ndarray  # (n, Q) float32
    codes: np.ndarray  # (n, Q, D/2) uint8, see migrations/0005

    def decoded(self) -> np.ndarray:
        """(n, Q, D) float32 approximations of the query vectors: within half a level (scale / 2) of each value."""
        levels = np.concatenate((self.codes & 15, self.codes >> 4), axis=-1).view(np.int8) - 8
        return levels.astype(np.float32) * self.scales[..., None]

    def best_dots(self, vector: np.ndarray) -> np.ndarray:
        """(n,): each item's largest dot product of `vector` with its decoded query vectors, computed on the levels
        themselves: a sixth of the time of decoding first (einsum casts the nibbles as it goes)."""
        half = self.codes.shape[-1]
        dots = (np.einsum("nqj,j->nq", self.codes & 15, vector[:half]) + np.einsum("nqj,j->nq", self.codes >> 4, vector[half:])
                - 8 * float(vector.sum()))
        return (dots * self.scales).max(axis=1)


class ModelMismatchError(CatalogError):
    """The catalog was built with another embedding model; mixing vectors would make search meaningless."""


@dataclass(frozen=True)
class EmbeddingModel:
    """What a catalog's vectors were made with; two catalogs agree only if all fields do."""

    spec: str  # hub id or local folder the user gave
    revision: str | None  # hub commit, or a fingerprint of a local folder's weights
    dim: int
    num_queries: int

    def describe(self) -> str:
        return f"{self.spec} ({self.revision[:12] if self.revision else 'unknown revision'}, {self.dim}-d)"


@dataclass(frozen=True)
class ItemRow:
    id: int
    path: str
    category: str | None
    category_source: str | None
    category_score: float | None
    color: str | None
    color_score: float | None
    width: int
    height: int
    thumbnail: str | None
    content_hash: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _item_row(row: Sequence[Any]) -> ItemRow:
    return ItemRow(row[0], from_db_path(row[1]), *row[2:])


def _read(method: Callable[Concatenate[CatalogStore, P], R]) -> Callable[Concatenate[CatalogStore, P], R]:
    """A read that meets damaged pages (a vec0 chunk, a b-tree) or a failing disk raises the user's message with
    the way out (`catalog repair`), not SQLite's; writes get the same from `db.transaction`."""

    @functools.wraps(method)
    def read(self: CatalogStore, *args: P.args, **kwargs: P.kwargs) -> R:
        with db.translated(self.conn):
            return method(self, *args, **kwargs)

    return read


class CatalogStore:
    def __init__(self, conn: db.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path | str) -> CatalogStore:
        return cls(db.connect(path))

    def close(self) -> None:
        self.conn.close()

    # -- facts about the catalog -------------------------------------------------------------
    @_read
    def get_meta(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM catalog_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO catalog_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def recorded_model(self) -> EmbeddingModel | None:
        raw = self.get_meta("embedding_model")
        return None if raw is None else EmbeddingModel(**raw)

    def use_model(self, model: EmbeddingModel) -> None:
        """Record the model of an empty catalog, or refuse one that differs from the recorded one."""
        recorded = self.recorded_model()
        if recorded is not None and recorded != model:
            raise ModelMismatchError(
                _("This catalog was built with {recorded}, not {found}.").format(recorded=recorded.describe(), found=model.describe()),
                hint=_("Use the same model (it is the default when you give none), or rebuild: "
                       "`fashion-assistant index --rebuild` re-embeds every photo with the new model."),
                fix=Fix.MODELS,
            )
        if recorded is None:
            self.set_meta("embedding_model", asdict(model))
        self.ensure_vector_table(model.dim)

    def forget_model(self) -> None:
        """Drop every vector so the catalog can be rebuilt with another model; folders and corrections stay."""
        self.conn.execute(f"DROP TABLE IF EXISTS {VECTOR_TABLE}")
        self.conn.execute(f"DELETE FROM {CODES_TABLE}")
        self.conn.execute("DELETE FROM items")
        self.conn.execute("DELETE FROM images")
        self.conn.execute("DELETE FROM skipped")
        self.conn.execute("DELETE FROM catalog_meta WHERE key IN ('embedding_model', 'precision')")

    def ensure_vector_table(self, dim: int) -> None:
        self.conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {VECTOR_TABLE} USING vec0("
            f" item_id INTEGER PRIMARY KEY, embedding float[{int(dim)}] distance_metric=cosine,"
            " category TEXT, color TEXT, folder_id INTEGER)"
        )

    @_read
    def has_vector_table(self) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (VECTOR_TABLE,)).fetchone()
        return row is not None

    # -- folders ------------------------------------------------------------------------------
    def add_folder(self, path: Path) -> int:
        key = db_path(path)
        self.conn.execute("INSERT OR IGNORE INTO folders(path) VALUES (?)", (key,))
        return int(self.conn.execute("SELECT id FROM folders WHERE path = ?", (key,)).fetchone()[0])

    @_read
    def folders(self) -> list[tuple[int, Path]]:
        return [(int(r[0]), Path(from_db_path(r[1]))) for r in self.conn.execute("SELECT id, path FROM folders ORDER BY path")]

    def remove_folder(self, path: Path) -> int:
        """Take a folder and its items out of the catalog, keeping each item's photo (its vectors) and tags in
        `removed_items` for REMOVED_KEPT_DAYS, so `restore_folder` is instant and so is indexing it again."""
        key = db_path(path)
        row = self.conn.execute("SELECT id FROM folders WHERE path = ?", (key,)).fetchone()
        if row is None:
            return 0
        items = self.conn.execute("SELECT id, path, image_id, size, mtime_ns FROM items WHERE folder_id = ?", (row[0],)).fetchall()
        for item_id, item_path, image_id, size, mtime_ns in items:
            tags = self.conn.execute("SELECT kind, value, source, score FROM tags WHERE item_id = ?", (item_id,)).fetchall()
            self.conn.execute(
                "INSERT OR REPLACE INTO removed_items(path, folder_path, image_id, size, mtime_ns, tags) VALUES (?, ?, ?, ?, ?, ?)",
                (item_path, key, image_id, size, mtime_ns, json.dumps([list(t) for t in tags])))
        self.remove_items([int(r[0]) for r in items])
        self.conn.execute("DELETE FROM folders WHERE id = ?", (row[0],))
        return len(items)

    def restore_folder(self, path: Path) -> int:
        """Put a removed folder's items back as they were (vectors, tags); returns how many came back."""
        key = db_path(path)
        kept = self.conn.execute("SELECT path, image_id, size, mtime_ns, tags FROM removed_items WHERE folder_path = ?",
                                 (key,)).fetchall()
        if not kept:
            return 0
        folder_id = self.add_folder(path)
        for item_path, image_id, size, mtime_ns, tags in kept:
            item_id = self.put_item(from_db_path(item_path), folder_id, int(image_id), int(size), int(mtime_ns))
            for kind, value, source, score in json.loads(tags):
                self.set_tag(item_id, kind, value, source, score)
        self.conn.execute("DELETE FROM removed_items WHERE folder_path = ?", (key,))
        return len(kept)

    def forget_removed(self, path: Path) -> None:
        """The folder is indexed again: its removed items are no longer an undo (their photos stay for reuse)."""
        self.conn.execute("DELETE FROM removed_items WHERE folder_path = ?", (db_path(path),))

    def purge_removed(self, older_than_days: float = REMOVED_KEPT_DAYS) -> int:
        """Drop what was removed longer ago than that, and the photos no file shows any more; returns items dropped."""
        cutoff = f"-{float(older_than_days)} days"
        dropped = self.conn.execute("DELETE FROM removed_items WHERE removed_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
                                    (cutoff,)).rowcount
        if dropped:
            self.conn.execute("DELETE FROM images WHERE id NOT IN (SELECT image_id FROM items)"
                              " AND id NOT IN (SELECT image_id FROM removed_items)")
        return int(dropped)

    # -- photos and items ---------------------------------------------------------------------
    @_read
    def indexed_files(self) -> dict[str, tuple[int, int, int, str]]:
        """path -> (item id, size, mtime_ns, content hash): what the indexer needs to tell moves and touches apart."""
        rows = self.conn.execute("SELECT items.path, items.id, items.size, items.mtime_ns, images.content_hash"
                                 " FROM items JOIN images ON images.id = items.image_id")
        return {from_db_path(r[0]): (int(r[1]), int(r[2]), int(r[3]), str(r[4])) for r in rows}

    @_read
    def image_hashes(self) -> set[str]:
        return {str(r[0]) for r in self.conn.execute("SELECT content_hash FROM images")}

    @_read
    def image_by_hash(self, content_hash: str) -> int | None:
        row = self.conn.execute("SELECT id FROM images WHERE content_hash = ?", (content_hash,)).fetchone()
        return None if row is None else int(row[0])

    def add_image(self, content_hash: str, width: int, height: int, query_vectors: np.ndarray, thumbnail: str | None) -> int:
        """query_vectors: (num_queries, dim), each row L2-normalised."""
        queries = np.asarray(query_vectors, dtype=np.float32)
        mean = mean_vectors(queries[None])[0]
        cursor = self.conn.execute(
            "INSERT INTO images(content_hash, width, height, query_vectors, mean_vector, thumbnail) VALUES (?, ?, ?, ?, ?, ?)",
            (content_hash, width, height, queries.astype(QUERY_VECTOR_DTYPE).tobytes(), mean.astype(np.float32).tobytes(), thumbnail),
        )
        return int(cursor.lastrowid)

    def put_item(self, path: str, folder_id: int, image_id: int, size: int, mtime_ns: int) -> int:
        """Insert or replace the item at `path`; its tags start empty and its vector row is written."""
        path = db_path(path)  # type: ignore[assignment]
        old = self.conn.execute("SELECT id FROM items WHERE path = ?", (path,)).fetchone()
        if old is not None:
            self.remove_items([int(old[0])])
        cursor = self.conn.execute(
            "INSERT INTO items(path, folder_id, image_id, size, mtime_ns) VALUES (?, ?, ?, ?, ?)",
            (path, folder_id, image_id, size, mtime_ns),
        )
        item_id = int(cursor.lastrowid)
        mean, queries = self.conn.execute("SELECT mean_vector, query_vectors FROM images WHERE id = ?", (image_id,)).fetchone()
        self.conn.execute(
            f"INSERT INTO {VECTOR_TABLE}(item_id, embedding, category, color, folder_id) VALUES (?, ?, '', '', ?)",
            (item_id, mean, folder_id),
        )
        dim = len(mean) // np.dtype(np.float32).itemsize
        self.put_codes(code_rows([item_id], np.frombuffer(queries, dtype=QUERY_VECTOR_DTYPE).reshape(1, -1, dim)))
        self.conn.execute("DELETE FROM skipped WHERE path = ?", (path,))
        return item_id

    def move_item(self, item_id: int, new_path: str, folder_id: int, size: int, mtime_ns: int) -> None:
        """A renamed or moved file keeps its vectors and its user's corrections."""
        self.conn.execute(
            "UPDATE items SET path = ?, folder_id = ?, size = ?, mtime_ns = ? WHERE id = ?",
            (db_path(new_path), folder_id, size, mtime_ns, item_id),
        )
        self.conn.execute(f"UPDATE {VECTOR_TABLE} SET folder_id = ? WHERE item_id = ?", (folder_id, item_id))

    def touch_item(self, item_id: int, size: int, mtime_ns: int) -> None:
        self.conn.execute("UPDATE items SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, item_id))

    def remove_items(self, item_ids: Iterable[int]) -> None:
        """Remove items, and their photos once no other file shows them.

        Only the removed items' photos are candidates: a photo added in the same transaction and not
        linked yet (put_item replacing a file's content) must survive.
        """
        ids = list(item_ids)
        images: set[int] = set()
        for item_id in ids:
            row = self.conn.execute("SELECT image_id FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is not None:
                images.add(int(row[0]))
            self.conn.execute(f"DELETE FROM {VECTOR_TABLE} WHERE item_id = ?", (item_id,))
            self.conn.execute(f"DELETE FROM {CODES_TABLE} WHERE item_id = ?", (item_id,))
            self.conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
        for image_id in images:  # a photo kept for a removed folder stays too (remove_folder)
            self.conn.execute("DELETE FROM images WHERE id = ? AND id NOT IN (SELECT image_id FROM items)"
                              " AND id NOT IN (SELECT image_id FROM removed_items)", (image_id,))

    # -- tags -----------------------------------------------------------------------------------
    def set_tag(self, item_id: int, kind: str, value: str, source: str, score: float | None = None) -> bool:
        """Set a tag unless a stronger source already decided it (user > folder > auto); True if set."""
        row = self.conn.execute("SELECT source FROM tags WHERE item_id = ? AND kind = ?", (item_id, kind)).fetchone()
        if row is not None and _SOURCE_RANK[row[0]] > _SOURCE_RANK[source]:
            return False
        self.conn.execute(
            "INSERT INTO tags(item_id, kind, value, source, score) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(item_id, kind) DO UPDATE SET value = excluded.value, source = excluded.source, score = excluded.score",
            (item_id, kind, value, source, score),
        )
        self.conn.execute(f"UPDATE {VECTOR_TABLE} SET {'category' if kind == 'category' else 'color'} = ? WHERE item_id = ?",
                          (value, item_id))
        return True

    def set_tags(self, tags: Sequence[tuple[int, str, str]], source: str) -> None:
        """`set_tag` for many (item id, kind, value) at once, without scores: a products import tags thousands of photos.
        A tag a stronger source decided stays, in the tags table and in the vector index alike."""
        weaker = [name for name, rank in _SOURCE_RANK.items() if rank <= _SOURCE_RANK[source]]
        self.conn.executemany(
            "INSERT INTO tags(item_id, kind, value, source, score) VALUES (?, ?, ?, ?, NULL) ON CONFLICT(item_id, kind) DO UPDATE"
            f" SET value = excluded.value, source = excluded.source, score = NULL WHERE tags.source IN ({','.join('?' * len(weaker))})",
            ((item_id, kind, value, source, *weaker) for item_id, kind, value in tags))
        for kind in ("category", "color"):
            self.conn.executemany(
                f"UPDATE {VECTOR_TABLE} SET {kind} = (SELECT value FROM tags WHERE item_id = ? AND kind = '{kind}') WHERE item_id = ?",
                ((item_id, item_id) for item_id, tag_kind, _value in tags if tag_kind == kind))

    def clear_tags(self, item_id: int) -> None:
        """Forget an item's tags so they can be decided afresh (after a move into another folder)."""
        self.conn.execute("DELETE FROM tags WHERE item_id = ?", (item_id,))
        self.conn.execute(f"UPDATE {VECTOR_TABLE} SET category = '', color = '' WHERE item_id = ?", (item_id,))

    def correction_for(self, content_hash: str, kind: str, path: str | None = None) -> str | None:
        """The user's word on this content; else on this file (its content changed: the photo was edited and saved)."""
        row = self.conn.execute("SELECT value FROM corrections WHERE content_hash = ? AND kind = ?", (content_hash, kind)).fetchone()
        if row is None and path is not None:
            row = self.conn.execute("SELECT value FROM path_corrections WHERE path = ? AND kind = ?", (db_path(path), kind)).fetchone()
        return None if row is None else str(row[0])

    def correct(self, path: str, kind: str, value: str) -> None:
        """Record a user's correction by content and by path, and apply it to every file with that content."""
        row = self.conn.execute(
            "SELECT images.content_hash FROM items JOIN images ON images.id = items.image_id WHERE items.path = ?", (db_path(path),)
        ).fetchone()
        if row is None:
            raise CatalogError(_("{path} is not in the catalog.").format(path=path), _("Index its folder first, then correct its tags."),
                               fix=Fix.ADD_FOLDER)
        self.conn.execute(
            "INSERT INTO corrections(content_hash, kind, value) VALUES (?, ?, ?) "
            "ON CONFLICT(content_hash, kind) DO UPDATE SET value = excluded.value, at = excluded.at",
            (row[0], kind, value),
        )
        self.conn.execute(
            "INSERT INTO path_corrections(path, kind, value) VALUES (?, ?, ?) "
            "ON CONFLICT(path, kind) DO UPDATE SET value = excluded.value, at = excluded.at",
            (db_path(path), kind, value),
        )
        for (item_id,) in self.conn.execute(
            "SELECT items.id FROM items JOIN images ON images.id = items.image_id WHERE images.content_hash = ?", (row[0],)
        ).fetchall():
            self.set_tag(int(item_id), kind, value, "user", None)

    # -- skipped files ---------------------------------------------------------------------------
    def skip(self, path: str, size: int | None, mtime_ns: int | None, reason: str, transient: bool = False) -> None:
        """`transient`: the cause lies outside the file (missing now, unreadable, no space), so the next run retries it."""
        self.conn.execute(
            "INSERT INTO skipped(path, size, mtime_ns, reason, transient) VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE"
            " SET size = excluded.size, mtime_ns = excluded.mtime_ns, reason = excluded.reason, at = excluded.at,"
            " transient = excluded.transient",
            (db_path(path), size, mtime_ns, reason, int(transient)),
        )

    @_read
    def skipped_states(self) -> dict[str, tuple[int | None, int | None, str]]:
        """path -> (size, mtime_ns, reason); a transient skip has no state, so it never counts as unchanged."""
        rows = self.conn.execute("SELECT path, size, mtime_ns, reason, transient FROM skipped")
        return {from_db_path(r[0]): (None, None, r[3]) if r[4] else (r[1], r[2], r[3]) for r in rows}

    def forget_skipped(self, paths: Iterable[str]) -> None:
        self.conn.executemany("DELETE FROM skipped WHERE path = ?", ((db_path(p),) for p in paths))

    @_read
    def skipped(self) -> list[dict[str, str]]:
        rows = self.conn.execute("SELECT path, reason, transient FROM skipped ORDER BY path")
        return [{"path": from_db_path(r[0]), "reason": r[1], "retry": bool(r[2])} for r in rows]

    # -- reads -------------------------------------------------------------------------------------
    _ITEM_SELECT = (
        "SELECT items.id, items.path, c.value, c.source, c.score, k.value, k.score, images.width, images.height,"
        " images.thumbnail, images.content_hash FROM items JOIN images ON images.id = items.image_id"
        " LEFT JOIN tags c ON c.item_id = items.id AND c.kind = 'category'"
        " LEFT JOIN tags k ON k.item_id = items.id AND k.kind = 'color'"
    )

    @_read
    def items(self) -> list[ItemRow]:
        return [_item_row(row) for row in self.conn.execute(self._ITEM_SELECT + " ORDER BY items.path")]

    @_read
    def items_by_id(self, item_ids: Sequence[int]) -> dict[int, ItemRow]:
        if not item_ids:
            return {}
        marks = ",".join("?" * len(item_ids))
        rows = self.conn.execute(self._ITEM_SELECT + f" WHERE items.id IN ({marks})", list(item_ids))
        return {int(r[0]): _item_row(r) for r in rows}

    @_read
    def item_ids_in_order(self, order: str) -> list[int]:
        """Every item, newest file first ("newest") or by file name ("name"), for browsing without a query."""
        rows = self.conn.execute("SELECT id, path, mtime_ns FROM items").fetchall()
        if order == "name":
            rows.sort(key=lambda r: (os.path.basename(from_db_path(r[1])).casefold(), from_db_path(r[1])))
        else:
            rows.sort(key=lambda r: (-int(r[2]), from_db_path(r[1])))
        return [int(r[0]) for r in rows]

    @_read
    def item_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    @_read
    def counts_by_category(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT COALESCE(t.value, 'untagged'), COUNT(*) FROM items"
            " LEFT JOIN tags t ON t.item_id = items.id AND t.kind = 'category' GROUP BY 1 ORDER BY 1"
        )
        return {r[0]: int(r[1]) for r in rows}

    @_read
    def categories(self) -> list[str]:
        """The categories present in the catalog, for filters and the classifier's schema."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT value FROM tags WHERE kind = 'category' ORDER BY value")]

    @_read
    def knn(
        self,
        vector: np.ndarray,
        k: int,
        categories: Sequence[str] = (),
        colors: Sequence[str] = (),
        folder_ids: Sequence[int] = (),
    ) -> list[tuple[int, float]]:
        """Nearest items by cosine distance of mean vectors; filters run inside sqlite-vec's scan."""
        if not self.has_vector_table():
            return []
        sql = f"SELECT item_id, distance FROM {VECTOR_TABLE} WHERE embedding MATCH ? AND k = ?"
        args: list[Any] = [np.asarray(vector, dtype=np.float32).tobytes(), int(k)]
        for column, values in (("category", categories), ("color", colors), ("folder_id", folder_ids)):
            if values:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args.extend(values)
        return [(int(r[0]), float(r[1])) for r in self.conn.execute(sql + " ORDER BY distance", args)]

    @_read
    def image_query_vectors(self, content_hash: str) -> np.ndarray | None:
        """The stored query vectors of the photo whose file bytes have this sha256, wherever it lies, else None: an example
        photo the catalog holds ("more like this", or a copy of it) then needs no vision tower, seconds of a laptop's CPU,
        and finds itself exactly."""
        model = self.recorded_model()
        row = self.conn.execute("SELECT query_vectors FROM images WHERE content_hash = ?", (content_hash,)).fetchone()
        if model is None or row is None:
            return None
        return np.frombuffer(row[0], dtype=QUERY_VECTOR_DTYPE).reshape(model.num_queries, model.dim).astype(np.float32)

    @_read
    def query_vectors(self, item_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """item id -> (num_queries, dim) float32 query vectors, for re-ranking candidates."""
        model = self.recorded_model()
        if model is None or not item_ids:
            return {}
        marks = ",".join("?" * len(item_ids))
        rows = self.conn.execute(
            f"SELECT items.id, images.query_vectors FROM items JOIN images ON images.id = items.image_id WHERE items.id IN ({marks})",
            list(item_ids),
        )
        return {
            int(r[0]): np.frombuffer(r[1], dtype=QUERY_VECTOR_DTYPE).reshape(model.num_queries, model.dim).astype(np.float32)
            for r in rows
        }

    # -- reads for search (core/search/searcher.py) ---------------------------------------------------------
    @_read
    def sample_item_ids(self, n: int) -> list[int]:
        """About n item ids spread over the catalog, the same ones until it changes: the background
        sample that search standardises scores against."""
        step = max(1, self.item_count() // max(1, n))
        return [int(r[0]) for r in self.conn.execute("SELECT id FROM items WHERE id % ? = 0 ORDER BY id LIMIT ?", (step, n))]

    @_read
    def has_tag(self, kind: str, value: str) -> bool:
        """Whether any item carries this tag: an indexed lookup, where listing every category scans the tags."""
        row = self.conn.execute("SELECT 1 FROM tags WHERE kind = ? AND value = ? LIMIT 1", (kind, value)).fetchone()
        return row is not None

    @_read
    def item_ids_under(self, prefix: str, categories: Sequence[str] = (), colors: Sequence[str] = (),
                       more: Sequence[tuple[str, Sequence[Any]]] = ()) -> list[int]:
        """Items whose path starts with `prefix` (a folder ending in a separator), optionally by tag and by `more` sets
        (as `filtered_item_ids`): for a subfolder of an added folder, which the vector index has no column for."""
        # Compared as bytes, since a stored path is text or (for a name that is not valid Unicode) its bytes.
        raw = os.fsencode(prefix)
        sets = [*_item_sets(categories, colors, ()), *more]
        sql = " AND ".join(["substr(CAST(items.path AS BLOB), 1, ?) = ?", *(f"items.id IN ({subquery})" for subquery, _ in sets)])
        args = [len(raw), raw, *(arg for _, values in sets for arg in values)]
        return [int(r[0]) for r in self.conn.execute(f"SELECT items.id FROM items WHERE {sql}", args)]

    @_read
    def filtered_item_ids(self, categories: Sequence[str] = (), colors: Sequence[str] = (), folder_ids: Sequence[int] = (),
                          more: Sequence[tuple[str, Sequence[Any]]] = ()) -> np.ndarray:
        """Items with any of these categories, any of these colours, in any of these folders and in every `more` set (a
        subquery selecting `item_id`, with its arguments: the product store's `offer_subquery`): the filter of search's
        first stage, run on the tables themselves, so a tag change, a move or a new price needs no index update."""
        sets = [*_item_sets(categories, colors, folder_ids), *more]
        if not sets:
            return self._integers("SELECT group_concat(id) FROM items")
        # SQLite flattens the join: the first filter's index drives, each other one is a primary-key lookup.
        tables = " JOIN ".join(f"({subquery}) AS f{n}" + (" USING (item_id)" if n else "") for n, (subquery, _) in enumerate(sets))
        return self._integers(f"SELECT group_concat(f0.item_id) FROM {tables}", [arg for _, args in sets for arg in args])

    # -- search's first stage: item_vectors_codes (core/store/query_index.py) -----------------------------
    def put_codes(self, rows: Iterable[tuple[int, float, bytes, bytes, bytes]]) -> None:
        """Rows made by `code_rows`."""
        self.conn.executemany(
            f"INSERT INTO {CODES_TABLE}(item_id, mean_scale, mean, query_scales, query_codes) VALUES (?, ?, ?, ?, ?)", rows)

    def add_missing_codes(self, after_item_id: int, limit: int) -> int | None:
        """Codes for up to `limit` items past `after_item_id` that have none (a catalog from before the codes table),
        from their stored query vectors; returns the last item id coded, None when no item lacks codes any more."""
        model = self.recorded_model()
        if model is None:
            return None
        rows = self.conn.execute(
            f"SELECT items.id, images.query_vectors FROM items JOIN images ON images.id = items.image_id WHERE items.id > ?"
            f" AND items.id NOT IN (SELECT item_id FROM {CODES_TABLE}) ORDER BY items.id LIMIT ?", (after_item_id, limit)).fetchall()
        if not rows:
            return None
        shape = (model.num_queries, model.dim)
        self.put_codes(code_rows([r[0] for r in rows], np.stack([np.frombuffer(r[1], QUERY_VECTOR_DTYPE).reshape(shape) for r in rows])))
        return int(rows[-1][0])

    @_read
    def change_marks(self) -> tuple[int, int]:
        """(data_version, total_changes): both stay as they are until another connection or this one writes."""
        row = self.conn.execute("SELECT (SELECT data_version FROM pragma_data_version), total_changes()").fetchone()
        return int(row[0]), int(row[1])

    @_read
    def code_count(self) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {CODES_TABLE}").fetchone()[0])

    @_read
    def code_seqs(self) -> np.ndarray:
        return self._integers(f"SELECT group_concat(seq) FROM {CODES_TABLE}")

    @_read
    def mean_codes(self, after_seq: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(seqs, item ids, (n, D) int8 means, (n,) their scales) of the codes rows written after `after_seq`, in seq order."""
        model = self.recorded_model()
        rows = self.conn.execute(f"SELECT seq, item_id, mean_scale, mean FROM {CODES_TABLE} WHERE seq > ? ORDER BY seq",
                                 (after_seq,)).fetchall()
        means = np.frombuffer(b"".join(r[3] for r in rows), dtype=np.int8).reshape(len(rows), model.dim if model else 0)
        return (np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
                means, np.array([r[2] for r in rows], dtype=np.float32))

    @_read
    def query_codes(self, seqs: Sequence[int]) -> QueryCodes:
        """The 4-bit query vectors of these codes rows (by seq: a row replaced since it was chosen is left out)."""
        model = self.recorded_model()
        rows = [] if model is None or not len(seqs) else self.conn.execute(
            f"SELECT item_id, query_scales, query_codes FROM {CODES_TABLE} WHERE seq IN ({','.join('?' * len(seqs))})",
            [int(seq) for seq in seqs]).fetchall()
        num_queries, dim = (model.num_queries, model.dim) if model else (0, 0)
        return QueryCodes(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), num_queries).astype(np.float32),
            np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint8).reshape(len(rows), num_queries, dim // 2),
        )

    def _integers(self, sql: str, args: Sequence[Any] = ()) -> np.ndarray:
        """Integers SQLite joins into one string and numpy parses: 100,000 ids in ~10 ms, where fetching them as rows
        takes ~60 (bench/search_latency.py's catalog)."""
        (text,) = self.conn.execute(sql, list(args)).fetchone()
        return np.fromstring(text or "", dtype=np.int64, sep=",")


def _item_sets(categories: Sequence[str], colors: Sequence[str], folder_ids: Sequence[int]) -> list[tuple[str, list[Any]]]:
    """One subquery of item ids (as `item_id`) with its arguments per filter given: any of the categories, any of the
    colours, in any of the folders; each runs on an index (tags by kind and value, items by folder)."""
    sets: list[tuple[str, list[Any]]] = []
    for kind, values in (("category", categories), ("color", colors)):
        if values:
            sets.append((f"SELECT item_id FROM tags WHERE kind = '{kind}' AND value IN ({','.join('?' * len(values))})", list(values)))
    if folder_ids:
        sets.append((f"SELECT id AS item_id FROM items WHERE folder_id IN ({','.join('?' * len(folder_ids))})",
                     [int(folder_id) for folder_id in folder_ids]))
    return sets
