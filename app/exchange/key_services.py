"""Unlocking and locking the federation's signing key for a context (the screens' and
the command line's calls; see :mod:`app.exchange.key_custody`)."""

from __future__ import annotations

from app.core.context import AppContext
from app.core.installation import require_federation_installation
from app.exchange.key_custody import forget
from app.exchange.keys import KeyInfo, own_key_info, unlock_federation_key


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
