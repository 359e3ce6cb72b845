"""Unlocking and locking the federation's signing key for a context (the screens' and
the command line's calls; see :mod:`app.exchange.key_custody`), protecting an older
federation's key file in the database, rotating the key kept there, and writing out the
installation's age identity (:mod:`app.exchange.age_keys`)."""

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
from app.exchange.keys import (
    KeyInfo,
    ensure_own_key,
    key_is_unprotected_file,
    own_key_info,
    protect_federation_key,
    rotate_own_key,
    unlock_federation_key,
)


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


def key_needs_protection(ctx: AppContext) -> bool:
    """Whether this federation's key is still an unprotected file (the window says so)."""
    with ctx.reading() as session:
        return key_is_unprotected_file(session)


def protect_key(ctx: AppContext, *, passphrase: str) -> KeyInfo:
    """Move an older federation's unprotected key file into its database, protected by
    ``passphrase``, so every staff computer can unlock it (audited ``key.share``)."""
    with ctx.unit_of_work() as session:
        require_federation_installation(session)
        protect_federation_key(session, passphrase)
        info = own_key_info(session)
    assert info is not None
    return info


def rotate_federation_key(
    ctx: AppContext, *, passphrase: str, new_passphrase: str | None = None
) -> KeyInfo:
    """Replace the federation's key kept in its database (returns the new key's info):
    ``passphrase`` unlocks the current key, ``new_passphrase`` (else the same) protects
    the new one; the old stays as retired (audited ``key.rotate``). Units learn the new
    key from their next plan package."""
    with ctx.unit_of_work() as session:
        require_federation_installation(session)
        rotate_own_key(session, passphrase=passphrase, new_passphrase=new_passphrase)
        info = own_key_info(session)
    assert info is not None
    return info


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
