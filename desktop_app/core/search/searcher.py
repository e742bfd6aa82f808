"""Search the catalog by words, by example photos, or both, scored the way BLIP-2 was trained.

Two passes. The first (core/store/query_index.py) finds the items the exact score would put on top:
a scan of every item's normalised mean vector (int8, in memory) keeps a wide pool, those items' 32
query vectors at 4 bits a value are scored as below to keep the few that the second pass re-ranks
exactly; the category, colour and folder filters are SQL on the tags and items tables, and the shop's
filters (in stock, price, size) SQL on its product tables, joined with them. The second pass re-ranks
exactly, from the stored float16 query vectors:

- words: BLIP-2's image-text score, the largest cosine between the text's [CLS] vector and any of
  the photo's 32 query vectors (each query vector attends to a different part of the photo);
- a photo: the cosine of the two photos' normalised mean vectors. Averaging keeps what the 32 query
  vectors agree on about the whole garment, where a max over 32×32 pairs lets one matching detail (a
  white background, a logo) decide; and it is the first pass's own measure, so a photo query needs no
  4-bit step;
- both: a weighted sum of the two standardised scores, `text_weight` for the words.

Comparable scores. A raw cosine says little across queries: every text has its own baseline (a long,
generic text is close to everything), and photo-photo cosines sit far above text-photo ones. So each
score is standardised against the same query's scores over a fixed sample of the catalog (Z-norm, as
in speaker verification): 0 is a typical item, 2 is two standard deviations better than typical,
whatever the query, its kind, `k` or the filters, and `min_score` is in those units. The sample is
deterministic and refreshed when the catalog changes, so a query keeps its scores until then.

Models load on first use and stay warm: words need only the Q-Former text tower, photos only the
vision tower. One search runs at a time per `Searcher`; a second caller waits.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from desktop_app.core.catalog import scanner, vocabulary
from desktop_app.core.catalog.vocabulary import catalog_vocabulary
from desktop_app.core.embedding.encoders import open_text_encoder, open_vision_encoder
from desktop_app.core.platform.errors import CatalogError, Fix, UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.search.product_hits import NO_PRODUCT_JSON, ProductHit, product_hits
from desktop_app.core.search.query_terms import QueryTermsError, Term, parse_terms
from desktop_app.core.store.catalog import Catalog
from desktop_app.core.store.catalog_store import EmbeddingModel, ItemRow, ModelMismatchError, mean_vectors
from desktop_app.core.store.product_store import ItemProduct, OfferFilter
from desktop_app.core.store.query_index import MeanIndex, Pool

if TYPE_CHECKING:
    from desktop_app.core.embedding.blip2 import ResolvedModel, TextEncoder, VisionEncoder
    from desktop_app.core.embedding.onnx_encoder import OnnxTextEncoder, OnnxVisionEncoder
    from desktop_app.core.platform.app_context import AppContext

log = logging.getLogger(__name__)

# Candidates the first pass hands to the exact re-rank: max(MIN_CANDIDATES, OVERFETCH * k), out of a pool of
# POOL_PER_CANDIDATE times as many taken by mean vector. On the bench's synthetic catalog (bench/search_latency.py,
# 100,000 items) the best 100 by mean vector hold 58% of the exact top 12; pools of 500, 1,000, 2,000 and 4,000
# hold 82%, 92%, 97% and 98%, and the 4-bit query vectors lose none of those in picking the 100 (re-measure with
# real BLIP-2 photos before trading latency for recall). The pool is the first pass's main cost: ~4.5 KB an item
# read and scored, ~25 ms for 2,000 of the ~50 ms the first stage and re-rank take.
OVERFETCH = 8
MIN_CANDIDATES = 100
POOL_PER_CANDIDATE = 20
BACKGROUND_SAMPLE = 512  # items whose scores standardise a query: the spread is known to within a few percent
_CHUNK = 2048  # items re-ranked per step when a subfolder is scored exhaustively
_CODES_CHUNK = 512  # pool items read and scored per step (decoded, where a photo is part of the query: 16 MB)
_MIN_SPREAD = 1e-6


class SearchError(UserError):
    """The query cannot be run as asked: nothing to search for, or a filter naming nothing known."""


class EmptyCatalogError(CatalogError):
    """There is nothing to search yet."""


class QueryPhotoError(UserError):
    """The example photo cannot be read."""


@dataclass
class SearchQuery:
    text: str | None = None  # may hold weighted +/- terms, see core/search/query_terms.py
    image: Path | None = None
    text_weight: float = 0.5  # share of the words when a photo is given too
    categories: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    folder: Path | None = None
    k: int = 12
    min_score: float | None = None  # in standard deviations above a typical item
    # The shop's filters: products with one variant that is in stock, in one of the sizes and within the prices at once.
    # Any of them leaves out photos no product claims (nothing says what they cost or whether they are there).
    in_stock: bool = False
    min_price: float | None = None
    max_price: float | None = None
    sizes: list[str] = field(default_factory=list)  # compared by product_store.size_key: "m", "Medium", "talla M" alike
    one_size_fits: bool = False  # with sizes: products without sizes (a bag, a scarf) fit too, as the assistant asks
    # With neither words nor a photo the query lists what the filters let through ("all my shoes"), in this order.
    order: Literal["newest", "name"] = "newest"

    @property
    def browsing(self) -> bool:
        return not (self.text or "").strip() and self.image is None

    def within(self, offer: OfferFilter | None) -> SearchQuery:
        """This query with the shop's filters of `offer` (None: as it is); a product without sizes fits any size, as the
        assistant and the looks ask for it."""
        if offer is None:
            return self
        return replace(self, in_stock=offer.in_stock, min_price=offer.min_price, max_price=offer.max_price, sizes=list(offer.sizes),
                       one_size_fits=True)

    def offer(self) -> OfferFilter:
        return OfferFilter(in_stock=self.in_stock, min_price=self.min_price, max_price=self.max_price, sizes=tuple(self.sizes),
                           one_size_fits=self.one_size_fits)


@dataclass(frozen=True)
class SearchHit:
    item_id: int
    path: str
    score: float | None  # None for an item listed by browsing, which nothing was compared with
    category: str | None
    category_source: str | None
    color: str | None
    thumbnail: str | None
    product: ProductHit | None = None  # the product the photo shows, if the shop's file names one

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "score": None if self.score is None else round(self.score, 4), "category": self.category,
            "category_source": self.category_source, "color": self.color, "thumbnail": self.thumbnail,
            **(self.product.to_json() if self.product is not None else NO_PRODUCT_JSON),
        }


# -- scoring ------------------------------------------------------------------------------------
# Products are np.einsum, not `@`: a BLAS call leaves OpenBLAS's threads spinning for a while, and a text
# encode that starts then (the next query) took twice as long on 2 cores (~55 -> ~115 ms). einsum's own
# loop is single-threaded and, at these sizes, as fast.
def text_scores(queries: np.ndarray, text: np.ndarray) -> np.ndarray:
    """(n, Q, D) x (D,) -> (n,): BLIP-2's image-text similarity, the best of each photo's query vectors."""
    return np.einsum("nqd,d->nq", queries, text).max(axis=1)


def photo_scores(queries: np.ndarray, photo: np.ndarray) -> np.ndarray:
    """(n, Q, D) x (D,) -> (n,): cosine of mean vectors."""
    return np.einsum("nd,d->n", mean_vectors(queries), photo)


@dataclass(frozen=True)
class Scale:
    """Where a query's scores sit over the background sample; maps raw scores to standard deviations."""

    mean: float
    spread: float

    @classmethod
    def of(cls, background_scores: np.ndarray) -> Scale:
        return cls(float(background_scores.mean()), max(float(background_scores.std()), _MIN_SPREAD))

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return (scores - self.mean) / self.spread


def _normalised(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


@dataclass(frozen=True)
class EncodedQuery:
    """The query in the catalog's vector space: each part the normalised weighted sum of its terms."""

    text: np.ndarray | None
    photo: np.ndarray | None
    text_weight: float


class Scorer:
    """Exact scores for one query, standardised once against the background sample (n, Q, D)."""

    def __init__(self, query: EncodedQuery, background: np.ndarray) -> None:
        both = query.text is not None and query.photo is not None
        self.query = query
        self.weights = (query.text_weight, 1.0 - query.text_weight) if both else (1.0, 1.0)
        self.text_scale = Scale.of(text_scores(background, query.text)) if query.text is not None else None
        self.photo_scale = Scale.of(photo_scores(background, query.photo)) if query.photo is not None else None
        # How the words spread on the first pass's mean vectors; only a combined query's KNN vector needs it.
        self.text_proxy_spread = Scale.of(np.einsum("nd,d->n", mean_vectors(background), query.text)).spread if both else 1.0

    def knn_vector(self) -> np.ndarray:
        """One vector for the first pass: the weighted sum of the parts, each divided by its spread on
        the mean-vector proxy, so the KNN weighs words and photo as the final score will."""
        q = self.query
        if q.photo is None:
            return q.text  # type: ignore[return-value]
        if q.text is None:
            return q.photo
        assert self.photo_scale is not None
        combined = self.weights[0] * q.text / self.text_proxy_spread + self.weights[1] * q.photo / self.photo_scale.spread
        return _normalised(combined)

    def __call__(self, queries: np.ndarray) -> np.ndarray:
        q = self.query
        return self.combine(None if q.text is None else text_scores(queries, q.text),
                            None if q.photo is None else photo_scores(queries, q.photo))

    def combine(self, text: np.ndarray | None, photo: np.ndarray | None) -> np.ndarray:
        """The score of n items from its raw parts (`text_scores`, `photo_scores`), for the query's parts that it has."""
        score = np.zeros(len(text if text is not None else photo), dtype=np.float64)  # type: ignore[arg-type]
        if self.text_scale is not None:
            score += self.weights[0] * self.text_scale(text)  # type: ignore[arg-type]
        if self.photo_scale is not None:
            score += self.weights[1] * self.photo_scale(photo)  # type: ignore[arg-type]
        return score


# -- the searcher ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Background:
    stamp: tuple[int, int]  # (PRAGMA data_version, item count): changes whenever another connection commits
    queries: np.ndarray


@dataclass(frozen=True)
class _FolderFilter:
    folder_ids: list[int]
    subfolder: str | None = None  # a path prefix inside an added folder: scored exhaustively, see _candidates


@dataclass(frozen=True)
class _Filters:
    categories: list[str]
    colors: list[str]
    folders: _FolderFilter
    offer: OfferFilter


class Searcher:
    """Searches one catalog; keeps the BLIP-2 towers it has loaded warm until `close()`.

    `blip2` names the model to encode queries with; by default the one the catalog records, and a
    different one is refused (its vectors would not be comparable with the catalog's).
    """

    def __init__(self, context: AppContext, catalog: Catalog, blip2: str | None = None) -> None:
        self.context = context
        self.catalog = catalog
        self.store = catalog.store
        self._blip2 = blip2
        self._lock = threading.Lock()
        self._model_key: tuple[str, EmbeddingModel] | None = None
        self._resolved: ResolvedModel | None = None
        self._text: TextEncoder | OnnxTextEncoder | None = None
        self._vision: VisionEncoder | OnnxVisionEncoder | None = None
        self._background: _Background | None = None
        self._means = MeanIndex(self.store)

    def close(self) -> None:
        """Lets the towers and the mean vectors go; the catalog handle belongs to the caller."""
        with self._lock:
            self._text = self._vision = None
            self._background = None
            self._means = MeanIndex(self.store)

    def categories(self) -> list[str]:
        with self._lock:
            return self.store.categories()

    def search(self, query: SearchQuery, cancel: CancelToken | None = None) -> list[SearchHit]:
        """Ranked by the words and photo; with neither, the items the filters let through (`browse`)."""
        cancel = cancel or CancelToken()
        with self._lock:
            return self._browse(query) if query.browsing else self._search(query, cancel)

    def _browse(self, query: SearchQuery) -> list[SearchHit]:
        """Listing needs no model: it reads the tables only, so it works before any image model is installed."""
        _check_limits(query)
        if self.store.item_count() == 0:
            raise self._empty()
        filters = self._filters(query)
        offer = [self.catalog.products.offer_subquery(filters.offer)] if filters.offer.active else []
        if filters.folders.subfolder is not None:
            allowed = set(self.store.item_ids_under(filters.folders.subfolder, filters.categories, filters.colors, offer))
        elif filters.categories or filters.colors or filters.folders.folder_ids or offer:
            allowed = set(self.store.filtered_item_ids(filters.categories, filters.colors, filters.folders.folder_ids, offer).tolist())
        else:
            allowed = None
        ordered = [(item_id, 0.0) for item_id in self.store.item_ids_in_order(query.order) if allowed is None or item_id in allowed]
        return [replace(hit, score=None) for hit in self._hits(ordered, query.k, filters.offer)]

    def hits_for(self, item_ids: Sequence[int]) -> list[SearchHit]:
        """These items as results, in the order given and unscored: a saved look's, the one a look is completed around.
        An item gone from the catalog, or whose file is gone, is left out."""
        with self._lock:
            ranked = [(item_id, 0.0) for item_id in dict.fromkeys(item_ids)]
            return [replace(hit, score=None) for hit in self._hits(ranked, len(ranked), OfferFilter())]

    def _empty(self) -> EmptyCatalogError:
        return EmptyCatalogError(
            _("The catalog {path} is empty: there is nothing to search yet.").format(path=self.context.paths.db_path),
            _("Add a folder of photos first: fashion-assistant index FOLDER"),
            fix=Fix.ADD_FOLDER,
        )

    def encode(self, query: SearchQuery, cancel: CancelToken | None = None) -> EncodedQuery:
        """The query's words and photo as `search_encoded` takes them, so several searches that share them (the
        assistant's, one per category) run the text tower and decode the photo once, not once per search."""
        cancel = cancel or CancelToken()
        with self._lock:
            terms, resolved = self._checked(query)
            return self._encode(terms, query.text_weight, resolved, cancel)

    def search_encoded(self, encoded: EncodedQuery, query: SearchQuery, cancel: CancelToken | None = None) -> list[SearchHit]:
        """`search` with a query `encode` made: `query` gives the filters, `k` and `min_score`; its words and photo
        are not read again."""
        cancel = cancel or CancelToken()
        with self._lock:
            _check_limits(query)
            self._model()  # the catalog may have been emptied since the query was encoded
            return self._ranked(encoded, query, self._filters(query), cancel)

    def _search(self, query: SearchQuery, cancel: CancelToken) -> list[SearchHit]:
        terms, resolved = self._checked(query)
        filters = self._filters(query)  # checked before the towers run: a misspelt category fails at once
        return self._ranked(self._encode(terms, query.text_weight, resolved, cancel), query, filters, cancel)

    def _checked(self, query: SearchQuery) -> tuple[list[Term], ResolvedModel]:
        terms = _terms(query)
        _check_limits(query)
        return terms, self._model()

    def _filters(self, query: SearchQuery) -> _Filters:
        folders = self._folder_filter(query.folder) if query.folder is not None else _FolderFilter([])
        return _Filters(self._categories(query.categories), _colors(query.colors), folders, query.offer())

    def _ranked(self, encoded: EncodedQuery, query: SearchQuery, filters: _Filters, cancel: CancelToken) -> list[SearchHit]:
        cancel.check()
        scorer = Scorer(encoded, self._background_sample())
        candidates = self._candidates(scorer, query.k, filters, cancel)
        cancel.check()
        ranked = self._rank(scorer, candidates, cancel)
        log.debug("search: %d candidates re-ranked, best %.2f", len(ranked), ranked[0][1] if ranked else float("nan"))
        if query.min_score is not None:
            ranked = [(item_id, score) for item_id, score in ranked if score >= query.min_score]
        return self._hits(ranked, query.k, filters.offer)

    # -- the model --------------------------------------------------------------------------------
    def _model(self) -> ResolvedModel:
        from desktop_app.core.catalog.operations import resolve_catalog_model
        from desktop_app.core.embedding.blip2 import model_identity

        recorded = self.store.recorded_model()
        if recorded is None or self.store.item_count() == 0:
            raise self._empty()
        key = (self._blip2 or recorded.spec, recorded)
        if key != self._model_key:
            self._text = self._vision = None
            self._resolved, self._model_key = None, None
            resolved = resolve_catalog_model(self.catalog, self.context, key[0])
            identity = model_identity(resolved)
            if identity != recorded:
                raise ModelMismatchError(
                    _("This catalog was built with {recorded}, not {found}.").format(
                        recorded=recorded.describe(), found=identity.describe()),
                    _("Search without --blip2 to use the catalog's own model, or rebuild the catalog with this one "
                      "(`fashion-assistant index --rebuild`).") if self._blip2 else
                    _("The catalog's model changed on this machine since it was built: restore that model, or rebuild the"
                      " catalog with the one here (`fashion-assistant index --rebuild`)."),
                    fix=Fix.MODELS,
                )
            self._resolved, self._model_key = resolved, key
        assert self._resolved is not None
        return self._resolved

    def _text_encoder(self, resolved: ResolvedModel) -> TextEncoder | OnnxTextEncoder:
        if self._text is None:
            self._text = open_text_encoder(resolved, self.context.paths.prepared_dir, self.context.settings.threads)
        return self._text

    def _vision_encoder(self, resolved: ResolvedModel) -> VisionEncoder | OnnxVisionEncoder:
        if self._vision is None:
            # Query photos are encoded as the catalog's photos were, so a photo finds itself; the fast
            # encoder also holds a quarter of the fp32 tower's memory.
            self._vision = open_vision_encoder(resolved, self.catalog.encoder_choice(), self.context.paths.prepared_dir,
                                               threads=self.context.settings.threads)
        return self._vision

    def _encode(self, terms: list[Term], text_weight: float, resolved: ResolvedModel, cancel: CancelToken) -> EncodedQuery:
        cancel.check()
        words = [t for t in terms if t.text is not None]
        photos = [t for t in terms if t.photo is not None]
        text = photo = None
        if words:
            vectors = self._text_encoder(resolved).encode([t.text for t in words])  # type: ignore[misc]
            text = _sum(vectors, [t.weight for t in words])
        cancel.check()
        if photos:
            vectors = np.stack([self._photo_vector(t.photo, resolved) for t in photos])  # type: ignore[arg-type]
            photo = _sum(vectors, [t.weight for t in photos])
        return EncodedQuery(text, photo, text_weight)

    def _photo_vector(self, path: Path, resolved: ResolvedModel) -> np.ndarray:
        """A photo the catalog holds (the same bytes, wherever the file lies) is read back, not encoded again: the vision
        tower takes seconds per photo on a laptop's CPU. Any other photo goes through the catalog's vision encoder."""
        try:
            stored = self.store.image_query_vectors(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            stored = None  # decoding it says why it cannot be used
        if stored is not None:
            return mean_vectors(stored[None])[0]
        return _photo_vector(self._vision_encoder(resolved), path)

    # -- filters ----------------------------------------------------------------------------------
    def _categories(self, requested: Sequence[str]) -> list[str]:
        """Catalog categories (a user's own included) or the words for them ("tees" -> t-shirt); a word naming
        no category is an error."""
        chosen = []
        for word in requested:
            category = word if self.store.has_tag("category", word) else catalog_vocabulary(self.catalog).category_for_word(word)
            if category is None:
                raise SearchError(
                    _("{word!r} is not a category.").format(word=word),
                    _("Categories in this catalog: {categories}.").format(categories=", ".join(self.store.categories()) or _("none yet")),
                )
            chosen.append(category)
        return chosen

    def _folder_filter(self, folder: Path) -> _FolderFilter:
        target = scanner.normalise_path(folder)
        added = self.store.folders()
        inside = [folder_id for folder_id, path in added if path == target or target in path.parents]
        if inside:
            return _FolderFilter(inside)
        if any(path in target.parents for _, path in added):
            return _FolderFilter([], subfolder=os.path.join(target, ""))
        raise SearchError(
            _("The folder {folder} is not in the catalog.").format(folder=folder),
            _("Index it first (fashion-assistant index FOLDER), or pick one of: {folders}").format(
                folders=", ".join(str(p) for _, p in added)),
            fix=Fix.ADD_FOLDER,
        )

    # -- the two passes -----------------------------------------------------------------------------
    def _background_sample(self) -> np.ndarray:
        (version,) = self.store.conn.execute("PRAGMA data_version").fetchone()
        stamp = (int(version), self.store.item_count())
        if self._background is None or self._background.stamp != stamp:
            vectors = self.store.query_vectors(self.store.sample_item_ids(BACKGROUND_SAMPLE))
            self._background = _Background(stamp, np.stack(list(vectors.values())))
        return self._background.queries

    def _candidates(self, scorer: Scorer, k: int, filters: _Filters, cancel: CancelToken) -> list[int]:
        """Item ids to re-rank. A subfolder of an added folder is a path prefix, so its items are all scored (an
        indexed path lookup, then exact scores); everything else goes through the first stage."""
        folders = filters.folders
        offer = [self.catalog.products.offer_subquery(filters.offer)] if filters.offer.active else []
        if folders.subfolder is not None:
            return self.store.item_ids_under(folders.subfolder, filters.categories, filters.colors, offer)
        wanted = max(MIN_CANDIDATES, OVERFETCH * k)
        filtered = filters.categories or filters.colors or folders.folder_ids or offer
        allowed = self.store.filtered_item_ids(filters.categories, filters.colors, folders.folder_ids, offer) if filtered else None
        pool = self._means.nearest(scorer.knn_vector(), POOL_PER_CANDIDATE * wanted, allowed, cancel)
        if scorer.query.text is None or len(pool.seqs) <= wanted:
            return pool.item_ids[:wanted].tolist()
        return self._shortlist(scorer, pool, wanted, cancel)

    def _shortlist(self, scorer: Scorer, pool: Pool, wanted: int, cancel: CancelToken) -> list[int]:
        """The pool's `wanted` best by the exact score computed on their 4-bit query vectors."""
        q = scorer.query
        assert q.text is not None
        item_ids, scores = [], []
        for start in range(0, len(pool.seqs), _CODES_CHUNK):
            cancel.check()
            codes = self.store.query_codes(pool.seqs[start : start + _CODES_CHUNK])
            item_ids.append(codes.item_ids)
            photo = None if q.photo is None else photo_scores(codes.decoded(), q.photo)
            scores.append(scorer.combine(codes.best_dots(q.text), photo))
        ids, approximate = np.concatenate(item_ids), np.concatenate(scores)
        best = np.argpartition(-approximate, wanted - 1)[:wanted] if wanted < len(ids) else np.arange(len(ids))
        return ids[best].tolist()

    def _rank(self, scorer: Scorer, candidates: list[int], cancel: CancelToken) -> list[tuple[int, float]]:
        ranked: list[tuple[int, float]] = []
        for start in range(0, len(candidates), _CHUNK):
            cancel.check()
            vectors = self.store.query_vectors(candidates[start : start + _CHUNK])
            if vectors:
                ids = list(vectors)
                ranked.extend(zip(ids, scorer(np.stack([vectors[i] for i in ids])).tolist(), strict=True))
        ranked.sort(key=lambda pair: -pair[1])
        return ranked

    def _hits(self, ranked: list[tuple[int, float]], k: int, offer: OfferFilter) -> list[SearchHit]:
        """The best k products (core/search/product_hits.py) and photos without one, each shown by its best photo whose
        file still exists: a file deleted since the last scan is never shown."""
        chosen: list[tuple[float, ItemRow, ItemProduct | None]] = []
        shown: set[int] = set()  # products
        for start in range(0, len(ranked), 2 * k):
            page = ranked[start : start + 2 * k]
            ids = [item_id for item_id, _ in page]
            rows, links = self.store.items_by_id(ids), self.catalog.products.for_items(ids)
            for item_id, score in page:
                row, link = rows.get(item_id), links.get(item_id)
                if row is None or (link is not None and link.product.id in shown) or not Path(row.path).is_file():
                    continue
                if link is not None:
                    shown.add(link.product.id)
                chosen.append((score, row, link))
                if len(chosen) == k:
                    break
            if len(chosen) == k:
                break
        products = product_hits(self.catalog.products, [(row.path, link) for _, row, link in chosen if link is not None], offer)
        return [SearchHit(row.id, row.path, score, row.category, row.category_source, row.color, row.thumbnail, products.get(row.id))
                for score, row, _link in chosen]


def _check_limits(query: SearchQuery) -> None:
    if query.k < 1:
        raise SearchError(_("Asked for {count} results.").format(count=query.k), _("Ask for at least one (-k 1 or more)."))
    if not 0.0 <= query.text_weight <= 1.0:
        raise SearchError(_("The text weight {weight} is outside 0..1.").format(weight=query.text_weight),
                          _("Use 1 for words only, 0 for the photo only."))
    for price in (query.min_price, query.max_price):
        if price is not None and not price >= 0:  # NaN too
            raise SearchError(_("The price {price} is not a price.").format(price=price),
                              _("Give prices of 0 or more, in the shop's currency."))
    if query.min_price is not None and query.max_price is not None and query.min_price > query.max_price:
        raise SearchError(_("The lowest price {low:g} is above the highest, {high:g}.").format(low=query.min_price, high=query.max_price),
                          _("Swap them, or leave one out."))


def _terms(query: SearchQuery) -> list[Term]:
    terms = parse_terms(query.text or "")
    if query.image is not None:
        terms.append(Term(1.0, photo=Path(query.image)))
    if not terms:
        raise SearchError(_("Nothing to search for."), _("Give some words, an example photo (--image FILE), or both."))
    return terms


def _colors(requested: Sequence[str]) -> list[str]:
    chosen = []
    for word in requested:
        color = vocabulary.color_for_word(word)
        if color is None:
            raise SearchError(_("{word!r} is not a colour this catalog tags.").format(word=word),
                              _("Colours: {colours}.").format(colours=", ".join(vocabulary.COLORS)))
        chosen.append(color)
    return chosen


def _sum(vectors: np.ndarray, weights: list[float]) -> np.ndarray:
    """rclip's combination: the weighted sum of normalised vectors, normalised again."""
    total = np.einsum("t,td->d", np.asarray(weights, dtype=np.float32), vectors)
    if float(np.linalg.norm(total)) < 1e-6:
        raise QueryTermsError(_("The query's terms cancel each other out."), _("Change a weight or drop a '-' term."))
    return _normalised(total.astype(np.float32))


def _photo_vector(encoder: VisionEncoder | OnnxVisionEncoder, path: Path) -> np.ndarray:
    from desktop_app.core.catalog.imaging import UnreadableImage, decode_image
    from desktop_app.core.embedding.blip2 import to_pixels

    size = (encoder.pixel_spec.width, encoder.pixel_spec.height)
    try:
        decoded = decode_image(path, target=size)
    except UnreadableImage as exc:
        raise QueryPhotoError(
            _("The example photo {path} cannot be used: {reason}.").format(path=path, reason=exc.message),
            _("Choose another photo (JPEG, PNG or WebP)."), exc.detail
        ) from exc
    queries = encoder.encode(to_pixels([decoded.image], encoder.pixel_spec))
    return mean_vectors(queries)[0]
