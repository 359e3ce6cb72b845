"""The federation staff's whole path through the real widgets, on a real database.

A province made by the demo generator (66 units, their keys accepted) is
opened in the window. Staff import a roster workbook with a new unit,
write the plan packages, then drop a USB folder of ~200 unit packages with
duplicates, a corrected and an older revision, a conflict, a tampered file,
an unknown key, a changed key and the new unit's enrolment. The dry-run
table shows each outcome and its reason, Apply gives the expected summary,
the dashboard shows the totals computed here from the generated values,
and deciding the key and the conflict moves the dashboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QWidget,
)

from app.core import i18n
from app.core.context import open_context
from app.core.domain import UnitValue
from app.core.format import format_number, format_percent, format_vnd
from app.core.i18n import gettext
from app.core.preferences import Preferences
from app.demo.province import Demo, DemoUnit, make_demo
from app.exchange.outcomes import Outcome
from app.exchange.signing import MSG_BAD_SIGNATURE
from app.roster.tree import list_roster
from db.enums import REGISTRATION_STREAM, Sector, UnitKind
from tests.gui.federation_screens import (
    NEW_UNIT_CODE,
    DropFolder,
    build_drop_folder,
    new_unit_row,
    roster_workbook_with_new_unit,
)
from tests.gui.typing import type_text
from tests.gui.widgets import drop_files, find_dialog

from ui.federation.accept_key_dialog import AcceptKeyDialog
from ui.federation.conflict_models import CompareColumn
from ui.federation.import_models import ImportColumn
from ui.federation.units_behind import BehindColumn, UnitsBehindDialog
from ui.federation.workspace import FederationWorkspace
from ui.shell.main_window import MainWindow

UNITS = 66  # x 3 streams = 198 packages from the generator
#: What the workspace reported as failed (shown in assertion messages).
FAILURES: list[str] = []
ENTERPRISE = (Sector.STATE_ENTERPRISE, Sector.NON_STATE_ENTERPRISE, Sector.FDI)


# --- helpers ------------------------------------------------------------------------------


def choose_file(qtbot: QtBot, name: str, path: Path) -> None:
    """Pick ``path`` in the open file dialog ``name`` (a folder is made first, as staff would)."""
    dialog = find_dialog(qtbot, QFileDialog, name)
    assert isinstance(dialog, QFileDialog)
    if dialog.fileMode() is QFileDialog.FileMode.Directory:
        path.mkdir(parents=True, exist_ok=True)
        dialog.setDirectory(str(path.parent))
        dialog.selectFile(path.name)
    else:
        dialog.setDirectory(str(path.parent))
        dialog.selectFile(path.name)
    assert dialog.selectedFiles() == [str(path)]
    dialog.accept()


def drop(widget: QWidget, *paths: Path) -> None:
    """Drag files or folders from the file manager and drop them on ``widget``."""
    assert drop_files(widget, *paths), "the workspace accepts dropped folders"


def open_window(qtbot: QtBot, database: Path) -> tuple[MainWindow, FederationWorkspace]:
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=20000) as shown:
        window.start()
    assert shown.args == ["tuyen-quang-2017"]
    workspace = window.federation_workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.dashboard.board is not None, timeout=20000)
    workspace.failed.connect(FAILURES.append)
    return window, workspace


def amount(unit: DemoUnit, stream: str, code: str) -> int:
    value = unit.values.get(stream, {}).get(code)
    return (value.amount or 0) if value is not None else 0


def counted(
    units: list[DemoUnit], stream: str, code: str, instead: dict[str, UnitValue] | None = None
) -> int:
    """Σ of an indicator that counts the levels once (2.1, 7.1): a unit whose upper-level
    union (among ``units``) reported is in that union's area total. ``instead``: values
    replacing the generated ones, by unit id."""
    amounts: dict[str, int] = {}
    for unit in units:
        value = (instead or {}).get(unit.id, unit.values.get(stream, {}).get(code))
        if value is not None and value.amount is not None:
            amounts[unit.id] = value.amount
    parents = {u.id: u.parent_id for u in units}
    return sum(a for i, a in amounts.items() if parents[i] not in amounts)


def ratio(units: list[DemoUnit], stream: str, code: str) -> tuple[int, int]:
    numerator = denominator = 0
    for unit in units:
        value = unit.values.get(stream, {}).get(code)
        if value is not None:
            numerator += value.numerator or 0
            denominator += value.denominator or 0
    return numerator, denominator


def figure(
    workspace: FederationWorkspace, code: str, stream: str, wording: str | None = None
) -> str:
    model = workspace.dashboard.model
    row = model.row_of(code, wording)
    return str(model.data(model.index(row, model.figure_column(stream))))


def dropped(usb: Any, key: str) -> str:
    """A dropped file as the import names it: its path within the folder dropped."""
    return str(usb.files[key].relative_to(usb.folder))


def outcome_rows(workspace: FederationWorkspace, outcome: Outcome) -> list[tuple[str, str]]:
    """(file, reason) of the rows the outcome filter shows, read from the view's model."""
    page = workspace.importer
    page.set_filter(outcome.value)
    proxy = page.proxy
    return [
        (
            str(proxy.index(row, ImportColumn.FILE).data()),
            str(proxy.index(row, ImportColumn.REASON).data()),
        )
        for row in range(proxy.rowCount())
    ]


# --- the province -------------------------------------------------------------------------


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Demo]:
    yield make_demo(out_dir=tmp_path / "demo", units=UNITS)


def test_federation_imports_a_usb_folder_and_follows_the_plan(
    qtbot: QtBot, tmp_path: Path, province: Demo
) -> None:
    demo = province
    window, workspace = open_window(qtbot, demo.database)
    assert workspace.dashboard.board is not None
    assert all(c.received == 0 for c in workspace.dashboard.board.coverage)

    # --- the roster: a bad workbook is refused with its rows, the good one adds a unit ---
    from openpyxl import load_workbook

    good = roster_workbook_with_new_unit(demo, tmp_path / "roster.xlsx")
    bad = tmp_path / "roster-bad.xlsx"
    workbook = load_workbook(good)
    sheet = workbook.worksheets[0]
    row = new_unit_row()
    row[0], row[2] = "CS-BAD01", "Hợp tác xã"
    sheet.append(row)
    workbook.save(bad)
    workspace.show_page("roster")
    roster = workspace.roster
    with qtbot.waitSignal(roster.import_failed, timeout=20000) as failure:
        roster.import_button.click()
        choose_file(qtbot, "roster-workbook", bad)
    errors_dialog = failure.args[0]
    assert [(e.row, e.column) for e in errors_dialog.errors] == [(sheet.max_row, "kind")]
    assert errors_dialog.view.model().index(0, 2).data() == "loại đơn vị “Hợp tác xã” không hợp lệ"
    errors_dialog.reject()
    with (
        qtbot.waitSignal(roster.loaded, timeout=20000),
        qtbot.waitSignal(roster.imported, timeout=20000) as imported,
    ):
        roster.import_button.click()
        choose_file(qtbot, "roster-workbook", good)
    result = imported.args[0]
    assert (result.created, result.updated, result.unchanged) == (1, 0, UNITS)
    notes = roster.notes_dialog if result.notes else None
    if notes is not None:
        notes.reject()
    type_text(roster.search, "moi thanh lap")  # no diacritics typed
    qtbot.waitUntil(  # the search runs when typing pauses
        lambda: roster.visible_codes() == ["", "CT-001", NEW_UNIT_CODE], timeout=5000
    )
    roster.search.clear()
    ctx = open_context(demo.database)
    with ctx.reading() as session:
        roster_units = list_roster(session, year=demo.plan.year)
    ctx.close()
    new_id = next(u.id for u in roster_units if u.code == NEW_UNIT_CODE)

    # --- plan packages for every unit of the roster ---
    workspace.show_page("plan")
    qtbot.waitUntil(lambda: bool(workspace.plan_page.choices), timeout=20000)
    plans_out = tmp_path / "plan-packages"
    with qtbot.waitSignal(workspace.plan_page.exported, timeout=60000, raising=False) as exported:
        workspace.plan_page.export_button.click()
        dialog = find_dialog(qtbot, QWidget, "export-plan-packages")
        dialog.folder.setText(str(plans_out))  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]
    assert len(exported.args[0]) == UNITS + 1, FAILURES
    assert (plans_out / f"{NEW_UNIT_CODE}_plan_2017.thidua").exists()

    # --- the USB folder, dropped on the window: the dry run fills the table ---
    usb = build_drop_folder(demo, tmp_path / "usb", new_unit_id=new_id)
    total = sum(usb.counts.values())
    assert 200 <= total <= 215
    with qtbot.waitSignal(workspace.importer.checked, timeout=60000) as checked:
        drop(workspace, usb.folder)
        assert workspace.tabs.currentWidget() is workspace.importer
    assert checked.args[0].dry_run and checked.args[0].counts == usb.counts
    assert workspace.importer.model.rowCount() == total
    assert not workspace.importer.apply_button.isHidden()
    rejected = dict(outcome_rows(workspace, Outcome.REJECTED))
    assert rejected[dropped(usb, "tampered")] == gettext(MSG_BAD_SIGNATURE)
    assert rejected[dropped(usb, "unknown")] == (
        "Gói được ký bằng khóa mà Liên đoàn chưa biết. Đơn vị cần gửi gói đăng ký khóa trước."
    )
    older_reason = gettext("Older than the revision already recorded ({revision}).").format(
        revision=2
    )
    first_r1 = f"{usb.updated.code}_{REGISTRATION_STREAM}_r1.thidua"
    assert sorted(outcome_rows(workspace, Outcome.OLDER)) == sorted(
        [(first_r1, older_reason), (dropped(usb, "older"), older_reason)]
    ), "in one run with its r2, the r1 is older whatever the order"
    [(conflict_file, conflict_reason)] = outcome_rows(workspace, Outcome.CONFLICT)
    assert conflict_file == dropped(usb, "conflict")
    assert usb.conflicted.code in conflict_reason
    duplicates = outcome_rows(workspace, Outcome.DUPLICATE)
    assert len(duplicates) == 3
    # Copies of files in the same folder name the file they copy.
    assert all(r.startswith("Bản sao của tệp ") for _f, r in duplicates), duplicates
    assert outcome_rows(workspace, Outcome.UPDATED) == []
    assert dropped(usb, "updated") in [f for f, _r in outcome_rows(workspace, Outcome.NEW)]
    pending = outcome_rows(workspace, Outcome.PENDING_KEY)
    assert len(pending) == 3 and all(reason for _f, reason in pending)
    assert len(outcome_rows(workspace, Outcome.NEW)) == len(demo.files)
    workspace.importer.set_filter("all")
    assert workspace.dashboard.board is not None
    assert workspace.dashboard.board.coverage[0].received == 0, "a dry run writes nothing"

    # --- Apply: the summary, saved, reopened, exported as CSV ---
    with (
        qtbot.waitSignal(workspace.dashboard.refreshed, timeout=60000),
        qtbot.waitSignal(workspace.importer.applied, timeout=120000) as applied,
    ):
        workspace.importer.apply_button.click()
    summary = applied.args[0]
    assert summary.counts == usb.counts and summary.run_id is not None
    status = workspace.importer.status.text()
    for word in ("Mới 198", "trùng 3", "cũ hơn 2", "xung đột 1", "bị từ chối 2"):
        assert word in status, status
    assert "conflicts" in status and "keys" in status, "links to what needs attention"
    csv_path = tmp_path / "summary.csv"
    with qtbot.waitSignal(workspace.importer.done, timeout=20000):
        workspace.importer.csv_button.click()
        choose_file(qtbot, "save-csv", csv_path)
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == total + 1
    assert lines[0].startswith("Tệp;Mã đơn vị;Tên đơn vị;Loại;Kế hoạch;")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf"), "a BOM: Excel reads it as UTF-8"
    assert any(";Mới;" in line for line in lines[1:]), "outcomes in words, not codes"
    with qtbot.waitSignal(workspace.importer.reopened, timeout=20000) as reopened:
        workspace.importer.reopen(summary.run_id)
    assert reopened.args[0].counts == usb.counts
    receipts = tmp_path / "receipts"
    with qtbot.waitSignal(workspace.importer.done, timeout=30000):
        workspace.importer.receipts_button.click()
        choose_file(qtbot, "receipts-folder", receipts)
    # One receipt per stream merged (revision 1 of the corrected one is owed none).
    assert len(list(receipts.glob("*.thidua"))) == usb.counts["new"]

    # --- the dashboard against totals computed from the generated values ---
    units = demo.units

    def registration_21(*more: tuple[DemoUnit, int]) -> int:
        instead = {usb.updated.id: usb.updated_registration["2.1"]}
        instead.update({unit.id: UnitValue(amount=value) for unit, value in more})
        listed = [*units, *(unit for unit, _value in more)]
        return counted(listed, REGISTRATION_STREAM, "2.1", instead)

    year_21 = counted(units, "year", "2.1")
    workspace.show_page("dashboard")
    assert figure(workspace, "2.1", REGISTRATION_STREAM) == format_number(registration_21())
    assert figure(workspace, "2.1", "year") == format_number(year_21)
    money = counted(units, REGISTRATION_STREAM, "7.1")
    assert figure(workspace, "7.1", REGISTRATION_STREAM) == format_vnd(money)
    enterprises = [u for u in units if u.kind is UnitKind.GRASSROOTS and u.sector in ENTERPRISE]
    numerator, denominator = ratio(enterprises, "h1", "2.3")
    assert figure(workspace, "2.3", "h1") == format_percent(
        Decimal(numerator) * 100 / Decimal(denominator)
    )
    board = workspace.dashboard.board
    assert board is not None
    coverage = {c.stream: (c.received, c.expected) for c in board.coverage}
    assert coverage[REGISTRATION_STREAM] == (UNITS, UNITS + 1), "the new unit is held"
    missing = workspace.dashboard.missing_model
    rows = [missing.row_at(r) for r in range(missing.rowCount())]
    held = [r for r in rows if r.unit.code == NEW_UNIT_CODE and r.stream == REGISTRATION_STREAM]
    assert held and held[0].held == "pending_key"
    assert held[0].unit.phone == "0207 3811 222", "with the contact to call"

    # Click-through: the units behind the year's Σ of 2.1.
    model = workspace.dashboard.model
    index = model.index(model.row_of("2.1"), model.figure_column("year"))
    with qtbot.waitSignal(workspace.dashboard.behind_shown, timeout=20000) as behind:
        workspace.dashboard.view.activated.emit(index)
    dialog = behind.args[0]
    assert isinstance(dialog, UnitsBehindDialog)
    figures = [dialog.model.row_at(r) for r in range(dialog.model.rowCount())]
    # Every unit the roll-up counts for 2.1: the roster's units and the new one; never the
    # federation itself (it sends no package and is no reporting unit).
    assert len(figures) == model.rollup_at(model.row_of("2.1")).applicable_units == UNITS + 1
    assert year_21 == sum(
        (f.value.amount or 0) for f in figures if f.value is not None and not f.in_area_total
    )
    # The list says which values the Σ does not add again (within an upper-level union's
    # area total: the walkthrough's list "did not add up"), and hides the per-unit verdict
    # a total has none of.
    within = [r for r, f in enumerate(figures) if f.in_area_total and f.value is not None]
    assert within, "the demo's upper-level unions report 2.1 for their areas"
    for r in range(len(figures)):
        text = dialog.model.data(dialog.model.index(r, BehindColumn.VALUE))
        assert ("nằm trong tổng của công đoàn cấp trên trực tiếp cơ sở" in text) == (r in within)
    assert dialog.view.isColumnHidden(BehindColumn.VERDICT)
    metrics = dialog.view.fontMetrics()
    for r in within:  # on one line, whole
        text = dialog.model.data(dialog.model.index(r, BehindColumn.VALUE))
        assert metrics.horizontalAdvance(text) < dialog.view.columnWidth(BehindColumn.VALUE)
    assert f"{len(within)} giá trị trong danh sách nằm trong tổng" in dialog.summary.text()
    dialog.reject()

    # Scope: one cluster's totals are its units' sums.
    cluster = "Cụm CĐCS 1"
    members = [u for u in units if u.cluster_code == cluster]
    with qtbot.waitSignal(workspace.dashboard.refreshed, timeout=20000):
        from app.rollup.dashboard import ScopeKind

        workspace.dashboard.choose_scope(ScopeKind.CLUSTER, cluster)
    assert figure(workspace, "2.1", "year") == format_number(counted(members, "year", "2.1"))
    with qtbot.waitSignal(workspace.dashboard.refreshed, timeout=20000):
        workspace.dashboard.choose_scope(ScopeKind.PROVINCE)

    # --- enrolment: the changed key cannot be missed; the new unit's key is confirmed ---
    workspace.show_page("keys")
    keys = workspace.keys
    qtbot.waitUntil(lambda: keys.pending_count() == 2, timeout=20000)
    assert not keys.banner.isHidden() and usb.changed_key.code in keys.banner.text()
    assert not workspace.banner.isHidden(), "the warning shows on every page"
    assert "⚠" in workspace.tabs.tabText(workspace.tabs.indexOf(keys))
    assert keys.select(usb.changed_keypair.key_id)
    accept = keys.ask_accept()
    assert isinstance(accept, AcceptKeyDialog)
    ok = accept.buttons.button(QDialogButtonBox.StandardButton.Ok)
    type_text(accept.fingerprint, usb.changed_keypair.fingerprint)
    type_text(accept.evidence, "Điện thoại với chủ tịch")
    assert not ok.isEnabled(), "a changed key needs the explicit confirmation"
    assert not accept.changed.isHidden()
    accept.reject()
    with qtbot.waitSignal(keys.decided, timeout=20000) as decided:
        refuse = keys.ask_refuse()
        assert isinstance(refuse, QInputDialog)
        refuse.setTextValue("Chủ tịch không gửi khóa mới")
        refuse.accept()
    assert decided.args[0].status == "refused"

    new_unit = usb.new_unit
    assert new_unit is not None
    qtbot.waitUntil(lambda: keys.select(new_unit.keypair.key_id), timeout=20000)
    accept = keys.ask_accept()
    assert isinstance(accept, AcceptKeyDialog)
    shown = " ".join(label.text() for label in accept.findChildren(QLabel))
    assert new_unit.keypair.fingerprint not in shown, "it asks for the fingerprint, never shows it"
    wrong = new_unit.keypair.fingerprint[:-1] + (
        "0" if new_unit.keypair.fingerprint[-1] != "0" else "1"
    )
    # The call-back number is the roster's, never the one the package carries.
    call_back = accept.findChild(QLabel, "call-back")
    assert call_back is not None
    assert (
        "Gọi lại theo liên hệ trong danh sách đơn vị của Liên đoàn: Trần Thị Bình, 0207 3811 222"
        in (call_back.text())
    )
    # A wrong fingerprint keeps the dialog open with everything typed in it.
    type_text(accept.fingerprint, wrong)
    type_text(accept.evidence, "Phiếu đăng ký số 12/ĐK")
    accept.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert accept.isVisible(), "not closed on a mismatch"
    assert not accept.mismatch.isHidden()
    assert accept.mismatch.text().startswith("Dấu vân tay không khớp với khóa này.")
    assert (accept.fingerprint.text(), accept.evidence.text()) == (wrong, "Phiếu đăng ký số 12/ĐK")
    with (
        qtbot.waitSignal(workspace.dashboard.refreshed, timeout=30000),
        qtbot.waitSignal(keys.decided, timeout=20000) as decided,
    ):
        accept.fingerprint.clear()
        type_text(accept.fingerprint, new_unit.keypair.fingerprint.replace("-", " "))
        assert accept.mismatch.isHidden()
        accept.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert decided.args[0].status == "accepted"
    # (A refresh started by the refusal above may end first: wait for the figure.)
    # the roster puts it under CT-001 (new_unit_row), whose 2.1 is its area's total
    ct001 = next(u.id for u in units if u.code == "CT-001")
    under_ct001 = dataclasses.replace(new_unit, parent_id=ct001)
    qtbot.waitUntil(
        lambda: (
            figure(workspace, "2.1", REGISTRATION_STREAM)
            == format_number(registration_21((under_ct001, 12)))
        ),
        timeout=30000,
    )

    # --- the conflict: side by side, returned with comments, then decided ---
    workspace.show_page("conflicts")
    conflicts = workspace.conflicts
    qtbot.waitUntil(lambda: conflicts.detail is not None, timeout=20000)
    detail = conflicts.detail
    assert detail is not None and detail.row.unit_code == usb.conflicted.code
    assert detail.differing_codes == ["2.1"]
    compare = conflicts.compare_model
    row_21 = next(r for r in range(compare.rowCount()) if compare.index(r, 0).data() == "2.1")
    current_cell = compare.index(row_21, CompareColumn.CURRENT)
    incoming_cell = compare.index(row_21, CompareColumn.INCOMING)
    assert current_cell.data() == format_number(amount(usb.conflicted, "year", "2.1"))
    assert incoming_cell.data() == format_number(usb.conflict_year["2.1"].amount or 0)
    assert current_cell.data(Qt.ItemDataRole.BackgroundRole) is not None, "highlighted"
    assert compare.index(0, CompareColumn.CURRENT).data(Qt.ItemDataRole.BackgroundRole) is None
    conflicts.only_differences.setChecked(True)
    assert conflicts.compare_proxy.rowCount() == 1 + sum(f.differs for f in detail.fields)

    returned_path = tmp_path / "return" / "back.thidua"
    with qtbot.waitSignal(conflicts.returned, timeout=20000):
        conflicts.return_button.click()
        back = find_dialog(qtbot, QWidget, "return-package")
        assert back.field_comments().keys() == {"2.1"}  # type: ignore[attr-defined]
        back.path.setText(str(returned_path))  # type: ignore[attr-defined]
        back.accept()  # type: ignore[attr-defined]
    assert returned_path.exists()
    qtbot.waitUntil(lambda: conflicts.detail is not None and bool(conflicts.detail.row.returned_at))
    assert figure(workspace, "2.1", "year") == format_number(year_21), "not merged yet"

    with (
        qtbot.waitSignal(workspace.dashboard.refreshed, timeout=30000),
        qtbot.waitSignal(conflicts.resolved, timeout=20000),
    ):
        conflicts.keep_incoming.click()
        confirm = find_dialog(qtbot, QMessageBox, "confirm-keep")
        assert isinstance(confirm, QMessageBox)
        confirm.button(QMessageBox.StandardButton.Yes).click()
    expected_year = counted(units, "year", "2.1", {usb.conflicted.id: usb.conflict_year["2.1"]})
    qtbot.waitUntil(
        lambda: figure(workspace, "2.1", "year") == format_number(expected_year), timeout=20000
    )
    qtbot.waitUntil(lambda: conflicts.open_count() == 0, timeout=20000)
    assert not conflicts.empty.isHidden()

    # --- the audit log, filtered to decisions ---
    from app.audit.view import ActionGroup

    workspace.show_page("audit")
    audit = workspace.audit.model
    workspace.audit.set_group(ActionGroup.DECISIONS)
    qtbot.waitUntil(
        lambda: (
            [audit.row_at(r).action for r in range(audit.rowCount())]
            == ["conflict.resolve", "package.return"]
        ),
        timeout=20000,
    )

    # --- the province's summary: workbook of the scope, printed summary ---
    workbook = tmp_path / "tong-hop.xlsx"
    with qtbot.waitSignal(workspace.dashboard.done, timeout=60000):
        workspace.dashboard.export_workbook(workbook)
    assert workbook.stat().st_size > 0
    workspace.dashboard.print_summary()
    preview = find_dialog(qtbot, QWidget, "pdf-preview")
    assert preview.page_count() >= 1  # type: ignore[attr-defined]
    preview.reject()  # type: ignore[attr-defined]

    # --- next year's plan, copied from this one ---
    workspace.show_page("plan")
    with qtbot.waitSignal(workspace.plan_page.cloned, timeout=20000) as cloned:
        ask = workspace.plan_page.ask_clone()
        assert isinstance(ask, QInputDialog)
        ask.setIntValue(2018)
        ask.accept()
    assert cloned.args[0] == "tuyen-quang-2018"
    qtbot.waitUntil(lambda: workspace.plan is not None and workspace.plan.year == 2018)
    assert workspace.plan is not None and workspace.plan.periods[0].name == "6 tháng đầu năm 2018"
    window.grab().save(str(tmp_path / "federation.png"))

    # --- English, in place ---
    window.set_language("en")
    tabs = [workspace.tabs.tabText(i) for i in range(workspace.tabs.count())]
    assert tabs[:3] == ["Dashboard", "Import", "Keys"] and "Audit log" in tabs
    header = workspace.importer.proxy.headerData(ImportColumn.OUTCOME, Qt.Orientation.Horizontal)
    assert header == "Outcome"
    window.set_language("vi")
    assert workspace.tabs.tabText(0) == "Tổng quan"


def test_drop_folder_counts_are_what_the_core_decides(tmp_path: Path) -> None:
    """The drop folder's expected counts hold headless too (the GUI adds nothing)."""
    from app.exchange.merge import import_packages

    demo = make_demo(out_dir=tmp_path / "demo", units=12, seed=5)
    usb: DropFolder = build_drop_folder(demo, tmp_path / "usb")
    ctx = open_context(demo.database)
    try:
        result = import_packages(ctx, paths=[usb.folder], dry_run=True)
    finally:
        ctx.close()
    assert result.counts == usb.counts


def test_a_run_cut_off_is_not_shown_as_finished(qtbot: QtBot, tmp_path: Path) -> None:
    """A run killed mid-way has no end; the history says so (issue 14, item 12)."""
    from app.exchange.merge import import_packages
    from app.exchange.runs import list_import_runs

    demo = make_demo(out_dir=tmp_path / "demo", units=2)
    ctx = open_context(demo.database)
    import_packages(ctx, paths=demo.files[:2], dry_run=False)
    with ctx.unit_of_work() as session:
        from db import models

        session.add(models.ImportRun(started_at="2017-07-05T08:00:00+00:00", actor="kill -9"))
    runs = list_import_runs(ctx)
    ctx.close()
    assert [run.finished for run in runs] == [False, True]
    window, workspace = open_window(qtbot, demo.database)
    workspace.show_page("import")
    page = workspace.importer
    page.refresh_history()
    qtbot.waitUntil(lambda: page.history.count() == 3, timeout=20000)
    labels = [page.history.itemText(i) for i in range(page.history.count())]
    assert labels[1].startswith(f"Lần {runs[0].id} — ") and labels[1].endswith(" — chưa kết thúc")
    assert labels[2].startswith(f"Lần {runs[1].id} — ") and "chưa kết thúc" not in labels[2]
    window.close()
