"""Every action the application records in the audit log has words on the Nhật ký page
(one label table, app.audit.labels), and an entry's detail reads as Vietnamese
"field: value" with units by code and name, days as DD/MM/YYYY — never raw codes."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from app.audit import ACTION_LABELS, AuditRow, action_label
from app.audit.view import describe, fields_text
from app.core import i18n

APP = Path(__file__).resolve().parents[2] / "app"


def recorded_actions() -> set[str]:
    """The ``action="…"`` of every ``audit.record(…)`` call in app/."""
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if name != "record":
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    found.add(str(keyword.value.value))
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions()
    assert {"deadline.set", "statement.enter", "import"} <= actions  # the scan finds them
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_actions_and_details_in_vietnamese() -> None:
    i18n.set_language("vi")
    assert action_label("deadline.set") == "Đặt hạn nộp"
    assert action_label("statement.enter") == "Nhập hộ báo cáo của đơn vị"
    moved = AuditRow(
        1, "2017-07-10T01:00:00+00:00", "An", "deadline.set", "tuyen-quang-2017/h1",
        {"due_on": "2017-07-15", "before": "2017-07-10"},
    )  # fmt: skip
    assert describe(moved) == "Dời hạn nộp từ 10/07/2017 sang 15/07/2017."
    extended = AuditRow(
        2, "2017-07-10T01:00:00+00:00", "An", "deadline.extend", "tuyen-quang-2017/h1/CS-1",
        {"unit": "6f1c…", "due_on": "2017-07-20", "reason": "Lũ"}, unit_label="CS-1 Công đoàn A",
    )  # fmt: skip
    assert "CS-1 Công đoàn A" in describe(extended) and "6f1c" not in describe(extended)
    assert "20/07/2017" in describe(extended)
    unknown = AuditRow(
        3, "2017-07-10T01:00:00+00:00", "An", "something.new", "x",
        {"unit": "6f1c…", "due_on": "2017-07-20", "stream": "h1"}, unit_label="CS-1 Công đoàn A",
    )  # fmt: skip
    assert fields_text(unknown) == "đơn vị: CS-1 Công đoàn A, hạn: 20/07/2017, báo cáo: h1"
    assert dt.date(2017, 7, 20)  # the days above are those of the calendar
