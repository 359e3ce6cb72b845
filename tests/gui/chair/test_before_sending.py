"""Before sending, and what the report says in words.

The chair's first hour, through the real widgets (the windows are the fixtures of this
folder's conftest)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core import domain
from app.core.context import AppContext
from app.unit.workspace import load_workspace, set_details
from db.enums import REGISTRATION_STREAM
from tests.gui.chair.unit_workspace import DETAILS, workspace_of
from tests.gui.typing import type_text
from tests.gui.widgets import cell, context_of
from tests.helpers import PLAN

from ui.shell.main_window import MainWindow

# --- before sending, and what the report says in words -------------------------------------------


def test_the_review_before_sending_warns_but_never_blocks(
    qtbot: QtBot, tmp_path: Path, pinned_window: tuple[MainWindow, AppContext]
) -> None:
    from tests.gui.test_unit_workflow import export
    from tests.gui.widgets import find_dialog

    from ui.unit.review import ReviewDialog

    window, _fed = pinned_window
    workspace = workspace_of(window)
    ctx = context_of(window)
    from app.unit.workspace import set_value

    def put(code: str, value: domain.UnitValue) -> None:
        set_value(ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, code=code, value=value)

    put("2.1", domain.UnitValue(amount=25))
    put("2.3", domain.UnitValue(numerator=70, denominator=100))  # below "trên 85%"
    put("7.1", domain.UnitValue(amount=200_000_000_000))  # 200 tỷ: an extra zero or three
    set_details(ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, details=DETAILS)
    workspace.reload()
    workspace.export_action.trigger()
    review = find_dialog(qtbot, ReviewDialog, "confirm-export")
    assert isinstance(review, ReviewDialog)
    assert "chưa nhập" in review.empty_label.text()
    # Each empty indicator is named, not only coded.
    assert "• 9b " in review.empty_label.text() or "• 8 " in review.empty_label.text()
    warnings = review.warnings_label.text()
    assert "2.3: mức đăng ký 70/100 (70,0%) thấp hơn chỉ tiêu (trên 85%)" in warnings
    assert "7.1: 200.000.000.000\u00a0đ lớn bất thường" in warnings
    assert review.send_button.isEnabled(), "a warning never blocks"
    review.reject()

    usb = tmp_path / "usb"
    usb.mkdir()
    export(qtbot, workspace, usb / "CS-0001_registration_r1.thidua")
    put("2.1", domain.UnitValue(amount=30))
    workspace.reload()
    workspace.export_action.trigger()
    again = find_dialog(qtbot, ReviewDialog, "confirm-export")
    assert isinstance(again, ReviewDialog) and again is not review
    rows = {
        cell(again.changes, r, 0).text(): (
            cell(again.changes, r, 1).text(),
            cell(again.changes, r, 2).text(),
        )
        for r in range(again.changes.rowCount())
    }
    assert rows == {"2.1": ("25", "30")}
    again.reject()


def test_a_period_report_carries_its_narrative_to_the_federation_and_onto_paper(
    qtbot: QtBot, tmp_path: Path, pinned_window: tuple[MainWindow, AppContext]
) -> None:
    from app.exchange.merge import import_packages
    from app.printing.documents import print_results_report
    from app.unit.workspace import set_value
    from tests.gui.test_unit_workflow import export
    from tests.one_truth import pdf_text

    window, fed = pinned_window
    workspace = workspace_of(window)
    ctx = context_of(window)
    set_value(ctx, plan_id=PLAN, stream="h1", code="2.1", value=domain.UnitValue(amount=12))
    workspace.reload()
    page = workspace.page("h1")
    workspace.tabs.setCurrentWidget(page)
    details = page.details
    assert details._narrative_box.isVisibleTo(page)
    assert not workspace.page(REGISTRATION_STREAM).details._narrative_box.isVisibleTo(
        workspace.page(REGISTRATION_STREAM)
    )
    type_text(details.signer_name, "Nguyễn Văn Ân")
    details.signer_name.editingFinished.emit()
    details.assessment.setPlainText("Phong trào thi đua được triển khai sâu rộng.")
    details.shortcomings.setPlainText("Một số chỉ tiêu còn chậm.")
    details.direction.setPlainText("Tập trung phát triển đoàn viên quý III.")
    details.flush()
    saved = load_workspace(ctx).details["h1"].narrative
    assert saved.shortcomings == "Một số chỉ tiêu còn chậm."
    usb = tmp_path / "usb"
    usb.mkdir()
    export(qtbot, workspace, usb / "CS-0001_h1_r1.thidua")
    import_packages(fed, paths=[usb], dry_run=False)  # the key is pending: held
    from app.exchange import federation
    from app.exchange.key_status import KeyStatus
    from app.exchange.keys import list_keys

    with fed.reading() as session:
        [key] = list_keys(session, status="pending")
    federation.decide_key(
        fed, keyid=key.keyid, decision=KeyStatus.ACCEPTED, fingerprint=key.fingerprint
    )
    pdf = print_results_report(
        fed, plan_id=PLAN, period="h1", unit="CS-0001", out=tmp_path / "kq.pdf"
    )
    text = pdf_text(pdf)
    assert "II. ĐÁNH GIÁ CHUNG Phong trào thi đua được triển khai sâu rộng." in text
    assert "III. TỒN TẠI, HẠN CHẾ Một số chỉ tiêu còn chậm." in text
    assert (
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI Tập trung phát triển đoàn viên quý III." in text
    )
    assert "./." in text
