"""Unlocking the federation's signing key when a signature first needs it: the
passphrase typed once, a wrong one asked again with the reason, then the work retried.
The unlock (scrypt, about half a second) runs on the task runner, the dialog busy
meanwhile, so the window never freezes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QProgressBar, QWidget

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import PassphraseRequiredError, unlock_key

from ui.widgets.errors import error_text
from ui.widgets.passphrase import PassphraseDialog
from ui.widgets.tasks import CancelToken, TaskRunner


def unlock_or_fail(
    parent: QWidget,
    ctx: AppContext,
    retry: Callable[[], None],
    failed: Callable[[BaseException], None],
) -> Callable[[BaseException], None]:
    """A task's failure handler: the key still locked on this PC asks its passphrase and
    then runs ``retry``; any other error goes to ``failed``."""

    def handle(error: BaseException) -> None:
        if isinstance(error, PassphraseRequiredError):
            ask_key_passphrase(parent, ctx, retry)
        else:
            failed(error)

    return handle


def ask_key_passphrase(
    parent: QWidget, ctx: AppContext, then: Callable[[], None]
) -> PassphraseDialog:
    """Ask the key's passphrase; once it unlocks the key, run ``then`` (the work again)."""
    dialog = PassphraseDialog(
        parent,
        name="key-passphrase",
        title=_("Unlock the federation's key"),
        intro=_(
            "Plan packages, receipts and returns are signed with the federation's key, "
            "kept locked in the database. Type its passphrase to unlock it on this "
            "computer until the program is closed."
        ),
        ok_text=_("Unlock"),
    )

    runner = TaskRunner(dialog)
    busy = QProgressBar()
    busy.setObjectName("key-unlocking")
    busy.setRange(0, 0)  # busy: no measure of scrypt's progress
    busy.setTextVisible(False)
    busy.hide()
    layout = dialog.layout()
    assert layout is not None
    layout.addWidget(busy)

    def working(on: bool) -> None:
        busy.setVisible(on)
        dialog.first.setEnabled(not on)
        dialog.buttons.setEnabled(not on)

    def unlocked(_info: Any) -> None:
        working(False)
        dialog.close()
        then()

    def refused(error: BaseException) -> None:  # a wrong passphrase: asked again, with why
        working(False)
        dialog.error.setText(error_text(error))
        dialog.first.clear()
        dialog.first.setFocus()

    def typed(passphrase: str) -> None:
        def job(_progress: Any, _token: CancelToken) -> Any:
            return unlock_key(ctx, passphrase=passphrase)

        dialog.error.setText(_("Unlocking the key…"))
        working(True)
        dialog.open()  # stays on screen, busy, until the key is unlocked or refused
        runner.run(job, unlocked, refused)

    dialog.chosen.connect(typed)
    dialog.open()
    return dialog


__all__ = ["ask_key_passphrase", "unlock_or_fail"]
