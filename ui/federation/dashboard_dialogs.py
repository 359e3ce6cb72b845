"""The dialogs the dashboard opens for the units it lists: entry on a unit's behalf,
who is late, a unit's report history, reminder letters and the deadlines.

Each function opens its dialog over the dashboard's plan, scope and day, wires it back
(a change refreshes the dashboard) and tells the page's signal which dialog is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.federation.common import scope_text
from ui.federation.deadlines_dialog import DeadlinesDialog
from ui.federation.entry_dialog import EntryDialog
from ui.federation.history_dialog import UnitHistoryDialog, show_unit_history
from ui.federation.late_units import LateUnitsDialog
from ui.federation.reminder_dialog import ReminderDialog

if TYPE_CHECKING:
    from ui.federation.dashboard_page import DashboardPage


def open_entry(page: DashboardPage, unit_code: str, stream: str) -> EntryDialog:
    """Enter a unit's report on its behalf; the dashboard refreshes after each entry."""
    dialog = EntryDialog(
        page.context,
        page.runner,
        unit_code,
        plan_id=page.plan.id if page.plan else None,
        stream=stream,
        parent=page,
    )
    dialog.saved.connect(lambda _text: page.refresh())
    dialog.open()
    page.entry_shown.emit(dialog)
    return dialog


def open_late(page: DashboardPage) -> LateUnitsDialog | None:
    """The units late or not sent, from the last refresh (no second read)."""
    board = page.board
    if board is None:
        return None
    dialog = LateUnitsDialog(
        board.plan, board.timeliness, board.as_of, scope_text(page.current_choice()), page
    )
    dialog.history_requested.connect(page.show_history)
    dialog.remind_requested.connect(page.ask_reminders)
    dialog.open()
    page.late_shown.emit(dialog)
    return dialog


def open_history(page: DashboardPage, unit_code: str) -> UnitHistoryDialog:
    """A unit's report history, over the plan shown."""
    plan_id = page.plan.id if page.plan else None
    dialog = show_unit_history(page, page.context, page.runner, unit_code, plan_id=plan_id)
    page.history_shown.emit(dialog)
    return dialog


def open_reminders(page: DashboardPage, stream: str) -> ReminderDialog | None:
    """The reminder letters over the scope shown, counted to the dashboard's day."""
    if page.plan is None:
        return None
    dialog = ReminderDialog(
        page.context,
        page.runner,
        page.plan,
        [(scope_text(choice), choice.scope) for choice in page.choices],
        scope_index=max(page.scope_combo.currentIndex(), 0),
        stream=stream,
        as_of=page.as_of,
        parent=page,
    )
    dialog.open()
    page.reminders_shown.emit(dialog)
    return dialog


def open_deadlines(page: DashboardPage) -> DeadlinesDialog | None:
    """The plan's deadlines and extensions; the dashboard refreshes after each change."""
    if page.plan is None:
        return None
    dialog = DeadlinesDialog(page.context, page.runner, page.plan, page)
    dialog.changed.connect(lambda _message: page.refresh())
    dialog.changed.connect(page.done)
    dialog.open()
    page.deadlines_shown.emit(dialog)
    return dialog
