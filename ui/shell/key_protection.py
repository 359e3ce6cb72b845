"""File → Protect the key for every staff computer…: an older federation's signing key,
still an unprotected file on the PC that set it up, moved into its database under a
passphrase typed twice (so every staff PC can unlock it); the scrypt work runs on the
task runner. Until then the status bar says the key is not protected."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from app.core.i18n import gettext as _

from ui.widgets.errors import error_text
from ui.widgets.passphrase import PassphraseDialog
from ui.widgets.tasks import CancelToken, TaskRunner

if TYPE_CHECKING:
    from app.core.context import AppContext


def key_warning_text() -> str:
    """What the status bar says while the federation's key is an unprotected file."""
    return _(
        "The federation's key is not yet protected: File → Protect the key for every "
        "staff computer…"
    )


def ask_protect_key(
    parent: QWidget,
    ctx: AppContext,
    runner: TaskRunner,
    done: Callable[[str], None],
) -> PassphraseDialog:
    """Ask the new passphrase twice, then protect the key; ``done`` gets what to say."""
    dialog = PassphraseDialog(
        parent,
        name="protect-key",
        title=_("Protect the key for every staff computer"),
        intro=_(
            "The federation's signing key is still a file on this computer, unprotected. "
            "Choose a passphrase (at least 8 characters): the key is then kept in the "
            "database, protected by it, and every staff computer unlocks it with it."
        ),
        ok_text=_("Protect"),
        twice=True,
    )

    def protected(info: Any) -> None:
        done(
            _("The federation's key ({fingerprint}) is now protected in the database.").format(
                fingerprint=info.fingerprint
            )
        )

    def refused(error: BaseException) -> None:  # nothing changed: asked again, with why
        dialog.error.setText(error_text(error))
        dialog.open()

    def chosen(passphrase: str) -> None:
        def job(_progress: Any, _token: CancelToken) -> Any:
            # Imported here: the main window imports this module before its first paint.
            from app.exchange import protect_key

            return protect_key(ctx, passphrase=passphrase)

        runner.run(job, protected, refused)

    dialog.chosen.connect(chosen)
    dialog.open()
    return dialog


__all__ = ["ask_protect_key", "key_warning_text"]
