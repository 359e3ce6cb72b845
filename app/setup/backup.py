"""Backup and restore of an installation (a unit's or the federation's): its database
and its key, to a folder.

A backup folder (on a USB stick) holds a consistent SQLite copy of the database
(of a file: SQLite's online backup, WAL included; of a shared PostgreSQL database:
the whole-database move into a new file, proven whole table by table) encrypted with
age's scrypt recipient under the passphrase the user chooses (``thidua.db.age``; the
clear copy is made in a temporary folder of this PC, never on the stick), the signing
key protected by the same passphrase (never in clear), and a manifest. Restoring puts
both back into a file; both need the passphrase, and a wrong one is said before
anything is replaced. A backup of an older version (``thidua.db`` in clear) is still
restored. A shared database is restored by moving the restored file onto an empty
server.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core import audit
from app.core.context import AppContext, open_context, probe_context
from app.core.errors import N_, InputError, UserError
from app.core.files import read_limited, write_output
from app.core.installation import get_setting, require_installation, set_setting
from app.exchange import (
    decrypt_with_passphrase,
    encrypt_with_passphrase,
    export_backup,
    restore_backup,
    save_private_key,
)
from app.setup.describing import DatabaseSummary, describe_database
from app.setup.moving import move_database
from db.engine import copy_sqlite
from db.transfer import Progress

MANIFEST = "thidua-backup.json"
#: The signing key kept in a file, exported protected by the backup's passphrase.
KEY_FILE = "khoa.json"
BACKUP_FORMAT = "thidua.backup/1"
#: The database in the backup, encrypted (older backups: ``thidua.db`` in clear).
SEALED_DATABASE = "thidua.db.age"
PLAIN_DATABASE = "thidua.db"
#: The largest database a backup holds (it is encrypted and decrypted in memory).
MAX_BACKUP_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    unit_name: str
    created_at: str
    has_key: bool
    #: After a restore: where the database it replaced was kept (None if there was none).
    kept_aside: Path | None = None
    #: "federation" or "unit" ("" in a backup written before the role was kept).
    role: str = ""
    #: Where the data was backed up from (shown: never a password).
    source: str = ""
    #: After a restore onto a server: the server's database (shown), else "".
    moved_to: str = ""


def backup_installation(
    ctx: AppContext,
    *,
    target: Path,
    passphrase: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BackupInfo:
    """Write a backup folder under ``target``; returns where it went.

    ``progress`` and ``cancelled`` follow the copy of a shared database (a file is
    copied at once); a cancelled or failed backup leaves no folder behind.
    """
    from app.exchange import ensure_own_key, stored_key_text
    from app.exchange import installation_id as keys_installation_id
    from app.unit import record_backup

    if not ctx.is_shared and ctx.engine.url.database in (None, "", ":memory:"):
        raise UserError(N_("Only a database kept in a file or on a server can be backed up."))
    with ctx.unit_of_work() as session:
        installation = require_installation(session)
        # A federation's key kept in its database travels inside the (encrypted) copy,
        # still locked by its own passphrase: nothing to unlock or export. A key kept
        # in a file is exported beside it, protected by the backup's passphrase.
        keypair = None if stored_key_text(session) is not None else ensure_own_key(session)
        installation_id = keys_installation_id(session)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() else "-" for c in installation.own_unit_name)[:40]
    folder = target / f"ThiDua-sao-luu-{safe}-{stamp}"
    try:
        folder.mkdir(parents=True)
        if keypair is not None:
            export_backup(keypair, folder / KEY_FILE, passphrase)
        with tempfile.TemporaryDirectory(prefix="thidua-backup-") as scratch:
            clear = Path(scratch) / PLAIN_DATABASE
            if ctx.is_shared:  # a portable file, by the move that proves every table whole
                move_database(
                    source=ctx.url,
                    target=clear,
                    progress=progress,
                    cancelled=cancelled,
                    audited=False,
                )
            else:
                copy_sqlite(Path(str(ctx.engine.url.database)), clear)
            sealed = encrypt_with_passphrase(clear.read_bytes(), passphrase)
        write_output(folder / SEALED_DATABASE, sealed)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        (folder / MANIFEST).write_text(
            json.dumps(
                {
                    "format": BACKUP_FORMAT,
                    "unit": installation.own_unit_name,
                    "role": installation.role.value,
                    "source": ctx.display_url,
                    "installation_id": installation_id,
                    "created_at": created,
                    # Where the signing key travels: a protected file, or inside the data.
                    "key": "file" if keypair is not None else "database",
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError(
            N_("The backup could not be written: {detail}"),
            params={"detail": exc.strerror or str(exc)},
        ) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    record_backup(ctx)
    with ctx.unit_of_work() as session:  # in the database backed up, after the copy
        audit.record(
            session, action="database.backup", subject=folder.name, detail={"folder": str(folder)}
        )
    return BackupInfo(
        folder,
        installation.own_unit_name,
        created,
        True,
        role=installation.role.value,
        source=ctx.display_url,
    )


def last_backup_at(ctx: AppContext) -> str:
    """When this database was last backed up (UTC, ISO) or restored; "" when never."""
    with ctx.reading() as session:
        return get_setting(session, "last_backup_at") or ""


_INSTALLATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def read_backup(folder: Path) -> BackupInfo:
    try:
        manifest = json.loads(read_limited(folder / MANIFEST, 64 * 1024).decode("utf-8"))
    except (UserError, ValueError) as exc:
        raise InputError(N_("This folder is not a Thi Đua backup.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise InputError(N_("This folder is not a Thi Đua backup."))
    installation_id = manifest.get("installation_id")
    if not isinstance(installation_id, str) or not _INSTALLATION_ID.fullmatch(installation_id):
        # It names the key file written on restore: "../../settings" overwrote a file
        # outside the key folder; a missing one failed after the database was replaced.
        raise InputError(N_("This folder is not a Thi Đua backup."))
    return BackupInfo(
        folder,
        str(manifest.get("unit", "")),
        str(manifest.get("created_at", "")),
        (folder / KEY_FILE).exists() or manifest.get("key") == "database",
        role=str(manifest.get("role", "")),
        source=str(manifest.get("source", "")),
    )


def find_backup(folder: Path) -> BackupInfo:
    """The backup in ``folder``: the folder itself, or the newest backup inside it.

    A backup is written into its own sub-folder of the folder chosen (the USB
    stick); choosing the stick again to restore finds it there. Raises
    :class:`InputError` when there is none.
    """
    try:
        return read_backup(folder)
    except InputError:
        pass
    found: list[BackupInfo] = []
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError as exc:
        raise InputError(
            N_("The folder {folder} cannot be read."),
            params={"folder": str(folder)},
            detail=exc.strerror or str(exc),
        ) from exc
    for child in children:
        try:
            found.append(read_backup(child))
        except InputError:
            continue
    if not found:
        raise InputError(
            N_("There is no Thi Đua backup in {folder} or in the folders directly inside it."),
            params={"folder": str(folder)},
        )
    return max(found, key=lambda b: (b.created_at, b.folder.name))


def check_backup(folder: Path, passphrase: str) -> BackupInfo:
    """The backup in ``folder``, once its key opens with ``passphrase``; nothing is
    touched (a wrong passphrase is said before the open database is closed)."""
    info = find_backup(folder)
    if (info.folder / KEY_FILE).exists():
        restore_backup(info.folder / KEY_FILE, passphrase)
    else:  # the key is inside the database: the passphrase must open the database
        with tempfile.TemporaryDirectory(prefix="thidua-check-") as scratch:
            _clear_database(info.folder, passphrase, Path(scratch))
    return info


def _clear_database(folder: Path, passphrase: str, scratch: Path) -> Path:
    """The backup's database as a clear SQLite file in ``scratch`` (a temporary folder of
    this PC), decrypted with ``passphrase``; an older backup's clear file as it is."""
    sealed = folder / SEALED_DATABASE
    if not sealed.exists():
        return folder / PLAIN_DATABASE
    clear = scratch / PLAIN_DATABASE
    clear.write_bytes(decrypt_with_passphrase(read_limited(sealed, MAX_BACKUP_BYTES), passphrase))
    return clear


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, said before anything is asked or replaced."""

    backup: BackupInfo
    replaces: DatabaseSummary


def plan_restore(folder: Path, location: str | Path) -> RestorePlan:
    """The backup found in ``folder`` and what restoring it over ``location`` (the
    database in use) would replace: its place, whose it is, its counts."""
    return RestorePlan(find_backup(folder), describe_database(location))


def restore_installation(
    *,
    folder: Path,
    passphrase: str,
    database: Path,
    onto: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BackupInfo:
    """Restore a backup into ``database`` (the current file is kept aside).

    ``folder`` is the backup or a folder holding backups (the newest is taken).
    The key is checked with the passphrase before anything is replaced. The
    restored database remembers the backup's date, so it does not ask for a
    first backup again. With ``onto`` (a shared database's URL), the restored file
    is then moved onto that database, which must be empty (:func:`move_database`:
    proven whole, or the server is left empty and the restored file stays).
    """
    from app.exchange import key_directory, stored_key_text

    info = find_backup(folder)
    folder = info.folder
    key_file = folder / KEY_FILE
    keypair = restore_backup(key_file, passphrase) if key_file.exists() else None
    if onto and probe_context(onto).state != "empty":
        raise InputError(
            N_(
                "The database to move to already holds data: nothing was restored. "
                "Choose an empty database."
            )
        )
    manifest = json.loads(read_limited(folder / MANIFEST, 64 * 1024).decode("utf-8"))
    previous: Path | None = None
    if database.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        previous = database.with_name(f"{database.stem}.before-restore-{stamp}.db")
        copy_sqlite(database, previous)
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="thidua-restore-") as scratch:
            copy_sqlite(_clear_database(folder, passphrase, Path(scratch)), database)
        restored = open_context(database)  # refuses a damaged or newer database
        try:
            with restored.unit_of_work() as session:
                set_setting(session, "last_backup_at", info.created_at or "restored")
                # A federation's key kept (protected) in its database is never a file.
                key_in_database = stored_key_text(session) is not None
        finally:
            restored.close()
    except BaseException:
        if previous is not None:
            copy_sqlite(previous, database)
        raise
    if not key_in_database:
        if keypair is None:
            raise InputError(N_("The backup holds no signing key: it is incomplete."))
        save_private_key(
            keypair,
            key_directory(),
            passphrase=None,
            file_name=f"{manifest['installation_id']}.json",
            overwrite=True,
        )
    moved_to = ""
    if onto:
        report = move_database(source=database, target=onto, progress=progress, cancelled=cancelled)
        moved_to = report.target
    return replace(info, kept_aside=previous, moved_to=moved_to)
