"""Command-line interface of the year-end scoring (registered by :mod:`app.cli.program`).

``score``, ``rank``, ``rules``, ``flag``, ``proposals`` (federation) and
``members`` (a cluster leader's unit database). Read commands take
``--json``; explanations follow ``--lang``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, emit
from app.core.files import output_file
from app.core.i18n import gettext as _
from db.enums import Sector, UnitKind

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def _plan(ctx: AppContext, plan_id: str | None) -> str:
    from app.scoring import default_plan_id

    return plan_id or default_plan_id(ctx)


# --- score and rank -------------------------------------------------------------------------


def cmd_score(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import number_text, score_json, score_text, scoreboard

    board = scoreboard(ctx, plan_id=_plan(ctx, args.plan))
    rules = board.rules.rules
    chosen = [board.by_code(args.unit)] if args.unit else list(board.scores)
    if args.json:
        emit(
            out,
            {
                "plan": board.plan.id,
                "rules": {
                    "hash": board.rules.content_hash,
                    "revision": board.rules.revision,
                    "example": rules.example,
                    "period": rules.period,
                    "normalise": rules.normalise,
                },
                "units": [score_json(board, s) for s in chosen],
            },
        )
        return 0
    if rules.example:
        out.write(_("Scored with the example rules: the federation should review them.") + "\n")
    for score in chosen:
        cluster = board.cluster_placing(score.unit.id)
        rank = str(cluster.rank) if cluster and cluster.rank is not None else "—"
        value = score_text(score.score)
        out.write(
            f"{score.unit.code:10} {value:>7}  {rank:>4}  "
            f"{board.grade_label(score.grade):12} {score.unit.name}\n"
        )
        if args.unit:
            for line in score.explain():
                out.write(f"    {line}\n")
            for item in score.indicators:
                out.write(f"  {item.code:6} {number_text(item.points):>6}  ")
                out.write(item.explain() + "\n")
    return 0


def cmd_rank(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import ranking_json, scoreboard

    plan_id = _plan(ctx, args.plan)
    if args.pdf:
        from app.scoring import print_ranking

        path = print_ranking(
            ctx, plan_id=plan_id, out=Path(args.pdf), cluster=args.cluster, upper=args.upper
        )
        if not args.json:
            out.write(_("PDF written to {path}.").format(path=path) + "\n")
    board = scoreboard(ctx, plan_id=plan_id)
    if args.upper:
        parent = board.find_parent(args.upper)
        scopes = [("upper", parent, board.parent_names.get(parent, ""), board.by_parent[parent])]
    elif args.cluster:
        cluster = board.find_cluster(args.cluster)
        scopes = [("cluster", cluster, board.cluster_names[cluster], board.by_cluster[cluster])]
    else:
        scopes = [
            ("cluster", cid, board.cluster_names[cid], placings)
            for cid, placings in sorted(
                board.by_cluster.items(), key=lambda item: board.cluster_names[item[0]]
            )
        ]
    if args.json:
        emit(
            out,
            {
                "plan": board.plan.id,
                "rules_hash": board.rules.content_hash,
                "example_rules": board.rules.rules.example,
                "rankings": [
                    {
                        "scope": kind,
                        "id": scope_id,
                        "name": name,
                        "units": ranking_json(board, placings),
                    }
                    for kind, scope_id, name, placings in scopes
                ],
            },
        )
        return 0
    for _kind, _scope_id, name, placings in scopes:
        out.write((name or _("(no cluster)")) + "\n")
        for placing in placings:
            rank = str(placing.rank) if placing.rank is not None else "—"
            out.write(f"  {rank:>4}  {placing.code:10} {placing.explain()}\n")
    return 0


# --- rules ----------------------------------------------------------------------------------


def cmd_rules_show(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import load_rules, number_text

    info = load_rules(ctx, plan_id=_plan(ctx, args.plan))
    if args.json:
        emit(
            out,
            {
                "stored": info.stored,
                "revision": info.revision,
                "updated_at": info.updated_at,
                "updated_by": info.updated_by,
                "hash": info.content_hash,
                "document": info.rules.to_document(),
            },
        )
        return 0
    rules = info.rules
    if rules.example:
        out.write(_("Example rules: the federation should review them.") + "\n")
    for group in rules.groups:
        out.write(f"{group.code}  ×{number_text(group.weight)}  {group.title}\n")
        for item in group.indicators:
            out.write(f"    {item.code:6} {number_text(item.points)}\n")
    return 0


def cmd_rules_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import load_rules, write_rules_file

    info = load_rules(ctx, plan_id=_plan(ctx, args.plan))
    path = write_rules_file(info.rules, output_file(args.out))
    out.write(_("Scoring rules written to {path}.").format(path=path) + "\n")
    return 0


def cmd_rules_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import read_rules_file, save_rules

    document = read_rules_file(Path(args.file))
    plan_id = str(document.get("plan") or _plan(ctx, None))
    info = save_rules(ctx, plan_id=plan_id, document=document)
    out.write(
        _("Scoring rules of {plan_id} saved (revision {revision}).").format(
            plan_id=plan_id, revision=info.revision
        )
        + "\n"
    )
    return 0


def cmd_rules_reset(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import reset_rules

    plan_id = _plan(ctx, args.plan)
    reset_rules(ctx, plan_id=plan_id)
    out.write(_("The default scoring rules of {plan_id} apply again.").format(plan_id=plan_id))
    out.write("\n")
    return 0


# --- flags and proposals -----------------------------------------------------------------


def cmd_flag_set(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import set_flag

    set_flag(ctx, plan_id=_plan(ctx, args.plan), unit=args.unit, flag=args.flag, note=args.note)
    out.write(_("Flag {flag} set on {unit}.").format(flag=args.flag, unit=args.unit) + "\n")
    return 0


def cmd_flag_clear(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import clear_flag

    cleared = clear_flag(ctx, plan_id=_plan(ctx, args.plan), unit=args.unit, flag=args.flag)
    text = _("Flag {flag} cleared on {unit}.") if cleared else _("{unit} had no flag {flag}.")
    out.write(text.format(flag=args.flag, unit=args.unit) + "\n")
    return 0


def cmd_proposals_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import proposal_groups, scoreboard

    board = scoreboard(ctx, plan_id=_plan(ctx, args.plan))
    groups = proposal_groups(board)
    if args.json:
        emit(
            out,
            [
                {
                    "code": score.unit.code,
                    "name": score.unit.name,
                    "award": proposal.award,
                    "award_label": proposal.award_label,
                    "grade": proposal.grade,
                    "score_when_proposed": proposal.score,
                    "score_now": str(score.score) if score.score is not None else None,
                    "cluster_rank": proposal.cluster_rank,
                    "rules_changed": proposal.rules_hash != board.rules.content_hash,
                    "summary": proposal.summary,
                    "updated_at": proposal.updated_at,
                    "updated_by": proposal.updated_by,
                }
                for _heading, rows in groups
                for score, proposal in rows
            ],
        )
        return 0
    for heading, rows in groups:
        out.write(f"{heading}\n")
        for score, proposal in rows:
            grade = board.grade_label(proposal.grade) if proposal.grade else ""
            out.write(f"  {score.unit.code:10} {proposal.score:>7} {grade:12} {score.unit.name}\n")
    return 0


def cmd_proposals_set(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import set_proposal

    plan_id = _plan(ctx, args.plan)
    proposal = set_proposal(
        ctx,
        plan_id=plan_id,
        unit=args.unit,
        award=args.award or "",
        grade=args.grade,
        summary=args.summary,
    )
    if args.json:
        emit(out, {"unit": args.unit, "award": proposal.award, "grade": proposal.grade})
        return 0
    from app.plans import read_plan as load_plan

    grades = {g.code: g.label for g in load_plan(ctx, plan_id=plan_id).grade_levels}
    what = [proposal.award_label] if proposal.award_label else []
    if proposal.grade:
        what.append(grades.get(proposal.grade, proposal.grade))
    out.write(_("{unit} proposed: {what}.").format(unit=args.unit, what=", ".join(what)) + "\n")
    return 0


def cmd_proposals_clear(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import clear_proposal

    cleared = clear_proposal(ctx, plan_id=_plan(ctx, args.plan), unit=args.unit)
    text = _("Proposal for {unit} withdrawn.") if cleared else _("{unit} was not proposed.")
    out.write(text.format(unit=args.unit) + "\n")
    return 0


def cmd_proposals_print(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import print_proposals

    path = print_proposals(ctx, plan_id=_plan(ctx, args.plan), out=output_file(args.out))
    out.write(_("PDF written to {path}.").format(path=path) + "\n")
    return 0


def cmd_proposals_xlsx(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import export_scoring_workbook

    path = export_scoring_workbook(ctx, plan_id=_plan(ctx, args.plan), out=output_file(args.out))
    out.write(_("Workbook written to {path}.").format(path=path) + "\n")
    return 0


# --- the cluster leader ------------------------------------------------------------------


def cmd_members_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import list_members

    members = list_members(ctx)
    if args.json:
        emit(
            out,
            [
                {
                    "code": m.unit_code,
                    "name": m.unit_name,
                    "kind": m.kind.value,
                    "sector": m.sector.value if m.sector else None,
                    "fingerprint": m.fingerprint,
                    "streams": list(m.streams),
                }
                for m in members
            ],
        )
        return 0
    for m in members:
        out.write(f"{m.unit_code:10} {m.fingerprint}  {','.join(m.streams)}  {m.unit_name}\n")
    return 0


def cmd_members_trust(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import trust_member

    member = trust_member(
        ctx,
        path=Path(args.file),
        fingerprint=args.fingerprint,
        kind=UnitKind(args.kind),
        sector=Sector(args.sector) if args.sector else None,
        evidence=args.evidence or "",
    )
    out.write(
        _("Member {code} ({name}) trusted.").format(code=member.unit_code, name=member.unit_name)
        + "\n"
    )
    return 0


def cmd_members_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import import_member_packages

    results = import_member_packages(ctx, paths=[Path(p) for p in args.paths])
    if args.json:
        emit(
            out,
            [
                {
                    "file": r.file_name,
                    "outcome": r.outcome,
                    "unit": r.unit_code,
                    "stream": r.stream,
                    "revision": r.revision,
                    "reason": r.reason_text(),
                }
                for r in results
            ],
        )
    else:
        for r in results:
            out.write(f"{r.outcome:10} {r.file_name}  {r.reason_text()}\n")
    return 1 if any(r.outcome == "rejected" for r in results) else 0


def cmd_members_covenant(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.scoring import print_member_covenant

    path = print_member_covenant(ctx, plan_id=args.plan, out=output_file(args.out))
    out.write(_("PDF written to {path}.").format(path=path) + "\n")
    return 0


# --- the parser --------------------------------------------------------------------------


def register(commands: Commands, add: AddCommand) -> None:
    """Add the scoring commands to ``thidua-cli`` (``add`` is the CLI's own helper)."""
    score = add(commands, "score", cmd_score, _("every unit's score under the plan's rules"))
    score.add_argument("--unit", help=_("one unit's code: its score explained per indicator"))
    rank = add(commands, "rank", cmd_rank, _("ranking within a cluster or an upper-level union"))
    where = rank.add_mutually_exclusive_group()
    where.add_argument("--cluster", help=_("cluster name (default: every cluster)"))
    where.add_argument("--upper", help=_("code of an upper-level union"))
    rank.add_argument("--pdf", help=_("also print the ranking to this PDF file"))

    rules = commands.add_parser("rules", help=_("the plan's scoring rules")).add_subparsers(
        dest="rules_command", required=True, metavar="ACTION"
    )
    rshow = add(rules, "show", cmd_rules_show, _("show the scoring rules"))
    rexport = add(
        rules, "export", cmd_rules_export, _("write the rules as a JSON file"), json_flag=False
    )
    rexport.add_argument("--out", required=True)
    rimport = add(
        rules, "import", cmd_rules_import, _("save rules from a JSON file"), json_flag=False
    )
    rimport.add_argument("file", metavar="FILE", help=_("the scoring rules file (JSON)"))
    rreset = add(
        rules, "reset", cmd_rules_reset, _("go back to the default rules"), json_flag=False
    )

    flag = commands.add_parser("flag", help=_("custom flags on units (vetoes)")).add_subparsers(
        dest="flag_command", required=True, metavar="ACTION"
    )
    fset = add(flag, "set", cmd_flag_set, _("set a flag on a unit"), json_flag=False)
    fclear = add(flag, "clear", cmd_flag_clear, _("clear a flag"), json_flag=False)
    for command in (fset, fclear):
        command.add_argument("--unit", required=True, help=_("unit code"))
        command.add_argument("--flag", required=True, help=_("flag code from the rules"))
    fset.add_argument("--note", default="", help=_("what happened, for the record"))

    proposals = commands.add_parser("proposals", help=_("commendation proposals")).add_subparsers(
        dest="proposals_command", required=True, metavar="ACTION"
    )
    plist = add(proposals, "list", cmd_proposals_list, _("list the proposals"))
    pset = add(proposals, "set", cmd_proposals_set, _("propose a unit for an award or a grade"))
    pset.add_argument("--unit", required=True, help=_("unit code"))
    pset.add_argument("--award", help=_("award code from the rules (co_thi_dua, bang_khen…)"))
    pset.add_argument("--grade", help=_("grade code of the year's scale"))
    pset.add_argument("--summary", help=_("achievement summary (default: generated)"))
    pclear = add(proposals, "clear", cmd_proposals_clear, _("withdraw a proposal"), json_flag=False)
    pclear.add_argument("--unit", required=True, help=_("unit code"))
    pprint = add(
        proposals, "print", cmd_proposals_print, _("the proposal list as PDF"), json_flag=False
    )
    pxlsx = add(
        proposals,
        "xlsx",
        cmd_proposals_xlsx,
        _("proposals, scores and points as an Excel workbook"),
        json_flag=False,
    )
    for command in (pprint, pxlsx):
        command.add_argument("--out", required=True)

    members = commands.add_parser(
        "members", help=_("a cluster leader's member units")
    ).add_subparsers(dest="members_command", required=True, metavar="ACTION")
    mlist = add(members, "list", cmd_members_list, _("the trusted members"))
    mtrust = add(
        members,
        "trust",
        cmd_members_trust,
        _("trust a member's key from its enrolment file"),
        json_flag=False,
    )
    mtrust.add_argument("file", metavar="FILE", help=_("the member's enrolment file"))
    mtrust.add_argument(
        "--fingerprint", required=True, help=_("read from the member's stamped form")
    )
    mtrust.add_argument(
        "--kind", required=True, choices=[UnitKind.GRASSROOTS.value, UnitKind.UPPER.value]
    )
    mtrust.add_argument("--sector", choices=[s.value for s in Sector])
    mtrust.add_argument("--evidence", help=_("stamped form reference or phone check note"))
    mimport = add(members, "import", cmd_members_import, _("read members' packages"))
    mimport.add_argument(
        "paths", nargs="+", metavar="PATH", help=_("member package files or folders")
    )
    mcovenant = add(
        members, "covenant", cmd_members_covenant, _("the cluster covenant"), json_flag=False
    )
    mcovenant.add_argument("--out", required=True)
    for command in (
        score,
        rank,
        rshow,
        rexport,
        rreset,
        fset,
        fclear,
        plist,
        pset,
        pclear,
        pprint,
        pxlsx,
        mcovenant,
    ):
        command.add_argument("--plan", help=_("plan id (default: newest plan)"))
    del mlist
