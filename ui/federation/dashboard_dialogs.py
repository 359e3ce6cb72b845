"""The dialogs the dashboard opens for the units it lists (entry on a unit's behalf,
who is late, reminder letters, the deadlines) and for its workbook.

Each takes the page that opens it (its parent, database and background runner) and
what the dialog is about; the page tells its own signals which dialog is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from app.core import domain
from app.core.i18n import gettext as _
from app.rollup import Scope

from ui.federation.late_units import LateUnitsDialog
from ui.widgets.dialogs import file_dialog, opener
from ui.widgets.errors import report_failure
from ui.widgets.pages import Page
from ui.widgets.tasks import CancelToken

if TYPE_CHECKING:  # loaded when first opened, not with the dashboard
    from app.rollup import Dashboard, TargetRollup, Timeliness, UnitFigure

    from ui.federation.deadlines_dialog import DeadlinesDialog
    from ui.federation.entry_dialog import EntryDialog
    from ui.federation.history_dialog import UnitHistoryDialog
    from ui.federation.reminder_dialog import ReminderDialog
    from ui.federation.units_behind import UnitsBehindDialog


def open_entry(
    page: Page,
    unit_code: str,
    *,
    plan: domain.Plan | None,
    stream: str,
    saved: Callable[[], None],
) -> EntryDialog:
    """Enter a unit's report on its behalf; ``saved`` after each entry."""
    from ui.federation.entry_dialog import EntryDialog

    plan_id = plan.id if plan else None
    dialog = EntryDialog(
        page.context, page.runner, unit_code, plan_id=plan_id, stream=stream, parent=opener(page)
    )
    dialog.saved.connect(lambda _text: saved())
    dialog.open()
    return dialog


def open_history(
    page: Page, unit_code: str, *, plan: domain.Plan | None, stream: str
) -> UnitHistoryDialog:
    """A unit's report history, at ``stream`` (the report of the row it was asked from)."""
    from ui.federation.history_dialog import show_unit_history

    plan_id = plan.id if plan else None
    return show_unit_history(
        page, page.context, page.runner, unit_code, plan_id=plan_id, stream=stream or None
    )


def open_late(
    page: Page,
    board: Dashboard,
    scope: str,
    *,
    history: Callable[[str, str], object],
    remind: Callable[[str], object],
) -> LateUnitsDialog:
    """The units late or not sent, from the last refresh (no second read); "Show all"
    reads the whole lists on the worker (:func:`app.rollup.read_timeliness`)."""
    dialog = LateUnitsDialog(board.plan, board.timeliness, board.as_of, scope, page)
    dialog.history_requested.connect(history)
    dialog.remind_requested.connect(remind)
    ctx = page.context

    def read_all() -> None:
        from app.rollup import read_timeliness

        def job(_progress: object, _token: CancelToken) -> Timeliness:
            return read_timeliness(ctx, plan_id=board.plan.id, scope=board.scope, as_of=board.as_of)

        def failed(error: BaseException) -> None:
            dialog.set_streams(dialog.streams)
            report_failure(dialog, error)

        page.runner.bound(dialog).run(job, lambda t: dialog.set_streams(t.streams), failed)

    dialog.all_requested.connect(read_all)
    dialog.open()
    return dialog


def open_reminders(
    page: Page,
    plan: domain.Plan,
    scopes: list[tuple[str, Scope]],
    *,
    scope_index: int,
    stream: str,
    as_of: dt.date | None,
) -> ReminderDialog:
    """The reminder letters over the scopes offered, counted to the dashboard's day."""
    from ui.federation.reminder_dialog import ReminderDialog

    dialog = ReminderDialog(
        page.context,
        page.runner,
        plan,
        scopes,
        scope_index=scope_index,
        stream=stream,
        as_of=as_of,
        parent=opener(page),
    )
    dialog.open()
    return dialog


def open_units_behind(
    page: Page,
    plan: domain.Plan,
    item: TargetRollup,
    stream: str,
    scope: tuple[Scope, str],
    *,
    shown: Callable[[UnitsBehindDialog], None],
    failed: Callable[[BaseException], None],
) -> None:
    """The units behind a figure of ``item`` (read on the worker), with ``scope`` as the
    dashboard has it and says it; ``shown`` with the dialog once it is open, ``failed``
    with what went wrong."""
    ctx, (where, scope_text) = page.context, scope

    def job(_progress: object, _token: CancelToken) -> list[UnitFigure]:
        from app.rollup import read_units_behind

        return read_units_behind(
            ctx,
            plan_id=plan.id,
            indicator_code=item.indicator.code,
            target=item.target,
            stream=stream,
            scope=where,
        )

    def done(rows: list[UnitFigure]) -> None:
        from ui.federation.units_behind import UnitsBehindDialog

        dialog = UnitsBehindDialog(plan, item, stream, scope_text, rows, opener(page))
        dialog.open()
        shown(dialog)

    page.runner.run(job, done, failed)


def open_deadlines(
    page: Page, plan: domain.Plan, changed: Callable[[str], None]
) -> DeadlinesDialog:
    """The plan's deadlines and extensions; ``changed`` with each change's message."""
    from ui.federation.deadlines_dialog import DeadlinesDialog

    dialog = DeadlinesDialog(page.context, page.runner, plan, page)
    dialog.changed.connect(changed)
    dialog.open()
    return dialog


def ask_workbook(page: Page, year: int, chosen: Callable[[Path], None]) -> None:
    """Where to save the province workbook."""
    file_dialog(
        page,
        name="save-workbook",
        title=_("Save the province workbook"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_("Excel workbooks (*.xlsx)"),
        suggested=f"tong-hop-thi-dua-{year}.xlsx",
        on_chosen=lambda paths: chosen(paths[0]),
    )
