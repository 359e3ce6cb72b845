"""Printed forms read back from the PDF: text, fonts, page geometry, QR, numbering.

Two real setups, built once per module:

- a demo province (12 units) merged at the federation, for the summary,
  the covenant, the plan and the batch;
- one unit (CS-0001) that registers, prints before and after exporting its
  package, and the federation that imports it and prints the same form.

Text and character boxes come from PDFium (pypdfium2), fonts from pypdf,
the QR code is decoded from a rendered page with zxing-cpp.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from app import unit
from app.cli import main
from app.core import domain, figures
from app.core.context import AppContext, open_context
from app.core.format import format_number, format_percent, format_vnd
from app.core.installation import get_installation
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.keys import ensure_own_key, list_keys, own_key_info
from app.exchange.merge import import_packages
from app.exchange.signing import fingerprint_groups
from app.printing import documents
from app.printing.furniture import body
from app.printing.layout import build_pdf
from app.printing.sources import Verification
from app.printing.tables import Column, data_table
from app.printing.typesetting import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    format_vn_date,
)
from app.printing.values import format_unit_value, verdict_word
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from app.statements.records import StatementInput, save_statement
from db.enums import REGISTRATION_STREAM, Role

PLAN = "tuyen-quang-2017"
A4 = (595.28, 841.89)
MM = 72 / 25.4
TOLERANCE = 1.0  # points: glyph boxes of justified text may overhang by a hair
LEFT = MARGIN_LEFT
TOP_MARGIN = MARGIN_TOP


# --- reading PDFs back ---------------------------------------------------------------------------


@dataclass
class Char:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    font: str
    size: float


@dataclass
class Page:
    width: float
    height: float
    text: str
    chars: list[Char]

    @property
    def flat(self) -> str:
        """The text with every run of whitespace (line breaks too) as one space."""
        return " ".join(self.text.split())

    def box(self, needle: str, occurrence: int = 0) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of ``needle`` on one line of the page."""
        start = -1
        for _ in range(occurrence + 1):
            start = self.text.find(needle, start + 1)
            assert start >= 0, f"{needle!r} not on the page"
        chars = [c for c in self.chars[start : start + len(needle)] if not c.char.isspace()]
        return (
            min(c.left for c in chars),
            min(c.bottom for c in chars),
            max(c.right for c in chars),
            max(c.top for c in chars),
        )

    def chars_of(self, needle: str) -> list[Char]:
        start = self.text.find(needle)
        assert start >= 0, f"{needle!r} not on the page"
        return [c for c in self.chars[start : start + len(needle)] if not c.char.isspace()]


def _font(textpage: pdfium.PdfTextPage, index: int) -> str:
    length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
    buffer = ctypes.create_string_buffer(length)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, length, None)
    return buffer.value.decode("utf-8", "replace")


def read_pdf(path: Path) -> list[Page]:
    document = pdfium.PdfDocument(path)
    pages = []
    for page in document:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        chars = []
        for index, char in enumerate(text):
            left, bottom, right, top = textpage.get_charbox(index)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
            chars.append(Char(char, left, bottom, right, top, _font(textpage, index), size))
        width, height = page.get_size()
        pages.append(Page(width, height, text, chars))
        textpage.close()
        page.close()
    document.close()
    return pages


def all_text(pages: list[Page]) -> str:
    """Every page's text; a no-break space (between an amount and "đ") reads as a space."""
    return " ".join(p.flat for p in pages).replace("\u00a0", " ")


def page_number_chars(page: Page) -> list[Char]:
    """Printed characters in the top margin (only a page number may sit there)."""
    return [
        c
        for c in page.chars
        if not c.char.isspace() and c.top > page.height - TOP_MARGIN + TOLERANCE
    ]


def assert_within_margins(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        for c in page.chars:
            if c.char.isspace() or c.right <= c.left:
                continue
            where = f"page {number}: {c.char!r} at {c.left:.1f},{c.bottom:.1f}"
            assert c.left >= MARGIN_LEFT - TOLERANCE, where
            assert c.right <= page.width - MARGIN_RIGHT + TOLERANCE, where
            assert c.bottom >= MARGIN_BOTTOM - TOLERANCE, where
            if c.top > page.height - MARGIN_TOP + TOLERANCE:
                assert c.char.isdigit(), f"only a page number may sit in the top margin: {where}"


def assert_page_numbers(pages: list[Page], first: int = 0) -> None:
    """No number on the document's first page; 2, 3, … centred in the top margin after."""
    for index, page in enumerate(pages[first:], start=1):
        digits = page_number_chars(page)
        if index == 1:
            assert digits == [], "no page number on the first page"
            continue
        assert "".join(c.char for c in digits) == str(index)
        centre = (min(c.left for c in digits) + max(c.right for c in digits)) / 2
        frame_centre = MARGIN_LEFT + (page.width - MARGIN_LEFT - MARGIN_RIGHT) / 2
        assert abs(centre - frame_centre) < 2
        assert all(abs(c.size - 14) < 0.1 for c in digits)


def fonts_of(path: Path) -> set[tuple[str, bool]]:
    """(base font, embedded) of every font resource of every page."""
    found = set()
    for page in PdfReader(path).pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add((str(font["/BaseFont"]), embedded))
    return found


def assert_liberation_serif_embedded(path: Path) -> None:
    fonts = fonts_of(path)
    assert fonts, "the PDF has fonts"
    for name, embedded in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", name), name
        assert embedded, f"{name} is embedded"


# --- fixtures ------------------------------------------------------------------------------------


@dataclass
class Province:
    demo: Demo
    ctx: AppContext
    out: Path


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    base = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(base / "home"))
        demo = make_demo(out_dir=base / "demo", units=12, seed=11)
        ctx = open_context(demo.database)
        import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    out = base / "pdf"
    out.mkdir()
    yield Province(demo, ctx, out)
    ctx.close()


@dataclass
class UnitSide:
    fed: AppContext
    unit: AppContext
    before_export: Path
    after_export: Path
    at_federation: Path
    results: Path
    package_hash: str
    revision: int
    fingerprint: str


REGISTERED = {
    "1": domain.UnitValue(numerator=300, denominator=350),
    "2.1": domain.UnitValue(amount=25),
    "2.3": domain.UnitValue(numerator=380, denominator=420),
    "3.2": domain.UnitValue(numerator=5, denominator=5),
    "4": domain.UnitValue(grade="vung_manh"),
    "5": domain.UnitValue(amount=1),
    "6.1": domain.UnitValue(numerator=170, denominator=200),
    "6.2": domain.UnitValue(numerator=171, denominator=200),
    "7.1": domain.UnitValue(amount=15_000_000, note="Vận động đoàn viên"),
    "7.2": domain.UnitValue(amount=1),
    "8": domain.UnitValue(amount=2),
    "9a.2": domain.UnitValue(flag=True),
    "9a.3": domain.UnitValue(flag=False),
    "9b": domain.UnitValue(flag=True),
    "9c": domain.UnitValue(numerator=400, denominator=420),
    "9d": domain.UnitValue(numerator=1_250, denominator=1_300),
}
ACHIEVED_H1 = {
    "2.1": domain.UnitValue(amount=30),
    "2.3": domain.UnitValue(numerator=350, denominator=420),
    "4": domain.UnitValue(grade="kha"),
    "7.1": domain.UnitValue(amount=9_500_000, note="Đang vận động đợt 2"),
    "9a.2": domain.UnitValue(flag=True),
    "9a.3": domain.UnitValue(flag=False),
}


def _own_unit_id(ctx: AppContext) -> str:
    with ctx.reading() as session:
        installation = get_installation(session)
        assert installation is not None
        return installation.own_unit_id


def _save(
    ctx: AppContext, stream: str, values: dict[str, domain.UnitValue], signed_on: dt.date
) -> None:
    with ctx.unit_of_work() as session:
        save_statement(
            session,
            StatementInput(
                plan_id=PLAN,
                unit_id=_own_unit_id(ctx),
                stream=stream,
                values=values,
                signer_name="Nguyễn Văn A",
                signer_title="Chủ tịch",
                signed_on=signed_on,
                place="Tuyên Quang",
                movement_codes=("LDG-DN", "GVN", "XSD"),
                titles=(
                    (True, "", "", "Tập thể Lao động xuất sắc"),
                    (True, "", "", "Bằng khen của Tổng Liên đoàn Lao động Việt Nam"),
                    (False, "Nguyễn Thị Hoa", "Tổ trưởng sản xuất", "Lao động giỏi"),
                    (False, "Trần Văn Bình", "Kỹ sư cơ điện", "Chiến sĩ thi đua cơ sở"),
                ),
                works=(
                    (
                        "Sáng kiến cải tiến lò nung clinker tiết kiệm 5% than",
                        "Đại hội CĐCS nhiệm kỳ 2017-2022",
                    ),
                ),
            ),
        )


@pytest.fixture(scope="module")
def unit_side(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitSide]:
    base = tmp_path_factory.mktemp("unit_side")
    out = base / "pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(base / "home"))
        fed = open_context(base / "fed.db")
        with fed.unit_of_work() as session:
            initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
        workbook = base / "roster.xlsx"
        write_roster_template(workbook)
        with fed.unit_of_work() as session:
            import_roster(session, path=workbook, year=2017)
            federation_fingerprint = fingerprint_groups(ensure_own_key(session).public_raw)
        plans = base / "plans"
        federation.export_plan_packages(fed, plan_id=PLAN, out_dir=plans)
        ctx = open_context(base / "unit.db")
        with ctx.unit_of_work() as session:
            initialize(session, role=Role.UNIT, name="CĐ Xi măng Tân Quang", code="CS-0001")
        unit.import_plan_package(
            ctx,
            path=plans / "CS-0001_plan_2017.thidua",
            confirmed_fingerprint=federation_fingerprint,
        )
        _save(ctx, REGISTRATION_STREAM, REGISTERED, dt.date(2017, 2, 20))
        before = documents.print_registration_form(ctx, out=out / "before.pdf")
        enrolment = unit.export_enrolment(ctx, out=base / "enrol.thidua")
        report = unit.export_report(
            ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=base / "out"
        )
        after = documents.print_registration_form(ctx, plan_id=PLAN, out=out / "after.pdf")
        _save(ctx, "h1", ACHIEVED_H1, dt.date(2017, 7, 5))
        results = documents.print_results_report(ctx, period="h1", out=out / "results.pdf")
        import_packages(fed, paths=[enrolment.path, report.path], dry_run=False)
        with fed.reading() as session:
            [pending] = list_keys(session, status="pending")
        federation.decide_key(
            fed, keyid=pending.keyid, decision=KeyStatus.ACCEPTED, fingerprint=report.fingerprint
        )
        at_federation = documents.print_registration_form(
            fed, plan_id=PLAN, unit="CS-0001", out=out / "federation.pdf"
        )
    yield UnitSide(
        fed,
        ctx,
        before,
        after,
        at_federation,
        results,
        report.package_hash,
        report.revision,
        report.fingerprint,
    )
    fed.close()
    ctx.close()


# --- the date line -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2017, 2, 7), "Tuyên Quang, ngày 07 tháng 02 năm 2017"),
        (dt.date(2017, 1, 1), "Tuyên Quang, ngày 01 tháng 01 năm 2017"),
        (dt.date(2017, 3, 15), "Tuyên Quang, ngày 15 tháng 3 năm 2017"),
        (dt.date(2017, 3, 9), "Tuyên Quang, ngày 09 tháng 3 năm 2017"),
        (dt.date(2017, 10, 10), "Tuyên Quang, ngày 10 tháng 10 năm 2017"),
        (dt.date(2017, 12, 31), "Tuyên Quang, ngày 31 tháng 12 năm 2017"),
        (dt.date(2018, 2, 28), "Tuyên Quang, ngày 28 tháng 02 năm 2018"),
    ],
)
def test_date_line_pads_days_below_ten_and_january_february(date: dt.date, expected: str) -> None:
    assert format_vn_date("Tuyên Quang", date) == expected


def test_date_line_without_a_date_leaves_day_and_month_to_write_by_hand() -> None:
    assert format_vn_date("Tuyên Quang", None, year=2017) == (
        "Tuyên Quang, ngày … tháng … năm 2017"
    )
    decomposed = unicodedata.normalize("NFD", "Tuyên Quang")
    assert format_vn_date(decomposed, dt.date(2017, 2, 7)).startswith("Tuyên Quang,")


# --- how values read -----------------------------------------------------------------------------


def test_values_read_the_vietnamese_way(province: Province) -> None:
    plan = province.demo.plan
    # A no-break space keeps "đ" on the amount's line.
    assert format_unit_value(plan, plan.indicator("7.1"), REGISTERED["7.1"]) == "15.000.000\u00a0đ"
    assert format_unit_value(plan, plan.indicator("2.3"), REGISTERED["2.3"]) == "380/420 (90,5%)"
    assert format_unit_value(plan, plan.indicator("9d"), REGISTERED["9d"]) == (
        "1.250/1.300 (96,2%)"
    )
    assert format_unit_value(plan, plan.indicator("9b"), REGISTERED["9b"]) == "Có"
    assert format_unit_value(plan, plan.indicator("9a.3"), REGISTERED["9a.3"]) == "Không"
    assert format_unit_value(plan, plan.indicator("4"), REGISTERED["4"]) == "Vững mạnh"
    assert format_unit_value(plan, plan.indicator("2.1"), None) == ""


def test_results_are_judged_against_what_was_registered(province: Province) -> None:
    plan = province.demo.plan

    def judged(
        code: str, registered: domain.UnitValue, achieved: domain.UnitValue
    ) -> tuple[str, str]:
        indicator = plan.indicator(code)
        reading = figures.read_commitment(plan, indicator, registered, achieved, stream="year")
        return (
            figures.commitment_progress_text(indicator, reading) or "—",
            verdict_word(reading.verdict),
        )

    count = domain.UnitValue
    assert judged("2.1", count(amount=25), count(amount=30)) == ("120,0%", "Đạt")
    assert judged("2.1", count(amount=25), count(amount=20)) == ("80,0%", "Không đạt")
    assert judged("7.1", count(amount=15_000_000), count(amount=9_500_000)) == (
        "63,3%",
        "Không đạt",
    )
    # Ratios compare the percentages: 350/420 (83,3%) against 380/420 (90,5%).
    assert judged(
        "2.3", count(numerator=380, denominator=420), count(numerator=350, denominator=420)
    ) == ("92,1%", "Không đạt")
    assert judged(
        "2.3", count(numerator=9, denominator=10), count(numerator=90, denominator=100)
    ) == ("100,0%", "Đạt")
    assert judged("9b", count(flag=True), count(flag=True))[1] == "Đạt"
    assert judged("9b", count(flag=False), count(flag=False))[1] == "Không đạt"
    assert judged("4", count(grade="kha"), count(grade="vung_manh"))[1] == "Đạt"
    assert judged("4", count(grade="vung_manh"), count(grade="kha"))[1] == "Không đạt"
    assert judged("2.1", count(amount=25), count())[1] == "Chưa có số liệu"


# --- the registration form -----------------------------------------------------------------------


def test_registration_form_reads_back_with_every_vietnamese_string(unit_side: UnitSide) -> None:
    pages = read_pdf(unit_side.after_export)
    text = all_text(pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tuyên Quang, ngày 20 tháng 02 năm 2017",
        "LĐLĐ HUYỆN YÊN SƠN",  # its upper-level union, named in the plan package
        "CÔNG ĐOÀN CÔNG TY CỔ PHẦN XI MĂNG TÂN QUANG",
        "Số: …/ĐKTĐ",
        "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017",
        "Thực hiện Kế hoạch số …/KH-LĐLĐ ngày 07/02/2017",
        "Kính gửi:",
        "Ban Thường vụ LĐLĐ tỉnh Tuyên Quang;",
        "Cụm 1.",
        "Lao động giỏi, lao động sáng tạo",
        "Giỏi việc nước, đảm việc nhà",
        "15.000.000 đ",
        "380/420 (90,5%)",
        "171/200 (85,5%)",
        "1.250/1.300 (96,2%)",
        "Vững mạnh",
        "Vận động đoàn viên",
        "80% khối sản xuất kinh doanh",
        "Tập thể Lao động xuất sắc",
        "Nguyễn Thị Hoa",
        "Tổ trưởng sản xuất",
        "Chiến sĩ thi đua cơ sở",
        "Sáng kiến cải tiến lò nung clinker tiết kiệm 5% than",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
        "Nguyễn Văn A",
        "Nơi nhận:",
        "- Như Kính gửi;",
        "- Lưu: VT, BCH.",
    ):
        assert expected in text, expected
    # Group rows from the plan's own grouping: "9" over "9a".
    assert "9 Phối hợp chặt chẽ với chính quyền" in text
    assert "9a 100% cơ quan hành chính nhà nước" in text
    # Indicators for other kinds of unit are left out (3.1 is for upper-level unions).
    assert "Cán bộ công đoàn chuyên trách" not in text
    assert not any(unicodedata.combining(c) for c in text), "text stays NFC"


def test_registration_form_page_geometry_fonts_and_numbering(unit_side: UnitSide) -> None:
    path = unit_side.after_export
    pages = read_pdf(path)
    assert len(pages) >= 2
    for page in pages:
        assert (round(page.width, 2), round(page.height, 2)) == A4
    assert_within_margins(pages)
    assert_page_numbers(pages)
    assert_liberation_serif_embedded(path)
    # The indicators table continues on page 2 under a repeated header row.
    continued = [p for p in pages[1:] if "Nội dung chỉ tiêu" in p.text]
    assert continued, "the table header row is repeated on the next page"
    assert continued[0].text.lstrip().startswith("STT")


def test_registration_header_blocks_sit_where_the_decree_puts_them(unit_side: UnitSide) -> None:
    page = read_pdf(unit_side.after_export)[0]
    middle = page.width / 2
    top = page.height - MARGIN_TOP
    frame_centre = MARGIN_LEFT + (page.width - MARGIN_LEFT - MARGIN_RIGHT) / 2

    national = page.box("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = page.box("Độc lập - Tự do - Hạnh phúc")
    date_line = page.box("Tuyên Quang, ngày 20 tháng 02 năm 2017")
    issuer = page.box("CÔNG ĐOÀN CÔNG TY CỔ")
    number = page.box("Số: …/ĐKTĐ")
    title = page.box("BẢN ĐĂNG KÝ THI ĐUA NĂM 2017")

    # Quốc hiệu: right column (past the issuing unit's), centred in the right half,
    # its line right under the top margin.
    assert national[0] > issuer[2] and (national[0] + national[2]) / 2 > middle + 30
    assert national[2] <= page.width - MARGIN_RIGHT + TOLERANCE
    assert top - 16 < national[3] <= top + TOLERANCE
    # Tiêu ngữ under it, centred on it; the date line under both, centred too.
    centre = (national[0] + national[2]) / 2
    assert motto[3] < national[1] and abs((motto[0] + motto[2]) / 2 - centre) < 2
    assert date_line[3] < motto[1] and abs((date_line[0] + date_line[2]) / 2 - centre) < 2
    # Issuing unit and number: left column, same height band as the quốc hiệu.
    assert issuer[2] < middle and issuer[0] >= MARGIN_LEFT - TOLERANCE
    assert number[2] < middle and number[3] < issuer[1]
    # Title centred on the text frame, below the whole header.
    assert title[3] < min(date_line[1], number[1])
    assert abs((title[0] + title[2]) / 2 - frame_centre) < 2

    def face(needle: str) -> set[tuple[str, float]]:
        return {(c.font, round(c.size, 1)) for c in page.chars_of(needle)}

    assert face("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == {("LiberationSerif-Bold", 13.0)}
    assert face("Độc lập - Tự do - Hạnh phúc") == {("LiberationSerif-Bold", 14.0)}
    assert face("Tuyên Quang, ngày 20 tháng 02 năm 2017") == {("LiberationSerif-Italic", 14.0)}
    # A name that would take three lines at 13 pt is set in 12 pt (12–13 allowed).
    assert face("CÔNG ĐOÀN CÔNG TY CỔ") == {("LiberationSerif-Bold", 12.0)}
    assert face("LĐLĐ HUYỆN YÊN SƠN") == {("LiberationSerif", 13.0)}
    assert face("Số: …/ĐKTĐ") == {("LiberationSerif", 13.0)}
    assert face("BẢN ĐĂNG KÝ THI ĐUA NĂM 2017") == {("LiberationSerif-Bold", 14.0)}
    assert face("Căn cứ Kế hoạch") == {("LiberationSerif", 14.0)}


def test_rendered_page_one_has_ink_only_inside_the_margins(unit_side: UnitSide) -> None:
    """Pixels, not text: nothing at all is drawn in the margins of page 1."""
    document = pdfium.PdfDocument(unit_side.after_export)
    image = document[0].render(scale=1).to_pil().convert("L")  # 1 px = 1 pt
    document.close()
    width, height = image.size

    def ink(box: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
        region = image.crop(tuple(round(v) for v in box)).point(lambda v: 255 if v < 160 else 0)
        found: tuple[int, int, int, int] | None = region.getbbox()
        return found

    assert ink((0, 0, MARGIN_LEFT - 2, height)) is None, "left margin is blank"
    assert ink((width - MARGIN_RIGHT + 2, 0, width, height)) is None, "right margin is blank"
    assert ink((0, 0, width, MARGIN_TOP - 2)) is None, "no page number on page 1"
    assert ink((0, height - MARGIN_BOTTOM + 2, width, height)) is None, "bottom margin is blank"
    # The header blocks: ink in both halves just under the top margin.
    band = (MARGIN_TOP, MARGIN_TOP + 60)
    left_ink = ink((MARGIN_LEFT, band[0], width / 2 - 10, band[1]))
    right_ink = ink((width / 2, band[0], width - MARGIN_RIGHT, band[1]))
    assert left_ink is not None and right_ink is not None
    assert right_ink[1] < 8, "the quốc hiệu starts at the top margin"


def test_form_before_export_says_no_package_yet_but_shows_the_key(unit_side: UnitSide) -> None:
    text = all_text(read_pdf(unit_side.before_export))
    assert "Chưa xuất gói" in text
    with unit_side.unit.reading() as session:
        key = own_key_info(session)
    assert key is not None
    assert f"Dấu vân tay khóa của đơn vị: {key.fingerprint}" in text


def test_verification_box_carries_hash_and_fingerprint_as_text_and_qr(
    unit_side: UnitSide,
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    expected = Verification(
        unit_code="CS-0001",
        fingerprint=unit_side.fingerprint,
        revision=unit_side.revision,
        package_hash=unit_side.package_hash,
    ).payload()
    assert expected == (
        f"thidua:v1;unit=CS-0001;rev=1;hash={unit_side.package_hash};key={unit_side.fingerprint}"
    )
    for path in (unit_side.after_export, unit_side.at_federation):
        pages = read_pdf(path)
        text = all_text(pages)
        grouped = " ".join(re.findall(".{8}", unit_side.package_hash))
        assert grouped in text
        assert f"Dấu vân tay khóa của đơn vị: {unit_side.fingerprint}" in text
        assert "Gói đăng ký đã xuất: lần thứ 1" in text
        document = pdfium.PdfDocument(path)
        last = document[len(document) - 1].render(scale=3).to_pil()
        document.close()
        decoded = [r.text for r in zxingcpp.read_barcodes(last)]
        assert decoded == [expected], f"{path.name}: the QR decodes to the package's payload"


def test_federation_prints_the_units_form_with_its_upper_level_union(
    unit_side: UnitSide,
) -> None:
    text = all_text(read_pdf(unit_side.at_federation))
    assert "LĐLĐ HUYỆN YÊN SƠN" in text  # the parent from the federation's roster
    assert "Ban Thường vụ LĐLĐ huyện Yên Sơn;" in text
    assert "380/420 (90,5%)" in text and "15.000.000 đ" in text


def test_results_report_judges_each_indicator(unit_side: UnitSide) -> None:
    pages = read_pdf(unit_side.results)
    text = all_text(pages)
    for expected in (
        "BÁO CÁO",
        "Tuyên Quang, ngày 05 tháng 7 năm 2017",
        "Kết quả thực hiện đăng ký thi đua 6 tháng đầu năm 2017",
        # Mid-year: progress against the year's commitment, no verdict (the plan sets
        # no target for the first half).
        "% so với đăng ký cả năm",
        "2.1 Số đoàn viên phát triển tăng thêm thực tế đoàn viên 25 30 120,0%",
        "350/420 (83,3%) 92,1%",
        "15.000.000 đ 9.500.000 đ 63,3%",
        "Vững mạnh Khá —",
        "Số liệu 6 tháng đầu năm 2017 so với mức đăng ký cả năm; việc đánh giá đạt, "
        "không đạt thực hiện khi tổng kết năm.",
        "Chỉ tiêu 7.1: Đang vận động đợt 2",
        "TM. BAN CHẤP HÀNH",
    ):
        assert expected in text, expected
    for absent in ("Đánh giá", "Không đạt", "chỉ tiêu đạt"):
        assert absent not in text, absent
    assert_within_margins(pages)
    assert_liberation_serif_embedded(unit_side.results)


# --- federation documents ------------------------------------------------------------------------


def test_province_summary_totals_match_the_units_values(province: Province) -> None:
    path = documents.print_province_summary(
        province.ctx, plan_id=PLAN, out=province.out / "summary.pdf"
    )
    pages = read_pdf(path)
    text = all_text(pages)
    units = province.demo.units
    money = sum(
        u.values[REGISTRATION_STREAM]["7.1"].amount or 0
        for u in units
        if "7.1" in u.values[REGISTRATION_STREAM]
    )
    assert format_vnd(money).replace("\u00a0", " ") in text
    women = [u.values[REGISTRATION_STREAM]["6.2"] for u in units if "6.2" in u.values["h1"]]
    numerator = sum(v.numerator or 0 for v in women)
    denominator = sum(v.denominator or 0 for v in women)
    percent = format_percent(Decimal(numerator) * 100 / Decimal(denominator))
    assert f"{percent} {format_number(numerator)} / {format_number(denominator)}" in text
    for expected in (
        "TỔNG LĐLĐ VIỆT NAM",
        "BÁO CÁO TỔNG HỢP",
        "Kết quả đăng ký và thực hiện các chỉ tiêu thi đua năm 2017",
        "Mục tiêu kế hoạch",
        "từ 700 triệu đồng trở lên",
        "2.000 đoàn viên",
        "Thực hiện 6 tháng đầu năm 2017",
        "Theo công đoàn cấp trên trực tiếp cơ sở",
        "Theo cụm thi đua",
        "Tổng cộng 12 12 100,0%",
        "TM. BAN THƯỜNG VỤ",
        "Nguyễn Thị Thu Thủy",
    ):
        assert expected in text, expected
    assert re.search(r"(Không đạt|Đạt)", text)
    assert_within_margins(pages)
    assert_page_numbers(pages)
    assert_liberation_serif_embedded(path)


def test_cluster_covenant_is_landscape_with_a_column_per_member(province: Province) -> None:
    cluster = province.demo.units[0].cluster_code
    members = [u for u in province.demo.units if u.cluster_code == cluster]
    path = documents.print_cluster_covenant(
        province.ctx, plan_id=PLAN, cluster=cluster, out=province.out / "covenant.pdf"
    )
    pages = read_pdf(path)
    for page in pages:
        assert (round(page.width, 2), round(page.height, 2)) == (A4[1], A4[0])
    text = all_text(pages)
    assert f"GIAO ƯỚC THI ĐUA NĂM 2017 {cluster}" in text
    for member in members:
        assert member.name in text, member.name
        assert member.name.upper() in text  # its place in the signature grid
    assert text.count("CHỦ TỊCH") >= len(members)
    assert "(Cụm trưởng)" in text
    tables = 1 + (len(members) - 1) // 6
    if tables > 1:
        assert f"Bảng {tables}/{tables}" in text
    assert_within_margins(pages)
    assert_page_numbers(pages)
    assert_liberation_serif_embedded(path)


def test_plan_reproduces_the_issued_document(province: Province) -> None:
    path = documents.print_plan(province.ctx, plan_id=PLAN, out=province.out / "plan.pdf")
    pages = read_pdf(path)
    text = all_text(pages)
    for expected in (
        "TỔNG LĐLĐ VIỆT NAM",
        "LĐLĐ TỈNH TUYÊN QUANG",
        "Số: …/KH-LĐLĐ",
        "Tuyên Quang, ngày 07 tháng 02 năm 2017",
        "KẾ HOẠCH",
        "Phát động, tổ chức các phong trào thi đua trong các cấp Công đoàn",
        "“Năm vì lợi ích đoàn viên”",
        "I- MỤC ĐÍCH, YÊU CẦU",
        "II- MỤC TIÊU THI ĐUA",
        "1- 100% đoàn viên, CNVCLĐ khối hành chính sự nghiệp",
        "2- Số đoàn viên phát triển tăng thêm thực tế 2.000 đoàn viên",
        "9- Phối hợp chặt chẽ với chính quyền",
        "a- 100% cơ quan hành chính nhà nước",
        "đ- Thanh tra, kiểm tra, giám sát",
        "III- NỘI DUNG THI ĐUA",
        "IV- TỔ CHỨC THỰC HIỆN",
        "Nơi nhận:",
        "- TT LĐLĐ tỉnh;",
        "(Chỉ đạo)",
        "- Lưu VT, CS-PL.",
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
        "Nguyễn Thị Thu Thủy",
    ):
        assert expected in text, expected
    last = next(p for p in reversed(pages) if "Nơi nhận:" in p.text)
    assert {(c.font, round(c.size)) for c in last.chars_of("Nơi nhận:")} == {
        ("LiberationSerif-BoldItalic", 12)
    }
    assert {round(c.size) for c in last.chars_of("- TT LĐLĐ tỉnh;")} == {11}
    assert {c.font for c in last.chars_of("TM. BAN THƯỜNG VỤ")} == {"LiberationSerif-Bold"}
    assert last.box("Nguyễn Thị Thu Thủy")[0] > last.width / 2, "the signature sits on the right"
    assert last.box("Nơi nhận:")[2] < last.width / 2, "the recipients sit on the left"
    assert_within_margins(pages)
    assert_page_numbers(pages)
    assert_liberation_serif_embedded(path)


# --- batch ---------------------------------------------------------------------------------------


def test_batch_in_one_file_restarts_page_numbers_with_each_form(province: Province) -> None:
    calls: list[tuple[int, int]] = []
    result = documents.print_registration_forms_batch(
        province.ctx,
        plan_id=PLAN,
        out=province.out / "all.pdf",
        progress=lambda done, total: calls.append((done, total)),
    )
    total = len(province.demo.units)
    assert (result.printed, result.total, result.cancelled) == (total, total, False)
    assert calls[-1] == (total, total) and [d for d, _t in calls] == sorted(d for d, _t in calls)
    pages = read_pdf(result.paths[0])
    starts = [i for i, p in enumerate(pages) if "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017" in p.text]
    assert len(starts) == total
    for start, end in zip(starts, [*starts[1:], len(pages)], strict=True):
        assert_page_numbers(pages[start:end])
    codes = [u.code for u in sorted(province.demo.units, key=lambda u: u.code)]
    assert [re.search(r"Mã đơn vị: (\S+)", pages[i].flat) for i in starts] != []
    printed_codes = re.findall(r"Mã đơn vị: (\S+)", all_text(pages))
    assert printed_codes == codes


def test_batch_cancelled_leaves_no_file(province: Province) -> None:
    polls = iter(range(100))
    out = province.out / "cancelled" / "all.pdf"
    result = documents.print_registration_forms_batch(
        province.ctx, plan_id=PLAN, out=out, cancelled=lambda: next(polls) >= 3
    )
    assert result.cancelled and result.paths == () and result.printed == 0
    assert not out.exists()
    assert list(out.parent.iterdir()) == [], "no temporary file is left behind"


def test_batch_one_file_per_unit(province: Province) -> None:
    codes = [u.code for u in province.demo.units[:3]]
    result = documents.print_registration_forms_batch(
        province.ctx,
        plan_id=PLAN,
        out=province.out / "each",
        single_file=False,
        unit_codes=codes,
    )
    assert sorted(p.name for p in result.paths) == sorted(f"{c}_dang-ky-2017.pdf" for c in codes)
    for path in result.paths:
        assert "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017" in all_text(read_pdf(path))


# --- layout pieces -------------------------------------------------------------------------------


def test_long_table_repeats_its_header_row_on_every_page(tmp_path: Path) -> None:
    rows = [
        [str(n), f"Đơn vị thứ {n} đăng ký chỉ tiêu", f"{n * 1000:,}".replace(",", ".")]
        for n in range(1, 121)
    ]
    table = data_table(
        [Column("STT", 1, "center"), Column("Nội dung đăng ký", 6), Column("Số lượng", 2)], rows
    )
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

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "forms"


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
    ctx = open_context(tmp_path / "unit.db")
    try:
        values = {**REGISTERED, "2.1": domain.UnitValue(amount=25, note=note)}
        _save(ctx, REGISTRATION_STREAM, values, dt.date(2017, 2, 20))
        path = documents.print_registration_form(ctx, out=tmp_path / "reg.pdf")
    finally:
        ctx.close()
    assert_within_margins(read_pdf(path))
