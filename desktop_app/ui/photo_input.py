"""A photo slot that takes a dropped file, a pasted image or a picked file, and shows which one it holds.

A pasted image has no file, so it is written as PNG into the cache folder; every query photo then
reaches the core as a path, the one form the CLI and the core accept.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QToolButton, QWidget

IMAGE_PATTERNS = "*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff *.heic"


def accept_photo_drag(event: QDragEnterEvent) -> None:
    """Anything that may be a photo (files, an image dragged from a browser) is welcome wherever it is dropped."""
    if event.mimeData().hasUrls() or event.mimeData().hasImage():
        event.acceptProposedAction()


class PhotoInput(QWidget):
    changed = Signal(object)  # Path or None

    def __init__(self, paste_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paste_dir = paste_dir
        self._path: Path | None = None
        self.setAcceptDrops(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = QLabel()
        self.preview.setFixedSize(40, 40)
        self.preview.setScaledContents(True)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.pick_button = QToolButton(text=self.tr("Photo…"))
        self.pick_button.setToolTip(self.tr("Pick an example photo"))
        self.pick_button.clicked.connect(self.pick)
        self.clear_button = QToolButton(text="✕")
        self.clear_button.setToolTip(self.tr("Remove the example photo"))
        self.clear_button.clicked.connect(lambda: self.set_path(None))
        for widget in (self.preview, self.label, self.pick_button, self.clear_button):
            layout.addWidget(widget)
        self.set_path(None)

    @property
    def path(self) -> Path | None:
        return self._path

    def set_path(self, path: Path | None) -> None:
        self._path = path
        self.clear_button.setEnabled(path is not None)
        self.preview.setVisible(path is not None)
        if path is None:
            self.label.setText(self.tr("No photo (drop, paste or pick one)"))
        else:
            self.label.setText(path.name)
            self.preview.setPixmap(QPixmap(str(path)))
        self.changed.emit(path)

    def pick(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose an example photo"), "",
                                                self.tr("Images ({patterns})").format(patterns=IMAGE_PATTERNS))
        if chosen:
            self.set_path(Path(chosen))

    def paste_image(self, image: QImage) -> None:
        self._paste_dir.mkdir(parents=True, exist_ok=True)
        target = self._paste_dir / f"pasted-{time.strftime('%Y%m%d-%H%M%S')}.png"
        image.save(str(target), "PNG")
        self.set_path(target)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_photo_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.take_drop(event)

    def take_drop(self, event: QDropEvent) -> None:
        """A drop on this slot, or anywhere on the search tab, that hands it here."""
        data = event.mimeData()
        local = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
        if local:
            self.set_path(local[0])
        elif data.hasImage():
            self.paste_image(QImage(data.imageData()))
        event.acceptProposedAction()
