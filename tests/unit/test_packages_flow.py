"""Packages end to end on real databases: outcomes, keys, bundles, receipts, rebuild."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import unit
from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import InputError
from app.demo.province import Demo, make_demo, write_report
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.keys import list_keys
from app.exchange.merge import import_packages
from app.exchange.outcomes import ImportSummary, Outcome
from app.plans.reading import get_plan
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from app.statements.records import StatementInput, save_statement, statement_values
from db.enums import REGISTRATION_STREAM, Role, UnitKind
from tests.helpers import (
    KEY_PASSPHRASE,
    bump,
    enrol_unit,
    enrolment_package,
    federation_fingerprint,
    federation_with_roster,
    unit_database,
)

#: The federation's database runs on both backends (a unit's is always SQLite).
pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"


def outcomes(summary: ImportSummary) -> list[str]:
    return [item.outcome.value for item in summary.items]


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(out_dir=tmp_path / "demo", units=8, seed=7)


@pytest.fixture
def fed(demo: Demo, on_backend: Callable[[Path], str]) -> Iterator[AppContext]:
    ctx = open_context(on_backend(demo.database))
    yield ctx
    ctx.close()


def merged(ctx: AppContext, unit_id: str, stream: str) -> dict[str, domain.UnitValue]:
    with ctx.reading() as session:
        return statement_values(session, plan_id=PLAN, unit_id=unit_id, stream=stream)


def test_every_demo_unit_has_a_chair(fed: AppContext, demo: Demo) -> None:
    """The roster's "Chủ tịch" column was empty in every demo (walkthrough)."""
    from app.roster.tree import list_roster

    with fed.reading() as session:
        units = list_roster(session, year=2017)
    assert len(units) > 8
    chairs = [u.chair for u in units if u.kind is not UnitKind.FEDERATION]
    assert all(len(c.split()) == 3 for c in chairs), chairs
    assert len(set(chairs)) == len(chairs)


# --- outcomes -----------------------------------------------------------------------------


def test_demo_province_merges_and_sums_match_the_generated_values(
    fed: AppContext, demo: Demo
) -> None:
    dry = import_packages(fed, paths=[demo.packages_dir], dry_run=True)
    assert set(outcomes(dry)) == {"new"} and len(dry.items) == 24
    with fed.reading() as session:
        from db import models

        assert session.query(models.Statement).count() == 0, "a dry run writes nothing"
    applied = import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    assert outcomes(applied) == outcomes(dry), "the dry run predicted apply exactly"
    from app.rollup.query import rollup

    with fed.reading() as session:
        rows = {
            (r.indicator.code, r.target.wording if r.target else ""): r
            for r in rollup(session, plan_id=PLAN)
        }

    # 2.1 and 7.1 count the levels once: a unit under an upper-level union that reported
    # is in that union's area total, not added again
    def counted(stream: str, code: str) -> int:
        reported = {u.id for u in demo.units if code in u.values[stream]}
        return sum(
            u.values[stream][code].amount or 0
            for u in demo.units
            if u.id in reported and u.parent_id not in reported
        )

    expected = counted("year", "2.1")
    assert rows[("2.1", "2.000 đoàn viên")].figures["year"].numerator == expected
    money = counted("registration", "7.1")
    assert rows[("7.1", "từ 700 triệu đồng trở lên")].figures["registration"].numerator == money


def test_importing_the_same_folder_again_changes_nothing(fed: AppContext, demo: Demo) -> None:
    import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    again = import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    assert set(outcomes(again)) == {"duplicate"}
    assert {item.reason for item in again.items} == {"Already imported."}


def test_a_higher_revision_in_the_chain_updates_and_keeps_history(
    fed: AppContext, demo: Demo, tmp_path: Path
) -> None:
    member = demo.units[-1]
    first = import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    rev1 = next(
        i for i in first.items if i.unit_id == member.id and i.stream == REGISTRATION_STREAM
    )
    values = bump(member.values[REGISTRATION_STREAM], "2.1", 99)
    rev2 = write_report(
        member,
        demo.plan,
        demo.federation_id,
        REGISTRATION_STREAM,
        values,
        tmp_path,
        revision=2,
        supersedes=rev1.package_hash,
    )
    result = import_packages(fed, paths=[rev2], dry_run=False)
    assert outcomes(result) == ["updated"]
    assert merged(fed, member.id, REGISTRATION_STREAM)["2.1"].amount == 99
    from db import models

    with fed.reading() as session:
        old = session.get(models.Package, rev1.package_hash)
        assert old is not None and old.status == "superseded"
    # The old revision arriving late is ignored and logged.
    late = import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    assert "older" not in outcomes(late)  # same bytes: a duplicate, not "older"
    rev1_again = write_report(
        member,
        demo.plan,
        demo.federation_id,
        REGISTRATION_STREAM,
        member.values[REGISTRATION_STREAM],
        tmp_path,
        revision=1,
        file_name="late.thidua",
    )
    older = import_packages(fed, paths=[rev1_again], dry_run=False)
    assert outcomes(older) == ["older"]
    assert older.items[0].reason_text() == "Older than the revision already recorded (2)."
    assert merged(fed, member.id, REGISTRATION_STREAM)["2.1"].amount == 99


def test_same_revision_other_content_is_quarantined_and_staff_choose(
    fed: AppContext, demo: Demo, tmp_path: Path
) -> None:
    member = demo.units[-1]
    import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    before = merged(fed, member.id, "year")["2.1"].amount
    other = write_report(
        member,
        demo.plan,
        demo.federation_id,
        "year",
        bump(member.values["year"], "2.1", 555),
        tmp_path,
        revision=1,
        created_at="2017-07-06T08:00:00+07:00",  # a second export, a day later
    )
    result = import_packages(fed, paths=[other], dry_run=False)
    assert outcomes(result) == ["conflict"]
    assert result.items[0].reason_text() == (
        f"Same revision as recorded but different content: two exports of unit {member.code}."
    )
    assert merged(fed, member.id, "year")["2.1"].amount == before, "quarantined, not merged"
    [conflict] = federation.list_conflicts(fed)
    federation.resolve_conflict(fed, conflict_id=conflict.id, keep="incoming")
    assert merged(fed, member.id, "year")["2.1"].amount == 555
    assert federation.list_conflicts(fed) == []


def test_a_broken_chain_is_quarantined(fed: AppContext, demo: Demo, tmp_path: Path) -> None:
    member = demo.units[-1]
    import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    stray = write_report(
        member,
        demo.plan,
        demo.federation_id,
        "h1",
        bump(member.values["h1"], "2.1", 7),
        tmp_path,
        revision=3,
        supersedes="ab" * 32,
    )
    result = import_packages(fed, paths=[stray], dry_run=False)
    assert outcomes(result) == ["conflict"]
    assert "does not follow" in result.items[0].reason_text()
    federation.resolve_conflict(
        fed, conflict_id=federation.list_conflicts(fed)[0].id, keep="current"
    )
    assert merged(fed, member.id, "h1")["2.1"].amount != 7


def test_rebuild_from_the_archive_gives_back_the_same_merged_data(
    fed: AppContext, demo: Demo
) -> None:
    import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    snapshot = {u.id: merged(fed, u.id, "year") for u in demo.units}
    with fed.unit_of_work() as session:
        from sqlalchemy import delete

        from db import models

        session.execute(delete(models.StatementValue))
    assert all(not merged(fed, u.id, "year") for u in demo.units)
    assert federation.rebuild(fed) == 24
    assert {u.id: merged(fed, u.id, "year") for u in demo.units} == snapshot


def test_bundle_relays_each_package_on_its_own_signature(
    fed: AppContext, demo: Demo, tmp_path: Path
) -> None:
    """An upper-level union relays its units' files; the federation checks each one."""
    import base64

    from app.exchange.format import Header, Kind, new_package_id, seal

    relay = next(u for u in demo.units if u.kind.value == "upper")
    members = [u for u in demo.units if u.parent_id == relay.id][:3] or demo.units[-3:]
    files = [p for p in demo.files if any(p.name.startswith(m.code + "_") for m in members)]
    tampered = bytearray(files[0].read_bytes())
    tampered[60] ^= 1
    items = [base64.b64encode(bytes(tampered)).decode()] + [
        base64.b64encode(p.read_bytes()).decode() for p in files[1:]
    ]
    header = Header(
        new_package_id(),
        Kind.BUNDLE,
        demo.federation_id,
        relay.id,
        relay.code,
        relay.keypair.key_id,
        1,
        "",
        "bundle",
        1,
        None,
        "",
        "2017-07-06T08:00:00+07:00",
    )
    data, _digest = seal(header, {"items": items}, [relay.keypair.private_key])
    bundle = tmp_path / "relay.thidua"
    bundle.write_bytes(data)
    result = import_packages(fed, paths=[bundle], dry_run=False)
    assert len(result.items) == len(files)
    assert result.items[0].outcome is Outcome.REJECTED
    assert outcomes(result)[1:] == ["new"] * (len(files) - 1)


# --- the unit side and keys -------------------------------------------------------------


@pytest.fixture
def province(tmp_path: Path, database_url: str) -> Iterator[tuple[AppContext, AppContext, Path]]:
    """A federation with a two-unit roster, its plan packages, and a fresh unit database."""
    fed_ctx, plans = federation_with_roster(database_url, tmp_path)
    unit_ctx = unit_database(tmp_path / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
    yield fed_ctx, unit_ctx, plans
    fed_ctx.close()
    unit_ctx.close()


def enter_registration(unit_ctx: AppContext, members: int) -> None:
    with unit_ctx.unit_of_work() as session:
        from app.core.installation import get_installation

        installation = get_installation(session)
        assert installation is not None
        save_statement(
            session,
            StatementInput(
                plan_id=PLAN,
                unit_id=installation.own_unit_id,
                stream=REGISTRATION_STREAM,
                values={
                    "2.1": domain.UnitValue(amount=members),
                    "2.3": domain.UnitValue(numerator=380, denominator=420),
                },
                signer_name="Nguyễn Văn A",
                signer_title="Chủ tịch",
            ),
        )


def test_plan_package_needs_the_confirmed_fingerprint_and_the_right_unit(
    province: tuple[AppContext, AppContext, Path],
) -> None:
    fed_ctx, unit_ctx, plans = province
    with pytest.raises(InputError, match="Confirm the federation's fingerprint"):
        unit.import_plan_package(unit_ctx, path=plans / "CS-0001_plan_2017.thidua")
    with pytest.raises(InputError, match="does not match the federation's key"):
        unit.import_plan_package(
            unit_ctx,
            path=plans / "CS-0001_plan_2017.thidua",
            confirmed_fingerprint="1111-2222-3333-4444-5555-6666",
        )
    fingerprint = federation_fingerprint(fed_ctx)
    # Another unit's package is refused when first opened, before any fingerprint is asked,
    # saying what to do next.
    for read in (unit.inspect_plan_package, unit.federation_file_kind, unit.import_plan_package):
        with pytest.raises(InputError, match="meant for another unit") as refused:
            read(unit_ctx, path=plans / "LDH-01_plan_2017.thidua")
        assert "your own unit (code CS-0001)" in str(refused.value)
    with pytest.raises(InputError, match="meant for another unit"):
        unit.import_plan_package(
            unit_ctx, path=plans / "LDH-01_plan_2017.thidua", confirmed_fingerprint=fingerprint
        )
    info = unit.import_plan_package(
        unit_ctx,
        path=plans / "CS-0001_plan_2017.thidua",
        confirmed_fingerprint=fingerprint.replace("-", " "),
    )
    assert info.unit_code == "CS-0001"
    # A plan package signed by another federation's key is refused once pinned.
    other = open_context(plans.parent / "other.db")
    with other.unit_of_work() as session:
        initialize(
            session, role=Role.FEDERATION, name="LĐLĐ tỉnh khác", key_passphrase=KEY_PASSPHRASE
        )
    workbook = plans.parent / "roster2.xlsx"
    write_roster_template(workbook)
    with other.unit_of_work() as session:
        import_roster(session, path=workbook, year=2017)
    foreign = federation.export_plan_packages(other, plan_id=PLAN, out_dir=plans.parent / "p2")
    other.close()
    with pytest.raises(InputError, match="not signed by the expected key"):
        unit.import_plan_package(unit_ctx, path=foreign[1].path)


def test_enrolment_then_report_held_until_the_key_is_accepted(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, plans = province
    unit.import_plan_package(
        unit_ctx,
        path=plans / "CS-0001_plan_2017.thidua",
        confirmed_fingerprint=federation_fingerprint(fed_ctx),
    )
    enrolment = unit.export_enrolment(unit_ctx, out=tmp_path / "enrol.thidua")
    enter_registration(unit_ctx, 25)
    report = unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path / "out"
    )
    assert report.revision == 1 and report.path.name == "CS-0001_registration_r1.thidua"
    result = import_packages(fed_ctx, paths=[enrolment.path, report.path], dry_run=False)
    assert outcomes(result) == ["pending_key", "pending_key"]
    with fed_ctx.reading() as session:
        [pending] = list_keys(session, status="pending")
    assert pending.fingerprint == enrolment.fingerprint
    with pytest.raises(InputError, match="fingerprint does not match"):
        federation.decide_key(
            fed_ctx,
            keyid=pending.keyid,
            decision=KeyStatus.ACCEPTED,
            fingerprint="0000-0000-0000-0000-0000-0000",
        )
    info, released = federation.decide_key(
        fed_ctx,
        keyid=pending.keyid[:12],
        decision=KeyStatus.ACCEPTED,
        evidence="phiếu số 12",
        fingerprint=enrolment.fingerprint,
    )
    assert info.status == "accepted"
    assert released is not None and outcomes(released) == ["new"]
    with fed_ctx.reading() as session:
        values = statement_values(
            session, plan_id=PLAN, unit_id=pending.unit_id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 25 and values["2.3"].numerator == 380

    # Second export: next revision, chained; the federation updates.
    enter_registration(unit_ctx, 30)
    second = unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path / "out"
    )
    assert second.revision == 2
    assert outcomes(import_packages(fed_ctx, paths=[second.path], dry_run=False)) == ["updated"]

    # Receipt, then a return with comments, reach the unit's status.
    receipts = federation.write_receipts(fed_ctx, out_dir=tmp_path / "receipts")
    status = unit.import_receipt(unit_ctx, path=receipts[0])
    assert (status.status, status.revision) == ("received", 2)
    returned = federation.return_package(
        fed_ctx,
        package_hash=second.package_hash[:10],
        out=tmp_path / "return.thidua",
        general_comment="Đề nghị kiểm tra lại",
        comments={"2.1": "Số liệu chưa khớp"},
    )
    status = unit.import_receipt(unit_ctx, path=returned)
    assert status.status == "returned"
    assert status.comments == {"2.1": "Số liệu chưa khớp"}
    assert status.general_comment == "Đề nghị kiểm tra lại"


def test_rotation_is_accepted_and_the_old_key_is_then_quarantined(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, plans = province
    key = enrol_unit(fed_ctx, unit_ctx, plans, tmp_path)
    enter_registration(unit_ctx, 10)
    first = unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path / "a"
    )
    rotation = unit.rotate_key(unit_ctx, out=tmp_path / "rotate.thidua")
    result = import_packages(fed_ctx, paths=[first.path, rotation.path], dry_run=False)
    assert outcomes(result) == ["new", "new"]
    assert "previous key signed the new one" in result.items[1].reason_text()
    with fed_ctx.reading() as session:
        keys_now = {k.keyid: k for k in list_keys(session)}
    assert keys_now[key.keyid].status == "retired"
    [new] = [k for k in keys_now.values() if k.status == "accepted"]
    assert (new.fingerprint, new.epoch, new.replaces) == (rotation.fingerprint, 2, key.keyid)
    enter_registration(unit_ctx, 11)
    second = unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path / "b"
    )
    assert outcomes(import_packages(fed_ctx, paths=[second.path], dry_run=False)) == ["updated"]

    # Whatever the retired key signs from now on is held for staff, not merged.
    import os

    from app.exchange.bodies import statement_to_json
    from app.exchange.format import Header, Kind, new_package_id, seal
    from app.exchange.keystore import load_private_key

    [old_file] = (Path(os.environ["THIDUA_HOME"]) / "keys").glob("*.epoch1.json")
    old = load_private_key(old_file, None)
    assert old.key_id == key.keyid
    with fed_ctx.reading() as session:
        plan_ref = get_plan(session, PLAN)
    header = Header(
        new_package_id(),
        Kind.REPORT,
        second_audience(fed_ctx),
        key.unit_id,
        "CS-0001",
        old.key_id,
        1,
        PLAN,
        REGISTRATION_STREAM,
        3,
        second.package_hash,
        plan_ref.content_hash,
        # Signed after the rotation (what it signed before is the unit's own report).
        (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat(timespec="seconds"),
    )
    statement = StatementInput(
        plan_id=PLAN,
        unit_id=key.unit_id,
        stream=REGISTRATION_STREAM,
        values={"2.1": domain.UnitValue(amount=999)},
    )
    data, _ = seal(header, {"statement": statement_to_json(statement)}, [old.private_key])
    (tmp_path / "stolen.thidua").write_bytes(data)
    result = import_packages(fed_ctx, paths=[tmp_path / "stolen.thidua"], dry_run=False)
    assert outcomes(result) == ["conflict"]
    with fed_ctx.reading() as session:
        values = statement_values(
            session, plan_id=PLAN, unit_id=key.unit_id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 11


def second_audience(fed_ctx: AppContext) -> str:
    with fed_ctx.reading() as session:
        from app.core.installation import get_installation

        installation = get_installation(session)
        assert installation is not None
        return installation.own_unit_id


def test_dead_pc_recovery_retires_the_old_key(
    tmp_path: Path, demo: Demo, on_backend: Callable[[Path], str]
) -> None:
    """Re-enrolment from a new PC: staff accept the new key, the old one is retired,
    and a package the old key signs afterwards is quarantined."""
    member = demo.units[-1]
    fed = open_context(on_backend(demo.database))
    import_packages(fed, paths=[demo.packages_dir], dry_run=False)
    from app.exchange.keystore import generate_keypair

    new_key = generate_keypair()
    data = enrolment_package(
        new_key,
        audience=demo.federation_id,
        unit_id=member.id,
        code=member.code,
        name=member.name,
        created_at="2017-08-01T08:00:00+07:00",
        epoch=2,
    )
    (tmp_path / "new_pc.thidua").write_bytes(data)
    result = import_packages(fed, paths=[tmp_path / "new_pc.thidua"], dry_run=False)
    assert outcomes(result) == ["pending_key"]
    federation.decide_key(
        fed, keyid=new_key.key_id, decision=KeyStatus.ACCEPTED, fingerprint=new_key.fingerprint
    )
    with fed.reading() as session:
        statuses = {k.keyid: k.status for k in list_keys(session)}
    assert statuses[member.keypair.key_id] == "retired"
    late = write_report(
        member,
        demo.plan,
        demo.federation_id,
        "year",
        bump(member.values["year"], "2.1", 1234),
        tmp_path,
        revision=2,
        file_name="old_pc.thidua",
    )
    result = import_packages(fed, paths=[late], dry_run=False)
    assert outcomes(result) == ["conflict"]
    assert "dead-PC recovery" in result.items[0].reason_text()
    assert merged(fed, member.id, "year")["2.1"].amount != 1234
    fed.close()
