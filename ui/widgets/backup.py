"""Asking for a backup: the folder (a USB stick) and the passphrase protecting the key,
shared by the unit's workspace and the federation's File menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.i18n import gettext as _

from ui.widgets.dialogs import file_dialog
from ui.widgets.help import set_help
from ui.widgets.passphrase import PassphraseDialog


def ask_backup_folder(parent: QWidget, on_chosen: Callable[[Path], object]) -> QFileDialog:
    """The folder to back up to (non-blocking)."""
    dialog = file_dialog(
        parent,
        name="backup-folder",
        title=_("Folder for the backup (a USB stick)"),
        mode=QFileDialog.FileMode.Directory,
        help="backup",
        on_chosen=lambda paths: on_chosen(paths[0]),
    )
    return dialog


def ask_backup_passphrase(parent: QWidget, on_typed: Callable[[str], object]) -> PassphraseDialog:
    """The passphrase protecting the key in the backup, typed twice (non-blocking)."""
    dialog = PassphraseDialog(
        parent,
        name="backup-passphrase",
        title=_("Passphrase for the backup"),
        intro=_(
            "The key in the backup is protected by this passphrase (at least 8 characters). "
            "Write it down and keep it apart from the USB stick."
        ),
        ok_text=_("Back up"),
        twice=True,
    )
    set_help(dialog, "backup")
    dialog.chosen.connect(on_typed)
    dialog.open()
    return dialog


__all__ = ["ask_backup_folder", "ask_backup_passphrase"]
