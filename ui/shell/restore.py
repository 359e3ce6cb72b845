"""The dialogs of File → Restore from a backup: the backup found, what it would replace and
its passphrase; and what the restore did. The main window runs the restore itself.

Each is non-blocking (``open()``) and named (``objectName``) so tests find it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.i18n import gettext as _

from ui.widgets.help import set_help
from ui.widgets.passphrase import PassphraseDialog


def ask_passphrase(
    parent: QWidget, info: Any, on_typed: Callable[[str], None], *, replaces: str
) -> PassphraseDialog:
    """Name the backup found (``app.setup.find_backup``: whose, when, which folder), say
    what it would replace (``replaces``) and ask for its passphrase."""
    from app.exchange import local_time

    dialog = PassphraseDialog(
        parent,
        name="restore-passphrase",
        title=_("Restore from a backup"),
        intro=_("Backup of {unit}, made {when} ({folder}).").format(
            unit=info.unit_name, when=local_time(info.created_at), folder=info.folder.name
        )
        + "\n\n"
        + replaces
        + "\n\n"
        + _("The replaced file is kept beside it. Type the backup's passphrase:"),
        ok_text=_("Restore"),
    )
    set_help(dialog, "backup")
    dialog.chosen.connect(on_typed)
    dialog.open()
    return dialog


def say_restored(parent: QWidget, info: Any) -> QMessageBox:
    """Which backup was restored, and where the data it replaced is kept."""
    from app.exchange import local_time

    text = _("The backup of {date} was restored.").format(
        date=local_time(info.created_at) if info.created_at else info.folder.name
    )
    if info.kept_aside is not None:
        text += " " + _("The data it replaced is kept in {path}.").format(path=info.kept_aside)
    box = QMessageBox(QMessageBox.Icon.Information, _("Restore"), text, parent=parent)
    box.setObjectName("restore-done")
    set_help(box, "backup")
    box.open()
    return box


__all__ = ["ask_passphrase", "say_restored"]
