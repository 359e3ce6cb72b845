"""The OS keyring, where a shared database's password is kept when one is usable.

Without a usable keyring (none installed, only the fail or null backend, or one
that refuses: locked, no D-Bus) the password stays, as before, in the URL saved in
the user-only preferences file; :mod:`app.core.location` decides which and merges
the password back. ``keyring`` is imported only when a password is kept or looked up.
"""

from __future__ import annotations

from typing import Any

#: The keyring's service name for the passwords of shared databases.
SERVICE = "thidua-database"

KEYRING = "keyring"
PREFERENCES = "preferences"


def _backend() -> Any | None:
    """The keyring backend in use when it can keep a password, else None."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, (fail.Keyring, null.Keyring)):
            return None
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
        return backend if float(backend.priority) > 0 else None
    except Exception:  # a broken keyring configuration: the preferences file instead
        return None


def password_place() -> str:
    """``"keyring"`` when a password would be kept in the OS keyring, else ``"preferences"``."""
    return KEYRING if _backend() is not None else PREFERENCES


def store_password(account: str, password: str) -> bool:
    """Keep ``password`` for ``account`` in the keyring; False when there is none or it
    refused (the caller then keeps it in the preferences file)."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, account, password)
    except Exception:  # locked, refused, no D-Bus
        return False
    return True


def saved_password(account: str) -> str | None:
    """The password the keyring keeps for ``account``, if any."""
    backend = _backend()
    if backend is None:
        return None
    try:
        found = backend.get_password(SERVICE, account)
    except Exception:
        return None
    return found if isinstance(found, str) and found else None


__all__ = [
    "KEYRING",
    "PREFERENCES",
    "SERVICE",
    "password_place",
    "saved_password",
    "store_password",
]
