"""Printing operations: one function per document, each writing a PDF file.

Every function is keyword-only, takes the :class:`~app.core.context.AppContext`,
reads what it needs in one read-only session, writes ``out`` atomically and
returns its path. Batches of one document for many units are
:mod:`app.printing.batch`'s.

At a unit database the registration form and results report are the
unit's own (``unit=None``); at the federation they are any unit's, read
from the merged statements (``unit="CODE"``). ``plan_id=None`` means the
newest plan in the database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.context import AppContext
from app.core.days import short_date
from app.core.errors import N_, InputError, UserError
from app.core.installation import require_installation
from app.core.text import natural_key
from app.plans import get_plan, plan_or_newest
from app.printing.batch import (
    BatchResult,
    OutputExists,
    file_stems,
    plan_period,
    registration_job,
    results_job,
)
from app.printing.batch_layout import joined_pdf, story_of
from app.printing.covenant import Covenant, covenant_story
from app.printing.layout import build_pdf
from app.printing.plan_form import plan_story
from app.printing.province_summary import CoverageRow, Summary, summary_story
from app.printing.reminder import ReminderForm, reminder_story, report_name
from app.printing.sources import (
    cluster_members,
    federation_name,
    load_statements,
    load_units,
    load_verifications,
    resolve_cluster,
    resolve_unit,
)
from app.rollup import Reminders, Scope, describe_scope, rollup, scope_units
from db import models
from db.enums import REGISTRATION_STREAM, Role, UnitKind


def _plan(session: Session, plan_id: str | None) -> domain.Plan:
    """The plan asked for, or the newest one."""
    return get_plan(session, plan_or_newest(session, plan_id))


def _ensure_unit_key(ctx: AppContext) -> None:
    from app.exchange import ensure_own_key, own_key_row

    with ctx.unit_of_work() as session:
        installation = require_installation(session)
        if installation.role is Role.UNIT and own_key_row(session) is None:
            ensure_own_key(session)


def print_registration_form(
    ctx: AppContext, *, plan_id: str | None = None, out: Path, unit: str | None = None
) -> Path:
    """The unit's registration form to sign and stamp, with its verification box.

    At a unit database that has no signing key yet, the key is made first
    (as the first export would): the stamped form is the evidence the
    federation checks the key's fingerprint against.
    """
    _ensure_unit_key(ctx)
    with ctx.reading() as session:
        plan = _plan(session, plan_id)
        unit_id = resolve_unit(session, unit)
        units = load_units(session, plan, [unit_id])
        info = units[unit_id]
        statement = load_statements(session, plan, REGISTRATION_STREAM, [unit_id]).get(unit_id)
        check = load_verifications(session, plan, units)[unit_id]
    job = registration_job(plan, info, statement, check)
    # Made, not yet printed: the preview or the command line records that
    # (app.printing.printed), when the chair prints or keeps it.
    return build_pdf(out, story_of(job.form), title=job.title, author=job.author)


def print_results_report(
    ctx: AppContext, *, plan_id: str | None = None, period: str, out: Path, unit: str | None = None
) -> Path:
    """A unit's results of one period against what it registered."""
    with ctx.reading() as session:
        plan = _plan(session, plan_id)
        chosen = plan_period(plan, period)
        unit_id = resolve_unit(session, unit)
        info = load_units(session, plan, [unit_id])[unit_id]
        registration = load_statements(session, plan, REGISTRATION_STREAM, [unit_id]).get(unit_id)
        report = load_statements(session, plan, period, [unit_id]).get(unit_id)
    job = results_job(plan, info, chosen, registration, report)
    return build_pdf(out, story_of(job.form), title=job.title, author=job.author)


def print_cluster_covenant(
    ctx: AppContext, *, plan_id: str | None = None, cluster: str, out: Path
) -> Path:
    """The cluster's covenant: each member's registered values side by side (landscape)."""
    with ctx.reading() as session:
        plan = _plan(session, plan_id)
        found = resolve_cluster(session, plan, cluster)
        member_ids = cluster_members(session, plan, found.id)
        units = load_units(session, plan, member_ids)
        members = [units[i] for i in member_ids if i in units]
        # The cluster leader (cụm trưởng) comes first, then the members by code.
        members.sort(key=lambda u: u.id != found.leader_unit_id)
        registrations = load_statements(session, plan, REGISTRATION_STREAM, member_ids)
        fed = federation_name(session, plan)
    covenant = Covenant(plan, found, fed, members, registrations)
    return build_pdf(
        out,
        covenant_story(covenant),
        title=f"Giao ước thi đua năm {plan.year} - {found.name}",
        author=fed,
        wide=True,
    )


def print_province_summary(
    ctx: AppContext,
    *,
    plan_id: str | None = None,
    out: Path,
    printed_on: dt.date | None = None,
    scope: Scope | None = None,
) -> Path:
    """The federation's summary against the plan's targets over ``scope`` (default: the
    whole province), then coverage by group of the units in scope."""
    scope = scope or Scope()
    with ctx.reading() as session:
        installation = require_installation(session)
        if installation.role is not Role.FEDERATION:
            raise UserError(N_("This needs a federation database."))
        plan = _plan(session, plan_id)
        if scope.root_unit_id == installation.own_unit_id:
            scope = Scope(cluster_id=scope.cluster_id)
        rollups = rollup(session, plan_id=plan.id, scope=scope)
        in_scope = set(session.scalars(scope_units(plan.year, scope)))
        by_upper, by_cluster = _coverage(session, plan, installation.own_unit_id, in_scope)
        fed = federation_name(session, plan)
        scope_text = describe_scope(session, year=plan.year, scope=scope)
    whole = scope.root_unit_id is None and scope.cluster_id is None
    summary = Summary(
        plan, fed, rollups, by_upper, by_cluster, printed_on, scope_text=scope_text, whole=whole
    )
    return build_pdf(
        out,
        summary_story(summary),
        title=f"Báo cáo tổng hợp thi đua năm {plan.year}",
        author=fed,
    )


def print_plan(ctx: AppContext, *, plan_id: str | None = None, out: Path) -> Path:
    """The federation's plan as issued (header, sections I–IV, signature, recipients)."""
    with ctx.reading() as session:
        plan = _plan(session, plan_id)
    return build_pdf(out, plan_story(plan), title=plan.title, author=plan.issuer)


# --- reminders ------------------------------------------------------------------------------


#: How long a reminder gives by default to send the report.
REPLY_DAYS = 7


def reminder_files(reminders: Reminders, out: Path, *, single_file: bool = True) -> list[Path]:
    """The PDF files :func:`print_reminders` writes: ``out``, or one per letter in it."""
    if single_file:
        return [out]
    stems = file_stems([(x.recipient.code, x.recipient.id) for x in reminders.letters])
    return [out / f"{stem}_don-doc-{reminders.stream}.pdf" for stem in stems]


def check_reminder_files(paths: list[Path], *, replace: bool = False) -> None:
    """:class:`OutputExists` (nothing written) when any of ``paths`` exists, unless
    ``replace``; worded as batch printing words it."""
    clashes = [path for path in paths if path.exists()]
    if not clashes or replace:
        return
    if len(clashes) == 1:
        raise OutputExists(
            N_("The file {path} already exists."), paths=clashes, params={"path": clashes[0]}
        )
    raise OutputExists(
        N_("The folder {path} already holds {count} of these files, such as {name}."),
        paths=clashes,
        params={"path": clashes[0].parent, "count": len(clashes), "name": clashes[0].name},
    )


def print_reminders(
    ctx: AppContext,
    *,
    reminders: Reminders,
    out: Path,
    single_file: bool = True,
    reply_by: dt.date | None = None,
    replace: bool = False,
) -> BatchResult:
    """The reminder letters (công văn đôn đốc) of ``reminders``
    (:func:`app.rollup.read_reminders`), asking to send by ``reply_by`` (default a
    week after the day counted to).

    ``single_file``: one PDF at ``out``, one letter after another (page numbers
    restart with each); otherwise one PDF per letter in the folder ``out``, named
    ``CODE_don-doc-STREAM.pdf`` after the recipient. Nothing to remind is an
    :class:`InputError`, and files that exist an :class:`OutputExists` unless
    ``replace``: no file is written.
    """
    reminders.require_letters()
    check_reminder_files(reminder_files(reminders, out, single_file=single_file), replace=replace)
    reply = reply_by or reminders.as_of + dt.timedelta(days=REPLY_DAYS)
    if reply <= reminders.as_of:
        raise InputError(
            N_("The day to send the report by ({date}) must come after {as_of}."),
            params={"date": short_date(reply), "as_of": short_date(reminders.as_of)},
        )
    with ctx.reading() as session:
        fed = federation_name(session, reminders.plan)
    forms = [ReminderForm(reminders, fed, letter, reply) for letter in reminders.letters]
    title = f"Công văn đôn đốc gửi {report_name(reminders.plan, reminders.stream)}"
    total = len(forms)
    if not single_file:
        out.mkdir(parents=True, exist_ok=True)
        files = reminder_files(reminders, out, single_file=False)
        paths = tuple(
            build_pdf(
                path,
                reminder_story(form),
                title=f"{title} - {form.letter.recipient.name}",
                author=fed,
            )
            for form, path in zip(forms, files, strict=True)
        )
        return BatchResult(paths, total, total, False)
    stories = (reminder_story(form) for form in forms)
    path = joined_pdf(stories, out, title=title, author=fed)
    return BatchResult((path,), total, total, False)


# --- coverage -------------------------------------------------------------------------------


_GroupKey = tuple[int, tuple[tuple[int, int | str], ...], str]


def _coverage(
    session: Session, plan: domain.Plan, federation_id: str, in_scope: set[str] | None = None
) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """Units (of ``in_scope``, default all), registrations and period reports by
    upper-level union and by cluster."""
    entry = models.RosterEntry
    rows = session.execute(
        select(
            entry.unit_id,
            entry.parent_id,
            entry.cluster_id,
            models.Unit.kind,
            models.Unit.name,
            models.Unit.code,
        )
        .join(models.Unit, models.Unit.id == entry.unit_id)
        .where(entry.year == plan.year, entry.unit_id != federation_id)
    ).all()
    streams: dict[str, set[str]] = {}
    for unit_id, stream in session.execute(
        select(models.Statement.unit_id, models.Statement.stream).where(
            models.Statement.plan_id == plan.id
        )
    ):
        streams.setdefault(stream, set()).add(unit_id)
    units = {row[0]: row for row in rows}
    clusters = {
        c.id: (c.code, c.name)
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year))
    }
    direct = "CĐCS trực thuộc LĐLĐ tỉnh"
    by_upper: dict[_GroupKey, list[str]] = {}
    by_cluster: dict[_GroupKey, list[str]] = {}
    for unit_id, parent_id, cluster_id, kind, name, code in rows:
        if in_scope is not None and unit_id not in in_scope:
            continue
        parent = units.get(parent_id or "")
        key: _GroupKey
        if kind is UnitKind.UPPER:
            key = (0, natural_key(code or name), name)
        elif parent is not None and parent[3] is UnitKind.UPPER:
            key = (0, natural_key(parent[5] or parent[4]), parent[4])
        else:
            key = (1, (), direct)
        by_upper.setdefault(key, []).append(unit_id)
        cluster = clusters.get(cluster_id or "")
        cluster_key: _GroupKey = (
            (0, natural_key(cluster[0]), cluster[1]) if cluster else (1, (), "Chưa xếp cụm")
        )
        by_cluster.setdefault(cluster_key, []).append(unit_id)

    def table(groups: dict[_GroupKey, list[str]]) -> list[CoverageRow]:
        return [
            CoverageRow(
                name=key[2],
                units=len(members),
                registered=sum(1 for u in members if u in streams.get(REGISTRATION_STREAM, ())),
                reported={
                    p.code: sum(1 for u in members if u in streams.get(p.code, ()))
                    for p in plan.periods
                },
            )
            for key, members in sorted(groups.items(), key=lambda item: item[0])
        ]

    return table(by_upper), table(by_cluster)
