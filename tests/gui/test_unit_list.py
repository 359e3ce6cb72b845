"""The unit list a search narrows (ui.widgets.unit_list): words typed before the list is
read still narrow it when it comes (a country's list takes a moment); any order,
diacritics optional; the chosen unit stays chosen while it is listed."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QComboBox, QLineEdit

from ui.widgets.unit_list import searchable, unit_rows

pytestmark = pytest.mark.gui

UNITS = [
    ("CS-001 — Công đoàn Công ty Xi măng Tân Quang", "CS-001"),
    ("CS-002 — Công đoàn Trường THPT Yên Sơn", "CS-002"),
    ("CS-010 — Công đoàn Công ty Điện lực", "CS-010"),
]


def codes(combo: QComboBox) -> list[str]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_words_typed_before_the_list_still_narrow_it(qapp: object) -> None:
    combo, search = QComboBox(), QLineEdit()
    model = searchable(combo, search)
    search.setText("cong ty")
    assert combo.count() == 0
    model.set_units(unit_rows(UNITS))
    assert codes(combo) == ["CS-001", "CS-010"]
    search.setText("dien LUC")
    assert codes(combo) == ["CS-010"] and combo.currentData() == "CS-010"
    search.setText("cs-0")
    assert combo.currentData() == "CS-010" and len(codes(combo)) == 3  # still chosen
    search.setText("xi mang tan quang")
    assert codes(combo) == ["CS-001"] and combo.currentData() == "CS-001"
    search.setText("không có")
    assert combo.count() == 0 and combo.currentIndex() == -1
    search.clear()
    assert codes(combo) == ["CS-001", "CS-002", "CS-010"]
