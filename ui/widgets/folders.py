"""Where files go: USB sticks first, the way a chair carries packages and backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStorageInfo
from PySide6.QtWidgets import QComboBox, QFileDialog

from app.core.i18n import gettext as _


def removable_folders() -> list[Path]:
    """Mounted removable drives first (USB sticks), as the file dialogs' shortcuts."""
    folders = []
    for volume in QStorageInfo.mountedVolumes():
        root = volume.rootPath()
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly():
            continue
        if root in ("/", "") or root.startswith(("/boot", "/snap", "/sys", "/proc", "/run/user")):
            continue
        if root.startswith(("/media", "/mnt", "/run/media")) or (len(root) <= 3 and ":" in root):
            folders.append(Path(root))
    return folders


def name_the_folder_filter(dialog: QFileDialog) -> None:
    """A folder dialog's "type" box says "Thư mục", whichever translators Qt has
    (it wrote "Directories" where its own lookup found none)."""
    if dialog.fileMode() is not QFileDialog.FileMode.Directory:
        return
    box = dialog.findChild(QComboBox, "fileTypeCombo")
    if box is not None and box.count() == 1:
        box.setItemText(0, _("Directories"))


__all__ = ["name_the_folder_filter", "removable_folders"]
