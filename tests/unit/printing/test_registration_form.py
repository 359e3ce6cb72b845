"""A unit's registration form and results report: text, geometry, fonts, numbering, the
verification box.

Printed forms read back from the PDF (see ``pdf_reading.py``); the setups are built once
for the folder."""

from __future__ import annotations

import re
import unicodedata

import pypdfium2 as pdfium
import pytest

from app.exchange.keys import own_key_info
from app.printing.sources import Verification
from app.printing.typesetting import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
)
from tests.unit.printing.pdf_reading import (
    A4,
    TOLERANCE,
    all_text,
    assert_liberation_serif_embedded,
    assert_page_numbers,
    assert_within_margins,
    read_pdf,
)
from tests.unit.printing.setups import (
    UnitSide,
)

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
        "Cụm 2.",
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
