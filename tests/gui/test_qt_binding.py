"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 drops a reference to ``None`` each time a Python ``data()``
returns ``None`` (the normal "no value" answer) — every table view calls it
thousands of times a second, and the process dies ("deallocating None")
after a few minutes. pyproject excludes that release; this test fails on any
binding with the same defect before it reaches a user.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication


class _Model(QAbstractTableModel):
    def rowCount(self, parent: Any = None) -> int:
        return 3

    def columnCount(self, parent: Any = None) -> int:
        return 3

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return None


class _Source(QObject):
    value = Signal(object)


def test_returning_none_from_data_keeps_reference_counts(qapp: QApplication) -> None:
    model = _Model()
    before = sys.getrefcount(None)
    for _ in range(2000):
        model.index(1, 1).data()
    # The defective binding loses one reference per call (-2000); allow small noise.
    assert abs(sys.getrefcount(None) - before) < 100


def test_emitting_none_keeps_reference_counts(qapp: QApplication) -> None:
    source = _Source()
    received: list[object] = []
    source.value.connect(received.append)
    before = sys.getrefcount(None)
    for _ in range(2000):
        source.value.emit(None)
    assert len(received) == 2000
    assert abs(sys.getrefcount(None) - before - len(received)) < 100
