"""Unlocking the federation's signing key when a signature first needs it: the
passphrase typed once, a wrong one asked again with the reason, then the work retried."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.core.context import AppContext
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.exchange import PassphraseRequiredError, unlock_key

from ui.widgets.passphrase import PassphraseDialog


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

    def typed(passphrase: str) -> None:
        try:
            unlock_key(ctx, passphrase=passphrase)
        except UserError as error:  # a wrong passphrase: asked again, with why
            dialog.error.setText(error.translated())
            dialog.first.clear()
            dialog.open()
            return
        then()

    dialog.chosen.connect(typed)
    dialog.open()
    return dialog


__all__ = ["ask_key_passphrase", "unlock_or_fail"]
