"""The unit's Excel import preview lists the cells typed in an old Vietnamese font:
every one converted (with its encoding) and every one left as it was (with why)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core import domain
from app.core.context import open_context
from app.core.i18n import set_language
from app.plans import get_plan
from app.setup.first_run import initialize
from app.unit import WorkbookPreview, preview_workbook
from db.enums import Role
from tests.gui.screen_size import check
from tests.legacy_workbooks import new_unit, office_template

from ui.unit.import_preview import ImportPreviewDialog
from ui.widgets.legacy_cells import LegacyColumn

PLAN = "tuyen-quang-2017"


def _preview(tmp_path: Path, legacy: bool) -> tuple[domain.Plan, WorkbookPreview]:
    ctx, _own = new_unit(tmp_path / "unit.db")
    if legacy:
        path = office_template(ctx, tmp_path / "mau.xlsx")
    else:
        from app.unit import write_template

        path = write_template(ctx, plan_id=PLAN, stream="registration", out=tmp_path / "m.xlsx")
    preview = preview_workbook(ctx, path=path, plan_id=PLAN)
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    ctx.close()
    return plan, preview


@pytest.mark.parametrize("legacy", [True, False], ids=["old fonts", "unicode"])
def test_the_preview_lists_converted_and_left_cells(
    qtbot: QtBot, tmp_path: Path, scale: float, legacy: bool
) -> None:
    set_language("vi")
    plan, preview = _preview(tmp_path, legacy)
    dialog = ImportPreviewDialog(plan, preview, lambda s: s)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.legacy
    if not legacy:
        assert not box.isVisible()
        assert box.table.rowCount() == 0
        return
    assert box.isVisible()
    check(dialog, "excel import with old fonts")
    assert box.summary.text() == (
        "2 ô đã chuyển từ phông tiếng Việt cũ (TCVN3: 1, VNI: 1); "
        "1 ô có thể gõ bằng phông cũ được giữ nguyên."
    )
    table = box.table

    def text(row: int, column: int) -> str:
        item = table.item(row, column)
        assert item is not None
        return item.text()

    rows = [tuple(text(r, c) for c in LegacyColumn) for r in range(table.rowCount())]
    assert [row[1] for row in rows] == [
        "KÕt n¹p ®oµn viªn míi ë ph©n x\xadëng",
        "Toå 2 vaø toå 3",
        "Tæ",
    ]
    assert rows[0][2] == "Kết nạp đoàn viên mới ở phân xưởng (từ TCVN3)"
    assert rows[1][2] == "Tổ 2 và tổ 3 (từ VNI)"
    assert rows[2][2].startswith("“Tæ” có thể được gõ bằng phông tiếng Việt cũ nhưng được giữ")
    assert all(row[0].endswith(tuple("0123456789")) and "!" in row[0] for row in rows)
    # Keyboard: the table takes focus with Tab and Esc cancels without importing.
    dialog.grab().save(str(tmp_path / "preview.png"))
    dialog.reject()
    assert dialog.result() == 0


def test_the_roster_notes_count_and_list_legacy_cells(
    qtbot: QtBot, tmp_path: Path, scale: float
) -> None:
    from app.roster.workbook_import import import_roster
    from tests.unit.test_legacy_imports import _office_roster

    from ui.federation.roster_dialogs import RosterNotesDialog

    set_language("vi")
    ctx = open_context(tmp_path / "fed.db")
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    path = tmp_path / "danh-sach.xlsx"
    _office_roster(path)
    with ctx.unit_of_work() as session:
        result = import_roster(session, path=path, year=2017)
    ctx.close()
    dialog = RosterNotesDialog(path, list(result.notes), None, legacy=result.legacy)
    qtbot.addWidget(dialog)
    dialog.show()
    check(dialog, "roster notes with old fonts")
    assert dialog.intro.text().endswith(
        "4 ô đã chuyển từ phông tiếng Việt cũ (TCVN3: 3, VNI: 1); "
        "1 ô có thể gõ bằng phông cũ được giữ nguyên."
    )
    model = dialog.view.model()
    said = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert said.count("gõ bằng bảng mã TCVN3: “Côm 1” đã chuyển thành “Cụm 1”") == 3
    assert "gõ bằng bảng mã VNI: “Noâng Thò Hoa” đã chuyển thành “Nông Thị Hoa”" in said
    assert any(text.startswith("“Lª” dùng phông tiếng Việt cũ nhưng được giữ") for text in said)
    dialog.reject()
