"""The cluster leader (cụm trưởng), in unit mode: its members' packages, read-only.

Members send the leader the same signed report packages they send the
federation (registration and results). The leader trusts a member's key only
after confirming it the way the federation does: the member's enrolment file
carries its public key, and the leader types the fingerprint printed on the
member's stamped form or key card (:func:`trust_member`), choosing the
member's kind and sector so the right indicators apply.

:func:`import_member_packages` then opens each file, verifies it with a
confirmed member key (never a key the file brings along), parses it
strictly, checks it is a report for a plan of this database and the same
federation, and keeps it verbatim in ``member_package``. Nothing becomes this
unit's own statement; the newest revision of each member stream is what the
covenant and the cluster's ranking read (:func:`leader_inputs`,
:func:`member_statements`). The federation's own import remains the
authority: this is the leader's preliminary compilation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.files import display_name, read_limited
from app.core.installation import get_setting, require_unit_installation
from app.core.text import natural_key, nfc
from app.core.values import check_value
from app.exchange import (
    MAX_ENROLMENT_BYTES,
    MAX_PACKAGE_BYTES,
    Kind,
    Package,
    ParsedStatement,
    check_public_key,
    fingerprint_groups,
    fingerprint_matches,
    iter_package_files,
    key_id,
    open_envelope,
    parse_enrolment,
    parse_payload,
    parse_statement,
    verify_envelope,
)
from app.plans import Rules, get_plan
from app.scoring.engine import ScoreInput, UnitFacts
from app.statements import statement_values
from db import models
from db.enums import REGISTRATION_STREAM, Sector, UnitKind

# --- members' keys --------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCandidate:
    """What a member's enrolment file says, before the leader confirms it."""

    keyid: str
    fingerprint: str
    unit_id: str
    unit_code: str
    unit_name: str
    public_key: bytes


@dataclass(frozen=True)
class Member:
    keyid: str
    fingerprint: str
    unit_id: str
    unit_code: str
    unit_name: str
    kind: UnitKind
    sector: Sector | None
    confirmed_at: str
    streams: tuple[str, ...]  # streams with a package imported


def read_enrolment(path: Path) -> MemberCandidate:
    """A member's enrolment file, verified with the key it carries (self-signed)."""
    data = read_limited(path, MAX_ENROLMENT_BYTES)
    envelope = open_envelope(data, max_size=MAX_ENROLMENT_BYTES)
    if len(envelope.signatures) != 1:
        raise InputError(N_("This is not a member's enrolment file."))
    package = parse_payload(envelope.payload, data, max_bytes=MAX_ENROLMENT_BYTES)
    if package.header.kind is not Kind.ENROLMENT:
        raise InputError(N_("This is not a member's enrolment file."))
    enrolment = parse_enrolment(package.body)
    check_public_key(enrolment.public_key)
    if key_id(enrolment.public_key) != envelope.signatures[0].keyid:
        raise InputError(N_("The enrolment is not signed by the key it carries."))
    verify_envelope(envelope, enrolment.public_key)
    return MemberCandidate(
        keyid=key_id(enrolment.public_key),
        fingerprint=fingerprint_groups(enrolment.public_key),
        unit_id=package.header.unit_id,
        unit_code=enrolment.code or package.header.unit_code,
        unit_name=enrolment.name,
        public_key=enrolment.public_key,
    )


def inspect_enrolment(ctx: AppContext, *, path: Path) -> MemberCandidate:
    with ctx.reading() as session:
        require_unit_installation(session)
    return read_enrolment(path)


def trust_member(
    ctx: AppContext,
    *,
    path: Path,
    fingerprint: str,
    kind: UnitKind,
    sector: Sector | None,
    evidence: str = "",
) -> Member:
    """Trust a member's key after the leader confirmed its fingerprint (audited).

    ``fingerprint`` is what the leader read on the member's stamped form or
    key card; it must match the enrolment's key, or nothing is stored.
    """
    candidate = read_enrolment(path)
    if not fingerprint_matches(candidate.public_key, fingerprint):
        raise InputError(
            N_("The fingerprint you entered does not match the member's key; nothing was stored.")
        )
    if kind is UnitKind.FEDERATION:
        raise InputError(N_("A cluster member is a grassroots or upper-level union."))
    if kind is UnitKind.GRASSROOTS and sector is None:
        raise InputError(N_("Choose the member's sector."))
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
        if candidate.unit_id == installation.own_unit_id:
            raise InputError(N_("This is this unit's own key, not a member's."))
        row = session.get(models.MemberKey, candidate.keyid)
        if row is None:
            row = models.MemberKey(keyid=candidate.keyid, public_key=candidate.public_key)
            session.add(row)
        row.unit_id = candidate.unit_id
        row.unit_code = nfc(candidate.unit_code)
        row.unit_name = nfc(candidate.unit_name)
        row.kind = kind
        row.sector = sector
        row.confirmed_at = utc_now_text()
        row.confirmed_by = audit.current_actor(session)
        row.evidence = nfc(evidence.strip())
        audit.record(
            session,
            action="cluster.member.trust",
            subject=candidate.unit_code or candidate.unit_id,
            detail={"keyid": candidate.keyid, "kind": kind.value, "sector": sector},
        )
        session.flush()
    return next(m for m in list_members(ctx) if m.keyid == candidate.keyid)


def list_members(ctx: AppContext) -> list[Member]:
    with ctx.reading() as session:
        require_unit_installation(session)
        return _members(session)


def _members(session: Session) -> list[Member]:
    streams: dict[str, set[str]] = {}
    for unit_id, stream in session.execute(
        select(models.MemberPackage.unit_id, models.MemberPackage.stream).distinct()
    ):
        streams.setdefault(unit_id, set()).add(stream)
    rows = sorted(session.scalars(select(models.MemberKey)), key=lambda r: natural_key(r.unit_code))
    return [
        Member(
            keyid=row.keyid,
            fingerprint=fingerprint_groups(row.public_key),
            unit_id=row.unit_id,
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            kind=row.kind,
            sector=row.sector,
            confirmed_at=row.confirmed_at,
            streams=tuple(sorted(streams.get(row.unit_id, set()))),
        )
        for row in rows
    ]


# --- members' packages ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberImport:
    """One file's outcome: ``new``, ``duplicate``, ``older``, ``enrolment`` or ``rejected``."""

    file_name: str
    outcome: str
    unit_code: str = ""
    stream: str = ""
    revision: int = 0
    reason: str = ""
    params: dict[str, Any] | None = None

    def reason_text(self) -> str:
        from app.core.i18n import gettext

        text = gettext(self.reason) if self.reason else ""
        return text.format(**(self.params or {})) if self.params else text


def import_member_packages(
    ctx: AppContext,
    *,
    paths: Iterable[Path],
    progress: Callable[[int, int], None] | None = None,
) -> list[MemberImport]:
    """Verify and keep members' report packages (files or folders); see the module docstring.

    Each file is judged on its own; a bad file changes nothing and is
    reported with its reason. Importing the same folder again is safe.
    """
    files = list(iter_package_files(list(paths)))
    results: list[MemberImport] = []
    for index, found in enumerate(files, start=1):
        if found.problem:
            results.append(MemberImport(found.name, "rejected", reason=found.problem))
            continue
        with ctx.unit_of_work() as session:
            installation = require_unit_installation(session)
            results.append(_import_one(session, installation, found.path, found.name))
        if progress is not None:
            progress(index, len(files))
    return results


def _import_one(
    session: Session, installation: domain.Installation, path: Path, name: str
) -> MemberImport:
    def rejected(reason: str, **params: Any) -> MemberImport:
        return MemberImport(name, "rejected", reason=reason, params=params or None)

    try:
        data = read_limited(path, MAX_PACKAGE_BYTES)
        envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
    except UserError as error:
        return rejected(error.message, **error.params)
    keys = {
        row.keyid: row
        for row in session.scalars(
            select(models.MemberKey).where(
                models.MemberKey.keyid.in_([s.keyid for s in envelope.signatures])
            )
        )
    }
    if not keys:
        try:
            read_enrolment(path)
        except UserError:
            return rejected(
                N_(
                    "Signed by a key this cluster leader has not confirmed. Confirm the "
                    "member's enrolment first."
                )
            )
        return MemberImport(
            name,
            "enrolment",
            reason=N_("A member's enrolment: confirm its fingerprint to trust the member."),
        )
    key = next(iter(keys.values()))
    try:
        payload = verify_envelope(envelope, key.public_key)
        package = parse_payload(payload, data)
    except UserError as error:
        return rejected(error.message, **error.params)
    header = package.header
    if header.kind is not Kind.REPORT:
        return rejected(N_("Only members' registration and results packages are read here."))
    if header.unit_id != key.unit_id:
        return rejected(N_("The package names another unit than its signer's."))
    federation_id = get_setting(session, "federation_id")
    if federation_id and header.audience != federation_id:
        return rejected(N_("The package is addressed to another federation."))
    try:
        plan = get_plan(session, header.plan_id)
    except UserError:
        return rejected(N_("The package is for a plan this database does not have."))
    if header.stream != REGISTRATION_STREAM and header.stream not in {p.code for p in plan.periods}:
        return rejected(N_("Unknown reporting period {period}."), period=header.stream)
    try:
        statement = parse_statement(package.body)
    except UserError as error:
        return rejected(error.message, **error.params)
    problem = _first_problem(plan, statement)
    if problem:
        return rejected(
            N_("The package has a value that does not fit the plan: {code}."), code=problem
        )
    base = MemberImport(
        name, "new", unit_code=key.unit_code, stream=header.stream, revision=header.revision
    )
    if session.get(models.MemberPackage, package.payload_hash) is not None:
        return MemberImport(
            name,
            "duplicate",
            base.unit_code,
            base.stream,
            base.revision,
            reason=N_("Already imported."),
        )
    newest = _newest_row(session, header.unit_id, header.plan_id, header.stream)
    if newest is not None and (newest.epoch, newest.revision) >= (header.epoch, header.revision):
        return MemberImport(
            name,
            "older",
            base.unit_code,
            base.stream,
            base.revision,
            reason=N_("Older than the revision already imported."),
        )
    _store(session, package, path, key.keyid)
    audit.record(
        session,
        action="cluster.member.import",
        subject=key.unit_code or key.unit_id,
        detail={"stream": header.stream, "revision": header.revision, "file": name},
    )
    return base


def _first_problem(plan: domain.Plan, statement: ParsedStatement) -> str:
    by_code = {i.code: i for i in plan.indicators}
    grades = tuple(g.code for g in plan.grade_levels)
    for code, value in statement.values.items():
        indicator = by_code.get(code)
        if indicator is None or check_value(indicator, value, grades):
            return code
    return ""


def _store(session: Session, package: Package, path: Path, keyid: str) -> None:
    header = package.header
    session.add(
        models.MemberPackage(
            hash=package.payload_hash,
            raw=package.raw,
            unit_id=header.unit_id,
            plan_id=header.plan_id,
            stream=header.stream,
            epoch=header.epoch,
            revision=header.revision,
            keyid=keyid,
            received_at=utc_now_text(),
            file_name=display_name(path.name)[:400],
        )
    )
    session.flush()


def _newest_row(
    session: Session, unit_id: str, plan_id: str, stream: str
) -> models.MemberPackage | None:
    return session.scalar(
        select(models.MemberPackage)
        .where(
            models.MemberPackage.unit_id == unit_id,
            models.MemberPackage.plan_id == plan_id,
            models.MemberPackage.stream == stream,
        )
        .order_by(models.MemberPackage.epoch.desc(), models.MemberPackage.revision.desc())
        .limit(1)
    )


# --- reading members' statements ----------------------------------------------------------------


def member_statements(
    session: Session, plan: domain.Plan, stream: str
) -> dict[str, ParsedStatement]:
    """Each trusted member's newest statement of ``stream`` (verified again on reading)."""
    result: dict[str, ParsedStatement] = {}
    keys = {row.keyid: row for row in session.scalars(select(models.MemberKey))}
    for unit_id in {row.unit_id for row in keys.values()}:
        row = _newest_row(session, unit_id, plan.id, stream)
        if row is None or row.keyid not in keys:
            continue
        envelope = open_envelope(row.raw, max_size=MAX_PACKAGE_BYTES)
        payload = verify_envelope(envelope, keys[row.keyid].public_key)
        result[unit_id] = parse_statement(parse_payload(payload, row.raw).body)
    return result


def _cluster_name(session: Session, plan_id: str) -> str:
    """The cluster named in the last plan package (verified when it was imported)."""
    raw = session.scalar(
        select(models.Package.raw)
        .where(models.Package.kind == Kind.PLAN.value, models.Package.plan_id == plan_id)
        .order_by(models.Package.received_at.desc())
        .limit(1)
    )
    if raw is None:
        return ""
    try:
        envelope = open_envelope(raw, max_size=MAX_PACKAGE_BYTES)
        unit = parse_payload(envelope.payload, raw).body.get("unit", {})
    except (UserError, ValueError):
        return ""
    return str(unit.get("cluster") or "") if isinstance(unit, dict) else ""


def _own_facts(session: Session, plan: domain.Plan) -> tuple[UnitFacts, str]:
    """This unit (the leader) as a scored unit, and its cluster's name."""
    installation = require_unit_installation(session)
    unit = session.get(models.Unit, installation.own_unit_id)
    assert unit is not None
    sector_text = get_setting(session, "own_sector")
    cluster = _cluster_name(session, plan.id)
    facts = UnitFacts(
        id=unit.id,
        code=unit.code or "",
        name=unit.name,
        kind=unit.kind,
        sector=Sector(sector_text) if sector_text else None,
        cluster_id="cluster",
        cluster_name=cluster,
    )
    return facts, cluster


def leader_inputs(session: Session, plan: domain.Plan, rules: Rules) -> list[ScoreInput]:
    """The cluster as its leader sees it: itself and every trusted member with packages."""
    own, cluster = _own_facts(session, plan)
    inputs = [
        ScoreInput(
            unit=own,
            registered=statement_values(
                session, plan_id=plan.id, unit_id=own.id, stream=REGISTRATION_STREAM
            ),
            achieved=statement_values(
                session, plan_id=plan.id, unit_id=own.id, stream=rules.period
            ),
            reported=_has_own_statement(session, plan.id, own.id, rules.period),
        )
    ]
    registered = member_statements(session, plan, REGISTRATION_STREAM)
    achieved = member_statements(session, plan, rules.period)
    seen = {own.id}
    for member in _members(session):
        if member.unit_id in seen:
            continue
        seen.add(member.unit_id)
        inputs.append(
            ScoreInput(
                unit=UnitFacts(
                    id=member.unit_id,
                    code=member.unit_code,
                    name=member.unit_name,
                    kind=member.kind,
                    sector=member.sector,
                    cluster_id="cluster",
                    cluster_name=cluster,
                ),
                registered=registered[member.unit_id].values
                if member.unit_id in registered
                else {},
                achieved=achieved[member.unit_id].values if member.unit_id in achieved else {},
                reported=member.unit_id in achieved,
            )
        )
    return inputs


def _has_own_statement(session: Session, plan_id: str, unit_id: str, stream: str) -> bool:
    return (
        session.scalar(
            select(models.Statement.id).where(
                models.Statement.plan_id == plan_id,
                models.Statement.unit_id == unit_id,
                models.Statement.stream == stream,
            )
        )
        is not None
    )


# --- the covenant -------------------------------------------------------------------------------


def print_member_covenant(ctx: AppContext, *, plan_id: str | None = None, out: Path) -> Path:
    """The cluster covenant from the leader's own registration and its members' packages."""
    from app.printing import (
        Covenant,
        StatementDoc,
        Title,
        UnitInfo,
        build_pdf,
        covenant_story,
        load_statements,
    )
    from app.unit import working_plan_id

    with ctx.reading() as session:
        installation = require_unit_installation(session)
        plan = get_plan(session, working_plan_id(session, plan_id))
        own, cluster = _own_facts(session, plan)
        federation = get_setting(session, "federation_name") or plan.issuer
        registrations = member_statements(session, plan, REGISTRATION_STREAM)
        own_doc = load_statements(session, plan, REGISTRATION_STREAM, [own.id]).get(own.id)
        members = _members(session)

    def info(facts_id: str, code: str, name: str, kind: UnitKind, sector: Sector | None) -> Any:
        return UnitInfo(
            id=facts_id,
            code=code,
            name=name,
            kind=kind,
            sector=sector,
            parent_name=federation,
            cluster_id="cluster",
            cluster_name=cluster,
            federation_name=federation,
        )

    units = [info(own.id, own.code, own.name, own.kind, own.sector)]
    docs: dict[str, StatementDoc] = {}
    if own_doc is not None:
        docs[own.id] = own_doc
    seen = {own.id}
    for member in members:
        if member.unit_id in seen:
            continue
        seen.add(member.unit_id)
        units.append(
            info(member.unit_id, member.unit_code, member.unit_name, member.kind, member.sector)
        )
        parsed = registrations.get(member.unit_id)
        if parsed is not None:
            docs[member.unit_id] = StatementDoc(
                unit_id=member.unit_id,
                stream=REGISTRATION_STREAM,
                signer_name=parsed.signer_name,
                signer_title=parsed.signer_title,
                signed_on=parsed.signed_on,
                place=parsed.place,
                notes=parsed.notes,
                revision=0,
                values=dict(parsed.values),
                movement_codes=parsed.movements,
                titles=tuple(Title(*t) for t in parsed.titles),
                works=parsed.works,
            )
    label = cluster or installation.own_unit_name
    covenant = Covenant(
        plan,
        domain.Cluster(id="cluster", year=plan.year, code=label, name=label, leader_unit_id=own.id),
        federation,
        units,
        docs,
    )
    return build_pdf(
        out,
        covenant_story(covenant),
        title=f"Giao ước thi đua năm {plan.year} - {label}",
        author=installation.own_unit_name,
        wide=True,
    )
