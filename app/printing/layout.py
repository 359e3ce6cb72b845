"""Laying a story out on pages and writing the PDF.

Page numbers run from the second page of each document, centred in the top
margin, 14 pt; several documents in one PDF (a batch of forms) each restart
their numbering where a :class:`FormStart` marks them. :func:`build_pdf`
lays a story out and writes the file atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import landscape
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from app.core.files import check_output, write_atomically
from app.core.text import nfc
from app.printing.fonts import REGULAR, register_fonts
from app.printing.typesetting import (
    BODY_SIZE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_SIZE,
    styles,
)


class FormStart(Flowable):  # type: ignore[misc]
    """Marks where a document starts inside a PDF holding several.

    Drawn first on the document's first page: page numbering restarts there,
    and ``on_start(index)`` runs (progress and cancellation of a batch).
    """

    def __init__(
        self, numbering: PageNumbering, index: int, on_start: Callable[[int], None] | None
    ) -> None:
        super().__init__()
        self.numbering = numbering
        self.index = index
        self.on_start = on_start

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.numbering.first_page = self.canv.getPageNumber()
        if self.on_start is not None:
            self.on_start(self.index)


class PageNumbering:
    """Draws the page number, from each document's second page on.

    Called when a page ends, so a :class:`FormStart` on that page has
    already been drawn.
    """

    def __init__(self) -> None:
        self.first_page = 1

    def __call__(self, canvas: Any, doc: Any) -> None:
        number = canvas.getPageNumber() - self.first_page + 1
        if number < 2:
            return
        size = styles().page_number_size
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(REGULAR, size)
        x = MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2
        canvas.drawCentredString(x, height - MARGIN_TOP / 2 - size / 3, str(number))
        canvas.restoreState()


# --- documents -------------------------------------------------------------------------


def build_pdf(
    path: Path,
    story: list[Flowable],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    wide: bool = False,
    numbering: PageNumbering | None = None,
    document: type[BaseDocTemplate] = BaseDocTemplate,
    passes: bool = False,
) -> Path:
    """Lay ``story`` out on A4 (landscape when ``wide``) and write ``path``.

    ``document`` may be a template of one's own (the manual's reports its headings);
    ``passes`` lays the story out until its page references settle (a table of contents).

    The file is written whole (:func:`app.core.files.write_atomically`), so a
    failed or cancelled print never leaves half a file; ``path`` passes
    :func:`app.core.files.check_output` first (a folder that does not exist is
    refused, as for every file the application writes).
    """
    register_fonts()
    # Binary (Flate only) streams: ASCII85 on top makes files a quarter larger
    # and costs about 5% of the time of a batch, for 7-bit safety no one needs.
    rl_config.useA85 = 0
    page = landscape(PAGE_SIZE) if wide else PAGE_SIZE
    numbering = numbering or PageNumbering()
    # Checked before the pages are laid out: a missing folder is refused, never made.
    path = check_output(path)

    def write(temporary: Path) -> None:
        doc = document(
            str(temporary),
            pagesize=page,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=nfc(title),
            author=nfc(author),
            subject=nfc(subject),
            creator="Thi Đua",
            invariant=True,
            # Otherwise the canvas starts in Helvetica, which would sit
            # unembedded in every page's resources.
            initialFontName=REGULAR,
            initialFontSize=BODY_SIZE,
        )
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            page[0] - MARGIN_LEFT - MARGIN_RIGHT,
            page[1] - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=numbering)])
        if passes:
            doc.multiBuild(story)
        else:
            doc.build(story)

    write_atomically(path, write)
    return path
