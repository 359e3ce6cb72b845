"""``thidua-cli history``: a unit's reports as the federation received them, and what
changed between two of them (:mod:`app.exchange.history`)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, emit
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext
    from app.exchange import HistoryEntry, UnitHistory, VersionComparison

#: How many characters of a hash the text output shows (enough to name it again).
SHORT_HASH = 12


def _entry_line(entry: HistoryEntry) -> str:
    parts = [
        f"r{entry.revision}",
        entry.status_label,
        _("received {time}").format(time=entry.received_local),
        _("made {time} (the unit's clock)").format(time=entry.made_local)
        if not entry.entered
        else entry.made_text,
        entry.source_label,
        _("key {fingerprint}").format(fingerprint=entry.fingerprint or "?")
        if not entry.entered
        else entry.signer_text,
    ]
    if entry.returned_at:
        parts.append(_("returned {time}").format(time=entry.returned_local))
    if entry.receipt_at:
        parts.append(_("receipt written {time}").format(time=entry.receipt_local))
    parts += [entry.file_name, entry.package_hash[:SHORT_HASH]]
    return "  " + "\t".join(p for p in parts if p)


def _print_history(history: UnitHistory, out: TextIO) -> None:
    out.write(f"{history.unit_code} — {history.unit_name}\n")
    if not history.streams:
        out.write(_("No report received from this unit.") + "\n")
    for stream in history.streams:
        out.write(f"{stream.plan_id} · {stream.stream_label}\n")
        if not stream.entries:
            out.write("  " + _("Nothing received.") + "\n")
        for entry in stream.entries:
            out.write(_entry_line(entry) + "\n")


def _history_json(history: UnitHistory) -> dict[str, Any]:
    return {
        "unit": {"id": history.unit_id, "code": history.unit_code, "name": history.unit_name},
        "streams": [
            {
                "plan": s.plan_id,
                "stream": s.stream,
                "label": s.stream_label,
                "versions": [asdict(e) for e in s.entries],
            }
            for s in history.streams
        ],
    }


def _comparison_json(compared: VersionComparison) -> dict[str, Any]:
    return {
        "unit": {"code": compared.unit_code, "name": compared.unit_name},
        "plan": compared.plan_id,
        "stream": compared.stream,
        "label": compared.stream_label,
        "first": asdict(compared.first),
        "second": asdict(compared.second),
        "values": [
            {"code": v.code, "title": v.title, "old": v.old_text, "new": v.new_text}
            for v in compared.values
        ],
        "details": [
            {"label": d.label, "old": d.old_text, "new": d.new_text} for d in compared.details
        ],
    }


def _print_comparison(compared: VersionComparison, out: TextIO) -> None:
    first, second = compared.first, compared.second
    out.write(
        f"{compared.unit_code} — {compared.unit_name} · {compared.stream_label}: "
        f"r{first.revision} ({first.package_hash[:SHORT_HASH]}) → "
        f"r{second.revision} ({second.package_hash[:SHORT_HASH]})\n"
    )
    if not compared.values and not compared.details:
        out.write(_("No difference.") + "\n")
    empty = _("(none)")
    for value in compared.values:
        out.write(
            f"  {value.code} {value.title}: {value.old_text or empty} → {value.new_text or empty}\n"
        )
    for detail in compared.details:
        out.write(f"  {detail.label}:\n")
        out.write(f"    − {detail.old_text or empty}\n    + {detail.new_text or empty}\n")


def cmd_history(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import compare_versions, unit_history

    if args.compare:
        first, second = args.compare
        compared = compare_versions(
            ctx, first_hash=first, second_hash=second, unit_code=args.unit_code
        )
        if args.json:
            emit(out, _comparison_json(compared))
        else:
            _print_comparison(compared, out)
        return 0
    history = unit_history(ctx, unit_code=args.unit_code, plan_id=args.plan, stream=args.stream)
    if args.json:
        emit(out, _history_json(history))
    else:
        _print_history(history, out)
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``history``."""
    history = add(
        commands,
        "history",
        cmd_history,
        _("a unit's reports as received (every revision), or what changed between two"),
    )
    history.add_argument("unit_code", metavar="UNIT_CODE")
    history.add_argument("--plan", help=_("only this plan (default: every plan reported on)"))
    history.add_argument("--stream", help=_("only this stream: registration, h1 or year"))
    history.add_argument(
        "--compare",
        nargs=2,
        metavar=("HASH1", "HASH2"),
        help=_("compare two versions, by hash (or its first 8+ characters)"),
    )
