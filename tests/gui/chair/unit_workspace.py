"""The chair's unit workspace as the tests reach it: from its window, a value cell edited
as the delegate does, and the details a registration carries."""

from __future__ import annotations

from app.unit.workspace import StatementDetails

from ui.shell.main_window import MainWindow
from ui.unit.workspace import UnitWorkspace


def workspace_of(window: MainWindow) -> UnitWorkspace:
    assert window.unit_workspace is not None
    return window.unit_workspace


DETAILS = StatementDetails(
    signer_name="Nguyễn Văn Ân",
    signer_title="Chủ tịch",
    place="Tuyên Quang",
    movements=("LDG-DN", "XSD"),
    titles=(
        (True, "", "", "Cờ thi đua của LĐLĐ tỉnh"),
        (False, "Trần Thị Bình", "Tổ trưởng sản xuất", "Lao động giỏi"),
    ),
    works=(("Sửa chữa nhà văn hóa công nhân", "Đại hội CĐCS nhiệm kỳ 2017-2022"),),
)


def edit(model: object, code: str, text: str) -> None:
    """Type ``text`` into the value cell of ``code`` as the delegate does."""
    from ui.unit.statement_rows import Column

    index = model.index(model.row_of(code), Column.VALUE)  # type: ignore[attr-defined]
    assert model.setData(index, text)  # type: ignore[attr-defined]
