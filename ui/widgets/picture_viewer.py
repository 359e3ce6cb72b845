"""A picture of the user guide at full size, in a window that scrolls: the guide shows
its screenshots shrunk beside the contents, too small to read; a click opens one here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _

from ui.widgets.screen_fit import fit_to_screen


class PictureViewer(QDialog):
    """One picture at its own size, scrolled when larger than the screen; Esc closes."""

    #: Its section of the user guide (ui.widgets.help): how the guide is read.
    help_anchor = "intro"

    def __init__(self, path: Path, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide-picture")
        self.path = path
        self.picture = QLabel()
        self.picture.setObjectName("guide-picture-image")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            self.picture.setText(_("The picture {name} cannot be shown.").format(name=path.name))
        else:
            self.picture.setPixmap(pixmap)
        self.picture.setAccessibleName(caption)
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.picture)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText(_("Close"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.buttons)
        self.setWindowTitle(caption or path.name)
        size = pixmap.size()
        fit_to_screen(self, size.width() + 60, size.height() + 140)
        self.scroller.setFocus()


__all__ = ["PictureViewer"]
