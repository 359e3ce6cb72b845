"""In-app preview of a PDF with QtPdf, and printing it through the print dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Slot
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.i18n import gettext as _


class PdfPreviewDialog(QDialog):
    """Shows the document as it will print; Print opens the system print dialog."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf-preview")
        self.path = path
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._print_button = buttons.addButton(_("Print…"), QDialogButtonBox.ButtonRole.ActionRole)
        self._print_button.clicked.connect(self._print)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.setWindowTitle(_("Preview: {name}").format(name=path.name))
        self.resize(900, 1000)

    def page_count(self) -> int:
        return int(self.document.pageCount())

    @Slot()
    def _print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render every page at the printer's resolution."""
        painter = QPainter(printer)
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
                image = self.document.render(page, rect.size())
                painter.drawImage(QPointF(0, 0), image)
        finally:
            painter.end()
