"""How the GUI shows a failure, expected or not.

A :class:`~app.core.errors.UserError` says what went wrong and what to do: it is
shown as a warning in the user's language. Anything else is unexpected: it
is logged with its traceback (:mod:`app.core.crashlog`), and :class:`CrashDialog`
says in plain words that the step failed, that the application is still
usable and the step can be tried again, and offers "Lưu báo cáo lỗi" — a
file to carry on a USB stick. :func:`install_crash_handler` sends uncaught
exceptions (``sys.excepthook``) and Qt's own warnings into the same log.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QtMsgType, Slot, qInstallMessageHandler
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.crashlog import Incident, record_message, record_unexpected, write_report
from app.core.errors import UserError
from app.core.i18n import gettext as _

from ui.widgets.dialogs import ending_in, file_dialog, warn

#: The crash dialogs open now (tests look for them; a burst of errors shows one).
open_dialogs: list[CrashDialog] = []


def error_text(error: BaseException) -> str:
    """What the user reads for a failure: the translated text of an expected one."""
    if isinstance(error, UserError):
        return error.translated()
    return _(
        "An unexpected error occurred ({error}). The step was not completed; the "
        "application can still be used and the step can be tried again."
    ).format(error=f"{type(error).__name__}: {error}")


class CrashDialog(QDialog):
    """An unexpected failure: what failed, that work can go on, and a report to save."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "problems"

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash-dialog")
        self.incident = incident
        self.saved: Path | None = None
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._details = QPlainTextEdit(incident.details)
        self._details.setReadOnly(True)
        self._details.setVisible(False)
        self._details.setMinimumHeight(160)
        self._toggle = QPushButton()
        self._toggle.setCheckable(True)
        self._toggle.toggled.connect(self._details.setVisible)
        self.save_button = QPushButton()
        self.save_button.setObjectName("save-error-report")
        self.save_button.clicked.connect(self.ask_where)
        self._saved_label = QLabel()
        self._saved_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self._toggle, QDialogButtonBox.ButtonRole.HelpRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._text)
        layout.addWidget(self._saved_label)
        layout.addWidget(self._details, 1)
        layout.addWidget(self.buttons)
        self.translateUI()
        self.resize(560, 220)

    def translateUI(self) -> None:
        self.setWindowTitle(_("Thi Đua — unexpected error"))
        self._text.setText(
            _(
                "Something unexpected went wrong ({summary}). What you were doing was not "
                "completed, and nothing you saved before was lost. You can go on working and "
                "try the step again.\n\nSave the error report to a USB stick and send it to "
                "the federation or to support: it holds what happened, not your data. "
                "Reference: {reference}."
            ).format(summary=self.incident.summary, reference=self.incident.reference)
        )
        self.save_button.setText(_("Save error report…"))
        self._toggle.setText(_("Details"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText(_("Close"))

    @Slot()
    def ask_where(self) -> None:
        ask_report_file(
            self,
            suggested=f"thidua-bao-cao-loi-{self.incident.reference}.txt",
            on_chosen=self.save_to,
        )

    def save_to(self, path: Path) -> Path | None:
        """Write the report to ``path``; a problem is said in the dialog, not raised."""
        try:
            self.saved = write_error_report(path, self.incident)
        except UserError as error:
            self._saved_label.setText(error.translated())
            return None
        self._saved_label.setText(_("Error report saved: {path}").format(path=self.saved))
        return self.saved

    def done(self, result: int) -> None:
        if self in open_dialogs:
            open_dialogs.remove(self)
        super().done(result)


def qt_versions() -> dict[str, str]:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return {"qt": qVersion(), "pyside6": pyside_version}


def ask_report_file(
    parent: QWidget, *, suggested: str, on_chosen: Callable[[Path], object]
) -> QFileDialog:
    """Where to save an error report: a text file, USB sticks first."""
    return file_dialog(
        parent,
        name="save-error-report-file",
        title=_("Save the error report"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_("Text files (*.txt)"),
        suggested=suggested,
        help="problems",
        on_chosen=lambda paths: on_chosen(paths[0]),
    )


def write_error_report(path: Path, incident: Incident | None = None) -> Path:
    """Write the report (the log's newest lines, ``incident``, the versions) to ``path``,
    ``.txt`` added when the name has no such ending."""
    return write_report(ending_in(path, ".txt"), incident=incident, extra=qt_versions())


def show_unexpected(
    error: BaseException, parent: QWidget | None, *, where: str = ""
) -> CrashDialog:
    """Log ``error`` and show it in a :class:`CrashDialog` (one at a time)."""
    incident = record_unexpected(error, where=where)
    if open_dialogs:
        return open_dialogs[-1]  # a burst of the same failure: the open dialog says it
    dialog = CrashDialog(incident, parent)
    open_dialogs.append(dialog)
    dialog.open()
    return dialog


def report_failure(parent: QWidget | None, error: BaseException, *, name: str = "warning") -> str:
    """Show a failure the way its kind deserves; returns the text for status lines.

    An expected failure (:class:`UserError`) is a warning in the user's words;
    anything else is logged and shown in the crash dialog.
    """
    text = error_text(error)
    if isinstance(error, UserError):
        warn(parent, text, name=name)
    else:
        show_unexpected(error, parent, where=type(parent).__name__ if parent else "")
    return text


_previous_hook: list[Callable[..., Any]] = []


def _excepthook(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(trace)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        show_unexpected(error, app.activeWindow(), where="uncaught")
    else:
        record_unexpected(error, where="uncaught")
        sys.__excepthook__(kind, error, trace)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: Any, message: str) -> None:
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if level >= logging.WARNING:
        record_message(level, f"Qt: {message}")
    if sys.stderr is not None:
        sys.stderr.write(f"{message}\n")


def install_crash_handler() -> None:
    """Route uncaught exceptions and Qt's warnings to the log and the crash dialog."""
    if not _previous_hook:
        _previous_hook.append(sys.excepthook)
    sys.excepthook = _excepthook
    qInstallMessageHandler(_qt_message)


__all__ = [
    "CrashDialog",
    "ask_report_file",
    "error_text",
    "install_crash_handler",
    "open_dialogs",
    "report_failure",
    "show_unexpected",
    "write_error_report",
]
