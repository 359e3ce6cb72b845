"""The names of the federation's entries in the File menu, in their order.

Light on purpose (no database, no SQLAlchemy): the main window lists them, disabled,
from the first look while the database opens, so the menu already has its final
entries and none moves under the pointer when the workspace's actions replace them.
"""

from __future__ import annotations

from app.core.i18n import gettext as _


def receipts_text(owed: int) -> str:
    return _("Receipts ({count})…").format(count=owed) if owed else _("Receipts…")


def file_action_texts(owed: int = 0) -> list[str]:
    """What ``FederationWorkspace.file_actions`` are called, in that order."""
    return [
        _("Import packages…"),
        _("Import a folder (USB)…"),
        _("Plan packages…"),
        receipts_text(owed),
        _("Print in batch…"),
    ]


__all__ = ["file_action_texts", "receipts_text"]
