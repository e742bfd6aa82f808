"""Search's first stage: every item's mean vector in memory, kept in step with the catalog.

The exact score of words is the best of a photo's 32 query vectors, and no one vector per photo
stands in for that: on the bench's catalog (bench/search_latency.py, 100,000 items) the 100 items
nearest by mean vector hold 58% of the exact top 12. sqlite-vec cannot go much further: its top-k
selection makes k passes over each chunk, so its KNN over the means takes ~0.3 s for 1,600, and over
one row per query vector (3.2 million rows) ~0.4 s for k=100 in bits (which hold 10% of the top 12)
and ~1.4 s in int8 (2 shared cores). So the first stage is two steps, neither through sqlite-vec:

1. a scan of every item's normalised mean vector, int8, held here (284 bytes an item with its ids:
   27 MiB at 100,000), for the best couple of thousand: the mean is a fair proxy only that far down;
2. those items' 32 query vectors at 4 bits a value (`item_vectors_codes`, read by seq), scored as
   the exact re-rank scores them (core/search/searcher.py), for the few it re-ranks exactly.

Filters are SQL on the tags and items tables (`CatalogStore.filtered_item_ids`), so a re-tagged or
moved item needs nothing here; only the set of items and their photos does. That set changes when an
item is put or removed, on this connection or another one (the indexer's): each codes row has a seq
that is never reused, so the rows past the last one loaded are read, and a count that differs from
what is held says some went. An existing catalog's codes are written here on its first search.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.store import db

if TYPE_CHECKING:
    from desktop_app.core.store.catalog_store import CatalogStore

log = logging.getLogger(__name__)

_BUILD_BATCH = 1000  # items coded per transaction on a first search: 16 MB of query vectors read at a time
_SCAN_CHUNK = 8192  # means converted to float32 per step of the scan: 8 MB, not the whole matrix at once


@dataclass(frozen=True)
class Pool:
    """The first stage's candidates, best first: their items and the codes rows they were chosen by."""

    item_ids: np.ndarray
    seqs: np.ndarray


@dataclass(frozen=True)
class _Means:
    seqs: np.ndarray  # ascending: rows are appended in seq order
    item_ids: np.ndarray
    means: np.ndarray  # (n, D) int8
    scales: np.ndarray  # (n,) float32: mean = means * scales

    def __len__(self) -> int:
        return len(self.seqs)

    def take(self, rows: np.ndarray) -> _Means:
        return _Means(self.seqs[rows], self.item_ids[rows], self.means[rows], self.scales[rows])

    def then(self, more: _Means) -> _Means:
        if not len(self):  # also where the catalog was rebuilt with another model, of another dimension
            return more
        return _Means(*(np.concatenate(pair) for pair in zip(
            (self.seqs, self.item_ids, self.means, self.scales), (more.seqs, more.item_ids, more.means, more.scales), strict=True)))


class MeanIndex:
    """One searcher's copy of the catalog's int8 mean vectors, loaded on first use and refreshed when the catalog changes."""

    def __init__(self, store: CatalogStore) -> None:
        self.store = store
        self._marks: tuple[int, int] | None = None
        self._held = _Means(np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, 0), np.int8), np.empty(0, np.float32))
        self._by_item = np.empty(0, np.int32)  # item id -> where its mean is held (-1: not held), to find a filter's items

    def nearest(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None, cancel: CancelToken | None = None) -> Pool:
        """The `n` items whose mean vectors score best against `vector`, best first; among the `allowed` item ids if given."""
        self.refresh(cancel or CancelToken())
        rows = np.arange(len(self._held)) if allowed is None else self._rows_of(allowed)
        scores = self._scores(np.asarray(vector, dtype=np.float32), rows)
        if n < len(rows):
            best = np.argpartition(-scores, n - 1)[:n]
            rows, scores = rows[best], scores[best]
        order = rows[np.argsort(-scores, kind="stable")]
        return Pool(self._held.item_ids[order], self._held.seqs[order])

    def refresh(self, cancel: CancelToken) -> None:
        """Catch up with the catalog: a glance at SQLite's change counters when nothing was written since the last call."""
        marks = self.store.change_marks()  # read first: whatever is written from here on shows at the next call
        if marks == self._marks:
            return
        self._complete(cancel)
        held = self._held
        new = _Means(*self.store.mean_codes(after_seq=int(held.seqs[-1]) if len(held) else 0))
        if len(held) + len(new) != self.store.code_count():  # some rows went (removed items, replaced photos)
            held = held.take(np.flatnonzero(np.isin(held.seqs, self.store.code_seqs())))
        self._held = held.then(new)
        ids = self._held.item_ids
        self._by_item = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int32)  # 4 bytes an id: 0.4 MB at 100,000
        self._by_item[ids] = np.arange(len(ids), dtype=np.int32)
        self._marks = marks

    def _complete(self, cancel: CancelToken) -> None:
        """Codes for items that have none: every item of a catalog made before the codes table, on its first search.
        A batch per transaction, so a cancelled first search keeps what it wrote and the next one goes on from there."""
        missing = self.store.item_count() - self.store.code_count()
        if missing <= 0:
            return
        log.info("Writing search's first-stage codes for %d items from their stored query vectors", missing)
        after: int | None = 0
        while after is not None:
            cancel.check()
            with db.transaction(self.store.conn):
                after = self.store.add_missing_codes(after, _BUILD_BATCH)

    def _rows_of(self, item_ids: np.ndarray) -> np.ndarray:
        """Where these items are held, in the order they are held, so a filtered scan reads the means front to back (a
        lookup table by item id: 0.6 ms for 68,000 of 100,000 items, where a sorted search took 9); one written since the
        last refresh is not yet, and is left out until the next."""
        known = item_ids[(item_ids >= 0) & (item_ids < len(self._by_item))]
        rows = self._by_item[known]
        return np.sort(rows[rows >= 0]).astype(np.int64)

    def _scores(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        scores = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), _SCAN_CHUNK):
            part = rows[start : start + _SCAN_CHUNK]
            np.einsum("nd,d->n", self._held.means[part].astype(np.float32), vector, out=scores[start : start + len(part)])
        return scores * self._held.scales[rows]
