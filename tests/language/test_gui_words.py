"""No English in any window, in both modes (issue #19): every text a widget shows —
labels, buttons, titles, tabs, placeholders, tool tips, combo items, every menu, header
labels and the cells of each model, the status bar — spell-checked with hunspell-vi and
searched for the English stop list of :mod:`tests.language.gui_texts`.

A unit's window with a plan imported and two statements typed, and a federation's
window over a demo province with a conflict, a changed key and late units (the
province of tests/gui/test_screen_size.py) are walked page by page; each dialog
reachable from them and every dialog of that module's catalogue is opened (one test
each), read and closed. Qt's own dialogs (a file dialog, a message box, an input
dialog) are read as well: their standard buttons come from our catalogue.

Exclusions (not words of ours): what the text checker leaves out anyway (codes, numbers,
paths, quoted values, see :mod:`tests.language.spelling`); what the collector does not
read (typed text, code columns, files on disk: see :mod:`tests.language.gui_texts`);
the names in :data:`NAMES` shown as they are; the login name of this computer's user
(the audit log's "who", data); paths of folders and files; and Python's name of an
unexpected error with its traceback, which the crash dialog shows for the support
person (:data:`TECHNICAL`).
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.core import domain, i18n
from app.core.context import AppContext
from app.core.preferences import Preferences
from db.enums import Sector
from tests.gui.test_screen_size import DIALOGS, dialogs, province  # noqa: F401 (a fixture)
from tests.language.gui_texts import english_words, shown_texts
from tests.language.spelling import require_hunspell, unknown_words

from ui.shell.main_window import MainWindow
from ui.widgets.qt_translations import install_qt_translations, remove_qt_translations

pytestmark = pytest.mark.gui

#: Names shown as they are: fonts the print dialog offers, and each language of the
#: Language menu named in itself (a Vietnamese window offers "English" to whoever reads it).
NAMES = ("Times New Roman", "Liberation Serif", "English")


@pytest.fixture(autouse=True)
def _hunspell() -> None:
    require_hunspell()


@pytest.fixture(autouse=True)
def _qt_in_vietnamese(qapp: QApplication) -> Iterator[None]:
    """Qt's own strings and locale in Vietnamese, as ``ui.main`` installs them at start."""
    install_qt_translations(qapp, "vi")
    yield
    install_qt_translations(qapp, "en")
    remove_qt_translations(qapp)


#: An unexpected error as Python names it, and its traceback (the crash dialog's details);
#: a folder's path (a file dialog's "Look in", a database's place: data).
TECHNICAL = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|\bTraceback\b|(?<!\S)/\S*")


def check(texts: dict[str, str]) -> None:
    """No unknown word and no English word in ``texts`` (text → where)."""
    login = re.compile(rf"(?<![\w/.-]){re.escape(getpass.getuser())}(?![\w/.-])")
    cleaned = {}
    for text, where in texts.items():
        for name in NAMES:
            text = text.replace(name, " ")
        text = TECHNICAL.sub(" ", login.sub(" ", text))
        cleaned[text] = where
    assert english_words(cleaned) == {}
    unknown = unknown_words(cleaned)
    assert {word: f"{text!r} in {cleaned.get(text, '')}" for word, text in unknown.items()} == {}


def open_windows() -> dict[str, str]:
    """What every visible top-level window shows (message boxes, dialogs, the main window)."""
    found: dict[str, str] = {}
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            for text, where in shown_texts(widget).items():
                found.setdefault(text, where)
    return found


def start(qtbot: QtBot, database: Path) -> MainWindow:
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.start()
    return window


# --- the unit's window ----------------------------------------------------------------------


@pytest.fixture
def unit_window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    """A unit that imported its plan and typed its registration and half-year report."""
    from app.unit import import_plan_package
    from app.unit.workspace import StatementDetails, set_details, set_value
    from tests.helpers import PLAN, federation_fingerprint, federation_with_roster, unit_database

    fed, plans = federation_with_roster(tmp_path / "fed.db", tmp_path)
    fingerprint = federation_fingerprint(fed)
    fed.close()
    database = tmp_path / "unit.db"
    ctx = unit_database(
        database,
        name="Công đoàn Công ty CP Xi măng Tân Quang",
        code="CS-0001",
        sector=Sector.NON_STATE_ENTERPRISE,
    )
    import_plan_package(
        ctx, path=plans / "CS-0001_plan_2017.thidua", confirmed_fingerprint=fingerprint
    )
    for stream in ("registration", "h1"):
        set_value(ctx, plan_id=PLAN, stream=stream, code="2.1", value=domain.UnitValue(amount=40))
        set_details(
            ctx,
            plan_id=PLAN,
            stream=stream,
            details=StatementDetails(
                signer_name="Nguyễn Văn Ân", signer_title="Chủ tịch", place="Tuyên Quang"
            ),
        )
    ctx.close()
    return start(qtbot, database)


def test_the_unit_window_in_vietnamese(qtbot: QtBot, unit_window: MainWindow) -> None:
    workspace = unit_window.unit_workspace
    assert workspace is not None
    texts: dict[str, str] = {}
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        texts.update(shown_texts(unit_window))
    assert len(texts) > 100  # the walk reads the window
    check(texts)


# --- the federation's window ----------------------------------------------------------------


@pytest.fixture
def federation_window(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
) -> MainWindow:
    demo, _ctx = province
    database = tmp_path / "federation.db"
    shutil.copyfile(demo.database, database)
    keys = demo.database.parent.parent / "home" / "keys"
    if keys.exists():
        shutil.copytree(keys, Path(os.environ["THIDUA_HOME"]) / "keys", dirs_exist_ok=True)
    window = start(qtbot, database)
    workspace = window.federation_workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.dashboard.board is not None, timeout=30000)
    # The other pages are built (and load) after the plan is shown.
    qtbot.waitUntil(lambda: bool(workspace.roster.model.units()), timeout=30000)
    return window


PAGES = ("dashboard", "import", "keys", "conflicts", "flags", "roster", "plan", "audit")


def test_the_federation_window_in_vietnamese(qtbot: QtBot, federation_window: MainWindow) -> None:
    workspace = federation_window.federation_workspace
    assert workspace is not None
    texts: dict[str, str] = {}
    for page in PAGES:
        workspace.show_page(page)
        qtbot.wait(300)
        texts.update(shown_texts(federation_window))
    for index in range(workspace.dashboard.tabs.count()):
        workspace.dashboard.tabs.setCurrentIndex(index)
        qtbot.wait(300)
        texts.update(shown_texts(workspace.dashboard))
    assert len(texts) > 300
    check(texts)


def _late(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    return workspace.dashboard.show_late()


def _entry(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    board = workspace.dashboard.board
    assert board is not None and board.missing
    absent = board.missing[0]
    return workspace.dashboard.enter_for(absent.unit.code, absent.stream)


def _history(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    return workspace.dashboard.show_history("CS-00001")


def _roster_unit(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("roster")
    return workspace.roster.ask_edit() if workspace.roster.select_unit("CS-00001") else None


def _batch(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    return workspace.ask_batch_print(unit_codes=["CS-00001"])


def _checks(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.plan_page.ask_checks()
    end = time.monotonic() + 20
    while workspace.plan_page.checks_dialog is None and time.monotonic() < end:
        QApplication.processEvents()
    return workspace.plan_page.checks_dialog


def _scoring(window: MainWindow) -> QWidget | None:
    window.open_scoring()
    return window


def _refuse_key(window: MainWindow) -> QWidget | None:
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("keys")
    keys = workspace.keys
    end = time.monotonic() + 20
    while not keys.model.rows() and time.monotonic() < end:
        QApplication.processEvents()
    keys.show_status(None)  # every key, the first one chosen
    keys.view.setCurrentIndex(keys.proxy.index(0, 0))
    return workspace.keys.ask_refuse()


#: Dialogs opened from the federation's window (name → how it is opened).
FROM_WINDOW: dict[str, Callable[[MainWindow], QWidget | None]] = {
    "late units": _late,
    "deadlines": lambda w: w.federation_workspace.dashboard.ask_deadlines(),  # type: ignore[union-attr]
    "reminders": lambda w: w.federation_workspace.dashboard.ask_reminders("h1"),  # type: ignore[union-attr]
    "entry on behalf": _entry,
    "unit history": _history,
    "roster unit": _roster_unit,
    "batch printing": _batch,
    "value checks": _checks,
    "scoring": _scoring,
    "refuse a key": _refuse_key,
    "move the data": lambda w: w.ask_move_database(""),
    "staff name": lambda w: w.ask_staff_name(),
    "error report file": lambda w: w.save_error_report(),
}


@pytest.mark.parametrize("name", sorted(FROM_WINDOW))
def test_each_dialog_of_the_federation_window(
    qtbot: QtBot, federation_window: MainWindow, name: str
) -> None:
    dialog = FROM_WINDOW[name](federation_window)
    assert dialog is not None, name
    qtbot.wait(500)
    texts = open_windows()
    if isinstance(dialog, QDialog):
        texts.update(shown_texts(dialog))
    check(texts)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


@pytest.fixture
def catalogue(
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
) -> Iterator[dict[str, Callable[[], QWidget]]]:
    demo, ctx = province
    i18n.set_language("vi")
    yield dialogs(demo, ctx, tmp_path)


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_in_vietnamese(
    qtbot: QtBot, catalogue: dict[str, Callable[[], QWidget]], name: str
) -> None:
    widget = catalogue[name]()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(300)
    check(shown_texts(widget))


def test_the_about_dialog_in_vietnamese(qtbot: QtBot, unit_window: MainWindow) -> None:
    dialog = unit_window.open_about()
    qtbot.waitExposed(dialog)
    check(shown_texts(dialog))
    dialog.close()


@pytest.mark.parametrize("kind", ["question", "warning"])
def test_message_boxes_in_vietnamese(qtbot: QtBot, unit_window: MainWindow, kind: str) -> None:
    """A message box as the app shows one, its standard buttons included (Qt has no
    Vietnamese catalogue: ours answers them)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from app.core.i18n import gettext as _

    seen: dict[str, str] = {}

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.update(shown_texts(box))
        box.done(0)

    QTimer.singleShot(200, read_and_close)
    if kind == "question":
        buttons = QMessageBox.StandardButton
        QMessageBox.question(
            unit_window,
            _("Open the file"),
            _("Cancel"),
            buttons.Yes | buttons.No | buttons.Cancel | buttons.Save | buttons.Discard,
        )
    else:
        QMessageBox.warning(unit_window, _("Open the file"), _("Cancel"))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    check(seen)
    buttons_shown = {text.replace("&", "") for text in seen}
    assert kind != "question" or {"Có", "Không", "Hủy"} <= buttons_shown


def test_the_print_dialog_in_vietnamese(
    qtbot: QtBot,
    tmp_path: Path,
    catalogue: dict[str, Callable[[], QWidget]],
) -> None:
    """The print dialog Qt draws (on Linux; Windows shows its own, in Windows's language),
    opened from a PDF's preview: its page, its options and its buttons. Only its
    "Properties" sub-dialog (paper sizes by their international names) is Qt's."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QPushButton

    preview = catalogue["pdf preview"]()
    qtbot.addWidget(preview)
    preview.show()
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintDialog)
        options = [b for b in dialog.findChildren(QPushButton) if b.text().startswith("&Tùy")]
        for button in options:
            button.click()  # the options shown too
        QApplication.processEvents()
        seen.update(shown_texts(dialog))
        dialog.reject()

    QTimer.singleShot(300, read_and_close)
    preview._print()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert any("Số bản" in text for text in seen)  # the options were read
    check(seen)
