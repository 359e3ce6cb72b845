"""Issue #19's paper items, each read back from the PDF (pdftotext, PDFium boxes).

The papers an office clerk checks against Nghị định 30/2020, Phụ lục I: who signs
and on whose behalf, Nơi nhận, no page of signatures alone, the place in the date
line, the same parent body on every paper of a unit."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from app.core import figures
from app.core.i18n import vietnamese
from app.exchange.keys import list_keys
from app.plans import get_plan, plan_document
from app.printing import documents, print_batch
from app.printing.form_parts import applicable_indicators
from app.printing.sources import UnitInfo, load_statements, load_units
from app.printing.typesetting import SMALL_TABLE_SIZE, vn_upper
from app.printing.values import unit_target_text
from app.rollup import Scope, resolve_scope
from db.enums import REGISTRATION_STREAM, UnitKind
from tests.unit.printing.pdf_reading import PLAN, layout_pages, read_pdf
from tests.unit.printing.setups import Province, UnitSide


def test_covenant_members_sign_for_their_committees_with_nơi_nhận_and_never_alone(
    province: Province,
) -> None:
    cluster = province.demo.units[0].cluster_code
    members = [u for u in province.demo.units if u.cluster_code == cluster]
    path = documents.print_cluster_covenant(
        province.ctx, plan_id=PLAN, cluster=cluster, out=province.out / "covenant-signers.pdf"
    )
    pages = layout_pages(path)
    text = " ".join(pages)
    # Each member: its name, "TM. BAN CHẤP HÀNH" over "CHỦ TỊCH" (positions below).
    assert text.count("TM. BAN CHẤP HÀNH") == len(members)
    assert text.count("CHỦ TỊCH") == len(members)
    assert "Nơi nhận: - Ban Thường vụ LĐLĐ tỉnh Tuyên Quang; (b/c)" in text
    assert text.rstrip().endswith(f"- Lưu: {cluster}.")
    # The first signatures share their page with the closing paragraph, and every page
    # holding signatures says what they sign.
    signing = [n for n, page in enumerate(pages) if "TM. BAN CHẤP HÀNH" in page]
    assert "Ban Thường vụ LĐLĐ tỉnh Tuyên Quang./." in pages[signing[0]]
    for number in signing:
        assert "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN KÝ GIAO ƯỚC" in pages[number]
        assert f"Giao ước thi đua năm 2017 - {cluster}" in pages[number]
    # In each column the authority sits above the title, centred on it.
    read = read_pdf(path)
    page = read[signing[0]]
    authority = page.box("TM. BAN CHẤP HÀNH")
    title = page.box("CHỦ TỊCH")
    assert authority[1] > title[3] - 1
    assert abs((authority[0] + authority[2]) / 2 - (title[0] + title[2]) / 2) < 2


def test_key_card_dates_at_the_plans_place_under_the_same_parent_as_the_registration(
    province: Province,
) -> None:
    with province.ctx.reading() as session:
        plan = get_plan(session, PLAN)
        units = load_units(session, plan)
        keys = {k.unit_code for k in list_keys(session, status="accepted")}
    under_upper = [
        u for u in units.values() if u.parent_name != u.federation_name and u.code in keys
    ]
    assert under_upper, "the demo has a grassroots union under an upper-level union"
    unit = under_upper[0]
    cards = print_batch(
        province.ctx,
        document="key_card",
        unit_codes=[unit.code],
        single_file=False,
        out=province.out / "cards-parent",
    )
    form = documents.print_registration_form(
        province.ctx, plan_id=PLAN, unit=unit.code, out=province.out / "form-parent.pdf"
    )
    card_head = layout_pages(cards.paths[0])[0]
    form_head = layout_pages(form)[0]
    parent = vn_upper(unit.parent_name)
    assert card_head.startswith(parent) and form_head.startswith(parent)
    assert "LĐLĐ TỈNH TUYÊN QUANG" not in card_head
    assert re.search(r"Tuyên Quang, ngày \d\d tháng \d{1,2} năm \d{4}", card_head)


def test_the_units_own_key_card_has_its_forms_parent_and_place(unit_side: UnitSide) -> None:
    card_head = layout_pages(unit_side.key_card)[0]
    form_head = layout_pages(unit_side.before_export)[0]
    assert card_head.startswith("LĐLĐ HUYỆN YÊN SƠN") and form_head.startswith("LĐLĐ HUYỆN YÊN SƠN")
    assert re.search(r"Tuyên Quang, ngày \d\d tháng \d{1,2} năm \d{4}", card_head)


# --- the registration form of an upper-level union ------------------------------------------------


def _upper_form(province: Province, kind: UnitKind = UnitKind.UPPER) -> tuple[UnitInfo, Path]:
    with province.ctx.reading() as session:
        units = load_units(session, get_plan(session, PLAN))
    unit = next(u for u in units.values() if u.kind is kind)
    path = documents.print_registration_form(
        province.ctx, plan_id=PLAN, unit=unit.code, out=province.out / f"{kind}-form.pdf"
    )
    return unit, path


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))}


@pytest.mark.parametrize("kind", [UnitKind.UPPER, UnitKind.GRASSROOTS])
def test_registration_words_are_never_split_across_lines(
    province: Province, kind: UnitKind
) -> None:
    """Every word pdftotext reads is a word of the plan, the unit or the form's wording:
    a word broken across lines ("Khôn" / "g") would read as two words that are neither."""
    upper, path = _upper_form(province, kind)
    with province.ctx.reading() as session:
        plan = get_plan(session, PLAN)
        statements = load_statements(session, plan, REGISTRATION_STREAM, [upper.id])
    sources = Path(documents.__file__).parent
    vocabulary = _words(json.dumps(plan_document(plan), ensure_ascii=False))
    vocabulary |= _words(upper.name + " " + upper.parent_name + " " + upper.federation_name)
    for module in sources.glob("*.py"):
        vocabulary |= _words(module.read_text(encoding="utf-8"))
    for indicator in plan.indicators:
        vocabulary |= _words(figures.measure_text(indicator, vietnamese))
        vocabulary |= _words(figures.unit_goal_text(indicator, vietnamese))
    for statement in statements.values():
        vocabulary |= _words(repr(statement))
    vocabulary |= _words(vn_upper(" ".join(sorted(vocabulary))))
    # the package hash and key id are hexadecimal: their letters are no words
    printed = {w for w in _words(" ".join(layout_pages(path))) if not re.fullmatch("[a-f]+", w)}
    assert printed - vocabulary == set()
    if kind is UnitKind.GRASSROOTS:
        assert "Có/Không" in " ".join(layout_pages(path))


def test_upper_level_unions_header_number_and_targets(province: Province) -> None:
    upper, path = _upper_form(province)
    lines = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    left = [line[:40].strip() for line in lines[:6]]
    last_word = upper.name.upper().split()[-1]
    assert last_word not in left, "the name's number never stands alone on a line"
    assert any(part.replace("\u00a0", " ").endswith(f"SỐ {last_word}") for part in left)
    text = " ".join(layout_pages(path))
    # ký hiệu as Nghị định 30/2020 composes it: kind of document, hyphen, issuer
    assert "Số: …/ĐKTĐ-CĐCT" in text
    # no target cell left empty: a target, the grassroots unions' targets, or a dash why
    with province.ctx.reading() as session:
        plan = get_plan(session, PLAN)
    for indicator in applicable_indicators(plan, [upper], [{}]):
        assert unit_target_text(indicator, upper).strip(), indicator.code
    assert "2.000 đoàn viên" in text
    assert "không giao)" in text or "CĐCS trực thuộc:" in text


def test_the_signature_shares_its_page_with_the_last_section(province: Province) -> None:
    _upper, path = _upper_form(province)
    pages = layout_pages(path)
    signed = next(page for page in pages if "TM. BAN CHẤP HÀNH" in page)
    assert "IV. CÔNG TRÌNH, SẢN PHẨM, VIỆC LÀM THIẾT THỰC CHÀO MỪNG" in signed
    assert "quyết tâm phấn đấu hoàn thành" in signed


# --- the province summary --------------------------------------------------------------------


@pytest.mark.parametrize("part", ["province", "cluster", "upper"])
def test_summary_is_addressed_names_its_scope_and_prints_figures_at_table_size(
    province: Province, part: str
) -> None:
    with province.ctx.reading() as session:
        units = load_units(session, get_plan(session, PLAN))
        upper = next(u for u in units.values() if u.kind is UnitKind.UPPER)
        cluster = province.demo.units[0].cluster_code
        scope = {
            "province": Scope(),
            "cluster": resolve_scope(session, year=2017, cluster=cluster),
            "upper": resolve_scope(session, year=2017, unit=upper.code),
        }[part]
    path = documents.print_province_summary(
        province.ctx, plan_id=PLAN, out=province.out / f"summary-{part}.pdf", scope=scope
    )
    text = " ".join(layout_pages(path))
    assert "Kính gửi: Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam" in text
    assert "- Như Kính gửi;" in text
    phrase = {
        "province": "toàn tỉnh",
        "cluster": cluster,
        "upper": f"{upper.name} và các đơn vị trực thuộc",
    }[part]
    assert f"thi đua năm 2017 ({phrase})" in text
    assert f"I. KẾT QUẢ THEO CHỈ TIÊU CỦA KẾ HOẠCH ({vn_upper(phrase)})" in text
    # No figure (nor the arithmetic under one) below the table's size: 11 pt.
    sizes = {round(c.size, 1) for page in read_pdf(path) for c in page.chars if c.char.strip()}
    assert min(sizes) >= SMALL_TABLE_SIZE, sizes
