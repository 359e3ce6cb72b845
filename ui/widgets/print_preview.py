"""Printing through the preview: write a PDF on the worker, then show it.

Every screen that prints does it this way (:func:`preview_pdf`): the PDF goes
into a new temporary folder, and the preview it opens in is where the user
prints it or saves it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ui.widgets.tasks import CancelToken, Runner


def preview_pdf(
    owner: QWidget,
    runner: Runner,
    name: str,
    write: Callable[[Path], Path],
    failed: Callable[[BaseException], None],
    *,
    shown: Callable[[Path], None] | None = None,
    help: str = "",
    kept: Callable[[], None] | None = None,
) -> None:
    """Write a PDF called ``name`` into a new temporary folder on ``runner``'s worker
    (``write`` gets the file to write and returns the file written), then show it
    in the preview over ``owner``. ``shown`` gets the file before the preview opens;
    a failure goes to ``failed``. ``help`` is the guide's section of what is printed
    when not the preview's own (the key card is explained with the fingerprint);
    ``kept`` is called each time the user prints the PDF or saves it."""
    target = Path(tempfile.mkdtemp(prefix="thidua-")) / name

    def job(_progress: Any, _token: CancelToken) -> Any:
        return write(target)

    def done(path: Any) -> None:
        # The preview pulls in QtPdf: loaded the first time something is printed.
        from ui.widgets.pdf_preview import PdfPreviewDialog

        written = Path(path)
        if shown is not None:
            shown(written)
        PdfPreviewDialog(written, owner, help=help, kept=kept).open()

    runner.run(job, done, failed)


__all__ = ["preview_pdf"]
