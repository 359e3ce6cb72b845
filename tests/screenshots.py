"""``make screenshots``: PNGs of each main screen, offscreen, into docs/screenshots/.

Builds a small province with the demo generator, a unit that imported its
plan package and typed a registration and results, then grabs each screen as
a user sees it (Vietnamese). The federation's screens come from
``tests/gui/federation_screens.py`` when present.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.shell.main_window import MainWindow


#: Every picture this script writes (the user guide may show only these; main() checks
#: that the list and the script agree).
SHOTS = (
    "federation-audit.png",
    "federation-batch-print.png",
    "federation-conflicts.png",
    "federation-dashboard-chart.png",
    "federation-dashboard-cluster.png",
    "federation-dashboard-clusters.png",
    "federation-dashboard-not-sent.png",
    "federation-dashboard.png",
    "federation-deadlines.png",
    "federation-enrolment-accept.png",
    "federation-enrolment.png",
    "federation-entry.png",
    "federation-import-dry-run.png",
    "federation-import-summary.png",
    "federation-key-passphrase.png",
    "federation-late-units.png",
    "federation-move-database.png",
    "federation-plan-editor.png",
    "federation-plan-indicator.png",
    "federation-plan-target.png",
    "federation-plan.png",
    "federation-protect-key.png",
    "federation-reminders.png",
    "federation-roster-unit.png",
    "federation-roster.png",
    "federation-shared-database.png",
    "federation-suspicious-values.png",
    "federation-unit-history.png",
    "federation-value-checks.png",
    "first-run-federation-key.png",
    "guide-picture.png",
    "help-window.png",
    "quick-start.png",
    "unit-backup.png",
    "unit-first-run.png",
    "unit-import-old-fonts.png",
    "unit-plan-fingerprint.png",
    "unit-registration.png",
    "unit-results-h1.png",
    "unit-review.png",
    "unit-sending.png",
)


def settle(seconds: float = 0.3) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def unit_screens(out: Path, work: Path) -> list[Path]:
    from app.core import domain, i18n
    from app.core.context import open_context
    from app.core.preferences import Preferences
    from app.exchange import federation
    from app.exchange.keys import ensure_own_key
    from app.exchange.signing import fingerprint_groups
    from app.roster.template import write_roster_template
    from app.roster.workbook_import import import_roster
    from app.setup.first_run import initialize
    from app.unit.plan_package import import_plan_package
    from app.unit.workspace import StatementDetails, set_details, set_value
    from db.enums import Role, Sector

    from ui.shell.main_window import MainWindow

    i18n.set_language("vi")
    fed = open_context(work / "fed.db")
    with fed.unit_of_work() as session:
        initialize(
            session,
            role=Role.FEDERATION,
            name="LĐLĐ tỉnh Tuyên Quang",
            key_passphrase="mật khẩu ảnh chụp màn hình",
        )
        fingerprint = fingerprint_groups(ensure_own_key(session).public_raw)
    write_roster_template(work / "roster.xlsx")
    with fed.unit_of_work() as session:
        import_roster(session, path=work / "roster.xlsx", year=2017)
    federation.export_plan_packages(fed, plan_id="tuyen-quang-2017", out_dir=work / "plans")
    fed.close()

    unit_db = work / "unit.db"
    ctx = open_context(unit_db)
    with ctx.unit_of_work() as session:
        initialize(
            session,
            role=Role.UNIT,
            name="Công đoàn Công ty CP Xi măng Tân Quang",
            code="CS-0001",
            sector=Sector.NON_STATE_ENTERPRISE,
        )
        ensure_own_key(session)
    import_plan_package(
        ctx, path=work / "plans" / "CS-0001_plan_2017.thidua", confirmed_fingerprint=fingerprint
    )
    plan = "tuyen-quang-2017"
    typed = {
        "registration": {
            "2.1": domain.UnitValue(amount=40),
            "2.3": domain.UnitValue(numerator=380, denominator=420),
            "4": domain.UnitValue(grade="vung_manh"),
            "7.1": domain.UnitValue(amount=25_000_000),
            "9a.2": domain.UnitValue(flag=True),
        },
        "h1": {
            "2.1": domain.UnitValue(amount=18),
            "2.3": domain.UnitValue(numerator=390, denominator=430),
            "7.1": domain.UnitValue(amount=9_000_000),
        },
    }
    for stream, values in typed.items():
        for code, value in values.items():
            set_value(ctx, plan_id=plan, stream=stream, code=code, value=value)
        set_details(
            ctx,
            plan_id=plan,
            stream=stream,
            details=StatementDetails(
                signer_name="Nguyễn Văn Ân",
                signer_title="Chủ tịch",
                place="Tuyên Quang",
                movements=("LDG-DN", "XSD", "GVN"),
                titles=(
                    (True, "", "", "Cờ thi đua của LĐLĐ tỉnh"),
                    (False, "Trần Thị Bình", "Tổ trưởng sản xuất", "Lao động giỏi"),
                ),
                works=(("Sửa chữa nhà văn hóa công nhân", "Đại hội CĐCS nhiệm kỳ 2017-2022"),),
            ),
        )
    # An Excel import typed in old fonts, as its preview shows it (converted and left cells).
    from app.plans import get_plan
    from app.unit import preview_workbook
    from tests.legacy_workbooks import office_template

    old_fonts = preview_workbook(ctx, path=office_template(ctx, work / "mau-cu.xlsx"), plan_id=plan)
    with ctx.reading() as session:
        plan_shown = get_plan(session, plan)
    ctx.close()

    window = MainWindow(unit_db, Preferences(language="vi"))
    window.resize(1366, 768)
    window.show()
    window.start()
    while window.unit_workspace is None or window.unit_workspace.workspace is None:
        settle(0.05)
    workspace = window.unit_workspace
    shots = []
    names = {"registration": "unit-registration.png", "h1": "unit-results-h1.png"}
    for stream, name in names.items():
        workspace.tabs.setCurrentWidget(workspace.page(stream))
        settle()
        path = out / name
        window.grab().save(str(path))
        shots.append(path)
    workspace.tabs.setCurrentIndex(workspace.tabs.count() - 1)
    settle()
    path = out / "unit-sending.png"
    window.grab().save(str(path))
    shots.append(path)
    from ui.unit.import_preview import ImportPreviewDialog

    dialog = ImportPreviewDialog(plan_shown, old_fonts, lambda _stream: "Đăng ký thi đua")
    dialog.show()
    settle()
    path = out / "unit-import-old-fonts.png"
    dialog.grab().save(str(path))
    shots.append(path)
    dialog.close()
    shots.extend(unit_dialog_screens(out, window, fingerprint))
    window.close()
    return shots


def unit_dialog_screens(out: Path, window: MainWindow, fingerprint: str) -> list[Path]:
    """The chair's dialogs the guide walks through: the first run, the federation's
    fingerprint typed from its letter, the review before sending, the backup's passphrase."""
    from ui.shell.first_run import FirstRunDialog
    from ui.unit.fingerprint import FingerprintDialog
    from ui.widgets.backup import ask_backup_passphrase

    shots: list[Path] = []

    def take(widget: QWidget, name: str) -> None:
        settle()
        path = out / name
        widget.grab().save(str(path))
        shots.append(path)

    first_run = FirstRunDialog()
    first_run._name.setText("Công đoàn Công ty CP Xi măng Tân Quang")
    first_run._code.setText("CS-0001")
    first_run._sector.setCurrentIndex(3)
    first_run.show()
    take(first_run, "unit-first-run.png")
    first_run.close()
    confirm = FingerprintDialog("LĐLĐ tỉnh Tuyên Quang", fingerprint)
    confirm.typed.setText(fingerprint[:14])
    confirm.show()
    take(confirm, "unit-plan-fingerprint.png")
    confirm.close()
    workspace = window.unit_workspace
    assert workspace is not None
    workspace.tabs.setCurrentWidget(workspace.page("registration"))
    settle()
    workspace.export_current()
    review = workspace.review_dialog
    assert review is not None
    take(review, "unit-review.png")
    review.reject()
    passphrase = ask_backup_passphrase(window, lambda _text: None)
    take(passphrase, "unit-backup.png")
    passphrase.reject()
    return shots


def key_unlock_screen(out: Path, work: Path) -> list[Path]:
    """The federation key's passphrase, asked on a staff PC (a wrong one typed first)."""
    from PySide6.QtWidgets import QWidget

    from app.core.context import open_context
    from app.core.i18n import gettext, set_language

    from ui.widgets.key_unlock import ask_key_passphrase

    set_language("vi")
    ctx = open_context(work / "key-unlock.db")
    parent = QWidget()
    parent.resize(1366, 768)
    dialog = ask_key_passphrase(parent, ctx, lambda: None)
    dialog.error.setText(gettext("The passphrase is wrong."))
    settle()
    path = out / "federation-key-passphrase.png"
    dialog.grab().save(str(path))
    dialog.close()
    ctx.close()
    return [path]


def key_protection_screens(out: Path, work: Path) -> list[Path]:
    """A federation's first run (its key's passphrase typed twice) and File → Protect the
    key for every staff computer… (a mismatched passphrase typed)."""
    from PySide6.QtWidgets import QWidget

    from app.core.context import open_context
    from app.core.i18n import gettext, set_language

    from ui.shell.first_run import FirstRunDialog
    from ui.shell.key_protection import ask_protect_key
    from ui.widgets.tasks import TaskRunner

    set_language("vi")
    first_run = FirstRunDialog()
    first_run._federation.setChecked(True)
    first_run._name.setText("LĐLĐ tỉnh Tuyên Quang")
    first_run._passphrase.setText("mật khẩu khóa")
    first_run.show()
    settle()
    shots = [out / "first-run-federation-key.png"]
    first_run.grab().save(str(shots[0]))
    first_run.close()
    ctx = open_context(work / "key-protect.db")
    parent = QWidget()
    parent.resize(1366, 768)
    dialog = ask_protect_key(parent, ctx, TaskRunner(parent), lambda _text: None)
    dialog.error.setText(gettext("The two passphrases differ; type the same one twice."))
    settle()
    shots.append(out / "federation-protect-key.png")
    dialog.grab().save(str(shots[1]))
    dialog.close()
    ctx.close()
    return shots


def help_screens(out: Path, work: Path) -> list[Path]:
    """The help window opened at the chair's registration, and the chair's quick start
    (run after :func:`unit_screens`, on its unit's database)."""
    from PySide6.QtWidgets import QWidget

    from app.core.context import open_context
    from app.core.i18n import set_language

    from ui.shell.quick_start import QuickStartDialog
    from ui.widgets.help import show_help

    set_language("vi")
    window = show_help("unit-registration")
    window.resize(1366, 768)
    settle()
    window.show_anchor("unit-registration")
    settle()
    shots = [out / "help-window.png"]
    window.grab().save(str(shots[0]))
    viewer = window.show_picture("../screenshots/unit-first-run.png")  # a click on it
    settle()
    shots.append(out / "guide-picture.png")
    viewer.grab().save(str(shots[-1]))
    viewer.close()
    window.hide()
    ctx = open_context(work / "unit.db")
    parent = QWidget()
    parent.resize(1366, 768)
    dialog = QuickStartDialog(ctx, parent, hidden=False)
    dialog.show()
    settle()
    shots.append(out / "quick-start.png")
    dialog.grab().save(str(shots[-1]))
    dialog.close()
    ctx.close()
    return shots


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    out = Path(argv[0]) if argv else Path("docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["THIDUA_HOME"] = str(Path(folder) / "home")
        app = QApplication(sys.argv[:1])
        from ui.widgets.fonts import load_bundled_fonts
        from ui.widgets.qt_translations import install_qt_translations

        load_bundled_fonts()
        install_qt_translations(app)  # standard buttons in the screenshot's language
        from ui.widgets.help import install_help

        install_help(app)  # F1 and the Help buttons, as the application has them
        shots = unit_screens(out, Path(folder))
        shots.extend(help_screens(out, Path(folder)))
        shots.extend(key_unlock_screen(out, Path(folder)))
        shots.extend(key_protection_screens(out, Path(folder)))
        try:
            from tests.gui.federation_screens import federation_screens
        except ImportError:
            pass
        else:
            shots.extend(federation_screens(out))
        app.quit()
    for shot in shots:
        print(shot)
    unlisted = sorted({shot.name for shot in shots} - set(SHOTS))
    if unlisted:
        print(f"not in SHOTS: {', '.join(unlisted)}", file=sys.stderr)
        return 1
    missing = sorted(set(SHOTS) - {shot.name for shot in shots})
    if missing:
        print(f"listed in SHOTS but not taken: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
