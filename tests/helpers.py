"""Setup steps several test modules share, without Qt: a federation with the template
roster and its plan packages, a unit's database, the unit enrolled with the federation,
a unit's key enrolment built by hand, a unit's values with one figure changed, a demo
province kept as one closed file for each test to copy (``fresh_copy``), units moved in
its roster and a package imported with a known arrival time."""

from __future__ import annotations

import base64
import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app import unit
from app.core import domain
from app.core.context import AppContext, open_context
from app.core.installation import get_setting, set_setting
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.exchange.bodies import enrolment_to_json
from app.exchange.format import Header, Kind, new_package_id, seal
from app.exchange.key_status import KeyStatus
from app.exchange.keys import KeyInfo, ensure_own_key, list_keys, own_key_path
from app.exchange.keystore import KeyPair, generate_keypair, save_private_key
from app.exchange.merge import import_packages
from app.exchange.signing import fingerprint_groups, key_id
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from db import models
from db.enums import IndicatorKind, Role, Sector, UnitKind

PLAN = "tuyen-quang-2017"
#: The passphrase protecting a test federation's signing key (in its database).
KEY_PASSPHRASE = "khóa-thử-Tuyên-Quang"


@dataclasses.dataclass(frozen=True)
class GoldenProvince:
    """A demo province built once: its federation database as one closed SQLite file and
    the folder of the federation's key (both for ``fresh_copy`` to copy per test)."""

    demo: Demo
    database: Path
    keys: Path


def golden_province(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    *,
    units: int,
    seed: int = 2017,
    streams: tuple[str, ...] | None = None,
) -> GoldenProvince:
    """Build a demo province (``make_demo``; ``streams`` None: its default reports) in a
    folder of its own, its database checkpointed into one self-contained file."""
    root = tmp_path_factory.mktemp(name)
    home = root / "home"
    # The autouse THIDUA_HOME fixture is per test; point this build at its own
    # folder so the federation key is never written to the real user data dir.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(home))
        if streams is None:
            demo = make_demo(out_dir=root / "demo", units=units, seed=seed)
        else:
            demo = make_demo(out_dir=root / "demo", units=units, seed=seed, streams=streams)
    database = root / "golden.db"
    # The backup API copies the database with its WAL content into one file.
    source, target = sqlite3.connect(demo.database), sqlite3.connect(database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return GoldenProvince(demo, database, home / "keys")


def place_units(ctx: AppContext, demo: Demo, parents: dict[str, str]) -> None:
    """Move units in the roster: unit code → the code of its new parent ("" for directly
    under the federation)."""
    entry = models.RosterEntry
    with ctx.unit_of_work() as session:
        for code, parent in parents.items():
            parent_id = demo.unit(parent).id if parent else demo.federation_id
            session.execute(
                update(entry).where(entry.unit_id == demo.unit(code).id).values(parent_id=parent_id)
            )


def import_received(ctx: AppContext, path: Path, received_at: str) -> str:
    """Import the package at ``path`` as if it arrived at ``received_at`` (ISO, UTC); its hash."""
    summary = import_packages(ctx, paths=[path], dry_run=False)
    package_hash = summary.items[0].package_hash
    assert package_hash, summary.items[0]
    with ctx.unit_of_work() as session:
        session.execute(
            update(models.Package)
            .where(models.Package.hash == package_hash)
            .values(received_at=received_at)
        )
    return package_hash


def plain_count(demo: Demo, unit_code: str) -> str:
    """The first count indicator reported by ``unit_code`` whose unit of measure has no
    per-worker limit among the default checks for suspicious values (not people)."""
    unit = demo.unit(unit_code)
    return next(
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT
        and i.applies_to(unit.kind, unit.sector)
        and i.unit_of_measure not in ("người", "đoàn viên")
    )


def federation_with_roster_only(
    where: str | Path, folder: Path, *, name: str = "LĐLĐ tỉnh Tuyên Quang"
) -> AppContext:
    """A federation database at ``where`` with the template roster (2017), its plan not
    issued yet (no plan packages written); its key is in the database, protected by
    :data:`KEY_PASSPHRASE` and unlocked for the context returned (left open)."""
    ctx = open_context(str(where))
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name=name, key_passphrase=KEY_PASSPHRASE)
    workbook = folder / "roster.xlsx"
    write_roster_template(workbook)
    with ctx.unit_of_work() as session:
        import_roster(session, path=workbook, year=2017)
    return ctx


def federation_with_roster(
    where: str | Path, folder: Path, *, name: str = "LĐLĐ tỉnh Tuyên Quang"
) -> tuple[AppContext, Path]:
    """A federation database at ``where`` with the template roster (2017) and the plan
    packages of its units, written to ``folder / "plans"`` (returned); its key as
    :func:`federation_with_roster_only` leaves it."""
    ctx = federation_with_roster_only(where, folder, name=name)
    plans = folder / "plans"
    federation.export_plan_packages(ctx, plan_id=PLAN, out_dir=plans)
    return ctx, plans


def older_federation_key(ctx: AppContext) -> str:
    """Give the federation of ``ctx`` the key an older version made: an unprotected key
    file in the user folder of this PC, its public half recorded; the key's id."""
    keypair = generate_keypair()
    with ctx.unit_of_work() as session:
        path = own_key_path(session)
        save_private_key(keypair, path.parent, passphrase=None, file_name=path.name)
        session.add(
            models.SigningKey(
                keyid=keypair.key_id,
                public_key=keypair.public_raw,
                unit_id=get_setting(session, "own_unit_id") or "",
                epoch=1,
                status="own",
                role="own",
                received_at="2017-01-05T08:00:00Z",
            )
        )
        set_setting(session, "own_keyid", keypair.key_id)
        set_setting(session, "own_epoch", "1")
    return keypair.key_id


def federation_fingerprint(fed_ctx: AppContext) -> str:
    """The federation's own key fingerprint, as a unit's chair types it."""
    with fed_ctx.unit_of_work() as session:
        return fingerprint_groups(ensure_own_key(session).public_raw)


def unit_database(
    path: Path,
    *,
    name: str,
    code: str,
    kind: UnitKind | None = None,
    sector: Sector | None = None,
) -> AppContext:
    """A unit's database at ``path``, set up as the first-run dialog does (left open)."""
    ctx = open_context(path)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.UNIT, name=name, code=code, kind=kind, sector=sector)
    return ctx


def enrol_unit(fed_ctx: AppContext, unit_ctx: AppContext, plans: Path, folder: Path) -> KeyInfo:
    """CS-0001 imports its plan package and sends its key; the federation accepts it
    (the key as it was listed, pending)."""
    unit.import_plan_package(
        unit_ctx,
        path=plans / "CS-0001_plan_2017.thidua",
        confirmed_fingerprint=federation_fingerprint(fed_ctx),
    )
    enrolment = unit.export_enrolment(unit_ctx, out=folder / "enrol.thidua")
    import_packages(fed_ctx, paths=[enrolment.path], dry_run=False)
    with fed_ctx.reading() as session:
        [key] = list_keys(session, status="pending")
    federation.decide_key(fed_ctx, keyid=key.keyid, decision=KeyStatus.ACCEPTED)
    return key


def bump(
    values: dict[str, domain.UnitValue], code: str, amount: int
) -> dict[str, domain.UnitValue]:
    """``values`` with the amount of ``code`` changed (its other parts kept)."""
    changed = dict(values)
    changed[code] = dataclasses.replace(values[code], amount=amount)
    return changed


def enrolment_parts(
    *,
    audience: str,
    unit_id: str,
    code: str,
    name: str,
    public_raw: bytes,
    created_at: str,
    epoch: int = 1,
    chair: str = "",
    phone: str = "",
    email: str = "",
) -> tuple[Header, dict[str, Any]]:
    """The header and body of a unit's key enrolment (to seal with that key)."""
    header = Header(
        package_id=new_package_id(),
        kind=Kind.ENROLMENT,
        audience=audience,
        unit_id=unit_id,
        unit_code=code,
        signer=key_id(public_raw),
        epoch=epoch,
        plan_id="",
        stream="enrolment",
        revision=1,
        supersedes=None,
        plan_ref="",
        created_at=created_at,
    )
    body = enrolment_to_json(
        base64.b64encode(public_raw).decode("ascii"),
        name=name,
        code=code,
        chair=chair,
        phone=phone,
        email=email,
        replaces=None,
    )
    return header, body


def enrolment_package(
    key: KeyPair, *, audience: str, unit_id: str, code: str, name: str, created_at: str, **more: Any
) -> bytes:
    """A unit's self-signed key enrolment, sealed as the unit application writes it
    (``more``: the epoch and the chair's name, phone and e-mail)."""
    header, body = enrolment_parts(
        audience=audience,
        unit_id=unit_id,
        code=code,
        name=name,
        public_raw=key.public_raw,
        created_at=created_at,
        **more,
    )
    data, _digest = seal(header, body, [key.private_key])
    return data
