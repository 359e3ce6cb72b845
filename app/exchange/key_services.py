"""Unlocking and locking the federation's signing key for a context, and writing out the
installation's age identity (the screens' and the command line's calls; see
:mod:`app.exchange.key_custody` and :mod:`app.exchange.age_keys`)."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import write_atomically
from app.core.installation import require_federation_installation
from app.exchange.age_keys import export_identity, own_recipient
from app.exchange.key_custody import forget
from app.exchange.keys import KeyInfo, ensure_own_key, own_key_info, unlock_federation_key


def unlock_key(ctx: AppContext, *, passphrase: str) -> KeyInfo:
    """Unlock the federation's key for ``ctx`` (moving this PC's key file into the
    database, or creating the key there, the first time); audited when it changes data."""
    with ctx.unit_of_work() as session:
        require_federation_installation(session)
        unlock_federation_key(session, passphrase)
        info = own_key_info(session)
    assert info is not None
    return info


def lock_key(ctx: AppContext) -> None:
    """Forget the unlocked key of ``ctx`` (the next signature asks the passphrase again)."""
    forget(ctx.engine)


def export_identity_file(ctx: AppContext, *, out: Path, passphrase: str | None = None) -> str:
    """Write this installation's age identity as an age identity file (readable by the
    owner only) for ``age -d -i FILE`` on a PC that must read packages by hand; audited
    ``age.export``. Returns the identity's public recipient."""
    with ctx.unit_of_work() as session:
        identity = export_identity(session, ensure_own_key(session, passphrase=passphrase))
        recipient = own_recipient(session) or ""
        text = f"# created: {utc_now_text()}\n# public key: {recipient}\n{identity}\n"

        def fill(temporary: Path) -> None:
            os.chmod(temporary, 0o600)
            temporary.write_text(text, encoding="ascii")

        try:
            write_atomically(out, fill)
        except OSError as exc:
            raise InputError(
                N_("The file cannot be read or written: {detail}"),
                params={"detail": exc.strerror or str(exc)},
            ) from exc
    return recipient
