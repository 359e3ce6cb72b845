"""The federation's documents: the province summary, the cluster covenant and the plan
(batches of forms: ``test_batch.py``).

Printed forms read back from the PDF (see ``pdf_reading.py``); the setups are built once
for the folder."""

from __future__ import annotations

import re
from decimal import Decimal

from app.core.format import format_number, format_percent, format_vnd
from app.printing import documents
from db.enums import REGISTRATION_STREAM
from tests.unit.printing.pdf_reading import (
    A4,
    PLAN,
    all_text,
    assert_liberation_serif_embedded,
    assert_page_numbers,
    assert_within_margins,
    read_pdf,
)
from tests.unit.printing.setups import (
    Province,
)

# --- federation documents ------------------------------------------------------------------------


def test_province_summary_totals_match_the_units_values(province: Province) -> None:
    path = documents.print_province_summary(
        province.ctx, plan_id=PLAN, out=province.out / "summary.pdf"
    )
    pages = read_pdf(path)
    text = all_text(pages)
    units = province.demo.units
    # 7.1 counts the levels once: an upper-level union's value is its area's total, so
    # the CĐCS under one that reported are not added again
    reported = {u.id for u in units if "7.1" in u.values[REGISTRATION_STREAM]}
    money = sum(
        u.values[REGISTRATION_STREAM]["7.1"].amount or 0
        for u in units
        if u.id in reported and u.parent_id not in reported
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
