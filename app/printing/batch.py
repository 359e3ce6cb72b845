"""Batches of printed forms: one kind of document for many units, in one PDF or one file each.

:func:`print_batch` chooses the units (by code, or a part of the province), reads what
the document needs in one read-only session and hands the list of documents to make to
:func:`print_jobs`, the one function that lays a batch out (and the one a process pool
may later share out). Units without the data the document needs are skipped, each with
why, rather than failing the batch. The output is checked before anything is laid out:
a folder that cannot be written, a file where a folder is wanted (or the reverse), or
files that already exist stop the batch with a message and nothing written.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import replace as replace_field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.files import check_output as check_file
from app.core.installation import require_installation
from app.core.text import natural_key
from app.exchange import fingerprint_groups
from app.plans import get_plan, plan_or_newest
from app.printing.batch_layout import Cancelled, PrintJob, each_pdf, single_pdf
from app.printing.batch_pool import Workers, print_in_pool, workers_for
from app.printing.key_card import KeyCard
from app.printing.registration_form import RegistrationForm
from app.printing.results_report import ResultsReport
from app.printing.sources import (
    StatementDoc,
    UnitInfo,
    Verification,
    accepted_unit_keys,
    federation_name,
    load_statements,
    load_units,
    load_verifications,
    resolve_unit,
)
from app.rollup import Scope, scope_units
from db import models
from db.enums import REGISTRATION_STREAM, Role
from db.parameters import in_chunks

ProgressCallback = Callable[[int, int], None]


class BatchDocument(StrEnum):
    """The documents a batch can print for each unit."""

    REGISTRATION = "registration"
    RESULTS_H1 = "results_h1"
    RESULTS_YEAR = "results_year"
    KEY_CARD = "key_card"


#: Each document as the screens and the command line name it (msgids).
DOCUMENT_LABELS: dict[BatchDocument, str] = {
    BatchDocument.REGISTRATION: N_("Registration forms"),
    BatchDocument.RESULTS_H1: N_("Results reports, first half-year"),
    BatchDocument.RESULTS_YEAR: N_("Results reports, whole year"),
    BatchDocument.KEY_CARD: N_("Key cards"),
}

#: The end of each unit's file name, before the year.
#: Each document's word in file names (Vietnamese, as the per-unit files are named).
FILE_WORDS = {
    BatchDocument.REGISTRATION: "dang-ky",
    BatchDocument.RESULTS_H1: "ket-qua-6-thang",
    BatchDocument.RESULTS_YEAR: "ket-qua-nam",
    BatchDocument.KEY_CARD: "the-khoa",
}

_PERIODS = {BatchDocument.RESULTS_H1: "h1", BatchDocument.RESULTS_YEAR: "year"}

#: Why a unit was skipped (msgids).
NOT_REGISTERED = N_("has not registered")
NOT_REPORTED = N_("has not sent this report")
NO_ACCEPTED_KEY = N_("has no accepted signing key")


@dataclass(frozen=True)
class SkippedUnit:
    """A unit the batch had nothing to print for, and why (a msgid)."""

    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class BatchResult:
    """What a batch printed: the files, how many documents of how many, whether it
    stopped, and the units skipped."""

    paths: tuple[Path, ...]
    printed: int
    total: int
    cancelled: bool
    skipped: tuple[SkippedUnit, ...] = ()


class OutputExists(InputError):
    """The batch would replace files that exist (``replace=True`` allows it)."""

    def __init__(self, message: str, *, paths: Sequence[Path], params: dict[str, object]) -> None:
        super().__init__(message, params=params)
        self.paths = tuple(paths)


def registration_job(
    plan: domain.Plan, unit: UnitInfo, statement: StatementDoc | None, check: Verification
) -> PrintJob:
    """A unit's registration form to print."""
    return PrintJob(
        unit_code=unit.code,
        unit_id=unit.id,
        title=f"Bản đăng ký thi đua năm {plan.year} - {unit.name}",
        author=unit.name,
        form=RegistrationForm(plan, unit, statement, check),
    )


def results_job(
    plan: domain.Plan,
    unit: UnitInfo,
    period: domain.Period,
    registration: StatementDoc | None,
    report: StatementDoc | None,
) -> PrintJob:
    """A unit's results report of one period to print."""
    return PrintJob(
        unit_code=unit.code,
        unit_id=unit.id,
        title=f"Báo cáo kết quả thi đua {period.name} - {unit.name}",
        author=unit.name,
        form=ResultsReport(plan, unit, period, registration, report),
    )


def plan_period(plan: domain.Plan, period: str) -> domain.Period:
    """The plan's reporting period of that code."""
    chosen = next((p for p in plan.periods if p.code == period), None)
    if chosen is None:
        raise InputError(N_("Unknown reporting period {period}."), params={"period": period})
    return chosen


# --- the batch ---------------------------------------------------------------------------


def print_batch(
    ctx: AppContext,
    *,
    document: BatchDocument | str,
    out: Path,
    plan_id: str | None = None,
    unit_codes: Sequence[str] | None = None,
    scope: Scope | None = None,
    single_file: bool = True,
    replace: bool = False,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> BatchResult:
    """``document`` for the units of ``unit_codes``, or of ``scope`` (default: every unit
    of the plan year's roster but the federation), at the federation.

    ``single_file``: one PDF at ``out`` (page numbers restart with each document);
    otherwise one PDF per unit in the folder ``out``, named after the unit's code made
    safe (``CODE_dang-ky-YEAR.pdf``). Existing files are an :class:`OutputExists` unless
    ``replace``. A cancelled single file is not written at all; cancelled separate files
    keep the documents already finished. ``workers``: as :func:`print_jobs` says (a
    large batch is laid out on every core).
    """
    try:
        kind = BatchDocument(document)
    except ValueError:
        raise InputError(
            N_("Unknown document {document}."), params={"document": document}
        ) from None
    if unit_codes is not None and scope is not None:
        raise InputError(N_("Choose the units either by code or by a part of the province."))
    # A large batch's workers start as soon as the number of units is known: they load
    # the printing code while the units are read.
    pool: Workers | None = None
    with ExitStack() as stack:
        with ctx.reading() as session:
            installation = require_installation(session)
            if installation.role is not Role.FEDERATION:
                raise UserError(N_("This needs a federation database."))
            plan = get_plan(session, plan_or_newest(session, plan_id))
            unit_ids = _chosen_units(session, plan, installation.own_unit_id, unit_codes, scope)
            processes = workers_for(len(unit_ids), workers)
            if processes > 1:
                pool = stack.enter_context(Workers(processes))
            loaded = load_units(session, plan, unit_ids)
            units = sorted(loaded.values(), key=lambda u: natural_key(u.code or u.name))
            if kind is BatchDocument.REGISTRATION:
                jobs, skipped = _registration_jobs(session, plan, units)
                title = f"Bản đăng ký thi đua năm {plan.year}"
            elif kind is BatchDocument.KEY_CARD:
                jobs, skipped = _key_card_jobs(session, plan, units)
                title = "Thẻ khóa xác thực"
            else:
                period = plan_period(plan, _PERIODS[kind])
                jobs, skipped = _results_jobs(session, plan, units, period)
                title = f"Báo cáo kết quả thi đua {period.name}"
            author = federation_name(session, plan)
        if not jobs:
            raise InputError(
                N_("None of the {count} units chosen has this document to print."),
                params={"count": len(units)},
            )
        stems = file_stems([(job.unit_code, job.unit_id) for job in jobs])
        named = [
            replace_field(job, file_name=document_file_name(stem, kind, plan.year))
            for job, stem in zip(jobs, stems, strict=True)
        ]
        return print_jobs(
            named,
            out=out,
            single_file=single_file,
            title=title,
            author=author,
            replace=replace,
            progress=progress,
            cancelled=cancelled,
            skipped=skipped,
            workers=workers,
            pool=pool,
        )


def print_jobs(
    jobs: Sequence[PrintJob],
    *,
    out: Path,
    single_file: bool,
    title: str,
    author: str = "",
    replace: bool = False,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    skipped: Sequence[SkippedUnit] = (),
    workers: int | None = None,
    pool: Workers | None = None,
) -> BatchResult:
    """Lay ``jobs`` out: in one PDF at ``out``, or one PDF each (``job.file_name``) in the
    folder ``out``, checked first (:func:`check_output`). ``progress(done, total)`` runs
    as documents are finished; ``cancelled()`` is polled as they start.

    ``workers``: how many processes share the documents out
    (:mod:`app.printing.batch_pool`); None: every usable core for a large batch, this
    process alone for a small one; 1: this process alone. ``pool``: workers already
    started for this batch (they lay it out whatever its size; the caller ends them).
    """
    out = Path(out)
    check_output(out, None if single_file else [job.file_name for job in jobs], replace=replace)
    total = len(jobs)
    if not single_file:
        # The folder of one file per unit is made, as plan export makes its folder; a
        # single file's folder must exist (app.core.files.check_output).
        out.mkdir(parents=True, exist_ok=True)
    processes = pool.count if pool is not None else workers_for(total, workers)
    if processes > 1:
        with ExitStack() as stack:
            running = pool or stack.enter_context(Workers(processes))
            paths, stopped = print_in_pool(
                jobs,
                out=out,
                single_file=single_file,
                title=title,
                author=author,
                workers=running,
                progress=progress,
                cancelled=cancelled,
            )
        if not stopped and progress is not None:
            progress(total, total)
        printed = total if single_file and not stopped else len(paths)
        return BatchResult(paths, printed, total, stopped, tuple(skipped))

    def started(index: int) -> None:
        # The documents finished are reported first: a cancel asked meanwhile stops the
        # batch before the next one.
        if progress is not None and index > 0:
            progress(index, total)
        if cancelled is not None and cancelled():
            raise Cancelled([])

    written: tuple[Path, ...]
    try:
        if single_file:
            written = (single_pdf(jobs, out, title=title, author=author, on_start=started),)
        else:
            written = tuple(each_pdf(jobs, out, on_start=started))
    except Cancelled as stop:
        finished: tuple[Path, ...] = () if single_file else tuple(stop.args[0])
        return BatchResult(finished, len(finished), total, True, tuple(skipped))
    if progress is not None:
        progress(total, total)
    return BatchResult(written, total, total, False, tuple(skipped))


def check_output(out: Path, file_names: Sequence[str] | None, *, replace: bool = False) -> None:
    """Refuse, before anything is written, an output that cannot be: ``file_names`` None
    for one PDF at ``out``, else the files to write in the folder ``out``."""
    if file_names is None:
        check_file(out)
        if out.exists() and not replace:
            raise OutputExists(
                N_("The file {path} already exists."), paths=[out], params={"path": out}
            )
        return
    if out.exists() and not out.is_dir():
        raise InputError(
            N_("{path} is a file: name a folder for one file per unit."), params={"path": out}
        )
    _writable_folder(out)
    clashes = [out / name for name in file_names if (out / name).exists()]
    if clashes and not replace:
        raise OutputExists(
            N_("The folder {path} already holds {count} of these files, such as {name}."),
            paths=clashes,
            params={"path": out, "count": len(clashes), "name": clashes[0].name},
        )


def _writable_folder(folder: Path) -> None:
    """The folder (or, if missing, the nearest folder above it, where it would be made)
    can be written in."""
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(N_("{path} is not a folder."), params={"path": existing})
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(N_("Cannot write in the folder {path}."), params={"path": existing})


# --- choosing the units and reading their documents ---------------------------------------


def _chosen_units(
    session: Session,
    plan: domain.Plan,
    federation_id: str,
    unit_codes: Sequence[str] | None,
    scope: Scope | None,
) -> list[str]:
    if unit_codes is not None:
        codes = [c.strip() for c in unit_codes if c.strip()]
        if not codes:
            raise InputError(N_("Choose at least one unit."))
        return list(dict.fromkeys(resolve_unit(session, code) for code in codes))
    ids = session.scalars(scope_units(plan.year, scope or Scope()))
    return [unit_id for unit_id in dict.fromkeys(ids) if unit_id != federation_id]


_Jobs = tuple[list[PrintJob], list[SkippedUnit]]


def _skip(unit: UnitInfo, reason: str) -> SkippedUnit:
    return SkippedUnit(unit.code, unit.name, reason)


def _registration_jobs(session: Session, plan: domain.Plan, units: list[UnitInfo]) -> _Jobs:
    statements = load_statements(session, plan, REGISTRATION_STREAM, [u.id for u in units])
    registered = [u for u in units if u.id in statements]
    checks = load_verifications(session, plan, {u.id: u for u in registered})
    jobs = [registration_job(plan, u, statements[u.id], checks[u.id]) for u in registered]
    return jobs, [_skip(u, NOT_REGISTERED) for u in units if u.id not in statements]


def _results_jobs(
    session: Session, plan: domain.Plan, units: list[UnitInfo], period: domain.Period
) -> _Jobs:
    ids = [u.id for u in units]
    registrations = load_statements(session, plan, REGISTRATION_STREAM, ids)
    reports = load_statements(session, plan, period.code, ids)
    jobs = [
        results_job(plan, u, period, registrations.get(u.id), reports[u.id])
        for u in units
        if u.id in reports
    ]
    return jobs, [_skip(u, NOT_REPORTED) for u in units if u.id not in reports]


def _key_card_jobs(session: Session, plan: domain.Plan, units: list[UnitInfo]) -> _Jobs:
    ids = [u.id for u in units]
    keys = accepted_unit_keys(session, ids)
    chairs: dict[str, str] = {
        unit_id: chair
        for chunk in in_chunks(ids)
        for unit_id, chair in session.execute(
            select(models.Unit.id, models.Unit.chair_name).where(models.Unit.id.in_(chunk))
        )
    }
    jobs = []
    for unit in units:
        key = keys.get(unit.id)
        if key is None:
            continue
        card = KeyCard(
            parent=unit.parent_name,
            place=plan.place,
            unit_name=unit.name,
            unit_code=unit.code,
            unit_id=unit.id,
            chair_name=chairs.get(unit.id) or "",
            fingerprint=fingerprint_groups(key.public_key),
            keyid=key.keyid,
            epoch=key.epoch,
        )
        jobs.append(PrintJob(unit.code, unit.id, card.title, unit.name, card))
    return jobs, [_skip(u, NO_ACCEPTED_KEY) for u in units if u.id not in keys]


# --- file names ----------------------------------------------------------------------------


#: Names Windows keeps for devices, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))} | {
    f"LPT{i}" for i in range(10)
}


def document_file_name(stem: str, kind: BatchDocument, year: int | None) -> str:
    """A unit's document as a file, named the same wherever it is printed:
    ``CS-0001_the-khoa-2017.pdf`` (the stem from :func:`file_stems`)."""
    return f"{stem}_{FILE_WORDS[kind]}{f'-{year}' if year else ''}.pdf"


def unit_file_name(code: str, unit_id: str, kind: BatchDocument, year: int | None) -> str:
    """One unit's document as a file, as a batch would name it (:func:`document_file_name`)."""
    return document_file_name(file_stems([(code, unit_id)])[0], kind, year)


def file_stems(units: Sequence[tuple[str, str]]) -> list[str]:
    """A file name stem for each (code, id): the code made safe (letters, digits, ``-``
    and ``_`` only), with the start of the id when two codes would give the same name."""
    stems = []
    for code, unit_id in units:
        stem = re.sub(r"[^\w\-]+", "-", code or unit_id).strip("-_") or "unit"
        stems.append(f"_{stem}" if stem.upper() in _RESERVED else stem)
    names = Counter(s.casefold() for s in stems)
    return [
        f"{stem}-{unit_id[:8]}" if names[stem.casefold()] > 1 else stem
        for stem, (_code, unit_id) in zip(stems, units, strict=True)
    ]
