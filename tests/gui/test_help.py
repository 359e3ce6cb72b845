"""Help inside the application: every window, dialog and page of ui/ names a section of
the user guide that exists; F1 on every page of both modes and on the dialogs opens the
help window there; the "?" and "Help" buttons do too; the Help menu's items; the quick
start ticking itself as a chair does each step."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QPixmap, QShortcut, QTextCursor
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from shiboken6 import isValid

from app.core import domain, i18n
from app.core.crashlog import app_version, record_unexpected
from app.core.i18n import gettext as _
from app.core.paths import user_data_dir
from app.core.preferences import Preferences, load_preferences
from app.guide import installed_guide, load_guide
from db.enums import REGISTRATION_STREAM
from tests.gui.unit_helpers import import_plan, make_federation, open_unit_window
from tests.gui.widgets import find_dialog, open_federation_window
from tests.helpers import federation_with_roster

import ui
from ui.federation.dashboard_dialogs import open_entry
from ui.federation.workspace import FederationWorkspace
from ui.scoring.rules_editor import RulesDialog
from ui.shell.about import AboutDialog
from ui.shell.first_run import FirstRunDialog
from ui.shell.main_window import MainWindow
from ui.shell.quick_start import QuickStartDialog
from ui.shell.shared_database import SharedDatabaseDialog
from ui.unit.fingerprint import FingerprintDialog
from ui.unit.workspace import UnitWorkspace
from ui.widgets.errors import CrashDialog
from ui.widgets.help import help_button, help_window, own_anchor
from ui.widgets.help_window import PICTURE_WIDTH, HelpWindow
from ui.widgets.pages import Page
from ui.widgets.passphrase import PassphraseDialog
from ui.widgets.pdf_preview import PdfPreviewDialog
from ui.widgets.picture_viewer import PictureViewer
from ui.widgets.tasks import TaskRunner

#: Classes that name no section, and why.
WITHOUT_SECTION = {"ui.widgets.pages.Page": "the base of the pages, never shown by itself"}


def screen_classes() -> list[type[QWidget]]:
    """Every dialog, main window and page defined in ui/, and every widget naming a section."""
    found: list[type[QWidget]] = []
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        if info.name == "ui.main":
            continue  # the entry point: it starts an application when run
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, QWidget):
                continue
            if issubclass(cls, (QDialog, QMainWindow, Page)) or "help_anchor" in vars(cls):
                found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


SCREENS = screen_classes()


def test_the_walk_finds_the_screens() -> None:
    names = {c.__name__ for c in SCREENS}
    assert {"MainWindow", "FirstRunDialog", "ImportPage", "EntryDialog", "ScoringWindow"} <= names
    assert len(SCREENS) >= 50


@pytest.mark.parametrize("cls", SCREENS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_screen_names_a_section_of_the_guide(cls: type[QWidget]) -> None:
    name = f"{cls.__module__}.{cls.__qualname__}"
    anchor = getattr(cls, "help_anchor", "")
    if name in WITHOUT_SECTION:
        assert anchor == ""
        return
    assert isinstance(anchor, str) and anchor, f"{name} names no section of the guide"
    assert anchor in installed_guide().anchors, f"{name}: no section #{anchor} in the guide"


@pytest.fixture(autouse=True)
def help_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test finds the help window closed, at no section (and the federation's staff
    named, so its first start asks nobody's name)."""
    monkeypatch.setenv("THIDUA_STAFF_NAME", "Nguyễn Văn Bình")
    window = help_window()
    window.hide()
    window.current_anchor = ""
    yield
    help_window().hide()


def shown_at(qtbot: QtBot, anchor: str) -> HelpWindow:
    window = help_window()
    qtbot.waitUntil(lambda: window.isVisible() and window.current_anchor == anchor, timeout=5000)
    return window


def press_f1(qtbot: QtBot, widget: QWidget) -> None:
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_F1)


#: The kinds of widget F1 must work from, whatever has the focus in a dialog.
FOCUS_KINDS = (QAbstractItemView, QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton)


def f1_from_every_kind(qtbot: QtBot, dialog: QDialog, anchor: str) -> int:
    """F1 with the focus in the first visible widget of each kind in ``dialog`` opens
    ``anchor``; how many kinds the dialog had."""
    tried = 0
    for kind in FOCUS_KINDS:
        shown = [
            w for w in dialog.findChildren(kind) if w.isVisibleTo(dialog) and w.window() is dialog
        ]
        if not shown:
            continue
        help_window().hide()
        help_window().current_anchor = ""
        press_f1(qtbot, shown[0])
        shown_at(qtbot, anchor)
        tried += 1
    help_window().hide()
    help_window().current_anchor = ""
    return tried


# --- the federation's pages ---------------------------------------------------------------


def open_federation_copy(
    qtbot: QtBot, tmp_path: Path, federation_file: Path
) -> tuple[MainWindow, FederationWorkspace]:
    """The federation's window on a copy of the module's database."""
    database = tmp_path / "fed.db"
    shutil.copy(federation_file, database)
    return open_federation_window(qtbot, database)


@pytest.fixture(scope="module")
def federation_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("help-federation")
    ctx, _plans = federation_with_roster(folder / "fed.db", folder)
    ctx.close()
    return folder / "fed.db"


FEDERATION_PAGES = [
    ("dashboard", "fed-dashboard"),
    ("importer", "fed-import"),
    ("keys", "fed-keys"),
    ("conflicts", "fed-conflicts"),
    ("flags", "fed-flags"),
    ("roster", "fed-roster"),
    ("plan_page", "fed-plan"),
    ("audit", "fed-audit"),
]


@pytest.mark.parametrize(("page", "anchor"), FEDERATION_PAGES)
def test_f1_on_a_federation_page_opens_its_section(
    qtbot: QtBot, tmp_path: Path, federation_file: Path, page: str, anchor: str
) -> None:
    window, workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    shown = getattr(workspace, page)
    workspace.tabs.setCurrentWidget(shown)
    press_f1(qtbot, shown)
    assert shown_at(qtbot, anchor).browser.toPlainText()
    help_window().hide()
    # The "?" in the tabs' corner, and Help → User guide, say the same.
    corner = workspace.tabs.cornerWidget(Qt.Corner.TopRightCorner)
    assert corner is not None and corner.objectName() == "help-button"
    QTest.mouseClick(corner, Qt.MouseButton.LeftButton)
    shown_at(qtbot, anchor)
    help_window().current_anchor = ""
    workspace.tabs.setFocus()
    window.guide_action.trigger()
    shown_at(qtbot, anchor)


def test_help_menu_items(qtbot: QtBot, tmp_path: Path, federation_file: Path) -> None:
    window, _workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    window.glossary_action.trigger()
    shown_at(qtbot, "glossary")

    window.quick_start_action.trigger()
    dialog = window.quick_start_dialog
    assert isinstance(dialog, QuickStartDialog) and dialog.isVisible()
    # Read on the window's worker, not on the GUI thread.
    qtbot.waitUntil(lambda: dialog.steps.count() == 6, timeout=5000)
    assert dialog.ticked()[0], "the roster is imported"

    # The menu names "about" as the guide's section does.
    assert window._about_action.text().replace("&", "") == installed_guide().title_of("about")
    window._about_action.trigger()
    about = window.about_dialog
    assert about is not None
    assert about.windowTitle() == installed_guide().title_of("about")
    assert isinstance(about, AboutDialog) and about.isVisible()
    assert about.version.text() == app_version()
    assert about.folder_label.text() == str(user_data_dir())
    assert about.database.text() == str(tmp_path / "fed.db")
    opened: list[QUrl] = []

    class Catch(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            opened.append(url)

    catcher = Catch()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]
    try:
        QTest.mouseClick(about.open_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in opened] == [user_data_dir()]
    press_f1(qtbot, about)
    shown_at(qtbot, "about")
    about.reject()
    # Another language: the help window's and the checklist's words follow.
    window.set_language("en")
    try:
        assert help_window().find_button.text() == "Find next"
        assert dialog.windowTitle() == "Quick start"
        assert window.guide_action.text() == "&User guide"
    finally:
        window.set_language("vi")
    assert help_window().find_button.text() == "Tìm tiếp"


def nothing() -> None:
    """What an entry saved does here: nothing more."""


#: Dialogs of the federation's pages, as staff open them: (name, how).
FEDERATION_DIALOGS: list[tuple[str, Callable[[FederationWorkspace], QDialog | None]]] = [
    ("deadlines", lambda w: w.dashboard.ask_deadlines()),
    ("reminders", lambda w: w.dashboard.ask_reminders()),
    ("history", lambda w: w.dashboard.show_history("CS-0001")),
    (
        "entry",
        lambda w: open_entry(
            w.dashboard, "CS-0001", plan=w.plan, stream="registration", saved=nothing
        ),
    ),
    ("plan-packages", lambda w: w.plan_page.ask_export()),
    ("roster-unit", lambda w: w.roster.ask_add()),
    ("batch-print", lambda w: w.ask_batch_print()),
]


@pytest.mark.parametrize(
    "how", [h for _n, h in FEDERATION_DIALOGS], ids=[n for n, _h in FEDERATION_DIALOGS]
)
def test_f1_and_help_on_a_federation_dialog(
    qtbot: QtBot,
    tmp_path: Path,
    federation_file: Path,
    how: Callable[[FederationWorkspace], QDialog | None],
) -> None:
    _window, workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    qtbot.waitUntil(lambda: workspace.dashboard.plan is not None, timeout=10000)
    dialog = how(workspace)
    assert isinstance(dialog, QDialog)
    # Shown, and done loading (a dialog that loads is disabled until then).
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isEnabled(), timeout=10000)
    anchor = type(dialog).help_anchor  # type: ignore[attr-defined]
    press_f1(qtbot, dialog)
    shown_at(qtbot, anchor)
    assert f1_from_every_kind(qtbot, dialog, anchor) >= 1
    button = dialog.findChild(QPushButton, "dialog-help")
    assert button is not None and button.window() is dialog
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    shown_at(qtbot, anchor)
    dialog.reject()


def test_f1_on_the_scoring_screen(qtbot: QtBot, tmp_path: Path, federation_file: Path) -> None:
    window, workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    window.open_scoring()
    screen = window.scoring_screen
    assert screen is not None and workspace.tabs.currentWidget() is screen
    press_f1(qtbot, screen)
    shown_at(qtbot, "fed-scoring")


@pytest.mark.parametrize("example", [True, False], ids=["example-rules", "own-rules"])
def test_f1_in_the_scoring_rules_whatever_has_the_focus(
    qtbot: QtBot, tmp_path: Path, federation_file: Path, example: bool
) -> None:
    window, _workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    window.open_scoring()
    screen = window.scoring_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.board is not None, timeout=10000)
    screen.open_rules_editor()
    dialog = screen.rules_dialog
    assert isinstance(dialog, RulesDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.example.setChecked(example)
    # One F1 key in the dialog: a second (of a part once shown alone) silences both.
    keys = [s for s in dialog.findChildren(QShortcut, "help-key") if s.isEnabled()]
    assert len(keys) == 1
    assert f1_from_every_kind(qtbot, dialog, "fed-scoring") == len(FOCUS_KINDS) - 1
    # Each table's tab, with the focus in its table (the general tab has none).
    for index in range(1, dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        assert f1_from_every_kind(qtbot, dialog, "fed-scoring") >= 2, dialog.tabs.tabText(index)
    dialog.reject()


def test_a_part_shown_alone_then_put_in_a_dialog_gives_its_f1_back(qtbot: QtBot) -> None:
    part = QLabel("một phần")
    qtbot.addWidget(part)
    part.show()  # a window for a moment: it gets an F1 key of its own
    qtbot.waitUntil(part.isVisible)
    assert part.findChildren(QShortcut, "help-key")
    dialog = FingerprintDialog("LĐLĐ tỉnh Tuyên Quang", "ABCD EFGH")
    qtbot.addWidget(dialog)
    layout = dialog.layout()
    assert layout is not None
    layout.addWidget(part)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    keys = [s for s in dialog.findChildren(QShortcut, "help-key") if s.isEnabled()]
    assert [k.parent() for k in keys] == [dialog]
    press_f1(qtbot, part)
    shown_at(qtbot, FingerprintDialog.help_anchor)


# --- the chair's pages and the quick start ------------------------------------------------


def wait_for_preview(qtbot: QtBot) -> PdfPreviewDialog:
    return find_dialog(qtbot, PdfPreviewDialog, "pdf-preview")


def test_unit_pages_and_the_quick_start_ticking(qtbot: QtBot, tmp_path: Path) -> None:
    fed, plans, fingerprint = make_federation(tmp_path / "fed")
    fed.close()
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    # The first run shows the quick start, nothing ticked.
    dialog = window.quick_start_dialog
    assert isinstance(dialog, QuickStartDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.ticked() == [False] * 7
    press_f1(qtbot, dialog.steps)
    shown_at(qtbot, "quick-start")
    dialog.steps.setCurrentRow(4)
    QTest.keyClick(dialog.steps, Qt.Key.Key_Return)
    shown_at(qtbot, "unit-fingerprint")
    QTest.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    shown_at(qtbot, "unit-fingerprint")

    workspace = window.unit_workspace
    assert workspace is not None
    import_plan(qtbot, workspace, plans / "CS-0001_plan_2017.thidua", fingerprint)
    qtbot.waitUntil(lambda: dialog.ticked()[1], timeout=5000)  # ticked by "done"

    workspace.save_value(REGISTRATION_STREAM, "2.1", domain.UnitValue(amount=30))
    # The form and the key card previewed: not printed yet.
    for how in (workspace.print_current, workspace.print_key_card):
        workspace.tabs.setCurrentIndex(0)
        how()
        preview = wait_for_preview(qtbot)
        dialog.activateWindow()  # back to the list: it looks again
        qtbot.waitUntil(lambda: dialog.ticked()[2], timeout=5000)
        assert dialog.ticked()[3:5] == [False, False]
        preview.reject()
    # Saved from its preview: the form is printed (the key card still is not).
    workspace.tabs.setCurrentIndex(0)
    workspace.print_current()
    preview = wait_for_preview(qtbot)
    assert preview.save_to(tmp_path / "dang-ky.pdf") is not None
    preview.reject()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.ticked()[2:5] == [True, True, False], timeout=5000)
    # Printed from its preview (to a PDF file, as a print dialog may): the key card is.
    workspace.print_key_card()
    preview = wait_for_preview(qtbot)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "the-khoa.pdf"))
    preview.print_to(printer)
    assert (tmp_path / "the-khoa.pdf").stat().st_size > 0
    preview.reject()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.ticked()[2:5] == [True, True, True], timeout=5000)

    # F1 on each of the chair's tabs; on the details, their own section.
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        page = workspace.tabs.currentWidget()
        stream = getattr(page, "stream", None)
        expected = (
            "unit-sending"
            if stream is None
            else "unit-registration"
            if stream == REGISTRATION_STREAM
            else "unit-results"
        )
        assert own_anchor(workspace) == expected
        press_f1(qtbot, page)
        shown_at(qtbot, expected)
        if stream is not None:
            details = workspace.pages[stream].details
            press_f1(qtbot, details)
            shown_at(qtbot, "unit-details")

    # "Do not show again" is remembered, and a later start keeps its word.
    dialog.hide_box.setChecked(True)
    assert load_preferences().quick_start == "hidden"
    dialog.hide_box.setChecked(False)
    assert load_preferences().quick_start == "shown"


def test_a_later_start_shows_the_quick_start_unless_hidden(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    assert window.quick_start_dialog is not None
    window.close()
    for remembered, shown in (("shown", True), ("hidden", False), ("", False)):
        again = MainWindow(tmp_path / "unit.db", Preferences(language="vi", quick_start=remembered))
        qtbot.addWidget(again)
        again.show()
        with qtbot.waitSignals([again.plan_shown, again.settled], timeout=15000):
            again.start()
        assert (again.quick_start_dialog is not None) is shown, remembered
        again.close()


#: The file dialogs and previews a chair opens, each with the section of its task:
#: (name, how on the workspace and window, the dialog's objectName, its section).
UNIT_DIALOGS: list[tuple[str, Callable[[UnitWorkspace, MainWindow], object], str, str]] = [
    (
        "package-from-federation",
        lambda w, _m: w.import_from_federation(),
        "open-package",
        "unit-plan",
    ),
    ("key-card-preview", lambda w, _m: w.print_key_card(), "pdf-preview", "unit-fingerprint"),
    ("registration-preview", lambda w, _m: w.print_current(), "pdf-preview", "printing"),
    ("backup-folder", lambda w, _m: w.backup(), "backup-folder", "backup"),
    ("restore-folder", lambda _w, m: m._restore_action.trigger(), "restore-folder", "backup"),
    ("error-report", lambda _w, m: m.save_error_report(), "save-error-report-file", "problems"),
]


@pytest.mark.parametrize(
    ("how", "name", "anchor"),
    [(h, n, a) for _i, h, n, a in UNIT_DIALOGS],
    ids=[i for i, _h, _n, _a in UNIT_DIALOGS],
)
def test_a_unit_file_dialog_or_preview_opens_the_section_of_its_task(
    qtbot: QtBot,
    tmp_path: Path,
    how: Callable[[UnitWorkspace, MainWindow], object],
    name: str,
    anchor: str,
) -> None:
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    workspace = window.unit_workspace
    assert workspace is not None
    if window.quick_start_dialog is not None:
        window.quick_start_dialog.close()
    workspace.tabs.setCurrentIndex(0)  # the registration: its own section is another
    how(workspace, window)
    dialog = find_dialog(qtbot, QDialog, name)
    press_f1(qtbot, dialog)
    shown_at(qtbot, anchor)
    help_window().hide()
    help_window().current_anchor = ""
    assert f1_from_every_kind(qtbot, dialog, anchor) >= 1
    button = dialog.findChild(QPushButton, "dialog-help")
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    shown_at(qtbot, anchor)
    dialog.reject()


# --- dialogs ------------------------------------------------------------------------------


def dialogs(parent: QWidget) -> list[QDialog]:
    return [
        PassphraseDialog(
            parent, name="passphrase", title="Mật khẩu", intro="Nhập mật khẩu", ok_text="OK"
        ),
        FingerprintDialog("LĐLĐ tỉnh Tuyên Quang", "ABCD EFGH", parent),
        AboutDialog(str(Path("thidua.db")), parent),
        FirstRunDialog(parent),
        SharedDatabaseDialog("", TaskRunner(parent), parent),
        CrashDialog(record_unexpected(RuntimeError("thử"), where="test"), parent),
    ]


DIALOG_NAMES = ["passphrase", "fingerprint", "about", "first-run", "shared-database", "crash"]


@pytest.mark.parametrize("which", range(len(DIALOG_NAMES)), ids=DIALOG_NAMES)
def test_f1_and_the_help_button_on_a_dialog(qtbot: QtBot, which: int) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = dialogs(parent)[which]
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    anchor = type(dialog).help_anchor  # type: ignore[attr-defined]
    press_f1(qtbot, dialog)
    window = shown_at(qtbot, anchor)
    # Over a modal dialog the guide still takes clicks: it belongs to the dialog for now.
    assert window.parentWidget() is QApplication.activeModalWidget()
    window.hide()
    window.current_anchor = ""
    box = [b for b in dialog.findChildren(QDialogButtonBox) if b.window() is dialog][-1]
    role = QDialogButtonBox.ButtonRole.HelpRole
    help_buttons = [
        b for b in box.buttons() if box.buttonRole(b) is role and b.objectName() == "dialog-help"
    ]
    assert [b.text() for b in help_buttons] == [_("Help")]
    QTest.mouseClick(help_buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "Help does not close the dialog"
    shown_at(qtbot, anchor)
    dialog.reject()


# --- the help window ----------------------------------------------------------------------


def test_the_help_window_contents_back_forward_and_find(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    button = help_button(owner)
    owner.setProperty("helpAnchor", "fed-keys")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    window = shown_at(qtbot, "fed-keys")
    guide = installed_guide()
    assert window.contents.topLevelItemCount() == len(guide.chapters)
    # A chapter chosen in the contents, then Back and Forward.
    last = window.contents.topLevelItem(window.contents.topLevelItemCount() - 1)
    assert last is not None
    window.contents.setCurrentItem(last)
    QTest.keyClick(window.contents, Qt.Key.Key_Return)
    assert window.current_anchor == guide.chapters[-1].anchor
    QTest.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.current_anchor == "fed-keys"
    assert window.forward_button.isEnabled()
    QTest.mouseClick(window.forward_button, Qt.MouseButton.LeftButton)
    assert window.current_anchor == guide.chapters[-1].anchor
    # Find: a word of a title, then one nowhere.
    title = guide.title_of("glossary")
    window.find_box.setText(title)
    QTest.keyClick(window.find_box, Qt.Key.Key_Return)
    assert window.browser.textCursor().selectedText() == title
    assert window.find_result.text() == ""
    window.find_box.setText("zzzkhôngcóđâuzzz")
    QTest.mouseClick(window.find_button, Qt.MouseButton.LeftButton)
    assert window.find_result.text() == _("Not found")


FIND_GUIDE = """# Chung {#chung}

Lời mở đầu.

## Khóa {#khoa}

Giữ khóa ký cẩn thận.

### Chi tiết {#khoa-chi-tiet}

Đây là phần sâu hơn: KHÓA   KÝ viết hoa.

## Gửi {#gui}

Gửi gói cho Liên đoàn; khoá ký cũ vẫn dùng được.
"""


def test_find_in_the_guide_without_diacritics_or_case(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "01-chung.md").write_text(FIND_GUIDE, encoding="utf-8")
    window = HelpWindow(load_guide(tmp_path))
    qtbot.addWidget(window)
    window.show_anchor("chung")
    window.show()
    window.find_box.setText("  khoa KY ")
    written: list[tuple[str, str]] = []
    for _time in range(4):  # each place in turn, then the first again
        QTest.keyClick(window.find_box, Qt.Key.Key_Return)
        current = window.contents.currentItem()
        assert current is not None
        written.append(
            (
                window.browser.textCursor().selectedText(),
                current.data(0, Qt.ItemDataRole.UserRole),
            )
        )
    # "khoá" is written with its mark on the "a" (the old way): found all the same.
    assert written == [
        ("khóa ký", "khoa"),
        ("KHÓA KÝ", "khoa"),  # a deeper heading: its section in the contents
        ("khoá ký", "gui"),
        ("khóa ký", "khoa"),
    ]
    assert window.find_result.text() == ""
    window.find_box.setText("khoa ky la")
    QTest.mouseClick(window.find_button, Qt.MouseButton.LeftButton)
    assert window.find_result.text() == _("Not found")
    window.find_box.setText("")
    QTest.mouseClick(window.find_button, Qt.MouseButton.LeftButton)
    assert window.find_result.text() == ""


def first_picture(window: HelpWindow) -> QTextCursor:
    """A cursor on the first picture of the guide shown in ``window``."""
    document = window.browser.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isImageFormat():
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                return cursor
            iterator += 1
        block = block.next()
    raise AssertionError("the guide has no picture")


def test_a_click_on_a_picture_opens_it_full_size(qtbot: QtBot, scale: float) -> None:
    window = help_window()
    window.show_anchor("intro")
    window.show()
    qtbot.waitUntil(window.isVisible)
    cursor = first_picture(window)
    window.browser.setTextCursor(cursor)
    window.browser.ensureCursorVisible()
    shown = cursor.charFormat().toImageFormat()
    assert shown.width() == PICTURE_WIDTH
    name = shown.name()
    # The one on screen is small; a click opens it at its own size.
    cursor.movePosition(QTextCursor.MoveOperation.Right)
    rect = window.browser.cursorRect(cursor)
    spot = QPoint(rect.left() - PICTURE_WIDTH // 2, rect.top() + rect.height() // 2)
    QTest.mouseClick(window.browser.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    viewer = window.picture_viewer
    assert isinstance(viewer, PictureViewer)
    qtbot.waitUntil(viewer.isVisible)
    assert viewer.path == (installed_guide().folder / name).resolve()
    full = QPixmap(str(viewer.path))
    assert full.width() > PICTURE_WIDTH
    pixmap = viewer.picture.pixmap()
    assert pixmap.size() == full.size(), "shown at its own size"
    assert viewer.windowTitle() and viewer.caption.text() == viewer.windowTitle()
    # It fits a 1366×768 screen and scrolls; Esc closes it.
    assert viewer.width() <= 1366 and viewer.height() <= 768
    hint = viewer.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    bar = viewer.scroller.horizontalScrollBar()
    assert bar.maximum() >= 0
    viewer.grab().save(str(Path(tempfile.gettempdir()) / f"guide-picture-{scale}.png"))
    QTest.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not isValid(viewer) or not viewer.isVisible())
    # From the keyboard: Tab to the picture's link, Enter.
    window.show_anchor("intro")
    window.browser.setFocus()
    window.browser.setTextCursor(QTextCursor(window.browser.document()))
    for _i in range(40):
        QTest.keyClick(window.browser, Qt.Key.Key_Tab)
        if window.browser.textCursor().charFormat().anchorHref().startswith("picture:"):
            break
    QTest.keyClick(window.browser, Qt.Key.Key_Return)
    again = window.picture_viewer
    assert again is not None and again is not viewer
    qtbot.waitUntil(again.isVisible)
    again.reject()


def test_the_help_window_at_1366_by_768(qtbot: QtBot, scale: float) -> None:
    window = help_window()
    window.show_anchor("intro")
    window.show()
    assert window.minimumSizeHint().width() <= 1366
    assert window.minimumSizeHint().height() <= 768
    assert window.width() <= 1366 and window.height() <= 768


def test_quick_start_and_about_at_1366_by_768(
    qtbot: QtBot, tmp_path: Path, federation_file: Path, scale: float
) -> None:
    window, _workspace = open_federation_copy(qtbot, tmp_path, federation_file)
    for dialog in (window.open_quick_start(), window.open_about()):
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, type(dialog).__name__
        assert dialog.width() <= 1366 and dialog.height() <= 768
        dialog.close()


def test_the_guide_closes_by_its_button_and_by_esc(qtbot: QtBot) -> None:
    """A new user looked for a way to close the guide inside it: "Đóng", and Esc."""
    window = help_window()
    i18n.set_language("vi")
    window.translateUI()
    try:
        for close in ("button", "escape"):
            window.show_anchor("about")
            window.show()
            qtbot.waitUntil(window.isVisible, timeout=5000)
            assert window.close_button.text() == "Đóng"
            if close == "button":
                QTest.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
            else:
                window.activateWindow()
                qtbot.waitUntil(window.isActiveWindow, timeout=5000)
                window.find_box.setFocus()
                QTest.keyClick(window.find_box, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    finally:
        i18n.set_language("en")
        window.translateUI()
