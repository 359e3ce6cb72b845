"""The base of a workspace and its pages: the context, a task runner bound to the
widget, and one way to report a job that failed.

A page runs its reads and writes through ``self._runner`` and passes
``self._failed`` as their failure slot: the failure is shown to the user
(:func:`ui.widgets.errors.report_failure`) and its text goes out as ``failed``
for the status bar. A page with more to undo on a failure overrides
``_failed`` and calls this one. A page that prints shows the PDF it writes
with :meth:`Page._preview_pdf`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from ui.widgets.errors import report_failure
from ui.widgets.print_preview import preview_pdf
from ui.widgets.tasks import BoundRunner, Runner

if TYPE_CHECKING:
    from app.core.context import AppContext


class Page(QWidget):
    """A workspace or one of its pages (see the module docstring)."""

    #: Its section of the user guide (ui.widgets.help): every page names its own.
    help_anchor = ""

    #: The text of a failure, once the user has been shown it.
    failed = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner.bound(self)

    @property
    def context(self) -> AppContext:
        """The database this page works on (for the dialogs it opens)."""
        return self._ctx

    @property
    def runner(self) -> BoundRunner:
        """Its background tasks, delivered only while the page is alive."""
        return self._runner

    def translateUI(self) -> None:
        """Its texts again, in the language now chosen (each page says its own)."""

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        text = report_failure(self, error)
        self.failed.emit(text)

    def _preview_pdf(self, name: str, write: Callable[[Path], Path]) -> None:
        """Write a PDF called ``name`` on the worker and show it in the preview
        (:func:`ui.widgets.print_preview.preview_pdf`)."""
        preview_pdf(self, self._runner, name, write, self._failed)
