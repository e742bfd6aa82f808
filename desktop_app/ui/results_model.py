"""A list model of found items for grid views: thumbnails load on the pool only when a cell is shown.

With `uniformItemSizes` a QListView asks only for visible rows, so 100,000 results cost one
Python object per row and nothing else; a thumbnail is decoded off the UI thread (as a QImage,
which is safe there), cached, and its cell repainted when it arrives. A shop's product shows its
name and price under the photo, and a sold-out one a badge across it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap

from desktop_app.ui.tag_names import tag_name
from desktop_app.ui.workers import BackgroundRunner

THUMB_SIZE = QSize(160, 160)
ItemRole = Qt.ItemDataRole.UserRole + 1
_CACHE_LIMIT = 600


STRONG_MATCH = 2.0  # scores are standard deviations above a typical item of the catalog
GOOD_MATCH = 1.0


def match_label(score: float) -> str:
    """People read words, not "-1.35"; the search tab's closeness filter uses the same thresholds."""
    if score >= STRONG_MATCH:
        return QCoreApplication.translate("ResultsModel", "strong match")
    if score >= GOOD_MATCH:
        return QCoreApplication.translate("ResultsModel", "good match")
    return QCoreApplication.translate("ResultsModel", "weak match")


@dataclass(frozen=True)
class ResultRow:
    """What a grid cell shows; built from a search hit or a catalog item (the product fields where a product has the photo)."""

    path: str
    category: str | None
    color: str | None
    score: float | None = None
    thumbnail: str | None = None
    number: int | None = None  # the number the assistant's advice refers to
    sku: str | None = None
    name: str | None = None
    price: float | None = None
    currency: str | None = None
    sizes: tuple[str, ...] = ()
    in_stock: bool | None = None
    photos: tuple[str, ...] = ()  # the product's other photos

    @property
    def sold_out(self) -> bool:
        return self.in_stock is False

    def caption(self) -> str:
        parts = [f"#{self.number}"] if self.number is not None else []
        if self.name is not None:
            parts.append(self.name)
            if self.price is not None:
                # The amount in the locale's digits, then the ISO code: toCurrencyString glues a code to the number.
                parts.append(f"{QLocale().toString(self.price, 'f', 2)} {self.currency or ''}".rstrip())
            if self.sold_out:
                parts.append(QCoreApplication.translate("ResultsModel", "sold out"))
        else:
            parts.append(tag_name(self.category) if self.category else QCoreApplication.translate("ResultsModel", "untagged"))
            if self.color:
                parts.append(tag_name(self.color))
        if self.score is not None:
            parts.append(match_label(self.score))
        return " · ".join(parts)

    def tooltip(self) -> str:
        lines = [self.name] if self.name else []
        if self.sku:
            lines.append(QCoreApplication.translate("ResultsModel", "SKU {sku}").format(sku=self.sku))
        if self.sizes:
            lines.append(QCoreApplication.translate("ResultsModel", "Sizes: {sizes}").format(sizes=", ".join(self.sizes)))
        if self.photos:
            lines.append(QCoreApplication.translate("ResultsModel", "{count} more photo(s) of this product").format(count=len(self.photos)))
        if self.score is not None:
            lines.append(QCoreApplication.translate("ResultsModel", "Score {score} (above 0: closer than a typical item)").format(
                score=QLocale().toString(self.score, "f", 2)))
        return "\n".join([*lines, Path(self.path).name, self.path])


def _load_thumbnail(path: str) -> QImage:
    """Asks the decoder for a small image (JPEG decodes at 1/2, 1/4, 1/8 scale), so a full photo is never decoded."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class ResultsModel(QAbstractListModel):
    def __init__(self, runner: BackgroundRunner, parent=None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._rows: list[ResultRow] = []
        self._rows_by_source: dict[str, list[int]] = {}
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._badged: OrderedDict[int, QPixmap] = OrderedDict()  # by the plain thumbnail's cache key
        self._pending: set[str] = set()
        self._placeholder = QPixmap(THUMB_SIZE)
        self._placeholder.fill(Qt.GlobalColor.lightGray)

    def set_rows(self, rows: Sequence[ResultRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._rows_by_source = {}
        for i, row in enumerate(self._rows):
            self._rows_by_source.setdefault(row.thumbnail or row.path, []).append(i)
        self.endResetModel()

    def rows(self) -> list[ResultRow]:
        return list(self._rows)

    def row_at(self, index: QModelIndex) -> ResultRow:
        return self._rows[index.row()]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.caption()
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip()
        if role == Qt.ItemDataRole.DecorationRole:
            pixmap = self._pixmap_for(row)
            return self._sold_out_badge(pixmap) if row.sold_out else pixmap
        if role == ItemRole:
            return row
        return None

    def _pixmap_for(self, row: ResultRow) -> QPixmap:
        source = row.thumbnail or row.path
        cached = self._pixmaps.get(source)
        if cached is not None:
            self._pixmaps.move_to_end(source)
            return cached
        if source not in self._pending:
            self._pending.add(source)
            worker = self._runner.run(_load_thumbnail, source)
            worker.result.connect(lambda image, s=source: self._thumbnail_ready(s, image))
            worker.error.connect(lambda _exc, s=source: self._pending.discard(s))
        return self._placeholder

    def _sold_out_badge(self, pixmap: QPixmap) -> QPixmap:
        """The thumbnail with a band across its foot: a sold-out product is seen at a glance, not read in the caption."""
        key = pixmap.cacheKey()
        badged = self._badged.get(key)
        if badged is None:
            badged = QPixmap(pixmap)
            painter = QPainter(badged)
            band = QRect(0, badged.height() - 28, badged.width(), 28)
            painter.fillRect(band, QColor(180, 30, 40, 220))
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, self.tr("SOLD OUT"))
            painter.end()
            self._badged[key] = badged
            while len(self._badged) > _CACHE_LIMIT:
                self._badged.popitem(last=False)
        return badged

    def _thumbnail_ready(self, source: str, image: QImage) -> None:
        self._pending.discard(source)
        self._pixmaps[source] = QPixmap.fromImage(image) if not image.isNull() else self._placeholder
        while len(self._pixmaps) > _CACHE_LIMIT:
            self._pixmaps.popitem(last=False)
        for i in self._rows_by_source.get(source, []):
            index = self.index(i)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
