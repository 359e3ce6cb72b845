"""Qt's own strings (standard buttons) follow the UI language.

Qt has no Vietnamese catalogue of its own; the application's translator
answers the strings Qt asks for from the project catalogue. Standard
dialog buttons and a message box are built by Qt itself here, so the texts
checked are the ones Qt looked up through the installed translators.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.core import i18n

from ui.widgets.qt_translations import QT_STRINGS, install_qt_translations, remove_qt_translations

Button = QDialogButtonBox.StandardButton
BUTTONS = (
    Button.Ok,
    Button.Cancel,
    Button.Save,
    Button.Close,
    Button.Yes,
    Button.No,
    Button.Apply,
    Button.Discard,
    Button.Help,
    Button.Open,
)


@pytest.fixture
def app() -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    remove_qt_translations(instance)
    i18n.set_language("vi")


def button_texts(qtbot: QtBot) -> dict[Button, str]:
    box = QDialogButtonBox()
    qtbot.addWidget(box)
    for which in BUTTONS:
        box.addButton(which)
    return {which: box.button(which).text() for which in BUTTONS}


def test_standard_buttons_are_vietnamese(qtbot: QtBot, app: QApplication) -> None:
    i18n.set_language("vi")
    assert install_qt_translations(app, "vi")[-1] == "catalogue"
    texts = button_texts(qtbot)
    assert texts[Button.Ok] == "Đồng ý"
    assert texts[Button.Cancel] == "Hủy"
    assert texts[Button.Save] == "Lưu"
    assert texts[Button.Yes] == "&Có"
    assert texts[Button.No] == "&Không"
    assert texts[Button.Open] == "Mở"
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Thi Đua",
        "Xóa chỉ tiêu?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Yes).text() == "&Có"
    assert box.button(QMessageBox.StandardButton.No).text() == "&Không"

    # English: Qt's own words, looked up again for each new dialog.
    i18n.set_language("en")
    texts = button_texts(qtbot)
    assert (texts[Button.Ok], texts[Button.Yes], texts[Button.Cancel]) == ("OK", "&Yes", "Cancel")


def test_every_standard_button_string_qt_asks_for_is_covered(
    qtbot: QtBot, app: QApplication
) -> None:
    """This Qt's standard-button texts are all in the table (a new Qt could add some)."""

    asked: set[tuple[str, str]] = set()

    class Recorder(QTranslator):
        def translate(
            self, context: str, source: str, disambiguation: str | None = None, n: int = -1
        ) -> str | None:
            asked.add((context, source))
            return None

        def isEmpty(self) -> bool:
            return False

    recorder = Recorder()
    app.installTranslator(recorder)
    try:
        box = QDialogButtonBox()
        qtbot.addWidget(box)
        for which in Button:
            if which not in (Button.NoButton, Button.FirstButton, Button.LastButton):
                box.addButton(which)
    finally:
        app.removeTranslator(recorder)
    buttons = {key for key in asked if key[0] == "QPlatformTheme"}
    assert len(buttons) >= 15
    assert buttons <= set(QT_STRINGS), buttons - set(QT_STRINGS)
