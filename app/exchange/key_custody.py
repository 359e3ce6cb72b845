"""The federation's signing key kept in its own database, usable from every staff PC.

A unit's key stays a file on its one PC (:mod:`app.exchange.keys`). The federation's
staff work from several PCs on one shared database, so its key lives in that database:
the ``setting`` row ``federation_key`` holds the key file's very content
(:func:`app.exchange.keystore.key_text`: scrypt + AES-256-GCM under the passphrase staff
chose), and each retired key's text stays in a ``retired_key.<id>`` row. Nothing new is
invented about cryptography, and copying the database (``db copy``, backups) carries
the key with it, still locked.

A session unlocks the key once: the unlocked key pair is kept in memory only, per
database engine (so per :class:`~app.core.context.AppContext`), and only while it is
still the installation's current key (another PC may have rotated it). It never
touches a disk unencrypted. The throwaway demo keeps its key unprotected in its own
database (so it needs no unlocking); nothing else does.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.installation import get_setting, set_setting
from app.exchange.keystore import KeyPair, key_text
from db import models

KEY_SETTING = "federation_key"
RETIRED_PREFIX = "retired_key."

_UNLOCKED: weakref.WeakKeyDictionary[Engine, KeyPair] = weakref.WeakKeyDictionary()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def stored_key_text(session: Session) -> str | None:
    """The federation's key as kept in the database (locked), or None."""
    return get_setting(session, KEY_SETTING)


def store_key(session: Session, keypair: KeyPair, passphrase: str | None) -> None:
    """Keep ``keypair`` as the database's key, protected by ``passphrase``; the key it
    replaces (if another) is kept as retired, still locked by its own passphrase."""
    current = get_setting(session, "own_keyid")
    text = stored_key_text(session)
    if text is not None and current is not None and current != keypair.key_id:
        set_setting(session, f"{RETIRED_PREFIX}{current[:32]}", text)
    set_setting(session, KEY_SETTING, key_text(keypair, passphrase))
    remember(session, keypair)


def remember(session: Session, keypair: KeyPair) -> None:
    """Keep the unlocked key for this database's other sessions (in memory only)."""
    _UNLOCKED[_engine(session)] = keypair


def unlocked_key(session: Session) -> KeyPair | None:
    """The key unlocked earlier in this context, if it is still the current one."""
    keypair = _UNLOCKED.get(_engine(session))
    if keypair is None or keypair.key_id != get_setting(session, "own_keyid"):
        return None
    return keypair


def forget(engine: Engine) -> None:
    """Lock the key again for this database (nothing kept in memory)."""
    _UNLOCKED.pop(engine, None)


def retired_key_count(session: Session) -> int:
    query = select(func.count()).where(models.Setting.key.startswith(RETIRED_PREFIX))
    return int(session.scalar(query) or 0)
