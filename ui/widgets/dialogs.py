"""Dialogs every screen shares: files (USB sticks first), questions, warnings, our button words.

Each is non-blocking (``open()``, never ``exec()``) and named (``objectName``) so tests find it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.preferences import last_folder, recent_folder, remember_folder

from ui.widgets.folders import name_the_folder_filter, removable_folders
from ui.widgets.help import set_help


def opener(parent: QWidget) -> QWidget:
    """The window a new dialog belongs to: the modal dialog in front (when a dialog is
    opened from another dialog, e.g. a history from the late list), else ``parent``.

    A dialog parented to the page behind a window-modal dialog would be blocked by
    it: its buttons would not respond.
    """
    modal = QApplication.activeModalWidget()
    return modal if modal is not None else parent


def show_over(dialog: QWidget, parent: QWidget) -> None:
    """Show a non-modal ``dialog`` opened for ``parent`` (see :func:`opener`): modal
    over the dialog that opened it, if any, else beside ``parent``'s window."""
    if dialog.parentWidget() is not parent and isinstance(dialog, QDialog):
        dialog.open()
    else:
        dialog.show()


def file_dialog(
    parent: QWidget,
    *,
    name: str,
    title: str,
    mode: QFileDialog.FileMode,
    save: bool = False,
    name_filter: str = "",
    suggested: str = "",
    remember_as: str = "",
    help: str = "",
    on_chosen: Callable[[list[Path]], object],
) -> QFileDialog:
    """A non-native, non-blocking file dialog with USB sticks first in its sidebar.

    ``objectName`` is ``name`` so tests find it; ``on_chosen`` gets the
    selected paths when the user accepts. ``help`` is the guide's section of the task
    it serves, when not the one of ``parent`` (a tab of the unit's workspace that
    imports the plan, a menu of the window).
    """
    dialog = QFileDialog(parent, title)
    dialog.setObjectName(name)
    if help:
        set_help(dialog, help)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode)
    name_the_folder_filter(dialog)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if name_filter:
        dialog.setNameFilter(name_filter)
    folders = removable_folders()
    dialog.setSidebarUrls([QUrl.fromLocalFile(str(f)) for f in [*folders, Path.home()]])
    # The folder this kind of dialog last ended in (dialogs of one purpose share it:
    # "remember_as"), else where any dialog ended last, else the USB stick, else home.
    purpose = remember_as or name
    start = last_folder(purpose) or recent_folder() or (folders[0] if folders else Path.home())
    dialog.setDirectory(str(start))
    if suggested:
        dialog.selectFile(suggested)

    def chosen() -> None:
        paths = [Path(p) for p in dialog.selectedFiles()]
        if paths:
            directory = mode is QFileDialog.FileMode.Directory and not save
            remember_folder(purpose, paths[0] if directory else paths[0].parent)
        on_chosen(paths)

    dialog.accepted.connect(chosen)
    dialog.open()
    return dialog


def ending_in(path: Path, suffix: str) -> Path:
    """``path``, with ``suffix`` (".xlsx") added when its name does not end in it in
    any case: a name typed in a save dialog without its extension."""
    if path.suffix.lower() != suffix:
        return path.with_name(path.name + suffix)
    return path


def confirm(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    on_yes: Callable[[], None],
    danger: bool = False,
) -> QMessageBox:
    """A non-blocking Yes/Cancel question (``objectName`` ``name``)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName(name)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
    box.accepted.connect(on_yes)
    box.open()
    return box


def confirm_replace(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    count: int,
    on_yes: Callable[[], None],
) -> QMessageBox:
    """Ask before replacing ``count`` files that exist (``text`` names them): the one
    question every screen that writes files asks."""
    # Not ngettext: Vietnamese has one plural form, but says "this file" and "these files".
    question = _("Replace this file?") if count == 1 else _("Replace them?")
    return confirm(
        parent, name=name, title=title, text=f"{text}\n{question}", on_yes=on_yes, danger=True
    )


def translate_buttons(buttons: QDialogButtonBox) -> None:
    """Our words on the standard buttons (Qt's own catalogue is not loaded)."""
    labels = {
        QDialogButtonBox.StandardButton.Ok: _("OK"),
        QDialogButtonBox.StandardButton.Cancel: _("Cancel"),
        QDialogButtonBox.StandardButton.Close: _("Close"),
        QDialogButtonBox.StandardButton.Save: _("Save"),
    }
    for which, text in labels.items():
        button = buttons.button(which)
        if button is not None and button.text().replace("&", "") in (
            "OK",
            "Cancel",
            "Close",
            "Save",
        ):
            button.setText(text)


def translate_input(dialog: QInputDialog) -> None:
    dialog.setOkButtonText(_("OK"))
    dialog.setCancelButtonText(_("Cancel"))


def open_in_viewer(parent: QWidget, path: Path) -> bool:
    """Open a file in its program, or a folder in the file manager (every "Open"
    button); when nothing on this computer opens it, say so with its path."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    warn(
        parent,
        _("No program on this computer could open {path}. Open it from the file manager.").format(
            path=path
        ),
        name="open-failed",
    )
    return False


def warn(parent: QWidget | None, text: str, *, name: str = "warning") -> QMessageBox:
    """A non-blocking warning (``objectName`` ``name``)."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Thi Đua"), text, parent=parent)
    box.setObjectName(name)
    box.open()
    return box
