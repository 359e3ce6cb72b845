"""The federation's season on real widgets: receipts owed by every path and
written after a restart, the call-back number from the roster, the return →
correction loop on the conflicts page."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, update

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox, QWidget

from app.core.context import open_context
from app.demo.province import Demo, make_demo, write_report
from app.exchange.keystore import generate_keypair
from app.exchange.outcomes import Outcome
from db import models
from db.enums import REGISTRATION_STREAM
from tests.gui.federation_screens import enrolment_file, package_hash_of
from tests.gui.test_federation import FAILURES, choose_file, open_window
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog
from tests.helpers import bump

from ui.federation.accept_key_dialog import AcceptKeyDialog
from ui.federation.workspace import FederationWorkspace

UNITS = 8


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(out_dir=tmp_path / "demo", units=UNITS)


def edit(demo: Demo, statement: Any) -> None:
    """Change the demo database before the window opens (as an earlier session would)."""
    ctx = open_context(demo.database)
    try:
        with ctx.unit_of_work() as session:
            session.execute(statement)
    finally:
        ctx.close()


def apply_folder(qtbot: QtBot, workspace: FederationWorkspace, *paths: Path) -> object:
    with qtbot.waitSignal(workspace.importer.checked, timeout=60000):
        workspace.import_paths(list(paths))
    with (
        qtbot.waitSignal(workspace.dashboard.refreshed, timeout=60000),
        qtbot.waitSignal(workspace.importer.applied, timeout=60000) as applied,
    ):
        workspace.importer.apply_button.click()
    return applied.args[0]


def write_owed(qtbot: QtBot, workspace: FederationWorkspace, folder: Path) -> list[Path]:
    """The toolbar's "Giấy báo nhận…": every receipt owed, into ``folder``."""
    with qtbot.waitSignal(workspace.importer.done, timeout=30000) as done:
        workspace.receipts_action.trigger()
        choose_file(qtbot, "receipts-folder", folder)
    assert "giấy báo nhận" in done.args[0].lower() or str(folder) in done.args[0]
    return sorted(folder.glob("*.thidua"))


def test_receipts_are_owed_by_every_path_and_written_after_a_restart(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: after a restart "Giấy báo nhận" wrote 0 files without a word;
    packages merged by key acceptance or conflict resolution got no receipt; a
    returned package got one too."""
    late = demo.units[2]
    # A unit whose key the federation has not accepted yet: its enrolment comes
    # with its reports (a new CĐCS), named so the reports are read first.
    edit(demo, delete(models.SigningKey).where(models.SigningKey.unit_id == late.id))
    usb = tmp_path / "usb"
    shutil.copytree(demo.packages_dir, usb)
    enrolment_file(demo, late, late.keypair, usb / "zz_enrolment.thidua")
    conflicted = demo.units[4]
    sibling = write_report(
        conflicted,
        demo.plan,
        demo.federation_id,
        "year",
        bump(conflicted.values["year"], "2.1", 4321),
        usb,
        revision=1,
        file_name="may-2.thidua",
        created_at="2017-07-06T08:00:00+07:00",
    )
    window, workspace = open_window(qtbot, demo.database)
    summary = apply_folder(qtbot, workspace, usb)
    counts = summary.counts  # type: ignore[attr-defined]
    assert counts["pending_key"] == 4, "the reports read before the enrolment are held"
    assert counts["conflict"] == 1
    merged = 3 * (UNITS - 1)
    qtbot.waitUntil(lambda: f"({merged})" in workspace.importer.receipts_button.text())
    assert workspace.receipts_action.text() == f"Giấy báo nhận ({merged})…", "on the toolbar too"
    window.close()

    # --- a restart: the receipts still owed are the same ---
    window, workspace = open_window(qtbot, demo.database)
    page = workspace.importer
    qtbot.waitUntil(lambda: not page.receipts_button.isHidden())
    assert f"({merged})" in page.receipts_button.text()
    first = write_owed(qtbot, workspace, tmp_path / "receipts-1")
    assert len(first) == merged, FAILURES
    assert page.receipts_button.isHidden(), "nothing owed any more"
    with qtbot.waitSignal(workspace.importer.done, timeout=30000) as nothing:
        workspace.receipts_action.trigger()
    assert nothing.args[0] == (
        "Không còn giấy báo nhận nào phải ghi: mọi báo cáo đã ghi nhận đều đã có giấy báo nhận."
    )
    # Said in a box too, which offers to write them all again (a lost USB stick).
    again = find_dialog(qtbot, QMessageBox, "receipts-again")
    assert isinstance(again, QMessageBox)
    with qtbot.waitSignal(workspace.importer.done, timeout=30000):
        again.button(QMessageBox.StandardButton.Yes).click()
        choose_file(qtbot, "receipts-folder", tmp_path / "receipts-again")
    assert len(list((tmp_path / "receipts-again").glob("*.thidua"))) == merged
    assert workspace.receipts_action.text() == "Giấy báo nhận…"

    # --- the held reports merge when the key is accepted: their receipts are owed ---
    workspace.show_page("keys")
    keys = workspace.keys
    qtbot.waitUntil(lambda: keys.select(late.keypair.key_id), timeout=20000)
    accept = keys.ask_accept()
    assert isinstance(accept, AcceptKeyDialog)
    with qtbot.waitSignal(keys.decided, timeout=20000):
        type_text(accept.fingerprint, late.keypair.fingerprint)
        type_text(accept.evidence, "Phiếu đăng ký số 7/ĐK")
        accept.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "(3)" in page.receipts_button.text(), timeout=20000)
    # The run's summary says what became of its held packages (regression: it stayed
    # "waiting for a key" after the key was accepted).
    with qtbot.waitSignal(page.reopened, timeout=20000):
        page.reopen(summary.run_id)  # type: ignore[attr-defined]
    from ui.federation.import_models import ImportColumn

    outcomes = [
        str(page.model.index(r, ImportColumn.OUTCOME).data()) for r in range(page.model.rowCount())
    ]
    assert sum(o == "Chờ xác nhận khóa → nay đã ghi nhận" for o in outcomes) == 3, outcomes

    # --- the conflict, resolved by keeping the incoming version: one more owed ---
    workspace.show_page("conflicts")
    conflicts = workspace.conflicts
    qtbot.waitUntil(lambda: conflicts.detail is not None, timeout=20000)
    with qtbot.waitSignal(conflicts.resolved, timeout=20000):
        conflicts.keep_incoming.click()
        box = find_dialog(qtbot, QMessageBox, "confirm-keep")
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "(4)" in page.receipts_button.text(), timeout=20000)
    second = write_owed(qtbot, workspace, tmp_path / "receipts-2")
    assert len(second) == 4
    assert any(p.name == f"{conflicted.code}_nam-2017_lan1_giay-bao-nhan.thidua" for p in second)
    assert package_hash_of(sibling)  # the kept version is the one acknowledged
    window.close()


def test_the_call_back_number_is_the_rosters_not_the_packages(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: the phone staff were shown came from the package itself."""
    target = demo.units[1]
    edit(
        demo,
        update(models.Unit)
        .where(models.Unit.id == target.id)
        .values(phone="0207 3555 111", chair_name="Lê Văn Chính"),
    )
    impostor = generate_keypair()
    path = enrolment_file(demo, target, impostor, tmp_path / "in" / "enrol.thidua")
    window, workspace = open_window(qtbot, demo.database)
    summary = apply_folder(qtbot, workspace, path)
    assert [i.outcome for i in summary.items] == [Outcome.PENDING_KEY]  # type: ignore[attr-defined]
    workspace.show_page("keys")
    keys = workspace.keys
    qtbot.waitUntil(lambda: keys.select(impostor.key_id), timeout=20000)
    accept = keys.ask_accept()
    assert isinstance(accept, AcceptKeyDialog)
    call_back = accept.findChild(QLabel, "call-back")
    assert isinstance(call_back, QLabel)
    text = call_back.text()
    assert (
        "Gọi lại theo liên hệ trong danh sách đơn vị của Liên đoàn: Lê Văn Chính, 0207 3555 111"
        in (text)
    )
    # The package's own number is only shown as what it declares.
    call_line = next(line for line in text.splitlines() if line.startswith("Gọi lại"))
    assert "0207 3811 222" not in call_line
    assert "Khai trong gói (không gọi số này để xác nhận" in text
    assert "0207 3555 111" in keys.details.text()
    accept.reject()
    window.close()


def test_keys_out_of_sight_are_read_waiting_only_and_all_when_shown(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """A country's 126,000 keys were read again after every import, holding the worker for
    seconds: out of sight the keys page reads those waiting for a decision alone (the tab's
    count and the changed-key warning need no more), and all of them once it is shown."""
    impostor = generate_keypair()
    path = enrolment_file(demo, demo.units[1], impostor, tmp_path / "in" / "enrol.thidua")
    window, workspace = open_window(qtbot, demo.database)
    keys = workspace.keys
    assert not keys.isVisible(), "the dashboard is in sight"
    apply_folder(qtbot, workspace, path)
    qtbot.waitUntil(lambda: keys.pending_count() == 1, timeout=20000)
    assert keys.waiting_only()
    assert [r.key.keyid for r in keys.model.rows()] == [impostor.key_id]
    title = workspace.tabs.tabText(workspace.tabs.indexOf(keys))
    assert "(1)" in title and "⚠" in title, "a changed key: the unit has an accepted one"
    assert not workspace.banner.isHidden()

    workspace.show_page("keys")
    qtbot.waitUntil(lambda: len(keys.model.rows()) == UNITS + 1, timeout=20000)
    assert not keys.waiting_only()
    assert keys.pending_count() == 1 and keys.select(impostor.key_id)
    assert not keys.banner.isHidden()
    window.close()


def test_an_empty_list_of_keys_says_what_it_means(qtbot: QtBot, demo: Demo) -> None:
    """Walkthrough: the keys page opened on an empty "waiting for a decision" grid that a
    new user took for a broken page."""
    window, workspace = open_window(qtbot, demo.database)
    workspace.show_page("keys")
    keys = workspace.keys
    qtbot.waitUntil(lambda: len(keys.model.rows()) == UNITS, timeout=20000)
    assert keys.proxy.rowCount() == 0 and keys.view.showing_placeholder()
    assert keys.view.placeholder().startswith("Không có khóa nào đang chờ quyết định.")
    for index in range(keys.status_combo.count()):  # every choice of the filter
        keys.status_combo.setCurrentIndex(index)
        status = keys.status_combo.itemData(index)
        expected = {None: UNITS, "accepted": UNITS}.get(status, 0)  # every key accepted
        assert keys.proxy.rowCount() == expected, status
        assert keys.view.showing_placeholder() == (expected == 0), status
        if status not in ("pending", None):
            assert keys.view.placeholder() == "Không có khóa nào ở trạng thái này.", status
    window.close()


def test_return_then_correction_closes_the_conflict_on_screen(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: the r2 sent after a return was "không nối tiếp" and the old
    conflict stayed open; keeping its version would roll the correction back."""
    unit = demo.units[3]
    usb = tmp_path / "usb"
    shutil.copytree(demo.packages_dir, usb)
    sibling = write_report(
        unit,
        demo.plan,
        demo.federation_id,
        REGISTRATION_STREAM,
        bump(unit.values[REGISTRATION_STREAM], "2.1", 777),
        usb,
        revision=1,
        file_name="may-2.thidua",
        created_at="2017-07-06T08:00:00+07:00",
    )
    window, workspace = open_window(qtbot, demo.database)
    apply_folder(qtbot, workspace, usb)
    workspace.show_page("conflicts")
    conflicts = workspace.conflicts
    qtbot.waitUntil(lambda: conflicts.detail is not None, timeout=20000)
    assert conflicts.open_count() == 1
    back = tmp_path / "return" / "back.thidua"
    with qtbot.waitSignal(conflicts.returned, timeout=20000):
        conflicts.return_button.click()
        dialog = find_dialog(qtbot, QWidget, "return-package")
        dialog.general.setPlainText("Hai máy gửi hai bản: gửi lại một bản đúng.")  # type: ignore[attr-defined]
        dialog.path.setText(str(back))  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]
    assert back.exists()
    # The unit corrects the returned version and sends revision 2.
    (tmp_path / "usb2").mkdir()
    correction = write_report(
        unit,
        demo.plan,
        demo.federation_id,
        REGISTRATION_STREAM,
        bump(unit.values[REGISTRATION_STREAM], "2.1", 780),
        tmp_path / "usb2",
        revision=2,
        supersedes=package_hash_of(sibling),
    )
    summary = apply_folder(qtbot, workspace, correction)
    assert [i.outcome for i in summary.items] == [Outcome.UPDATED]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: conflicts.open_count() == 0, timeout=20000)
    assert not conflicts.empty.isHidden()
    tab = workspace.tabs.tabText(workspace.tabs.indexOf(conflicts))
    assert tab == "Xung đột", "no open conflict is counted on the tab"
    window.close()


def test_file_dialogs_remember_the_last_folder_of_each_purpose(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Regression: every file dialog opened in the home folder."""
    from PySide6.QtWidgets import QFileDialog

    from app.core import i18n

    from ui.widgets.dialogs import file_dialog

    i18n.set_language("vi")
    parent = QWidget()
    qtbot.addWidget(parent)
    usb = tmp_path / "USB" / "Đợt 1"
    usb.mkdir(parents=True)
    chosen: list[list[Path]] = []
    first = file_dialog(
        parent,
        name="receipts-folder",
        title="x",
        mode=QFileDialog.FileMode.Directory,
        on_chosen=chosen.append,
    )
    from PySide6.QtWidgets import QComboBox

    kinds = first.findChild(QComboBox, "fileTypeCombo")
    assert kinds is not None and kinds.itemText(0) == "Thư mục", "not Qt's “Directories”"
    first.setDirectory(str(usb.parent))
    first.selectFile(usb.name)
    first.accept()
    assert chosen == [[usb]]
    again = file_dialog(
        parent,
        name="receipts-folder",
        title="x",
        mode=QFileDialog.FileMode.Directory,
        on_chosen=chosen.append,
    )
    assert Path(again.directory().absolutePath()) == usb, "opens where it ended"
    again.reject()
    csv_folder = tmp_path / "csv"
    csv_folder.mkdir()
    other = file_dialog(
        parent, name="save-csv", title="x", mode=QFileDialog.FileMode.AnyFile, on_chosen=print
    )
    # A purpose never used opens where the last dialog ended (regression: /root).
    assert Path(other.directory().absolutePath()) == usb
    other.setDirectory(str(csv_folder))
    other.selectFile("tong-hop.csv")
    other.accept()
    again = file_dialog(
        parent,
        name="receipts-folder",
        title="x",
        mode=QFileDialog.FileMode.Directory,
        on_chosen=chosen.append,
    )
    assert Path(again.directory().absolutePath()) == usb, "each purpose keeps its own"
    again.reject()
    # The two ways of choosing packages (files, a folder) share where they ended.
    folder_dialog = file_dialog(
        parent,
        name="import-folder",
        title="x",
        mode=QFileDialog.FileMode.Directory,
        remember_as="packages",
        on_chosen=chosen.append,
    )
    folder_dialog.setDirectory(str(usb.parent))
    folder_dialog.selectFile(usb.name)
    folder_dialog.accept()
    files_dialog = file_dialog(
        parent,
        name="import-files",
        title="x",
        mode=QFileDialog.FileMode.ExistingFiles,
        remember_as="packages",
        on_chosen=chosen.append,
    )
    assert Path(files_dialog.directory().absolutePath()) == usb
    files_dialog.reject()


def test_the_file_column_shows_the_sub_folder_and_the_name(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: the file column hid the sub-folder a package came from."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem

    from ui.federation.import_models import ImportColumn

    usb = tmp_path / "usb"
    sub = usb / "Huyện Sơn Dương"
    sub.mkdir(parents=True)
    shutil.copy2(demo.files[0], sub / demo.files[0].name)
    window, workspace = open_window(qtbot, demo.database)
    with qtbot.waitSignal(workspace.importer.checked, timeout=60000):
        workspace.import_paths([usb])
    page = workspace.importer
    index = page.proxy.index(0, ImportColumn.FILE)
    assert index.data() == f"Huyện Sơn Dương/{demo.files[0].name}"
    option = QStyleOptionViewItem()
    delegate = page.view.itemDelegateForColumn(ImportColumn.FILE)
    delegate.initStyleOption(option, index)  # type: ignore[attr-defined]
    assert option.textElideMode == Qt.TextElideMode.ElideMiddle
    window.close()


def test_the_roster_unit_editor_adds_changes_and_retires_units(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: there was no way to add or change one unit on screen."""
    from PySide6.QtWidgets import QComboBox

    from ui.federation.roster_dialogs import RosterUnitDialog

    window, workspace = open_window(qtbot, demo.database)
    workspace.show_page("roster")
    roster = workspace.roster
    qtbot.waitUntil(lambda: roster.model.units() != [], timeout=20000)

    def fill(dialog: RosterUnitDialog, code: str, kind: int, sector: int) -> None:
        type_text(dialog.code, code)
        type_text(dialog.name, f"CĐCS thử {code}")
        dialog.kind.setCurrentIndex(kind)
        dialog.sector.setCurrentIndex(sector)
        dialog.parent_combo.setCurrentIndex(dialog.parent_combo.count() - 1)
        dialog.members.setValue(1200)
        type_text(dialog.email, "ct@example.vn")

    # Every kind × every sector choice, as a new chair of the federation would try them.
    saved: list[str] = []
    probe = RosterUnitDialog(roster.model.units(), None, roster)
    kinds, sectors = probe.kind.count(), probe.sector.count()
    probe.reject()
    for kind in range(kinds):
        for sector in range(sectors):
            code = f"CS-T{kind}{sector}"
            dialog = roster.ask_add()
            fill(dialog, code, kind, sector)
            grassroots_without_sector = kind == 0 and sector == 0
            if grassroots_without_sector:
                dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
                qtbot.waitUntil(lambda d=dialog: not d.problems.isHidden(), timeout=10000)  # type: ignore[misc]
                assert "Khu vực" in dialog.problems.text() and dialog.isVisible()
                assert dialog.name.text() == f"CĐCS thử {code}", "nothing typed is lost"
                dialog.reject()
                continue
            with qtbot.waitSignal(roster.unit_saved, timeout=20000):
                dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
            assert not dialog.isVisible()
            saved.append(code)
    qtbot.waitUntil(lambda: all(roster.select_unit(c) for c in saved), timeout=20000)

    # A bad e-mail is refused in the dialog, which keeps what was typed.
    dialog = roster.ask_add()
    fill(dialog, "CS-MAIL", 0, 1)
    dialog.email.clear()
    type_text(dialog.email, "ct@")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not dialog.problems.isHidden(), timeout=10000)
    assert "không phải địa chỉ thư điện tử" in dialog.problems.text()
    dialog.reject()

    # Changed: the chair and the phone; the code cannot be edited.
    assert roster.select_unit(saved[0])
    edit = roster.ask_edit()
    assert edit is not None and edit.code.isReadOnly()
    type_text(edit.chair, "Vũ Thị Hoa")
    with qtbot.waitSignal(roster.unit_saved, timeout=20000):
        edit.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(
        lambda: next(u for u in roster.model.units() if u.code == saved[0]).chair == "Vũ Thị Hoa",
        timeout=20000,
    )

    # Taken out of the year's roster, after a confirmation.
    assert roster.select_unit(saved[0])
    with qtbot.waitSignal(roster.unit_saved, timeout=20000):
        roster.retire_button.click()
        box = find_dialog(qtbot, QMessageBox, "confirm-retire")
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: saved[0] not in [u.code for u in roster.model.units()], timeout=20000)
    assert isinstance(edit.kind, QComboBox)
    window.close()


def test_the_chart_reads_every_code_shows_every_value_and_clicks_through(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: labels cut to "9a....", bars clipped at 200%, no 100% line, no
    tooltip, no click-through."""
    from PySide6.QtCharts import QBarSeries, QLineSeries, QValueAxis

    from ui.federation.units_behind import UnitsBehindDialog

    window, workspace = open_window(qtbot, demo.database)
    apply_folder(qtbot, workspace, demo.packages_dir)
    board = workspace.dashboard
    # "chưa nộp" has its count (regression: it had none).
    missing_units = {m.unit.code for m in board.board.missing} if board.board else set()
    assert board.missing_title.text() == (
        f"Chưa nộp: {board.missing_proxy.rowCount()} báo cáo của {len(missing_units)} đơn vị"
    ), "reports and units, not one number called units"
    # Every figure column is as wide as its widest figure (regression: "950.000.00…").
    from ui.federation.dashboard_models import FIRST_STREAM_COLUMN

    metrics = board.view.fontMetrics()
    for column in range(FIRST_STREAM_COLUMN, board.model.columnCount()):
        widest = max(
            metrics.horizontalAdvance(str(board.model.index(r, column).data() or ""))
            for r in range(board.model.rowCount())
        )
        assert board.view.columnWidth(column) >= widest
    board.tabs.setCurrentIndex(board.BY_INDICATOR)
    chart = board.indicator_chart.chart()
    qtbot.waitUntil(lambda: bool(board.indicator_chart.chart().series()), timeout=20000)
    chart = board.indicator_chart.chart()
    bars = next(s for s in chart.series() if isinstance(s, QBarSeries))
    line = next(s for s in chart.series() if isinstance(s, QLineSeries))
    assert {p.y() for p in line.points()} == {100.0}, "the 100% line"
    highest = max(
        float(figure.attainment or 0)
        for item in (board.board.rollups if board.board else [])
        for figure in item.figures.values()
        if figure is not None and figure.attainment is not None
    )
    [axis] = [a for a in chart.axes(Qt.Orientation.Vertical) if isinstance(a, QValueAxis)]
    assert axis.max() >= min(highest, 1000.0), "no bar is cut at 200%"
    # At most six round steps: more labels are elided to "…" on a short chart (walkthrough).
    assert axis.tickCount() <= 6
    assert axis.max() / (axis.tickCount() - 1) in (50.0, 100.0, 200.0)
    categories = chart.axes(Qt.Orientation.Horizontal)[0]
    assert categories.labelsAngle() == -90, "codes turned upright: none cut"
    assert len(board.chart_tips) == bars.barSets()[0].count()
    assert "Bấm để xem các đơn vị" in board.chart_tips[0]
    with qtbot.waitSignal(board.behind_shown, timeout=20000) as shown:
        bars.clicked.emit(0, bars.barSets()[-1])
    dialog = shown.args[0]
    assert isinstance(dialog, UnitsBehindDialog)
    dialog.reject()
    window.close()


def test_the_audit_names_the_staff_member_not_the_os_account(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: the audit and the proposals said "root" (the OS account)."""
    from sqlalchemy import select

    from PySide6.QtWidgets import QInputDialog

    window, workspace = open_window(qtbot, demo.database)
    dialog = window.ask_staff_name()
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue("  Nguyễn Thị\tHà  ")
    dialog.accept()
    roster = workspace.roster
    workspace.show_page("roster")
    qtbot.waitUntil(lambda: roster.model.units() != [], timeout=20000)
    unit = roster.ask_add()
    type_text(unit.code, "CS-STAFF")
    type_text(unit.name, "CĐCS thử người dùng")
    unit.sector.setCurrentIndex(1)
    with qtbot.waitSignal(roster.unit_saved, timeout=20000):
        unit.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    ctx = open_context(demo.database)
    try:
        with ctx.reading() as session:
            actor = session.scalar(
                select(models.AuditEntry.actor).where(models.AuditEntry.subject == "CS-STAFF")
            )
    finally:
        ctx.close()
    assert actor == "Nguyễn Thị Hà"
    window.close()


def test_roster_notes_list_every_cell_read_differently(
    qtbot: QtBot, tmp_path: Path, demo: Demo
) -> None:
    """Regression: TCVN3 names were converted silently on screen; "1.200" and "hcsn"
    were taken without a word; an unchanged roster said every unit was updated."""
    from openpyxl import load_workbook

    from app.core.legacy_text import Encoding, from_unicode
    from app.roster.template import write_roster_template

    from ui.federation.roster_dialogs import RosterNotesDialog

    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    book = load_workbook(path)
    sheet = book["Danh sách đơn vị"]
    sheet.append(
        [
            "CS-0777",
            from_unicode("Công đoàn Trường Mầm non Hoa Sen", Encoding.TCVN3),
            "CĐCS",
            "hcsn",
            "LDH-01",
            "",
            "",
            "1.200",
            None,
        ]
    )
    book.save(path)
    window, workspace = open_window(qtbot, demo.database)
    workspace.show_page("roster")
    roster = workspace.roster
    with qtbot.waitSignal(roster.imported, timeout=20000) as imported:
        roster.import_workbook(path)
    assert imported.args[0].created == 3
    dialog = roster.notes_dialog
    assert isinstance(dialog, RosterNotesDialog) and dialog.isVisible()
    model = dialog.view.model()
    said = {(model.index(r, 0).data(), model.index(r, 2).data()) for r in range(model.rowCount())}
    assert ("4", "“hcsn” được đọc là HCSN") in said
    assert ("4", "“1.200” được đọc là 1200") in said
    assert ("4", "để trống: tính là 0") in said
    assert any(text.endswith("thành “Công đoàn Trường Mầm non Hoa Sen”") for _r, text in said)
    dialog.reject()
    with qtbot.waitSignal(roster.imported, timeout=20000) as again:
        roster.import_workbook(path)
    assert (again.args[0].created, again.args[0].updated, again.args[0].unchanged) == (0, 0, 3)
    window.close()
