"""Reminders (công văn đôn đốc): the letters read back from the PDF, one per upper-level
union or one per unit, nothing to remind refused, and the same list as a workbook.

A demo province (one upper-level union CT-001 over CS-00001…CS-00004, CS-00005
directly under the federation); only CS-00001 sent its h1 report, on time; the h1
deadline is 15/07/2017 and CS-00003 has until 25/07/2017.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from app.core.context import AppContext, open_context
from app.core.errors import InputError
from app.demo.province import write_report
from app.printing import print_reminders
from app.rollup import (
    ReminderRequest,
    export_reminder_workbook,
    read_reminders,
    save_deadline,
    save_extension,
)
from db import models
from tests.helpers import GoldenProvince, golden_province, import_received, place_units
from tests.unit.printing.pdf_reading import (
    all_text,
    assert_liberation_serif_embedded,
    assert_within_margins,
    read_pdf,
)

PLAN = "tuyen-quang-2017"
AS_OF = dt.date(2017, 7, 20)
HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "reminders", units=6, seed=17, streams=())


@pytest.fixture
def fed(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Iterator[AppContext]:
    ctx = open_context(fresh_copy(golden.database, golden.keys))
    demo = golden.demo
    unit = models.Unit
    area = ("CS-00001", "CS-00002", "CS-00003", "CS-00004")
    place_units(ctx, demo, {**dict.fromkeys(area, "CT-001"), "CS-00005": ""})
    with ctx.unit_of_work() as session:
        session.execute(
            update(unit).where(unit.id == demo.unit("CS-00004").id).values(name=HOSTILE)
        )
        session.execute(
            update(unit)
            .where(unit.id == demo.unit("CS-00002").id)
            .values(chair_name="Nguyễn Thị Hoa", phone="0207 3822 123", email="hoa@example.vn")
        )
    files = tmp_path / "files"
    files.mkdir()
    path = write_report(
        demo.unit("CS-00001"), demo.plan, demo.federation_id, "h1", {}, files, revision=1
    )
    import_received(ctx, path, "2017-07-10T02:00:00+00:00")
    save_deadline(ctx, plan_id=PLAN, stream="h1", due_on="15/07/2017")
    save_extension(
        ctx, plan_id=PLAN, stream="h1", unit="CS-00003", due_on="25/07/2017", reason="Lũ lụt"
    )
    try:
        yield ctx
    finally:
        ctx.close()


def _request(**changes: object) -> ReminderRequest:
    base: dict[str, object] = {"plan_id": PLAN, "stream": "h1", "as_of": AS_OF}
    return ReminderRequest(**{**base, **changes})  # type: ignore[arg-type]


def test_one_letter_per_upper_level_union(fed: AppContext, tmp_path: Path) -> None:
    found = read_reminders(fed, _request())
    assert [(x.recipient.code, x.for_area) for x in found.letters] == [
        ("CS-00005", False),
        ("CT-001", True),
    ]
    # The upper-level union's own report is named apart, not counted among its units.
    assert [u.unit.code for u in found.letters[1].units] == ["CS-00002", "CS-00004"]
    own = found.letters[1].own
    assert own is not None and own.unit.code == "CT-001"
    assert {u.days_late for _l, u in found.units} == {5}

    result = print_reminders(fed, reminders=found, out=tmp_path / "nhac.pdf")
    (path,) = result.paths
    assert (result.printed, result.total) == (2, 2)
    pages = read_pdf(path)
    assert_within_margins(pages)
    assert_liberation_serif_embedded(path)
    text = all_text(pages)
    assert text.count("Kính gửi:") == 2
    assert text.count("./.") == 2
    assert text.count("Nơi nhận:") == 2
    # Each letter fits its page, and starts a new one.
    letters = [all_text([page]) for page in pages]
    assert len(letters) == 2
    second, first = letters
    for letter in letters:
        assert "Số: …/LĐLĐ-CSPL" in letter
        assert "V/v đôn đốc gửi báo cáo kết quả thi đua 6 tháng đầu năm 2017" in letter
        assert "chậm nhất ngày 15/07/2017" in letter
        assert "Đến hết ngày 20/07/2017" in letter
        assert "chậm nhất ngày 27/07/2017./." in letter
        assert "TM. BAN THƯỜNG VỤ" in letter and "Như Kính gửi;" in letter
        assert "Lưu: VT, CS-PL." in letter
    assert "Kính gửi: Ban Thường vụ Công đoàn cấp trên số 1" in first
    assert (
        "chưa nhận được báo cáo kết quả thi đua 6 tháng đầu năm 2017 của 2 đơn vị thuộc "
        "Công đoàn cấp trên số 1 và báo cáo của chính đơn vị, cụ thể như sau" in first
    )
    for listed in ("CT-001", "CS-00002", "Công đoàn cơ sở số 2", "CS-00004", HOSTILE):
        assert listed in first
    assert "5 ngày" in first
    assert "CS-00001" not in text and "CS-00003" not in text
    assert "Kính gửi: Ban Chấp hành Công đoàn cơ sở số 5" in second
    assert "(mã đơn vị CS-00005), đã quá hạn 5 ngày (hạn gửi ngày 15/07/2017)" in second
    assert "để đôn đốc" not in second


def test_one_letter_per_unit_and_the_units_not_yet_due(fed: AppContext, tmp_path: Path) -> None:
    found = read_reminders(fed, _request(per_unit=True, include_not_due=True))
    codes = [letter.recipient.code for letter in found.letters]
    assert codes == ["CS-00002", "CS-00003", "CS-00004", "CS-00005", "CT-001"]
    assert all(not letter.for_area and len(letter.units) == 1 for letter in found.letters)
    result = print_reminders(
        fed,
        reminders=found,
        out=tmp_path / "folder",
        single_file=False,
        reply_by=dt.date(2017, 7, 31),
    )
    assert [p.name for p in result.paths] == [f"{c}_don-doc-h1.pdf" for c in codes]
    by_code = dict(zip(codes, (all_text(read_pdf(p)) for p in result.paths), strict=True))
    three = by_code["CS-00003"]
    assert "(hạn gửi ngày 25/07/2017, đã được gia hạn)" in three
    assert "chậm nhất ngày 31/07/2017./." in three
    assert "Ban Thường vụ Công đoàn cấp trên số 1 (để đôn đốc);" in three
    assert "Kính gửi: Ban Thường vụ Công đoàn cấp trên số 1" in by_code["CT-001"]
    assert "để đôn đốc" not in by_code["CS-00005"]


def test_nothing_to_remind_writes_nothing(fed: AppContext, tmp_path: Path) -> None:
    # Registration has no deadline: every unit is behind, none past its last day.
    found = read_reminders(fed, _request(stream="registration"))
    assert found.letters == () and found.missing == 6
    out = tmp_path / "none.pdf"
    with pytest.raises(InputError) as raised:
        print_reminders(fed, reminders=found, out=out)
    assert "6" in raised.value.translated()
    assert not out.exists()
    with pytest.raises(InputError):
        export_reminder_workbook(found, tmp_path / "none.xlsx")
    assert not (tmp_path / "none.xlsx").exists()
    # Counted before CS-00001's report arrived, it is behind as well; after, it is not.
    early = read_reminders(fed, _request(as_of=dt.date(2017, 7, 9), include_not_due=True))
    assert "CS-00001" in {u.unit.code for _l, u in early.units}
    with pytest.raises(InputError):
        read_reminders(fed, _request(stream="quý 3"))
    with pytest.raises(InputError):
        print_reminders(fed, reminders=early, out=out, reply_by=dt.date(2017, 7, 9))
    assert not out.exists()


def test_no_deadline_set_says_so(fed: AppContext, tmp_path: Path) -> None:
    """Registration has no deadline: the refusal says so and where to set one; asked
    for anyway, the letters and the workbook print "Chưa đặt hạn", never "Chưa đến hạn"."""
    from app.core import i18n

    i18n.set_language("vi")
    found = read_reminders(fed, _request(stream="registration"))
    with pytest.raises(InputError) as raised:
        found.require_letters()
    text = raised.value.translated()
    assert "Chưa đặt hạn nộp" in text and "“Hạn nộp…”" in text
    assert "Đôn đốc cả các đơn vị chưa đến hạn" in text and "chưa đến hạn nộp" not in text
    anyway = read_reminders(fed, _request(stream="registration", include_not_due=True))
    result = print_reminders(fed, reminders=anyway, out=tmp_path / "dk.pdf")
    printed = all_text(read_pdf(result.paths[0]))
    assert "Chưa đặt hạn" in printed and "Chưa đến hạn" not in printed
    written = export_reminder_workbook(anyway, tmp_path / "dk.xlsx")
    sheet = load_workbook(written.path).active
    assert sheet is not None
    assert "chưa đặt hạn" in str(sheet.cell(row=2, column=1).value)
    days = {row[6] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert days == {"Chưa đặt hạn"}


def test_the_workbook_lists_the_same_units(fed: AppContext, tmp_path: Path) -> None:
    found = read_reminders(fed, _request(include_not_due=True))
    written = export_reminder_workbook(found, tmp_path / "nhac.xlsx")
    assert written.rows == 5
    sheet = load_workbook(written.path).active
    assert sheet is not None
    direct, *rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert direct[:2] == ("Công đoàn cơ sở số 5", "CS-00005")
    assert [r[1] for r in rows] == ["CS-00002", "CS-00003", "CS-00004", "CT-001"]
    assert {r[0] for r in rows} == {"Công đoàn cấp trên số 1"}
    two = rows[0]
    assert two[2:] == (
        "Công đoàn cơ sở số 2",
        "6 tháng đầu năm 2017",
        dt.datetime(2017, 7, 15),
        None,
        5,
        "Nguyễn Thị Hoa",
        "0207 3822 123",
        "hoa@example.vn",
    )
    assert rows[1][5:7] == (dt.datetime(2017, 7, 25), "Chưa đến hạn")
    hostile = sheet.cell(row=7, column=3)
    assert hostile.value == HOSTILE and hostile.data_type == "s"
    assert "hạn gửi: 15/07/2017" in str(sheet.cell(row=2, column=1).value)
