"""In-app preview of a PDF with QtPdf: save it as it is, or print it.

"Save PDF…" copies the application's own vector PDF (a form is ~100 KB), the
file a chair e-mails or prints elsewhere. Printing to a PDF file ("Print to
File") writes the same vector PDF instead of page images (which made a 20 MB
file in 15 s with the window frozen); a real printer gets the pages rendered
at 300 dpi, one by one, with a message saying which page is being sent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, Slot
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.printing import printing_font

from ui.widgets.dialogs import file_dialog
from ui.widgets.help import set_help
from ui.widgets.screen_fit import fit_to_screen

#: What a real printer receives: sharp text without hundreds of megabytes of pixels.
PRINT_DPI = 300


def font_note(family: str) -> str:
    """Which font the forms print in, as the preview says it."""
    if family == "Times New Roman":
        return _("Font: Times New Roman (as Decree 30/2020 requires).")
    return _(
        "Font: {family} (Times New Roman is not installed on this computer; this font has "
        "the same letter widths, so the pages break the same way)."
    ).format(family=family)


class PdfPreviewDialog(QDialog):
    """Shows the document as it will print; Save PDF keeps the file, Print prints it."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "printing"

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        *,
        help: str = "",
        kept: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdf-preview")
        #: Called when the document was printed or saved (a form to sign is recorded).
        self._kept = kept
        if help:  # what is printed has a section of its own
            set_help(self, help)
        self.path = path
        self.saved: Path | None = None
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.font_note = QLabel(font_note(printing_font()))
        self.font_note.setObjectName("print-font")
        self.font_note.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton(
            _("Save PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.setObjectName("save-pdf")
        self.save_button.clicked.connect(self.ask_where)
        self._print_button = self.buttons.addButton(
            _("Print…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self._print_button.clicked.connect(self._print)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText(_("Close"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.font_note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setWindowTitle(_("Preview: {name}").format(name=path.name))
        fit_to_screen(self, 900, 1000)

    def page_count(self) -> int:
        return int(self.document.pageCount())

    # --- saving -----------------------------------------------------------------------------

    @Slot()
    def ask_where(self) -> QFileDialog:
        return file_dialog(
            self,
            name="save-pdf-file",
            title=_("Save the PDF"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("PDF documents (*.pdf)"),
            suggested=self.path.name,
            on_chosen=lambda paths: self.save_to(paths[0]),
        )

    def save_to(self, target: Path) -> Path | None:
        """Copy the vector PDF to ``target`` (whole or not at all); says how it went."""
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        temporary: Path | None = None
        try:
            handle, name = tempfile.mkstemp(prefix=".~thidua-", suffix=".pdf", dir=target.parent)
            os.close(handle)
            temporary = Path(name)
            shutil.copyfile(self.path, temporary)
            os.replace(temporary, target)
            temporary = None
        except OSError as exc:
            self.status.setText(
                _("The PDF cannot be written to {path}: {detail}").format(
                    path=target, detail=exc.strerror or str(exc)
                )
            )
            return None
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
        self.saved = target
        self.status.setText(_("PDF saved: {path}").format(path=target))
        self._was_kept()
        return target

    def _was_kept(self) -> None:
        if self._kept is not None:
            self._kept()

    # --- printing -----------------------------------------------------------------------------

    @Slot()
    def _print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setResolution(PRINT_DPI)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print every page; "print to a PDF file" gets the vector PDF itself."""
        target = printer.outputFileName()
        if printer.outputFormat() is QPrinter.OutputFormat.PdfFormat and target:
            self.save_to(Path(target))
            return
        painter = QPainter(printer)
        try:
            for page in range(self.document.pageCount()):
                self.status.setText(
                    _("Sending page {page} of {pages} to the printer…").format(
                        page=page + 1, pages=self.document.pageCount()
                    )
                )
                QApplication.processEvents()
                if page:
                    printer.newPage()
                rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
                image = self.document.render(page, rect.size())
                painter.drawImage(QPointF(0, 0), image)
        finally:
            painter.end()
        self.status.setText(_("Sent to the printer."))
        self._was_kept()


__all__ = ["PdfPreviewDialog"]
