"""The main window's database commands (File menu): a shared database, moving the data
to another database, backing up (the federation's; the unit's is on its workspace) and
restoring. A mixin of :class:`ui.shell.main_window.MainWindow`, which owns the state
these read (the database in use, its installation, the runner, the preferences).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.location import is_server, kept_location, shown_location
from app.core.preferences import Preferences, update_preferences

from ui.shell.restore import ask_passphrase, say_restored
from ui.widgets.backup import ask_backup_folder, ask_backup_passphrase
from ui.widgets.dialogs import file_dialog
from ui.widgets.tasks import CancelToken, TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.core import domain
    from app.core.context import AppContext

    from ui.shell.move_dialog import MoveDialog
    from ui.shell.shared_database import SharedDatabaseDialog


#: An open database and its installation (None before the first run).
Opened = tuple["AppContext", "domain.Installation | None"]


def open_database(location: str) -> Opened:
    """Open ``location`` and read its installation (on the task runner, never before the
    first paint); the database is closed again when that fails."""
    from app.core.context import open_context
    from app.core.installation import current_installation

    ctx = open_context(location)
    try:
        return ctx, current_installation(ctx)
    except BaseException:
        ctx.close()
        raise


class DatabaseMenu:
    """File → Shared database…, Move the data…, Back up…, Restore…; see the module docstring."""

    _database: str
    _preferences: Preferences
    _runner: TaskRunner
    _ctx: AppContext | None
    _installation: domain.Installation | None
    _status: QLabel
    backup_reminder: QLabel
    shared_database_dialog: SharedDatabaseDialog | None
    move_dialog: MoveDialog | None
    restore_box: QMessageBox | None
    backup_box: QMessageBox | None
    restored: SignalInstance
    database_switched: SignalInstance

    if TYPE_CHECKING:  # the main window's

        def start(self) -> None: ...
        def _opened(self, result: Any) -> None: ...
        def _close_database(self) -> None: ...
        def _show_error(self, error: BaseException) -> None: ...
        def say(self, text: str) -> None: ...
        def _update_status(self) -> None: ...

    # --- a shared database, moving the data ------------------------------------------

    @Slot()
    def ask_shared_database(self) -> None:
        """File → Shared database…: enter, test and switch to a PostgreSQL database."""
        from ui.shell.shared_database import SharedDatabaseDialog

        current = self._database if is_server(self._database) else ""
        holds_data = self._installation is not None
        dialog = SharedDatabaseDialog(current, self._runner, self._window(), holds_data=holds_data)
        self.shared_database_dialog = dialog
        dialog.chosen.connect(self.switch_database)
        dialog.move_requested.connect(lambda url: self.ask_move_database(url).start())
        dialog.open()

    def ask_move_database(self, server: str = "") -> MoveDialog:
        """File → Move the data…: copy everything to an empty database, checked, and
        switch to it only once it is proven whole (``server``: the target, prefilled)."""
        from ui.shell.move_dialog import MoveDialog

        dialog = MoveDialog(self._database, self._runner, self._window(), server=server)
        self.move_dialog = dialog
        source = shown_location(self._database)
        dialog.moved.connect(lambda target: self.switch_database(target, moved_from=source))
        dialog.open()
        return dialog

    def switch_database(self, location: str, *, moved_from: str = "") -> None:
        """Open ``location`` ("" = the file that was open before the server, else the
        embedded database) and keep it if it opens.

        The preferences are saved only once the new database is open; when it
        cannot be opened the message says why and the previous one is reopened,
        so nothing changes. ``moved_from``: the data was just moved here from it
        (said once the new database is open).
        """
        from app.core.paths import default_database_path

        previous = self._database
        local = self._preferences.local_database
        target = location or local or str(default_database_path())
        remembered = local if is_server(previous) else previous
        self._close_database()
        self._status.setText(_("Opening the database…"))

        def job(_progress: Any, _token: CancelToken) -> Any:
            return open_database(target)

        def done(result: Any) -> None:
            self._database = target
            self._preferences = update_preferences(
                database=kept_location(location), local_database=remembered
            )
            self._opened(result)
            self.database_switched.emit(shown_location(target))
            if moved_from:
                self.say(
                    _("The data was moved from {source} to {target}, which is now in use.").format(
                        source=moved_from, target=shown_location(target)
                    )
                )

        def failed(error: BaseException) -> None:
            self._database = previous
            self._show_error(error)
            self.start()  # keep working on the database as it was

        self._runner.run(job, done, failed, on_dropped=lambda opened: opened[0].close())

    # --- backup (the federation's) ---------------------------------------------------

    @Slot()
    def ask_backup(self) -> None:
        """File → Back up…: a folder, a passphrase for the key, then the backup."""
        ask_backup_folder(
            self._window(),
            lambda folder: ask_backup_passphrase(
                self._window(), lambda text: self.backup_to(folder, text)
            ),
        )

    def backup_to(self, folder: Path, passphrase: str) -> None:
        """Back up the database in use (a shared one as a portable file, with progress)."""
        ctx = self._ctx
        if ctx is None:
            return
        self._status.setText(_("Backing up…"))

        def job(progress: Any, token: CancelToken) -> Any:
            from app.setup import backup_installation

            return backup_installation(
                ctx,
                target=folder,
                passphrase=passphrase,
                progress=progress,
                cancelled=lambda: token.cancelled,
            )

        def done(info: Any) -> None:
            text = _("Backup written to {path}.").format(path=info.folder)
            # Said for a while; the database and role come back after it (it stayed on
            # across tabs and later work, read as the latest thing done).
            self._update_status()
            self.say(text)
            self.backup_reminder.hide()
            box = QMessageBox(
                QMessageBox.Icon.Information, _("Back up"), text, parent=self._window()
            )
            box.setObjectName("backup-done")
            box.open()
            self.backup_box = box

        def progress(done_: int, total: int) -> None:
            self._status.setText(_("Backing up… {done} / {total}").format(done=done_, total=total))

        self._runner.run(job, done, self._show_error, progress, doing=_("the backup"))

    def remind_backup(self) -> None:
        """The federation's reminder while it has never been backed up (as the unit's)."""
        from app.setup import last_backup_at

        self.backup_reminder.setText(
            _("No backup yet: back up the database and the key to a USB stick (Ctrl+B).")
        )
        self.backup_reminder.setVisible(self._ctx is not None and not last_backup_at(self._ctx))

    # --- restore -----------------------------------------------------------------------

    @Slot()
    def _ask_restore_folder(self) -> None:
        file_dialog(
            self._window(),
            name="restore-folder",
            title=_("The backup folder (on the USB stick)"),
            mode=QFileDialog.FileMode.Directory,
            help="backup",
            on_chosen=lambda paths: self.choose_restore_folder(paths[0]),
        )

    def _restore_target(self) -> Path:
        """The file a backup is restored into: the one in use, or (on a shared database)
        the file that was open before it, else the embedded database."""
        from app.core.paths import default_database_path

        if not is_server(self._database):
            return Path(self._database)
        return Path(self._preferences.local_database or default_database_path())

    def choose_restore_folder(self, folder: Path) -> None:
        """Find the backup and say what it would replace before asking anything."""
        from app.setup import plan_restore

        try:
            plan = plan_restore(folder, self._restore_target())
        except UserError as error:
            self._show_error(error)
            return
        replaces = plan.replaces.replaced_text()
        if is_server(self._database):
            replaces += " " + _(
                "The shared database is left as it is; the application then works on the "
                "restored file (File → Move the data… puts it on a server)."
            )
        ask_passphrase(
            self._window(),
            plan.backup,
            lambda text: self.restore_from(plan.backup.folder, text),
            replaces=replaces,
        )

    def restore_from(self, folder: Path, passphrase: str) -> None:
        """Check the passphrase, then close the database, restore the backup over it,
        open it again and say what was done (and where the replaced data was kept)."""

        from app.exchange import WrongPassphraseError

        def check(_progress: Any, _token: CancelToken) -> Any:
            from app.setup import check_backup

            return check_backup(folder, passphrase)

        def refused(error: BaseException) -> None:
            # Said while the database stays open (undo history and all); a mistyped
            # passphrase is asked again rather than ending the restore.
            self._show_error(error)
            if isinstance(error, WrongPassphraseError):
                self.choose_restore_folder(folder)

        self._runner.run(check, lambda _info: self._restore_checked(folder, passphrase), refused)

    def _restore_checked(self, folder: Path, passphrase: str) -> None:
        database = self._restore_target()
        from_server = is_server(self._database)
        self._close_database()

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.setup import restore_installation

            return restore_installation(folder=folder, passphrase=passphrase, database=database)

        def done(info: Any) -> None:
            self.restored.emit(str(info.folder))
            if from_server:
                self.switch_database("")
            else:
                self.start()
            self.restore_box = say_restored(self._window(), info)

        def failed(error: BaseException) -> None:
            self._show_error(error)
            self.start()  # keep working on the database as it was

        self._runner.run(job, done, failed)

    def _window(self) -> Any:
        """The window itself (the parent of the dialogs)."""
        return self


__all__ = ["DatabaseMenu"]
