"""The catalog handle: one open catalog file with its stores, as Anki's `Collection` is one open collection.

A front end opens it once (the CLI per command, the window once per worker thread through
`ThreadCatalogs`, since an SQLite connection belongs to the thread that made it) and hands it to
core operations, so no operation reopens the file by path and no front end touches SQLite itself.
The catalog's facts that other layers decide on (which model built it, which encoder each tower
uses) are typed here, in one place, instead of as loose dicts in `catalog_meta`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from desktop_app.core.store import db
from desktop_app.core.store.catalog_store import CatalogStore, EmbeddingModel
from desktop_app.core.store.chat_store import ChatStore
from desktop_app.core.store.lookbook_store import LookbookStore
from desktop_app.core.store.product_store import ProductStore

ENCODER_META = "precision"  # the key predates the typed record; kept so existing catalogs keep their choice

P = ParamSpec("P")
R = TypeVar("R")
Backend = Literal["onnx", "torch"]
Precision = Literal["fp32", "int8"]


@dataclass(frozen=True)
class EncoderChoice:
    """How the catalog's photos were encoded, decided once on the user's own photos.

    Search encodes a query photo the same way, so a photo finds itself; `why` and the agreement
    figures are what `stats` and `doctor` show.
    """

    backend: Backend
    precision: Precision
    agreement: float | None = None  # mean cosine against fp32 on `photos` of the user's photos
    worst_vector: float | None = None
    photos: int | None = None
    why_not_onnx: str | None = None
    cpu_int8_path: str | None = None  # the CPU's int8 kernel family the prepared tower was checked on

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> EncoderChoice:
        return cls(
            backend=raw.get("backend", "torch"),
            precision=raw.get("choice", raw.get("precision", "fp32")),
            agreement=raw.get("agreement"),
            worst_vector=raw.get("worst_vector"),
            photos=raw.get("photos"),
            why_not_onnx=raw.get("why_not_onnx"),
            cpu_int8_path=raw.get("cpu_int8_path"),
        )


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str
    retry: bool = False  # the cause lies outside the file: the next run tries it again


@dataclass(frozen=True)
class CatalogStats:
    catalog: str
    items: int
    categories: dict[str, int]
    skipped: list[SkippedFile]
    model: EmbeddingModel | None
    encoder: EncoderChoice | None
    folders: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `stats --json` shape (unchanged since before the handle): `precision` carries the encoder choice."""
        return {
            "catalog": self.catalog,
            "items": self.items,
            "categories": self.categories,
            "skipped": [asdict(entry) for entry in self.skipped],
            "model": asdict(self.model) if self.model else None,
            "precision": _legacy_precision(self.encoder),
            "folders": self.folders,
        }


def _legacy_precision(choice: EncoderChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    raw = choice.to_json()
    raw["choice"] = raw.pop("precision")
    return raw


class Catalog:
    """One connection to one catalog file, holding the catalog, chat, product and lookbook stores."""

    def __init__(self, conn: db.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.store = CatalogStore(conn)
        self.chats = ChatStore(conn)
        self.products = ProductStore(conn)
        self.lookbook = LookbookStore(conn)

    @classmethod
    def open(cls, path: Path | str) -> Catalog:
        return cls(db.connect(path), Path(path))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[db.Connection]:
        with db.transaction(self.conn) as conn:
            yield conn

    # -- typed facts ------------------------------------------------------------------------------
    def encoder_choice(self) -> EncoderChoice | None:
        raw = self.store.get_meta(ENCODER_META)
        return None if raw is None else EncoderChoice.from_json(raw)

    def record_encoder_choice(self, choice: EncoderChoice) -> None:
        self.store.set_meta(ENCODER_META, _legacy_precision(choice))

    def stats(self) -> CatalogStats:
        return CatalogStats(
            catalog=str(self.path),
            items=self.store.item_count(),
            categories=self.store.counts_by_category(),
            skipped=[SkippedFile(entry["path"], entry["reason"], entry["retry"]) for entry in self.store.skipped()],
            model=self.store.recorded_model(),
            encoder=self.encoder_choice(),
            folders=[str(path) for _id, path in self.store.folders()],
        )


class ThreadCatalogs:
    """One `Catalog` per thread on one file: the window's worker lanes each get their own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[tuple[threading.Thread, Catalog]] = []

    def get(self) -> Catalog:
        catalog: Catalog | None = getattr(self._local, "catalog", None)
        if catalog is None:
            catalog = self._local.catalog = Catalog.open(self.path)
            with self._lock:
                # A pool retires idle threads: their connections are closed here rather than kept until quit.
                gone = [old for thread, old in self._open if not thread.is_alive()]
                self._open = [(thread, old) for thread, old in self._open if thread.is_alive()]
                self._open.append((threading.current_thread(), catalog))
            for old in gone:
                old.close()
        return catalog

    def bound(self, fn: Callable[Concatenate[Catalog, P], R]) -> Callable[P, R]:
        """`fn` with this thread's catalog as its first argument, looked up when it runs: a worker lane's op.

        `functools.wraps` keeps `fn`'s signature visible, so the worker mechanism still sees which
        of `progress` and `cancel` it takes.
        """

        @functools.wraps(fn)
        def with_catalog(*args: P.args, **kwargs: P.kwargs) -> R:
            return fn(self.get(), *args, **kwargs)

        return with_catalog

    def close_all(self) -> None:
        """At shutdown, after the workers stopped; a thread's next `get` opens a fresh connection."""
        with self._lock:
            catalogs, self._open = [catalog for _thread, catalog in self._open], []
        for catalog in catalogs:
            catalog.close()  # connections are opened with check_same_thread=False, so any thread may close them
        self._local = threading.local()
