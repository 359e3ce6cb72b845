"""Excel workbooks the application writes, saved whole.

:func:`save_workbook` is the one way a workbook reaches the disk: it is
written to a temporary file beside the target and renamed over it
(:func:`app.core.files.write_atomically`, with the output-path checks of
:func:`app.core.files.check_output`). A target that cannot be replaced —
open in Excel (Windows locks it), in a folder that cannot be written to, on
a full disk — is an :class:`~app.core.errors.InputError` saying so, and the
file that was there stays as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.errors import N_, InputError
from app.core.files import display_name, write_atomically


def save_workbook(workbook: Any, path: Path | str) -> Path:
    """Save an openpyxl ``workbook`` at ``path``: all of it or nothing.

    Raises :class:`InputError` for a path :func:`app.core.files.check_output`
    refuses, and for a workbook that cannot be written there; the file that
    was at ``path`` is then left as it was.
    """
    try:
        return write_atomically(path, workbook.save)
    except OSError as exc:
        raise InputError(
            N_("The workbook cannot be written to {path}; if it is open, close it and try again."),
            params={"path": display_name(path)},
            detail=exc.strerror or str(exc),
        ) from exc


__all__ = ["save_workbook"]
