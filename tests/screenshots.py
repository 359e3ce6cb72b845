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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
    window.close()
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
    window.hide()
    ctx = open_context(work / "unit.db")
    parent = QWidget()
    parent.resize(1366, 768)
    dialog = QuickStartDialog(ctx, parent, hidden=False)
    dialog.show()
    settle()
    shots.append(out / "quick-start.png")
    dialog.grab().save(str(shots[1]))
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
