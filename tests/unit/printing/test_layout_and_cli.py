"""Layout pieces, the command line, page images of every document, and the longest texts
validation accepts.

Printed forms read back from the PDF (see ``pdf_reading.py``); the setups are built once
for the folder."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from app.cli import main
from app.core import domain
from app.core.context import open_context
from app.printing import documents
from app.printing.furniture import body
from app.printing.layout import build_pdf
from app.printing.tables import Column, data_table
from app.statements.records import StatementInput, save_statement
from db.enums import REGISTRATION_STREAM
from tests.unit.printing.pdf_reading import (
    PLAN,
    all_text,
    assert_page_numbers,
    assert_within_margins,
    page_number_chars,
    read_pdf,
)
from tests.unit.printing.setups import (
    REGISTERED,
    Province,
    UnitSide,
    _own_unit_id,
)

# --- layout pieces -------------------------------------------------------------------------------


def test_long_table_repeats_its_header_row_on_every_page(tmp_path: Path) -> None:
    rows = [
        [str(n), f"Đơn vị thứ {n} đăng ký chỉ tiêu", f"{n * 1000:,}".replace(",", ".")]
        for n in range(1, 121)
    ]
    table = data_table(
        [Column("STT", 1, "center"), Column("Nội dung đăng ký", 6), Column("Số lượng", 2)], rows
    )
    (tmp_path / "out").mkdir()
    path = build_pdf(tmp_path / "out" / "table.pdf", [table], title="Bảng dài")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask, "an ordinary file, not 0600"
    assert [p.name for p in path.parent.iterdir()] == ["table.pdf"], "no temporary file left"
    pages = read_pdf(path)
    assert len(pages) >= 3
    for page in pages:
        assert page.text.lstrip().startswith("STT Nội dung đăng ký Số lượng")
    assert "120 Đơn vị thứ 120 đăng ký chỉ tiêu 120.000" in all_text(pages)
    assert_page_numbers(pages)


def test_decomposed_input_is_printed_composed(tmp_path: Path) -> None:
    name = "Nguyễn Thị Thu Thủy"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    path = build_pdf(tmp_path / "nfd.pdf", [body(decomposed)], title=decomposed)
    [page] = read_pdf(path)
    assert name in page.text
    assert not any(unicodedata.combining(c) for c in page.text)
    metadata = PdfReader(path).metadata
    assert metadata is not None
    assert metadata.title == name


# --- command line --------------------------------------------------------------------------------


def test_cli_prints_every_document(
    province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(province.demo.database)
    code = province.demo.units[-1].code
    cluster = province.demo.units[-1].cluster_code
    commands = [
        ["print", "registration", "--unit", code, "--out", str(tmp_path / "r.pdf")],
        ["print", "results", "--unit", code, "--period", "year", "--out", str(tmp_path / "k.pdf")],
        ["print", "covenant", "--cluster", cluster, "--out", str(tmp_path / "c.pdf")],
        ["print", "summary", "--out", str(tmp_path / "s.pdf")],
        ["print", "plan", PLAN, "--out", str(tmp_path / "p.pdf")],
        ["print", "batch", "--out", str(tmp_path / "forms"), "--units", code],
        ["print", "batch", "--single-file", "--out", str(tmp_path / "all.pdf")],
    ]
    for command in commands:
        assert main(["--db", db, "--lang", "en", *command]) == 0, command
    for name in ("r.pdf", "k.pdf", "c.pdf", "s.pdf", "p.pdf", "all.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    assert (tmp_path / "forms" / f"{code}_dang-ky-2017.pdf").exists()
    assert "PDF written to" in capsys.readouterr().out

    assert main(["--db", db, "print", "registration", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Hãy chọn đơn vị cần in (--unit MÃ)." in capsys.readouterr().err
    status = main(
        ["--db", db, "--lang", "en", "print", "covenant", "--cluster", "Cụm 99", "--out", "x"]
    )
    assert status == 1
    assert "There is no cluster Cụm 99 in 2017." in capsys.readouterr().err


# --- page images ----------------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "forms"


def test_page_one_of_every_document_renders(
    unit_side: UnitSide, province: Province, tmp_path: Path
) -> None:
    """Page 1 of each document as a PNG; with THIDUA_WRITE_FORM_SAMPLES=1 into docs/forms.

    The pictures in docs/forms are these, made by running this test with the
    variable set: a person looks at them to judge the layout.
    """
    folder = SAMPLES if os.environ.get("THIDUA_WRITE_FORM_SAMPLES") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    cluster = province.demo.units[0].cluster_code
    documents_to_render = {
        "registration": (unit_side.at_federation, (0, -1)),
        "results": (unit_side.results, (0,)),
        "covenant": (
            documents.print_cluster_covenant(
                province.ctx, plan_id=PLAN, cluster=cluster, out=tmp_path / "covenant.pdf"
            ),
            (0, -1),
        ),
        "summary": (
            documents.print_province_summary(
                province.ctx, plan_id=PLAN, out=tmp_path / "summary.pdf"
            ),
            (0,),
        ),
        "plan": (documents.print_plan(province.ctx, plan_id=PLAN, out=tmp_path / "plan.pdf"), (0,)),
    }
    for name, (path, page_indexes) in documents_to_render.items():
        document = pdfium.PdfDocument(path)
        for index in page_indexes:
            page = document[index % len(document)]
            image = page.render(scale=150 / 72).to_pil().convert("L")
            suffix = "" if index == 0 else "-last"
            image.save(folder / f"{name}{suffix}.png", optimize=True)
            width, height = page.get_size()
            assert abs(image.size[0] - width * 150 / 72) <= 1
            assert abs(image.size[1] - height * 150 / 72) <= 1
            assert image.getextrema() == (0, 255), f"{name}: the page has ink"
        document.close()


# --- what validation accepts, printing lays out ----------------------------------------------


def test_the_longest_unbroken_texts_validation_accepts_still_print(
    unit_side: UnitSide, tmp_path: Path
) -> None:
    """One unbroken word as long as each free field may hold (4,000 characters in a
    note): the forms print, break the word across lines and pages, keep all of it
    and stay inside the margins (issue 14, item 8)."""
    import sqlite3

    source = sqlite3.connect(str(unit_side.unit.engine.url.database))
    with sqlite3.connect(tmp_path / "unit.db") as copy:
        source.backup(copy)  # the module's unit, WAL included, left as it was
    source.close()
    ctx = open_context(tmp_path / "unit.db")
    word = "Sángkiến" + "x" * 3992
    long_values = {
        **REGISTERED,
        "7.1": domain.UnitValue(amount=15_000_000, note=word),
    }
    with ctx.unit_of_work() as session:
        for stream, values in ((REGISTRATION_STREAM, long_values), ("h1", long_values)):
            save_statement(
                session,
                StatementInput(
                    plan_id=PLAN,
                    unit_id=_own_unit_id(ctx),
                    stream=stream,
                    values=values,
                    signer_name=word[:200],
                    signer_title=word[:200],
                    signed_on=dt.date(2017, 2, 20),
                    place="Tuyên Quang",
                    notes=word,
                    titles=((False, word[:200], word[:200], word[:300]),),
                    works=((word[:2000], word[:1000]),),
                    narrative=domain.Narrative(word, word, word),
                ),
            )
    try:
        registration = documents.print_registration_form(ctx, out=tmp_path / "reg.pdf")
        results = documents.print_results_report(ctx, period="h1", out=tmp_path / "res.pdf")
    finally:
        ctx.close()
    for path in (registration, results):
        pages = read_pdf(path)
        body = "".join(  # the page's text without its page number (top margin)
            c.char for page in pages for c in page.chars if c not in page_number_chars(page)
        )
        text = re.sub(r"\s+", "", body)
        # Every character of the word is on paper, in order, across lines and pages.
        assert word in text, path.name
        assert_within_margins(pages)


@pytest.mark.parametrize("note", ["\n" * 300 + "x", "W" * 600], ids=["300-line-breaks", "600-wide"])
def test_a_tall_note_under_a_group_heading_still_prints(
    unit_side: UnitSide, tmp_path: Path, note: str
) -> None:
    """Kept together with its group heading, such a row was taller than a page:
    reportlab's LayoutError, and no form printed (the federation's batch neither)."""
    import sqlite3

    source = sqlite3.connect(str(unit_side.unit.engine.url.database))
    with sqlite3.connect(tmp_path / "unit.db") as copy:
        source.backup(copy)
    source.close()
