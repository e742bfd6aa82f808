"""A look sheet: the looks drawn with Qt's own painter, as a PDF (one page per look), a PNG board, or on a printer.

One drawing routine for all three, so what is printed is what was exported. It needs QtGui only (no
widgets, no browser engine), so `fashion-assistant look --out` draws headless: where no Qt application
exists one is made on the `offscreen` platform. Its words come from the core's translations (the
CLI has no Qt translators), in the language the core was set to.

A PDF page holds the shop's name, the date, the look's photos with name, SKU, sizes and price, the
total and the advice; a board holds every look shown, a row each, photos first.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from desktop_app.core.agents.stylist import LookOutline, StyleItem
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

BOARD_PHOTO = 220  # px, a board's photo cell
PDF_DPI = 150


class SheetError(UserError):
    """A look sheet cannot be written where asked."""


@dataclass(frozen=True)
class SheetHeader:
    shop_name: str = ""
    advice: str = ""  # the stylist's words about the looks, printed under them
    day: date | None = None

    def heading(self) -> str:
        day = (self.day or date.today()).isoformat()
        return f"{self.shop_name} · {day}" if self.shop_name else day


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a headless one: drawing text needs one, a display does not. A QApplication,
    not a bare QGuiApplication, so a window opened later in the same process (a test, a script) still can be."""
    app = QGuiApplication.instance()
    if app is None:
        from PySide6.QtWidgets import QApplication

        if "QT_QPA_PLATFORM" not in os.environ:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(["fashion-assistant"])
    return app  # type: ignore[return-value]


def write_sheet(path: Path, looks: Sequence[LookOutline], header: SheetHeader) -> Path:
    """A PDF or a PNG, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix not in {".pdf", ".png"}:
        raise SheetError(_("Looks can be saved as a PDF or a PNG image, not as {suffix}.").format(suffix=path.suffix or path.name),
                         _("Give a file name ending in .pdf or .png."))
    if not looks:
        raise SheetError(_("There is no look to save."), _("Compose looks first."))
    ensure_gui_application()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SheetError(_("The folder for {path} cannot be made.").format(path=path), _("Choose another place."), str(exc)) from exc
    written = write_pdf(path, looks, header) if suffix == ".pdf" else write_board(path, looks, header)
    if not written:
        raise SheetError(_("{path} could not be written.").format(path=path), _("Check that the folder can be written to."))
    return path


def write_pdf(path: Path, looks: Sequence[LookOutline], header: SheetHeader) -> bool:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setTitle(_("Looks"))
    writer.setCreator("Fashion Assistant")
    return paint_pages(writer, looks, header)


def paint_pages(device: QPagedPaintDevice, looks: Sequence[LookOutline], header: SheetHeader) -> bool:
    """One page per look on a PDF writer or a printer (the window's Print)."""
    painter = QPainter()
    if not painter.begin(device):
        return False
    try:
        for index, look in enumerate(looks):
            if index:
                device.newPage()
            layout = device.pageLayout()
            dpi = device.logicalDpiX() or PDF_DPI
            page = layout.paintRectPixels(dpi)
            _page(painter, QRectF(0, 0, page.width(), page.height()), look, header, dpi)
    finally:
        painter.end()
    return True


def write_board(path: Path, looks: Sequence[LookOutline], header: SheetHeader) -> bool:
    """Every look a row of photos with their names and prices, its total at the row's end."""
    margin, line = 24, 22
    columns = max(len(look.items) for look in looks)
    row_height = BOARD_PHOTO + 5 * line
    width = margin * 2 + columns * (BOARD_PHOTO + margin) + 200
    height = margin * 2 + 2 * line + len(looks) * (row_height + margin)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setFont(_font(14, bold=True))
        painter.drawText(QRectF(margin, margin, width - 2 * margin, 2 * line), Qt.AlignmentFlag.AlignLeft, header.heading())
        top = margin + 2 * line
        for look in looks:
            painter.setFont(_font(12, bold=True))
            painter.drawText(QRectF(margin, top, width, line), Qt.AlignmentFlag.AlignLeft, _look_title(look))
            left = margin
            for item in look.items:
                cell = QRectF(left, top + line, BOARD_PHOTO, BOARD_PHOTO)
                _photo(painter, cell, item)
                painter.setFont(_font(9))
                text = "\n".join(_item_lines(item))
                painter.drawText(QRectF(left, cell.bottom() + 4, BOARD_PHOTO, 4 * line),
                                 Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, text)
                left += BOARD_PHOTO + margin
            top += row_height + margin
    finally:
        painter.end()
    return image.save(str(path), "PNG")


def _page(painter: QPainter, page: QRectF, look: LookOutline, header: SheetHeader, dpi: int) -> None:
    scale = dpi / 72.0  # fonts in points, the page in device pixels
    line = 16 * scale
    painter.setFont(_font(10))
    painter.drawText(QRectF(page.left(), page.top(), page.width(), line), Qt.AlignmentFlag.AlignLeft, header.heading())
    painter.setFont(_font(18, bold=True))
    painter.drawText(QRectF(page.left(), page.top() + 1.5 * line, page.width(), 2 * line), Qt.AlignmentFlag.AlignLeft,
                     _look_title(look))
    top = page.top() + 4 * line
    columns = min(max(len(look.items), 1), 3)
    gap = 10 * scale
    cell = (page.width() - gap * (columns - 1)) / columns
    photo = min(cell, page.height() / 4)
    for index, item in enumerate(look.items):
        row, column = divmod(index, columns)
        left = page.left() + column * (cell + gap)
        y = top + row * (photo + 6 * line)
        _photo(painter, QRectF(left, y, photo, photo), item)
        painter.setFont(_font(9))
        painter.drawText(QRectF(left, y + photo + 0.3 * line, cell, 5 * line),
                         Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, "\n".join(_item_lines(item)))
    rows = -(-len(look.items) // columns)
    y = top + rows * (photo + 6 * line)
    if header.advice.strip():
        painter.setFont(_font(10))
        painter.drawText(QRectF(page.left(), y, page.width(), page.bottom() - y), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                         header.advice.strip())


def _look_title(look: LookOutline) -> str:
    if look.total_price is None:
        return _("Look {number}").format(number=look.number)
    return _("Look {number} · total {total}").format(number=look.number, total=_money(look.total_price, look.currency))


def _item_lines(item: StyleItem) -> list[str]:
    lines = [f"#{item.number} {item.name or item.file_name}"]
    if item.sku:
        lines.append(_("SKU {sku}").format(sku=item.sku))
    if item.sizes:
        lines.append(_("Sizes {sizes}").format(sizes=", ".join(item.sizes)))
    if item.price is not None:
        lines.append(_money(item.price, item.currency))
    return lines


def _money(amount: float, currency: str | None) -> str:
    return f"{amount:.2f} {currency or ''}".rstrip()


def _photo(painter: QPainter, cell: QRectF, item: StyleItem) -> None:
    image = QImage(item.path) if item.path else QImage()
    painter.save()
    painter.setPen(QColor("#cccccc"))
    painter.drawRect(cell)
    if image.isNull():
        painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, _("(no photo)"))
    else:
        size = image.size().toSizeF().scaled(QSizeF(cell.width(), cell.height()), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(cell.left() + (cell.width() - size.width()) / 2, cell.top() + (cell.height() - size.height()) / 2,
                        size.width(), size.height())
        painter.drawImage(target, image)
    painter.restore()


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
