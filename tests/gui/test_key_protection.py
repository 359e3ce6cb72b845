"""File → Protect the key for every staff computer… in the real window (issue #18): an
older federation whose key is still an unprotected file is told so in the status bar;
the action asks the new passphrase twice (a short or mismatched one refused, nothing
changed) and moves the key into the database, protected; a new federation's window
offers nothing to protect."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.context import open_context
from app.exchange import stored_key_text
from app.exchange.keystore import key_from_text
from app.setup import initialize
from db import models
from db.enums import Role
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog, open_federation_window
from tests.helpers import federation_with_roster, older_federation_key

from ui.widgets.passphrase import PassphraseDialog

PASSPHRASE = "mật khẩu mới của LĐLĐ"


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("ngắn", "ngắn", "Mật khẩu cần ít nhất 8 ký tự."),
        (PASSPHRASE, PASSPHRASE + "x", "Hai mật khẩu khác nhau; hãy gõ cùng một mật khẩu hai lần."),
    ],
)
def test_an_older_federations_key_file_is_protected_from_the_file_menu(
    qtbot: QtBot, tmp_path: Path, first: str, second: str, said: str
) -> None:
    database = tmp_path / "federation.db"
    ctx = open_context(database)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    keyid = older_federation_key(ctx)
    ctx.close()
    window, _workspace = open_federation_window(qtbot, database)
    assert window.key_warning.isVisible()
    assert "chưa được bảo vệ" in window.key_warning.text()
    assert window._protect_action.isVisible()
    assert window._protect_action.text() == "Bảo vệ khóa cho mọi máy của Liên đoàn…"
    window._protect_action.trigger()
    dialog = find_dialog(qtbot, PassphraseDialog, "protect-key")
    assert dialog.second is not None
    type_text(dialog.first, first)
    type_text(dialog.second, second)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.error.text() == said and dialog.isVisible()
    dialog.first.clear()
    dialog.second.clear()
    type_text(dialog.first, PASSPHRASE)
    type_text(dialog.second, PASSPHRASE)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not window.key_warning.isVisible(), timeout=20000)
    assert not window._protect_action.isVisible()
    assert "đã được bảo vệ" in window.statusBar().currentMessage()
    window.grab().save(str(tmp_path / "protected.png"))
    window.close()
    check = open_context(database)
    with check.reading() as session:
        text = stored_key_text(session)
        shared = session.scalars(
            select(models.AuditEntry.subject).where(models.AuditEntry.action == "key.share")
        ).all()
    check.close()
    assert text is not None and key_from_text(text, PASSPHRASE).key_id == keyid
    assert shared == [keyid]


def test_a_new_federation_has_nothing_to_protect(qtbot: QtBot, tmp_path: Path) -> None:
    ctx, _plans = federation_with_roster(tmp_path / "federation.db", tmp_path)
    ctx.close()
    window, _workspace = open_federation_window(qtbot, tmp_path / "federation.db")
    assert not window.key_warning.isVisible()
    assert not window._protect_action.isVisible()
    keys = Path(os.environ["THIDUA_HOME"]) / "keys"
    assert not keys.exists() or not list(keys.iterdir())
    window.close()
