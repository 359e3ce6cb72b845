"""``thidua-cli keys`` and ``enrol``: this installation's key, units' keys at the federation."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, backup_passphrase, emit, passphrase, report_export
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands, Handler
    from app.core.context import AppContext


def _key_json(info: Any) -> dict[str, Any]:
    return {
        "keyid": info.keyid,
        "fingerprint": info.fingerprint,
        "unit_id": info.unit_id,
        "unit_code": info.unit_code,
        "unit_name": info.unit_name,
        "epoch": info.epoch,
        "status": info.status,
        "received_at": info.received_at,
        "decided_at": info.decided_at,
        "evidence": info.evidence,
        "replaces": info.replaces,
    }


# --- this installation's key ----------------------------------------------------------------


def cmd_keys_show(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import ensure_own_key, own_key_info

    with ctx.unit_of_work() as session:
        ensure_own_key(session, passphrase=passphrase(args))
        info = own_key_info(session)
    assert info is not None
    if args.json:
        emit(out, _key_json(info))
    else:
        out.write(_("Key fingerprint: {fingerprint}").format(fingerprint=info.fingerprint) + "\n")
        out.write(
            _("Key id: {keyid} (epoch {epoch})").format(keyid=info.keyid, epoch=info.epoch) + "\n"
        )
    return 0


def cmd_keys_backup(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import backup_own_key

    backup = backup_passphrase(args)
    with ctx.unit_of_work() as session:
        info = backup_own_key(
            session,
            path=Path(args.out),
            passphrase=backup,
            current_passphrase=passphrase(args),
        )
    out.write(
        _("Key backed up to {path} ({fingerprint}).").format(
            path=args.out, fingerprint=info.fingerprint
        )
        + "\n"
    )
    return 0


def cmd_keys_restore(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import restore_own_key

    backup = backup_passphrase(args)
    with ctx.unit_of_work() as session:
        info = restore_own_key(
            session,
            path=Path(args.file),
            passphrase=backup,
            key_passphrase=passphrase(args, "key_passphrase_env"),
        )
    out.write(_("Key restored ({fingerprint}).").format(fingerprint=info.fingerprint) + "\n")
    return 0


def _required(args: argparse.Namespace, attribute: str) -> str:
    """The passphrase named by ``args.<attribute>`` (or ``--key-passphrase-env``); one is needed."""
    value = passphrase(args, attribute) or passphrase(args, "key_passphrase_env")
    if value is None:
        raise UserError(
            N_("Name the environment variable holding the key's passphrase (--passphrase-env).")
        )
    return value


def cmd_keys_protect(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import protect_key

    info = protect_key(ctx, passphrase=_required(args, "passphrase_env"))
    out.write(
        _(
            "The federation's key ({fingerprint}) is now kept in the database, protected by "
            "the passphrase; every staff computer unlocks it with that passphrase."
        ).format(fingerprint=info.fingerprint)
        + "\n"
    )
    return 0


def _federation(ctx: AppContext) -> bool:
    from app.core.installation import get_installation
    from db.enums import Role

    with ctx.reading() as session:
        installation = get_installation(session)
    return installation is not None and installation.role is Role.FEDERATION


def cmd_keys_rotate(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import rotate_key

    if _federation(ctx):
        from app.exchange import rotate_federation_key

        info = rotate_federation_key(
            ctx,
            passphrase=_required(args, "passphrase_env"),
            new_passphrase=passphrase(args, "new_passphrase_env"),
        )
        if args.json:
            emit(out, _key_json(info))
        else:
            out.write(
                _(
                    "New key {fingerprint} (epoch {epoch}); send the units their plan packages "
                    "again so they learn it."
                ).format(fingerprint=info.fingerprint, epoch=info.epoch)
                + "\n"
            )
        return 0
    export = rotate_key(ctx, out=Path(args.out) if args.out else None, passphrase=passphrase(args))
    report_export(export, args, out)
    return 0


def cmd_keys_export_identity(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import export_identity_file

    recipient = export_identity_file(ctx, out=Path(args.out), passphrase=passphrase(args))
    out.write(
        _("Decryption key written to {path} (recipient {recipient}).").format(
            path=args.out, recipient=recipient
        )
        + "\n"
    )
    return 0


# --- units' keys at the federation ----------------------------------------------------------


def cmd_enrol_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import key_status_label, list_keys

    with ctx.reading() as session:
        infos = list_keys(session, status=args.status)
    if args.json:
        emit(out, [_key_json(i) for i in infos])
    else:
        for info in infos:
            out.write(
                f"{info.keyid[:16]}  {info.fingerprint}  {key_status_label(info.status):14} "
                f"{info.unit_code:10} {info.unit_name}\n"
            )
    return 0


def _cmd_decide(decision: str) -> Handler:
    def handler(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
        from app.exchange import KeyStatus, decide_key, key_status_label

        info, released = decide_key(
            ctx,
            keyid=args.keyid,
            decision=KeyStatus(decision),
            evidence=args.evidence or "",
            fingerprint=getattr(args, "fingerprint", None),
        )
        if args.json:
            data = _key_json(info)
            data["released"] = released.to_json() if released else None
            emit(out, data)
        else:
            out.write(
                _("Key {keyid}: {status}.").format(
                    keyid=info.keyid[:16], status=key_status_label(info.status).lower()
                )
                + "\n"
            )
            if released is not None and released.items:
                out.write(
                    _("{count} held packages were merged.").format(count=len(released.items)) + "\n"
                )
        return 0

    return handler


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``keys show|backup|restore|rotate|protect|export-identity`` and
    ``enrol list|accept|refuse|revoke``."""
    keys = commands.add_parser("keys", help=_("this installation's signing key")).add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    kshow = add(keys, "show", cmd_keys_show, _("show the key's fingerprint (creates it if needed)"))
    kbackup = add(
        keys,
        "backup",
        cmd_keys_backup,
        _("write a passphrase-protected key backup"),
        json_flag=False,
    )
    kbackup.add_argument("--out", required=True)
    krestore = add(
        keys, "restore", cmd_keys_restore, _("restore the key from a backup"), json_flag=False
    )
    krestore.add_argument("file", metavar="FILE", help=_("the key backup file"))
    # --key-passphrase-env names the restored key's new passphrase here, not one to unlock.
    krestore.set_defaults(unlocks_key=False)
    krotate = add(
        keys, "rotate", cmd_keys_rotate, _("replace the key; writes the rotation package")
    )
    krotate.add_argument("--out", help=_("the rotation package (a unit's key only)"))
    krotate.add_argument(
        "--new-passphrase-env",
        help=_("environment variable holding the new key's passphrase (the federation's)"),
    )
    # The federation's old passphrase is --passphrase-env (or --key-passphrase-env).
    krotate.set_defaults(unlocks_key=False)
    kprotect = add(
        keys,
        "protect",
        cmd_keys_protect,
        _("keep the federation's key file in the database, protected by a passphrase"),
        json_flag=False,
    )
    kprotect.set_defaults(unlocks_key=False)
    kidentity = add(
        keys,
        "export-identity",
        cmd_keys_export_identity,
        _("write the age decryption key, to read packages with age -d -i"),
        json_flag=False,
    )
    kidentity.add_argument("--out", required=True)
    for command in (kshow, kbackup, krestore, krotate, kprotect, kidentity):
        command.add_argument(
            "--passphrase-env", help=_("environment variable holding the key's passphrase")
        )
    for command in (kbackup, krestore):
        command.add_argument(
            "--backup-passphrase-env",
            default="THIDUA_BACKUP_PASSPHRASE",
            help=_("environment variable holding the backup's passphrase"),
        )

    enrol = commands.add_parser("enrol", help=_("unit keys at the federation")).add_subparsers(
        dest="enrol_command", required=True, metavar="ACTION"
    )
    elist = add(enrol, "list", cmd_enrol_list, _("list unit keys"))
    elist.add_argument("--status", choices=["pending", "accepted", "refused", "revoked", "retired"])
    for name, help_text in (
        ("accept", _("accept a pending key")),
        ("refuse", _("refuse a pending key")),
        ("revoke", _("revoke a key")),
    ):
        decision = {"accept": "accepted", "refuse": "refused", "revoke": "revoked"}[name]
        command = add(enrol, name, _cmd_decide(decision), help_text)
        command.add_argument(
            "keyid", metavar="KEYID", help=_("key id (or its first characters, as listed)")
        )
        command.add_argument("--evidence", help=_("stamped form reference or phone check note"))
        if name == "accept":
            command.add_argument("--fingerprint", help=_("fingerprint read from the stamped form"))
