"""What makes a batch of forms cheaper gives what reportlab gives: :mod:`app.printing.qr`
the same QR codes as reportlab's own encoder, module for module, a
:class:`~app.printing.typesetting.SetParagraph` the same page as a plain paragraph,
measured and drawn at changing widths, and a table cell's paragraph is one per thread."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from app.printing import qr
from app.printing.fonts import BOLD, REGULAR
from app.printing.typesetting import SetParagraph, cell_markup, cell_para, styles
from tests.unit.printing.pdf_reading import read_pdf

PAYLOADS = [
    f"thidua:v1;unit=CS-{n:04d};rev={n % 9};hash={n * 7919**7:064x}"[:110] + ";key=AB12-CD34"
    for n in range(40)
] + ["x" * size for size in range(1, 400, 13)]


def _modules(payload: str) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    return [[bool(m) for m in row] for row in code.modules]


def test_qr_codes_are_reportlabs() -> None:
    """Every module of every payload's code, across versions 1 to 14 and the data
    modes reportlab chooses (digits, upper-case letters, bytes), as reportlab lays it."""
    for payload in PAYLOADS:
        assert qr.qr_matrix(payload) == _modules(payload), payload
    assert qr.QrCode(PAYLOADS[0], 80).modules == _modules(PAYLOADS[0])


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(min_size=1, max_size=300),
        st.text(alphabet="0123456789", min_size=1, max_size=600),
        st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", min_size=1),
    )
)
def test_any_payload_gives_reportlabs_code(payload: str) -> None:
    assert qr.qr_matrix(payload) == _modules(payload)
    # The version's template is shared: a second code of it is not marked by the first.
    assert qr.qr_matrix(payload) == _modules(payload)


Glyph = tuple[str, float, float, str, float]


def _drawn(make: Callable[[str], Paragraph], widths: list[float], path: Path) -> list[Glyph]:
    """The page of paragraphs measured and drawn one below another at ``widths``, each
    measured at every width first (as a table measures its cells before drawing), read
    back: each glyph, where it stands (to a hundredth of a point), its font and size.
    Not the PDF's bytes: reportlab itself cuts a line's text into operators
    differently after measuring a paragraph twice."""
    canvas = Canvas(str(path), invariant=True)
    texts = [
        "Đoàn viên, người lao động được học tập, quán triệt các chỉ thị, nghị quyết",
        "<b>9a</b> 100% cơ quan <i>hành chính</i> nhà nước",
        "4.000.000\u00a0đ",
    ]
    y = 800.0
    for text in texts:
        paragraph = make(text)
        for width in widths:
            paragraph.wrap(width, 10_000)
        for width in widths:
            _w, height = paragraph.wrap(width, 10_000)
            y -= height + 4
            paragraph.drawOn(canvas, 40, y)
    canvas.showPage()
    canvas.save()
    (page,) = read_pdf(path)
    return [
        (c.char, round(c.left, 2), round(c.bottom, 2), c.font, c.size)
        for c in page.chars
        if not c.char.isspace()
    ]


@pytest.mark.parametrize("widths", [[300.0, 120.0, 300.0, 45.0, 120.0], [120.0, 45.0], [45.0]])
def test_a_set_paragraph_draws_as_a_paragraph(tmp_path: Path, widths: list[float]) -> None:
    style = styles().body
    plain = _drawn(lambda text: Paragraph(text, style), widths, tmp_path / "plain.pdf")
    assert len(plain) >= 90
    assert _drawn(lambda text: SetParagraph(text, style), widths, tmp_path / "set.pdf") == plain
    assert _drawn(lambda text: cell_markup(text, style), widths, tmp_path / "cell.pdf") == plain


def test_cell_paragraphs_are_kept_per_thread() -> None:
    style = styles().cell
    first = cell_para("Chỉ tiêu giao", style)
    assert cell_para("Chỉ tiêu giao", style) is first
    assert cell_markup("Chỉ tiêu giao", styles().cell_head) is not first
    other: list[Paragraph] = []
    thread = threading.Thread(target=lambda: other.append(cell_para("Chỉ tiêu giao", style)))
    thread.start()
    thread.join()
    assert other[0] is not first and other[0].text == first.text


def _operators(paragraphs: list[Paragraph]) -> list[bytes]:
    """Two documents, each drawing every paragraph (measured once) four times with
    the canvas in changing states, the second in the reverse order (its fonts number
    the glyphs otherwise): the pages' operators, uncompressed."""
    pages = []
    for order in (paragraphs, paragraphs[::-1]):
        out = BytesIO()
        canvas = Canvas(out, invariant=True, pageCompression=0)
        y = 800.0
        for paragraph in order:
            _w, height = paragraph.wrap(200, 10_000)
            for color, font in [
                ("black", REGULAR),
                ("red", REGULAR),
                ("red", BOLD),
                ("black", REGULAR),
            ]:
                canvas.setFillColor(color)
                canvas.setFont(font, 12)
                y -= height + 2
                paragraph.drawOn(canvas, 40, y)
        canvas.showPage()
        canvas.save()
        pages += re.findall(rb"stream\r?\n(.*?)endstream", out.getvalue(), re.DOTALL)
    return pages


def test_a_set_paragraph_drawn_again_draws_what_a_paragraph_draws() -> None:
    texts = ["Số đoàn viên phát triển <b>tăng thêm</b> thực tế", "Đăng ký: 4.000.000 đ"]
    style = styles().cell
    plain = _operators([Paragraph(text, style) for text in texts])
    assert b"1 0 0 rg" in b"".join(plain) and plain[0] != plain[1]
    assert _operators([SetParagraph(text, style) for text in texts]) == plain


def test_a_set_paragraph_drawn_again_leaves_the_canvas_as_a_paragraph_does() -> None:
    """Drawn again, a set paragraph writes its operators straight (no saveState):
    the canvas's record of its state after it is what reportlab's drawOn leaves."""

    def after(paragraph: Paragraph) -> tuple[list[str], dict[str, object], int]:
        canvas = Canvas(BytesIO(), invariant=True, pageCompression=0)
        paragraph.wrap(200, 10_000)
        canvas.translate(5, 7)
        for y in (700.0, 650.5, 600.25):
            canvas.setFont(BOLD, 9)
            paragraph.drawOn(canvas, 40.125, y)
        state = {name: canvas.__dict__[name] for name in Canvas.STATE_ATTRIBUTES}
        state.pop("_extgstate")
        return canvas._code, state, len(canvas.state_stack)

    text = "Số đoàn viên <b>tăng thêm</b> thực tế, cả năm"
    plain = after(Paragraph(text, styles().cell))
    assert plain[0].count("q") >= 3
    assert after(SetParagraph(text, styles().cell)) == plain


def _rects_drawn(code: qr.QrCode) -> list[str]:
    """What reportlab's own path writes for the code's dark runs, one ``rect`` each."""
    canvas = Canvas(BytesIO())
    count = len(code.modules)
    module = code.size / (count + 8)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        y = code.size - (r + 5) * module
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect((start + 4) * module, y, (c - start) * module, module * 1.02)
            else:
                c += 1
    canvas.setFillColor("black")
    canvas.drawPath(path, stroke=0, fill=1)
    return list(canvas._code)


@pytest.mark.parametrize("size", [64.0, 80.0, 97.3])
def test_a_qr_code_writes_what_reportlabs_path_writes(size: float) -> None:
    """Every payload's code, at sizes whose numbers round differently: the same
    operators, byte for byte, as a ``path.rect`` per dark run."""
    for payload in PAYLOADS[::5]:
        code = qr.QrCode(payload, size)
        canvas = Canvas(BytesIO())
        code.drawOn(canvas, 0, 0)
        drawn = canvas._code
        assert drawn[0] == "q" and drawn[-1] == "Q"
        assert drawn[2:-1] == _rects_drawn(code)
        assert drawn[3].count(" re") > len(code.modules)


def test_a_set_paragraph_is_spaced_and_measured_as_a_paragraph() -> None:
    style = styles().body  # 6 points after, none before
    assert not hasattr(Paragraph, "spaceBefore") and not hasattr(Paragraph, "spaceAfter")
    for make in (Paragraph, SetParagraph):
        spaced = make("Đoàn viên", style)
        assert (spaced.getSpaceBefore(), spaced.getSpaceAfter()) == (0, 6)
        spaced.spaceBefore, spaced.spaceAfter = 3, 0
        assert (spaced.getSpaceBefore(), spaced.getSpaceAfter()) == (3, 0)
        canvas = Canvas(BytesIO())
        first = spaced.wrapOn(canvas, 150, 1000)
        assert spaced.wrapOn(canvas, 150, 1000) == first == spaced.wrap(150, 1000)
        assert spaced.wrapOn(canvas, 60, 1000)[1] > first[1]
        assert not hasattr(spaced, "canv")
