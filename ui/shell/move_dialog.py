"""File → Move the data to another database…: the federation's whole database copied
to an empty PostgreSQL database or a new file (``app.setup.move_database``).

The copy runs on the task runner with progress and Cancel; every table's rows and
digest are compared on both sides before it commits. Only once it is proven whole
does the dialog hand the target to the main window (``moved``), which saves the
choice and reopens on it; a failure or Cancel switches nothing, and the message
says the database in use is unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.location import shown_location

from ui.shell.server_fields import ServerFields
from ui.widgets.dialogs import file_dialog
from ui.widgets.errors import error_text
from ui.widgets.tasks import CancelToken, Runner, Task, show_count


class MoveDialog(QDialog):
    """Choose the target, move, and hand it over when proven whole (module docstring)."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-shared-database"

    #: The target's location, once every row is there and checked.
    moved = Signal(str)
    #: The translated outcome (moved, refused, failed or cancelled); tests wait for it.
    finished_text = Signal(str)

    def __init__(
        self, source: str, runner: Runner, parent: QWidget | None = None, *, server: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("move-database")
        self._source = source
        self._runner = runner.bound(self)
        self.task: Task | None = None
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self.to_server = QRadioButton()
        self.to_server.setObjectName("to-server")
        self.to_file = QRadioButton()
        self.to_file.setObjectName("to-file")
        choice = QButtonGroup(self)
        choice.addButton(self.to_server)
        choice.addButton(self.to_file)
        self.fields = ServerFields(server)
        self.file_path = QLineEdit()
        self.file_path.setObjectName("file-path")
        self.browse_button = QPushButton()
        self.browse_button.setObjectName("browse")
        self.browse_button.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_path, 1)
        file_row.addWidget(self.browse_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.start_button = QPushButton()
        self.start_button.setObjectName("start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self._buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self.to_server)
        layout.addWidget(self.fields)
        layout.addWidget(self.to_file)
        layout.addLayout(file_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)
        layout.addWidget(self._buttons)
        self.to_server.toggled.connect(self._enable)
        self.to_server.setChecked(True)
        self._enable()
        self.translateUI()

    def translateUI(self) -> None:
        self.setWindowTitle(_("Move the data to another database"))
        self._intro.setText(
            _(
                "Everything in the database in use ({source}) is copied to an empty database "
                "and checked table by table; the application then works on the new one. "
                "The database in use is only read and stays as it is."
            ).format(source=shown_location(self._source))
        )
        self.to_server.setText(_("An empty &PostgreSQL database on a server"))
        self.to_file.setText(_("A new database &file on this computer"))
        self.fields.translateUI()
        self.browse_button.setText(_("&Browse…"))
        self.start_button.setText(_("&Move the data"))

    @Slot()
    def _enable(self) -> None:
        server = self.to_server.isChecked()
        if self.task is None:
            self.result_label.clear()  # a message about the other choice no longer holds
        self.fields.setEnabled(server)
        self.file_path.setEnabled(not server)
        self.browse_button.setEnabled(not server)

    @Slot()
    def _browse(self) -> None:
        file_dialog(
            self,
            name="move-file",
            title=_("The new database file"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Thi Đua database (*.db)"),
            suggested="thidua.db",
            on_chosen=lambda paths: self.file_path.setText(str(paths[0])),
        )

    def target(self) -> str:
        """The chosen target's location; raises nothing, "" with a message when incomplete."""
        if self.to_server.isChecked():
            missing = self.fields.missing()
            if missing:
                self._say(missing)
                return ""
            return self.fields.url()
        text = self.file_path.text().strip()
        if not text:
            self._say(_("Choose the new database file."))
            return ""
        path = Path(text).expanduser()
        if path.exists():
            self._say(_("{path} already exists: choose a new file.").format(path=path))
            return ""
        return str(path)

    @Slot()
    def start(self) -> None:
        """Run the move on the task runner; see the module docstring."""
        target = self.target()
        if not target or self.task is not None:
            return
        source = self._source
        self.start_button.setEnabled(False)
        self.progress.show()
        self.result_label.setText(_("Moving the data…"))

        def job(progress: Any, token: CancelToken) -> Any:
            from app.setup import move_database

            return move_database(
                source=source,
                target=target,
                progress=progress,
                cancelled=lambda: token.cancelled,
            )

        def done(report: Any) -> None:
            self.task = None
            self._say(
                _(
                    "{rows} rows in {tables} tables moved to {target}; every table matches. "
                    "Opening it…"
                ).format(rows=report.rows, tables=len(report.tables), target=report.target)
            )
            self.moved.emit(target)
            self.accept()

        def failed(error: BaseException) -> None:
            self.task = None
            self.start_button.setEnabled(True)
            self.progress.hide()
            self._say(
                error_text(error)
                + "\n"
                + _("The database in use is unchanged and the application stays on it.")
            )

        self.task = self._runner.run(
            job,
            done,
            failed,
            lambda done_, total: show_count(self.progress, done_, total),
            doing=_("moving the data"),
        )

    @Slot()
    def reject(self) -> None:
        """Cancel (the button or Esc) stops a running move (the target is left empty);
        the dialog closes once nothing runs."""
        if self.task is not None:
            self.task.token.cancel()
            self.result_label.setText(_("Cancelling…"))
            return
        super().reject()

    def _say(self, text: str) -> None:
        self.result_label.setText(text)
        self.adjustSize()  # grow to the wrapped message
        self.finished_text.emit(text)


__all__ = ["MoveDialog"]
