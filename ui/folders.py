"""Where files go: USB sticks first, the way a chair carries packages and backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStorageInfo


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


__all__ = ["removable_folders"]
