"""File → Who uses this computer…: the name the audit log and the proposals show
instead of the OS account (kept in the preferences)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

from app.core.i18n import gettext as _

from ui.widgets.help import set_help


def ask_staff_name(parent: QWidget, current: str, on_typed: Callable[[str], None]) -> QInputDialog:
    """Ask for the name (non-blocking); ``on_typed`` gets what was typed on Save."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("staff-name")
    set_help(dialog, "fed-shared-database")
    dialog.setWindowTitle(_("Who uses this computer"))
    dialog.setLabelText(
        _(
            "Your full name, as the audit log and the proposals should show who did "
            "what (instead of the computer's account name):"
        )
    )
    dialog.setTextValue(current)
    dialog.setOkButtonText(_("Save"))
    dialog.setCancelButtonText(_("Cancel"))
    dialog.textValueSelected.connect(on_typed)
    dialog.open()
    return dialog


__all__ = ["ask_staff_name"]
