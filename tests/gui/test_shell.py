"""The GUI shell driven for real: first run, the plan's indicators, errors, language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox, QRadioButton

from app.core import i18n
from app.core.preferences import Preferences
from tests.gui.typing import type_text
from tests.gui.widgets import standard_button
from tests.helpers import KEY_PASSPHRASE

from ui.shell.first_run import FirstRunDialog
from ui.shell.main_window import MainWindow
from ui.widgets.tables import IndicatorColumn

ROOT = Path(__file__).resolve().parents[2]


def open_window(qtbot: QtBot, db: Path, language: str = "vi") -> MainWindow:
    i18n.set_language(language)
    window = MainWindow(db, Preferences(language=language))
    qtbot.addWidget(window)
    window.show()
    window.start()
    return window


def column_texts(window: MainWindow, column: IndicatorColumn) -> list[str]:
    model = window.indicator_model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_first_run_as_federation_then_the_plan_is_listed(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "fed.db")
    qtbot.waitUntil(lambda: window.first_run_dialog is not None, timeout=10000)
    dialog = window.first_run_dialog
    assert isinstance(dialog, FirstRunDialog)
    assert dialog.windowTitle() == "Chào mừng đến với Thi Đua"
    federation = next(
        b for b in dialog.findChildren(QRadioButton) if b.text().startswith("Liên đoàn")
    )
    ok = standard_button(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled(), "no name typed yet"
    QTest.mouseClick(federation, Qt.MouseButton.LeftButton)
    type_text(dialog._name, "LĐLĐ tỉnh Tuyên Quang")
    # A federation chooses its key's passphrase, typed twice, at least 8 characters.
    passphrase = dialog.findChild(QLineEdit, "first-run-passphrase")
    again = dialog.findChild(QLineEdit, "first-run-passphrase-again")
    assert passphrase is not None and again is not None and passphrase.isVisible()
    error = dialog._error
    assert not ok.isEnabled() and error.text() == "Mật khẩu cần ít nhất 8 ký tự."
    type_text(passphrase, "ngắn")
    type_text(again, "ngắn")
    assert not ok.isEnabled() and error.text() == "Mật khẩu cần ít nhất 8 ký tự."
    passphrase.clear()
    type_text(passphrase, KEY_PASSPHRASE)
    assert not ok.isEnabled() and "hai lần" in error.text()
    again.clear()
    type_text(again, KEY_PASSPHRASE + "x")
    assert not ok.isEnabled() and "hai lần" in error.text()
    again.clear()
    type_text(again, KEY_PASSPHRASE)
    assert ok.isEnabled() and not error.text()
    with qtbot.waitSignal(window.plan_shown, timeout=20000) as shown:
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert shown.args == ["tuyen-quang-2017"]
    keys = Path(os.environ["THIDUA_HOME"]) / "keys"
    assert not keys.exists() or not list(keys.iterdir())  # no key file: in the database
    from app.core.context import open_context
    from app.exchange import stored_key_text
    from app.exchange.keystore import key_from_text

    check = open_context(tmp_path / "fed.db")
    with check.reading() as session:
        text = stored_key_text(session)
    check.close()
    assert text is not None and key_from_text(text, KEY_PASSPHRASE).key_id
    codes = column_texts(window, IndicatorColumn.CODE)
    assert codes[:3] == ["1", "2.1", "2.2"] and "9đ.2" in codes and len(codes) == 21
    targets = column_texts(window, IndicatorColumn.TARGET)
    # 2.1 counts the levels once: its cell says so under the target.
    [members] = [t for t in targets if t.startswith("2.000 đoàn viên")]
    assert "không cộng thêm số của các đơn vị trực thuộc" in members
    assert any(t.startswith("từ 700 triệu đồng trở lên") for t in targets)
    header = window.indicator_model.headerData(IndicatorColumn.TARGET, Qt.Orientation.Horizontal)
    assert header == "Chỉ tiêu của tỉnh"
    assert "LĐLĐ tỉnh Tuyên Quang" in window._status.text()
    window.grab().save(str(tmp_path / "shell.png"))


def test_second_start_skips_first_run(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    from app.core.context import open_context
    from app.setup import set_up_installation
    from db.enums import Role

    ctx = open_context(db)
    set_up_installation(ctx, role=Role.UNIT, name="CĐCS Xi măng Tân Quang")
    ctx.close()
    window = open_window(qtbot, db)
    with qtbot.waitSignal(window.plan_shown, timeout=10000):
        pass
    assert window.first_run_dialog is None
    assert "Đơn vị" in window._status.text()


def test_a_file_that_is_not_a_database_gives_a_message_not_a_crash(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "photo.db"
    db.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    before = db.read_bytes()
    window = open_window(qtbot, db)
    with qtbot.waitSignal(window.failed, timeout=10000) as failure:
        pass
    assert failure.args == ["Tệp này không phải cơ sở dữ liệu Thi Đua. (" + str(db) + ")"]
    boxes = window.findChildren(QMessageBox)
    assert boxes and boxes[-1].text() == failure.args[0]
    assert db.read_bytes() == before


def test_switching_to_english_retranslates_in_place(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "fed.db"
    from app.core.context import open_context
    from app.setup import set_up_installation
    from db.enums import Role

    ctx = open_context(db)
    set_up_installation(ctx, role=Role.FEDERATION, name="LĐLĐ", key_passphrase=KEY_PASSPHRASE)
    ctx.close()
    window = open_window(qtbot, db)
    with qtbot.waitSignal(window.plan_shown, timeout=10000):
        pass
    window.set_language("en")
    model = window.indicator_model
    assert model.headerData(IndicatorColumn.TITLE, Qt.Orientation.Horizontal) == "Indicator"
    assert window.windowTitle() == "Thi Đua — emulation registration and reporting"
    window.set_language("vi")
    assert model.headerData(IndicatorColumn.TITLE, Qt.Orientation.Horizontal) == "Chỉ tiêu"


def test_the_installed_gui_entry_point_opens_its_window(tmp_path: Path) -> None:
    """What `make run` starts: the `thidua` script, offscreen, on a fresh data folder."""
    script = Path(sys.executable).with_name("thidua")
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen", THIDUA_HOME=str(tmp_path / "home"), THIDUA_EXIT_AFTER_SHOW="1"
    )
    result = subprocess.run(
        [str(script)], capture_output=True, text=True, env=env, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "window-shown: Thi Đua — đăng ký và báo cáo thi đua" in result.stdout
    assert (tmp_path / "home" / "thidua.db").exists(), "the default embedded database"
