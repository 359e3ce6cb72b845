"""Every first-run choice, and a failed set-up that asks again.

The chair's first hour, through the real widgets (the windows are the fixtures of this
folder's conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QDialogButtonBox

from db.enums import Role, Sector, UnitKind
from tests.gui.typing import type_text
from tests.gui.unit_helpers import start_window
from tests.gui.widgets import context_of, standard_button
from tests.helpers import KEY_PASSPHRASE

CHOICES = [
    pytest.param(
        Role.UNIT, kind, sector, id=f"unit-{kind.value}-{sector.value if sector else 'none'}"
    )
    for kind in (UnitKind.GRASSROOTS, UnitKind.UPPER)
    for sector in (None, *Sector)
] + [pytest.param(Role.FEDERATION, None, None, id="federation")]


@pytest.mark.parametrize(("role", "kind", "sector"), CHOICES)
def test_first_run_with_any_choice_of_every_list_does_not_crash(
    qtbot: QtBot, tmp_path: Path, role: Role, kind: UnitKind | None, sector: Sector | None
) -> None:
    """Regression: choosing any "Khu vực" crashed with "'str' object has no attribute
    'value'" and left an empty window. Every kind and sector of the welcome dialog."""
    window = start_window(qtbot, tmp_path / "new.db")
    dialog = window.first_run_dialog
    assert dialog is not None
    if role is Role.FEDERATION:
        dialog._federation.click()
        type_text(dialog._name, "LĐLĐ tỉnh Tuyên Quang")
        # The federation chooses its key's passphrase (typed twice) before it can go on.
        ok = standard_button(dialog, QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        type_text(dialog._passphrase, KEY_PASSPHRASE)
        type_text(dialog._again, KEY_PASSPHRASE)
    else:
        type_text(dialog._name, "Công đoàn Công ty CP Xi măng Tân Quang")
        type_text(dialog._code, "CS-0001")
        assert kind is not None
        dialog._kind.setCurrentIndex(dialog._kind.index_of(kind))
        dialog._sector.setCurrentIndex(dialog._sector.index_of(sector))
        assert (dialog.choice().kind, dialog.choice().sector) == (kind, sector)
        if kind is UnitKind.GRASSROOTS and sector is None:
            # A CĐCS must say its sector (it decides its indicators): asked, not defaulted.
            ok = standard_button(dialog, QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()
            assert dialog._error.text() == "Hãy chọn khu vực của công đoàn cơ sở."
            assert dialog._sector.currentText() == "(chọn khu vực)"
            return
    failures: list[str] = []
    window.failed.connect(failures.append)
    with qtbot.waitSignal(window.plan_shown, timeout=15000):
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    assert failures == []
    assert window._installation is not None
    assert window._installation.role is role
    if role is Role.UNIT:
        assert window.unit_workspace is not None
        unit = window.unit_workspace.workspace.unit  # type: ignore[union-attr]
        assert (unit.kind, unit.sector) == (kind, sector)


def test_a_failed_set_up_asks_again_with_what_was_typed(qtbot: QtBot, tmp_path: Path) -> None:
    """Setting up refused (a code already used): the welcome dialog comes back filled in."""
    window = start_window(qtbot, tmp_path / "new.db")
    dialog = window.first_run_dialog
    assert dialog is not None
    # A unit with the same code exists already (as if a half-finished earlier run).
    from db import models

    with context_of(window).unit_of_work() as session:
        session.add(models.Unit(code="CS-0001", name="Đơn vị khác", kind=UnitKind.GRASSROOTS))
    dialog._name.setText("Công đoàn Công ty CP Xi măng Tân Quang")
    type_text(dialog._code, "CS-0001")
    dialog._sector.setCurrentIndex(dialog._sector.index_of(Sector.ADMINISTRATIVE))
    with qtbot.waitSignal(window.failed, timeout=10000) as failed:
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    assert "CS-0001" in failed.args[0]
    qtbot.waitUntil(
        lambda: window.first_run_dialog is not None and window.first_run_dialog.isVisible(),
        timeout=10000,
    )
    again = window.first_run_dialog
    assert again is not None and again is not dialog
    assert again._name.text() == "Công đoàn Công ty CP Xi măng Tân Quang"
    assert again._code.text() == "CS-0001"
    assert "CS-0001" in again._error.text()
    again._code.clear()
    type_text(again._code, "CS-0002")
    with qtbot.waitSignal(window.plan_shown, timeout=15000):
        standard_button(again, QDialogButtonBox.StandardButton.Ok).click()
    assert window.unit_workspace is not None
