"""Joining a batch's pieces (``app.printing.pdf_join``): every page in order, each
piece's fonts embedded, the title and author given, a file pypdf reads strictly; a
piece of another shape is refused, and the pool then joins with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from app.printing.batch_pool import _join
from app.printing.fonts import BOLD, REGULAR, register_fonts
from app.printing.pdf_join import UnexpectedPdf, join_pieces
from tests.unit.printing.pdf_reading import fonts_of, layout_pages

TITLE = "Bản đăng ký thi đua năm 2017"
AUTHOR = "LĐLĐ tỉnh Tuyên Quang"


def _piece(path: Path, number: int, pages: int) -> Path:
    register_fonts()
    canvas = Canvas(str(path), invariant=True, initialFontName=REGULAR)
    for page in range(pages):
        canvas.setFont(REGULAR if number % 2 else BOLD, 14)
        canvas.drawString(72, 700, f"Mảnh {number} trang {page + 1}")
        canvas.showPage()
    canvas.save()
    return path


def _pieces(folder: Path) -> list[Path]:
    return [_piece(folder / f"{n}.pdf", n, pages) for n, pages in enumerate([3, 1, 2], 1)]


EXPECTED = [
    "Mảnh 1 trang 1",
    "Mảnh 1 trang 2",
    "Mảnh 1 trang 3",
    "Mảnh 2 trang 1",
    "Mảnh 3 trang 1",
    "Mảnh 3 trang 2",
]


def test_pieces_joined_page_after_page(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    with out.open("wb") as stream:
        join_pieces(_pieces(tmp_path), stream, title=TITLE, author=AUTHOR)
    assert layout_pages(out) == EXPECTED
    reader = PdfReader(out, strict=True)
    assert [page.extract_text().strip() for page in reader.pages] == EXPECTED
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.author) == (TITLE, AUTHOR)
    assert {name.split("+")[-1] for name, embedded in fonts_of(out) if embedded} == {
        "LiberationSerif",
        "LiberationSerif-Bold",
    }
    assert all(embedded for _name, embedded in fonts_of(out))


def test_a_piece_of_another_shape_is_refused_and_pypdf_joins_it(tmp_path: Path) -> None:
    pieces = _pieces(tmp_path)
    odd = pieces[1].read_bytes().replace(b"/Info ", b"/Inf0 ")
    pieces[1].write_bytes(odd)
    with pytest.raises(UnexpectedPdf):
        join_pieces(pieces, io.BytesIO(), title=TITLE, author=AUTHOR)
    with pytest.raises(UnexpectedPdf):
        join_pieces([tmp_path / "1.pdf", _not_pdf(tmp_path)], io.BytesIO(), title="", author="")
    out = tmp_path / "all.pdf"
    _join(pieces, out, title=TITLE, author=AUTHOR)
    assert layout_pages(out) == EXPECTED
    assert not list(tmp_path.glob(".*.part"))


def _not_pdf(folder: Path) -> Path:
    path = folder / "not.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n%%EOF\n")
    return path
