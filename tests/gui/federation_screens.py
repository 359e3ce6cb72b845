"""A province for the federation's screens, and screenshots of each screen.

:func:`build_drop_folder` writes what a USB stick at the federation holds
around a deadline: every unit's packages made by the demo generator, plus
the awkward ones — copies (duplicates), a corrected revision and a late
re-export of the old one (updated, older), two different exports of the
same revision (conflict), a file altered after signing (rejected), a report
signed by a key nobody enrolled (rejected), the enrolment and registration
of a unit new in the roster (pending key) and a new key for a unit that
already has one (pending key, the changed-key warning). The expected
counts and the altered values come back so tests can compute the totals
independently.

:func:`federation_screens` builds such a province, drives the real window
through the import and saves a PNG of each federation screen; the
screenshots script (``make screenshots``) calls it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from app.core import domain
from app.demo.province import Demo, DemoUnit, make_demo, write_report
from app.exchange.format import payload_hash
from app.exchange.keystore import KeyPair, generate_keypair
from app.exchange.signing import open_envelope
from db.enums import REGISTRATION_STREAM, Sector, UnitKind
from tests.helpers import bump, enrolment_package

NEW_UNIT_CODE = "CS-NEW01"
NEW_UNIT_NAME = "Công đoàn Công ty TNHH Mới Thành Lập"


@dataclass
class DropFolder:
    folder: Path
    counts: dict[str, int]
    updated: DemoUnit  # its registration has revision 2 with a new 2.1
    updated_registration: dict[str, domain.UnitValue]
    conflicted: DemoUnit  # its year report came twice as revision 1
    conflict_year: dict[str, domain.UnitValue]
    tampered: DemoUnit
    unknown_signer: DemoUnit
    changed_key: DemoUnit  # sent a new key while its accepted key is on record
    changed_keypair: KeyPair
    new_unit: DemoUnit | None  # the unit added by the roster import
    files: dict[str, Path] = field(default_factory=dict)


def package_hash_of(path: Path) -> str:
    envelope = open_envelope(path.read_bytes(), max_size=1 << 24)
    return payload_hash(envelope.payload)


def enrolment_file(
    demo: Demo, unit: DemoUnit, keypair: KeyPair, out: Path, *, epoch: int = 1
) -> Path:
    """A unit's self-signed key enrolment, as the unit application writes it."""
    data = enrolment_package(
        keypair,
        audience=demo.federation_id,
        unit_id=unit.id,
        code=unit.code,
        name=unit.name,
        created_at="2017-07-01T08:00:00+07:00",
        epoch=epoch,
        chair="Trần Thị Bình",
        phone="0207 3811 222",
        email=f"{unit.code.lower()}@example.vn",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def tamper(source: Path, out: Path) -> Path:
    """The same file with one name changed inside the signed payload (bytes edited)."""
    envelope = json.loads(source.read_bytes())
    payload = base64.b64decode(envelope["payload"])
    altered = payload.replace("Nguyễn Văn An".encode(), "Nguyễn Văn Ân".encode(), 1)
    assert altered != payload
    envelope["payload"] = base64.b64encode(altered).decode("ascii")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(json.dumps(envelope).encode())
    return out


def new_unit_row() -> list[object]:
    """The roster workbook row of a unit new this year (under CT-001, in Cụm CĐCS 1)."""
    return [
        NEW_UNIT_CODE,
        NEW_UNIT_NAME,
        "CĐCS",
        "NGOÀI NN",
        "CT-001",
        "Cụm CĐCS 1",
        "",
        40,
        52,
        "Trần Thị Bình",
        "0207 3811 222",
        "cs-new01@example.vn",
    ]


def roster_workbook_with_new_unit(demo: Demo, path: Path) -> Path:
    """The demo's roster exported to Excel, plus one new unit (:func:`new_unit_row`)."""
    from openpyxl import load_workbook

    from app.core.context import open_context
    from app.roster.workbook_export import export_roster_workbook

    ctx = open_context(demo.database)
    try:
        with ctx.reading() as session:
            export_roster_workbook(session, year=demo.plan.year, path=path)
    finally:
        ctx.close()
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet.append(new_unit_row())
    workbook.save(path)
    return path


def new_demo_unit(demo: Demo, unit_id: str) -> DemoUnit:
    return DemoUnit(
        id=unit_id,
        code=NEW_UNIT_CODE,
        name=NEW_UNIT_NAME,
        kind=UnitKind.GRASSROOTS,
        sector=Sector.NON_STATE_ENTERPRISE,
        parent_id="",
        cluster_code="Cụm CĐCS 1",
        members=40,
        workers=52,
        keypair=generate_keypair(),
    )


def build_drop_folder(demo: Demo, folder: Path, *, new_unit_id: str | None = None) -> DropFolder:
    """Write the USB stick's folder (see the module docstring) and what to expect of it."""
    for sub in ("", "copies", "later", "zz-late", "keys"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for path in demo.files:
        shutil.copy2(path, folder / path.name)
    grassroots = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS]
    updated, conflicted, tampered, unknown, changed = grassroots[:5]
    plan, fed = demo.plan, demo.federation_id
    counts = {
        "new": len(demo.files),
        "updated": 0,
        "duplicate": 0,
        "older": 0,
        "conflict": 0,
        "pending_key": 0,
        "rejected": 0,
        "skipped": 0,
    }
    files: dict[str, Path] = {}

    # Copies of three files in a subfolder (sorted after the originals): duplicates.
    for path in demo.files[3:6]:
        target = folder / "copies" / path.name
        shutil.copy2(path, target)
        counts["duplicate"] += 1
        files.setdefault("duplicate", target)

    # A corrected registration (revision 2), then a late re-export of revision 1.
    first = folder / f"{updated.code}_{REGISTRATION_STREAM}_r1.thidua"
    updated_values = bump(
        updated.values[REGISTRATION_STREAM],
        "2.1",
        (updated.values[REGISTRATION_STREAM]["2.1"].amount or 0) + 77,
    )
    files["updated"] = write_report(
        updated,
        plan,
        fed,
        REGISTRATION_STREAM,
        updated_values,
        folder / "later",
        revision=2,
        supersedes=package_hash_of(first),
    )
    # In one run with its r1 the stream is new: r2 is its first head, r1 is older.
    counts["older"] += 1
    files["older"] = write_report(
        updated,
        plan,
        fed,
        REGISTRATION_STREAM,
        updated.values[REGISTRATION_STREAM],
        folder / "zz-late",
        revision=1,
        file_name=f"{updated.code}_{REGISTRATION_STREAM}_r1_again.thidua",
    )
    counts["older"] += 1

    # The same revision of the year's report exported twice with different values.
    conflict_values = bump(
        conflicted.values["year"], "2.1", (conflicted.values["year"]["2.1"].amount or 0) + 500
    )
    files["conflict"] = write_report(
        conflicted,
        plan,
        fed,
        "year",
        conflict_values,
        folder / "zz-late",
        revision=1,
        file_name=f"{conflicted.code}_year_r1_other-pc.thidua",
        created_at="2017-07-06T08:00:00+07:00",  # the other PC exported a day later
    )
    counts["conflict"] += 1

    # Altered after signing, and signed by a key nobody enrolled: rejected.
    files["tampered"] = tamper(
        folder / f"{tampered.code}_h1_r1.thidua",
        folder / "zz-late" / f"{tampered.code}_h1_r1.thidua",
    )
    files["unknown"] = write_report(
        unknown,
        plan,
        fed,
        "h1",
        unknown.values["h1"],
        folder / "zz-late",
        revision=2,
        file_name=f"{unknown.code}_h1_r2_unknown-key.thidua",
        signer=generate_keypair(),
    )
    counts["rejected"] += 2

    # A new key for a unit whose key is accepted (a replaced PC, or an impostor).
    changed_keypair = generate_keypair()
    files["changed_key"] = enrolment_file(
        demo,
        changed,
        changed_keypair,
        folder / "keys" / f"{changed.code}_enrolment.thidua",
        epoch=2,
    )
    counts["pending_key"] += 1

    # The unit new in this year's roster: its enrolment and its registration, held.
    new_unit = None
    if new_unit_id is not None:
        new_unit = new_demo_unit(demo, new_unit_id)
        enrolment_file(
            demo, new_unit, new_unit.keypair, folder / "keys" / f"{NEW_UNIT_CODE}_enrolment.thidua"
        )
        registration = {
            i.code: domain.UnitValue(amount=12) if i.code == "2.1" else v
            for i in plan.indicators
            if (v := grassroots[5].values[REGISTRATION_STREAM].get(i.code)) is not None
            and i.applies_to(new_unit.kind, new_unit.sector)
        }
        new_unit.values[REGISTRATION_STREAM] = registration
        files["new_unit"] = write_report(
            new_unit, plan, fed, REGISTRATION_STREAM, registration, folder / "keys", revision=1
        )
        counts["pending_key"] += 2
    return DropFolder(
        folder=folder,
        counts=counts,
        updated=updated,
        updated_registration=updated_values,
        conflicted=conflicted,
        conflict_year=conflict_values,
        tampered=tampered,
        unknown_signer=unknown,
        changed_key=changed,
        changed_keypair=changed_keypair,
        new_unit=new_unit,
        files=files,
    )


#: The deadlines the screenshots' province sets (and the day its rates are counted to).
SCREEN_DEADLINES = {
    "registration": dt.date(2017, 3, 31),
    "h1": dt.date(2017, 7, 15),
    "year": dt.date(2017, 12, 15),
}
SCREEN_AS_OF = dt.date(2017, 12, 31)


def date_the_arrivals(database: Path, demo: Demo) -> None:
    """Deadlines for every report, an extension, and each report package received
    a few days before or after its deadline (from its hash, so the same every run),
    for the dashboard's on-time rates in the screenshots."""
    from sqlalchemy import select

    from app.core.context import open_context
    from app.rollup import save_deadline, save_extension
    from db import models

    ctx = open_context(database)
    try:
        for stream, due in SCREEN_DEADLINES.items():
            save_deadline(ctx, plan_id=demo.plan.id, stream=stream, due_on=due)
        with ctx.unit_of_work() as session:
            for package in session.scalars(
                select(models.Package).where(models.Package.kind == "report")
            ):
                last_day = SCREEN_DEADLINES.get(package.stream)
                if last_day is None:
                    continue
                offset = int(package.hash[:4], 16) % 12 - 8
                moment = dt.datetime.combine(last_day + dt.timedelta(days=offset), dt.time(2, 0))
                package.received_at = moment.replace(tzinfo=dt.UTC).isoformat()
        late = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
        save_extension(
            ctx,
            plan_id=demo.plan.id,
            stream="h1",
            unit=late.code,
            due_on=dt.date(2017, 7, 31),
            reason="Chủ tịch công đoàn đi công tác dài ngày",
        )
    finally:
        ctx.close()


# --- screenshots ----------------------------------------------------------------------------


def federation_screens(out_dir: Path, *, units: int = 66, language: str = "vi") -> list[Path]:
    """Save a PNG of each federation screen into ``out_dir``; returns the files.

    Needs a QApplication (offscreen is fine). Builds its own province in a
    temporary folder; nothing outside it and ``out_dir`` is touched except
    the user data folder ``THIDUA_HOME`` points to (set it for a sandbox).
    """
    import os
    import tempfile
    import time

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QWidget

    from app.core import i18n
    from app.core.context import open_context
    from app.core.preferences import Preferences
    from app.roster import import_roster_workbook
    from app.roster.tree import list_roster
    from tests.gui.widgets import drop_files

    from ui.shell.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication), "federation_screens needs a QApplication"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="thidua-screens-"))
    # The demo federation's key file goes to a sandboxed user data folder.
    home = os.environ.get("THIDUA_HOME")
    os.environ["THIDUA_HOME"] = str(work / "home")
    demo = make_demo(out_dir=work / "demo", units=units)
    workbook = roster_workbook_with_new_unit(demo, work / "roster.xlsx")
    ctx = open_context(demo.database)
    try:
        import_roster_workbook(ctx, path=workbook, year=demo.plan.year)
        with ctx.reading() as session:
            new_id = next(
                u.id for u in list_roster(session, year=demo.plan.year) if u.code == NEW_UNIT_CODE
            )
    finally:
        ctx.close()
    drop = build_drop_folder(demo, work / "usb", new_unit_id=new_id)

    def wait(condition: object, seconds: float = 60) -> None:
        assert callable(condition)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if condition():
                return
        raise TimeoutError("the federation screens did not load")

    def settle(seconds: float = 0.5) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    previous = i18n.current_language()
    i18n.set_language(language)
    window = MainWindow(demo.database, Preferences(language=language))
    window.resize(1366, 768)
    window.show()
    window.start()
    saved: list[Path] = []

    def shot(name: str) -> None:
        settle()
        path = out_dir / f"federation-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    def dialog_shot(dialog: QWidget, name: str) -> None:
        settle()
        path = out_dir / f"federation-{name}.png"
        dialog.grab().save(str(path))
        saved.append(path)

    try:
        wait(lambda: window.federation_workspace is not None)
        workspace = window.federation_workspace
        assert workspace is not None
        wait(lambda: workspace.dashboard.board is not None)

        checked: list[object] = []
        workspace.importer.checked.connect(checked.append)
        drop_files(workspace, drop.folder)
        wait(lambda: bool(checked))
        workspace.importer.set_filter("problems")
        shot("import-dry-run")

        applied: list[object] = []
        refreshed: list[object] = []
        workspace.importer.applied.connect(applied.append)
        workspace.dashboard.refreshed.connect(refreshed.append)
        workspace.importer.apply()
        wait(lambda: bool(applied))
        workspace.importer.set_filter("all")
        shot("import-summary")

        wait(lambda: bool(refreshed))
        date_the_arrivals(demo.database, demo)
        refreshed.clear()
        workspace.dashboard.as_of = SCREEN_AS_OF
        workspace.dashboard.refresh()
        wait(lambda: bool(refreshed))
        workspace.show_page("dashboard")
        shot("dashboard")
        workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.NOT_SENT)
        shot("dashboard-not-sent")
        workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.TARGETS)
        late = workspace.dashboard.show_late()
        if late is not None:
            settle()
            path = out_dir / "federation-late-units.png"
            late.grab().save(str(path))
            saved.append(path)
            late.reject()
        deadlines = workspace.dashboard.ask_deadlines()
        if deadlines is not None:
            wait(lambda: deadlines.extension_table.rowCount() > 0)
            settle()
            path = out_dir / "federation-deadlines.png"
            deadlines.grab().save(str(path))
            saved.append(path)
            deadlines.reject()
        reminders = workspace.dashboard.ask_reminders("h1")
        if reminders is not None:
            dialog_shot(reminders, "reminders")
            reminders.reject()
        # Entry on behalf of a unit that has not sent its report (nhập hộ).
        board = workspace.dashboard.board
        absent = next(iter(board.missing), None) if board is not None else None
        if absent is not None:
            entry = workspace.dashboard.enter_for(absent.unit.code, absent.stream)
            wait(lambda: entry.entry is not None and entry.isEnabled())
            settle()
            path = out_dir / "federation-entry.png"
            entry.grab().save(str(path))
            saved.append(path)
            entry.reject()
        # A cluster: shares judged on its own units, province totals as its contribution.
        from app.rollup.dashboard import ScopeKind

        refreshed.clear()
        workspace.dashboard.choose_scope(ScopeKind.CLUSTER, "Cụm 1")
        wait(lambda: bool(refreshed))
        shot("dashboard-cluster")
        refreshed.clear()
        workspace.dashboard.choose_scope(ScopeKind.PROVINCE)
        wait(lambda: bool(refreshed))
        workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.BY_INDICATOR)
        shot("dashboard-chart")
        clusters: list[object] = []
        workspace.dashboard.clusters_shown.connect(clusters.append)
        workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.BY_CLUSTER)
        wait(lambda: bool(clusters))
        shot("dashboard-clusters")
        workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.TARGETS)

        workspace.show_page("keys")
        wait(lambda: workspace.keys.pending_count() > 0)
        workspace.keys.select(drop.changed_keypair.key_id)
        shot("enrolment")
        dialog = workspace.keys.ask_accept()
        if dialog is not None:
            settle()
            path = out_dir / "federation-enrolment-accept.png"
            dialog.grab().save(str(path))
            saved.append(path)
            dialog.reject()

        shown: list[object] = []
        workspace.conflicts.detail_shown.connect(shown.append)
        workspace.show_page("conflicts")
        wait(lambda: workspace.conflicts.detail is not None)
        shot("conflicts")
        history = workspace.conflicts.show_history()
        if history is not None:
            wait(lambda: history.comparison is not None)
            dialog_shot(history, "unit-history")
            history.close()

        flags: list[object] = []
        workspace.flags.loaded.connect(flags.append)
        workspace.flags.reload()
        wait(lambda: bool(flags))
        workspace.show_page("flags")
        if workspace.flags.model.rowCount():
            workspace.flags.view.selectRow(0)
        shot("suspicious-values")
        workspace.show_page("plan")
        workspace.plan_page.checks_button.click()
        wait(lambda: workspace.plan_page.checks_dialog is not None)
        checks_dialog = workspace.plan_page.checks_dialog
        if checks_dialog is not None:
            settle()
            path = out_dir / "federation-value-checks.png"
            checks_dialog.grab().save(str(path))
            saved.append(path)
            checks_dialog.reject()

        workspace.show_page("roster")
        workspace.roster.search_for("cong doan cap tren so 1")
        shot("roster")
        workspace.roster.search.clear()
        grassroots_code = next(u.code for u in demo.units if u.kind is UnitKind.GRASSROOTS)
        wait(lambda: workspace.roster.select_unit(grassroots_code))
        unit_dialog = workspace.roster.ask_edit()
        if unit_dialog is not None:
            settle()
            path = out_dir / "federation-roster-unit.png"
            unit_dialog.grab().save(str(path))
            saved.append(path)
            unit_dialog.reject()
        # Printing in batch for the units selected on the roster, after the run.
        workspace.roster.select_units([u.code for u in demo.units[:8]])
        batch = workspace.ask_batch_print(unit_codes=workspace.roster.selected_codes())
        if batch is not None:
            printed: list[object] = []
            batch.printed.connect(printed.append)
            batch.choose(batch.document_combo, "results_year")
            batch.choose(batch.layout_combo, "each")
            batch.path_edit.setText(str(work / "batch"))
            batch.start()
            wait(lambda: bool(printed))
            settle()
            path = out_dir / "federation-batch-print.png"
            batch.grab().save(str(path))
            saved.append(path)
            batch.reject()
        # Moving the data to another database, and the shared database's offer to.
        from app.core.i18n import gettext as _

        move = window.ask_move_database("postgresql://thidua@csdl.tuyenquang.vn:5432/thidua")
        dialog_shot(move, "move-database")
        move.reject()
        window.ask_shared_database()
        shared = window.shared_database_dialog
        if shared is not None:
            shared.move_button.show()
            shared.empty_button.show()
            shared.result_label.setText(
                _(
                    "The database in use holds data and this one is empty: move the data "
                    "there (copied and checked table by table; the database in use is left "
                    "as it is), or open the empty database and start over."
                )
            )
            shared.adjustSize()  # as after a test: grown to the message and the offer
            dialog_shot(shared, "shared-database")
            shared.reject()
        workspace.show_page("plan")
        shot("plan")
        workspace.show_page("audit")
        workspace.audit.reload()
        shot("audit")

        # The plan editor, on next year's copy (the built-in plan itself is locked).
        cloned: list[object] = []
        workspace.plan_page.cloned.connect(cloned.append)
        workspace.show_page("plan")
        workspace.plan_page.clone(demo.plan.year + 1)
        wait(lambda: bool(cloned))
        page = workspace.plan_page
        wait(lambda: page.plan is not None and page.plan.id == cloned[0] and page.lock_text == "")
        # The copy's plan reloads after it is made, which may clear a selection made earlier.
        settle()
        wait(lambda: page.select_indicator("9a.2") and page._selected_indicator() is not None)
        shot("plan-editor")
        editor = page.ask_indicator()
        if editor is not None:
            settle()
            path = out_dir / "federation-plan-indicator.png"
            editor.grab().save(str(path))
            saved.append(path)
            editor.targets.selectRow(1)
            target = editor.edit_target()
            if target is not None:
                settle()
                path = out_dir / "federation-plan-target.png"
                target.grab().save(str(path))
                saved.append(path)
                target.reject()
            editor.reject()
    finally:
        window.close()
        window.deleteLater()
        settle(0.2)
        i18n.set_language(previous)
        if home is None:
            os.environ.pop("THIDUA_HOME", None)
        else:
            os.environ["THIDUA_HOME"] = home
        shutil.rmtree(work, ignore_errors=True)
    return saved


__all__ = [
    "NEW_UNIT_CODE",
    "DropFolder",
    "build_drop_folder",
    "enrolment_file",
    "federation_screens",
    "new_unit_row",
    "roster_workbook_with_new_unit",
    "tamper",
]
