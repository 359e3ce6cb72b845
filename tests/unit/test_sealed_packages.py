"""Packages encrypted with age end to end: who may read travels signed in the plan
package and the enrolment; a unit's files go to its federation encrypted, receipts and
returns come back encrypted to the unit; a file for others is 'not a recipient', a plain
file is refused once the plan's transition year is over; identities follow key rotation
and the shared database."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
import pytest
from sqlalchemy import func, select, update

from app import unit
from app.core.context import AppContext, open_context
from app.core.installation import get_setting, set_setting
from app.core.strictjson import loads_strict
from app.exchange import federation
from app.exchange.age_keys import (
    FEDERATION_RECIPIENT_SETTING,
    PLAIN_UNTIL_SETTING,
    export_identity,
    own_recipient,
)
from app.exchange.key_custody import forget
from app.exchange.key_status import KeyStatus
from app.exchange.keys import (
    ensure_own_key,
    list_keys,
    rotate_own_key,
    unlock_federation_key,
)
from app.exchange.merge import import_packages
from app.exchange.outcomes import ImportSummary
from app.exchange.sealing import (
    MSG_NO_IDENTITY,
    MSG_NOT_RECIPIENT,
    MSG_PLAIN_REFUSED,
    NotRecipientError,
    encrypt_to,
    is_encrypted,
    new_identity,
    recipient_of,
)
from app.exchange.signing import open_envelope
from db import models
from db.enums import REGISTRATION_STREAM
from tests.helpers import (
    KEY_PASSPHRASE,
    enrol_unit,
    federation_fingerprint,
    federation_with_roster,
    unit_database,
)
from tests.unit.test_packages_flow import enter_registration

pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"


def outcomes(summary: ImportSummary) -> list[tuple[str, str]]:
    return [(item.outcome.value, item.reason) for item in summary.items]


@pytest.fixture
def province(tmp_path: Path, database_url: str) -> Iterator[tuple[AppContext, AppContext, Path]]:
    fed_ctx, plans = federation_with_roster(database_url, tmp_path)
    unit_ctx = unit_database(tmp_path / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
    yield fed_ctx, unit_ctx, plans
    fed_ctx.close()
    unit_ctx.close()


@pytest.fixture
def sent(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> tuple[AppContext, AppContext, Path]:
    """CS-0001 enrolled, its registration exported (encrypted): (federation, unit, file)."""
    fed_ctx, unit_ctx, plans = province
    enrol_unit(fed_ctx, unit_ctx, plans, tmp_path)
    return fed_ctx, unit_ctx, registration(unit_ctx, tmp_path / "out")


def registration(unit_ctx: AppContext, folder: Path, members: int = 25) -> Path:
    enter_registration(unit_ctx, members)
    return unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=folder
    ).path


def body_of(data: bytes) -> tuple[str, dict[str, Any]]:
    """A package's kind and body, read without verifying (what the test looks at)."""
    document = loads_strict(open_envelope(data, max_size=1 << 26).payload, max_bytes=1 << 26)
    return document["header"]["kind"], document["body"]


def package_count(ctx: AppContext) -> int:
    with ctx.reading() as session:
        return int(session.scalar(select(func.count()).select_from(models.Package)) or 0)


def federation_identity(fed_ctx: AppContext) -> pyrage.x25519.Identity:
    with fed_ctx.unit_of_work() as session:
        text = export_identity(session, ensure_own_key(session))
    return pyrage.x25519.Identity.from_str(text)


def test_the_plan_package_carries_the_federations_recipient_signed(
    province: tuple[AppContext, AppContext, Path],
) -> None:
    fed_ctx, _unit_ctx, plans = province
    _kind, body = body_of((plans / "CS-0001_plan_2017.thidua").read_bytes())
    with fed_ctx.reading() as session:
        recipient = own_recipient(session)
        last_plain = get_setting(session, PLAIN_UNTIL_SETTING)
    assert recipient is not None and recipient.startswith("age1")
    assert body["federation"]["age_recipient"] == recipient
    assert body["federation"]["plain_until"] == last_plain
    assert not is_encrypted((plans / "CS-0001_plan_2017.thidua").read_bytes())


def test_a_units_files_go_encrypted_and_its_receipts_come_back_encrypted(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, plans = province
    enrol_unit(fed_ctx, unit_ctx, plans, tmp_path)
    with unit_ctx.reading() as session:
        assert get_setting(session, FEDERATION_RECIPIENT_SETTING) is not None
        unit_recipient = own_recipient(session)
    assert unit_recipient is not None
    enrolment = (tmp_path / "enrol.thidua").read_bytes()
    assert is_encrypted(enrolment) and "Tân Quang".encode() not in enrolment
    report = registration(unit_ctx, tmp_path / "out")
    data = report.read_bytes()
    assert is_encrypted(data) and b"Nguy" not in data
    # The inner file is the signed envelope, unchanged.
    envelope = open_envelope(pyrage.decrypt(data, [federation_identity(fed_ctx)]), max_size=1 << 22)
    assert envelope.payload_type.startswith("application/vnd.thidua")

    before = package_count(fed_ctx)
    dry = import_packages(fed_ctx, paths=[report], dry_run=True)
    assert [o for o, _ in outcomes(dry)] == ["new"] and package_count(fed_ctx) == before
    applied = import_packages(fed_ctx, paths=[report], dry_run=False)
    assert [o for o, _ in outcomes(applied)] == ["new"]

    receipts = federation.write_receipts(fed_ctx, out_dir=tmp_path / "receipts")
    assert is_encrypted(receipts[0].read_bytes())
    assert unit.import_receipt(unit_ctx, path=receipts[0]).status == "received"
    returned = federation.return_package(
        fed_ctx,
        package_hash=applied.items[0].package_hash,
        out=tmp_path / "return.thidua",
        general_comment="Đề nghị kiểm tra lại",
        comments={"2.1": "Số liệu chưa khớp"},
    )
    assert is_encrypted(returned.read_bytes())
    assert unit.import_receipt(unit_ctx, path=returned).comments == {"2.1": "Số liệu chưa khớp"}


def test_a_file_for_others_is_not_a_recipient_and_changes_nothing(
    sent: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, _unit_ctx, report = sent
    inner = pyrage.decrypt(report.read_bytes(), [federation_identity(fed_ctx)])
    stranger = tmp_path / "stranger.thidua"
    stranger.write_bytes(encrypt_to(inner, [recipient_of(new_identity())]))
    before = package_count(fed_ctx)
    for dry_run in (True, False):
        result = import_packages(fed_ctx, paths=[stranger], dry_run=dry_run)
        assert outcomes(result) == [("rejected", MSG_NOT_RECIPIENT)]
    assert package_count(fed_ctx) == before


def test_plain_packages_are_accepted_until_the_plans_last_day_then_refused(
    sent: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, _unit_ctx, report = sent
    plain = tmp_path / "plain.thidua"
    plain.write_bytes(pyrage.decrypt(report.read_bytes(), [federation_identity(fed_ctx)]))
    with fed_ctx.unit_of_work() as session:
        set_setting(session, PLAIN_UNTIL_SETTING, "2017-12-31")
    before = package_count(fed_ctx)
    result = import_packages(fed_ctx, paths=[plain], dry_run=False)
    assert outcomes(result) == [("rejected", MSG_PLAIN_REFUSED)]
    assert result.items[0].params == {"date": "31/12/2017"}
    assert package_count(fed_ctx) == before
    with fed_ctx.unit_of_work() as session:
        set_setting(session, PLAIN_UNTIL_SETTING, "2999-12-31")
    assert [o for o, _ in outcomes(import_packages(fed_ctx, paths=[plain], dry_run=False))] == [
        "new"
    ]


def test_a_unit_of_an_older_plan_sends_plain_and_is_accepted(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, plans = province
    enrol_unit(fed_ctx, unit_ctx, plans, tmp_path)
    with unit_ctx.unit_of_work() as session:
        session.execute(
            update(models.Setting)
            .where(models.Setting.key == FEDERATION_RECIPIENT_SETTING)
            .values(value="")
        )
    report = registration(unit_ctx, tmp_path / "out")
    assert not is_encrypted(report.read_bytes())
    assert [o for o, _ in outcomes(import_packages(fed_ctx, paths=[report], dry_run=False))] == [
        "new"
    ]


def test_bundles_relay_encrypted_packages_byte_for_byte(
    sent: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, report = sent
    bundle = unit.make_bundle(unit_ctx, inputs=[report], out=tmp_path / "bundle.thidua")
    outer = pyrage.decrypt(bundle.path.read_bytes(), [federation_identity(fed_ctx)])
    kind, body = body_of(outer)
    assert kind == "bundle"
    assert base64.b64decode(body["items"][0]) == report.read_bytes()
    result = import_packages(fed_ctx, paths=[bundle.path], dry_run=False)
    assert [o for o, _ in outcomes(result)] == ["new"]


def test_rotated_identities_still_open_older_files(
    sent: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, _unit_ctx, report = sent
    with fed_ctx.unit_of_work() as session:
        before = own_recipient(session)
        rotate_own_key(session, passphrase=KEY_PASSPHRASE)
        after = own_recipient(session)
    assert before != after
    assert [o for o, _ in outcomes(import_packages(fed_ctx, paths=[report], dry_run=True))] == [
        "new"
    ]


def test_the_federations_identity_is_usable_from_another_staff_pc(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The identity is kept in the shared database, locked with the signing key: a
    second PC (another home folder) reads encrypted files once it unlocks the key."""
    fed_ctx, plans = federation_with_roster(database_url, tmp_path)
    with fed_ctx.unit_of_work() as session:
        unlock_federation_key(session, KEY_PASSPHRASE)
    federation.export_plan_packages(fed_ctx, plan_id=PLAN, out_dir=plans)
    unit_ctx = unit_database(tmp_path / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
    enrol_unit(fed_ctx, unit_ctx, plans, tmp_path)
    report = registration(unit_ctx, tmp_path / "out")
    fed_ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "other-pc"))
    other = open_context(database_url)
    try:
        locked = import_packages(other, paths=[report], dry_run=True)
        assert outcomes(locked) == [("rejected", MSG_NO_IDENTITY)]
        with other.unit_of_work() as session:
            unlock_federation_key(session, KEY_PASSPHRASE)
        opened = import_packages(other, paths=[report], dry_run=True)
        assert [o for o, _ in outcomes(opened)] == ["new"]
        forget(other.engine)
    finally:
        other.close()
        unit_ctx.close()


def test_a_unit_with_a_protected_key_reads_its_receipt_with_the_passphrase(
    province: tuple[AppContext, AppContext, Path], tmp_path: Path
) -> None:
    fed_ctx, unit_ctx, plans = province
    secret = "mật khẩu của chủ tịch công đoàn"
    unit.import_plan_package(
        unit_ctx,
        path=plans / "CS-0001_plan_2017.thidua",
        confirmed_fingerprint=federation_fingerprint(fed_ctx),
    )
    enrolment = unit.export_enrolment(unit_ctx, out=tmp_path / "enrol.thidua", passphrase=secret)
    enter_registration(unit_ctx, 25)
    report = unit.export_report(
        unit_ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path, passphrase=secret
    )
    import_packages(fed_ctx, paths=[enrolment.path, report.path], dry_run=False)
    with fed_ctx.reading() as session:
        [pending] = list_keys(session, status="pending")
    federation.decide_key(fed_ctx, keyid=pending.keyid, decision=KeyStatus.ACCEPTED)
    [receipt] = federation.write_receipts(fed_ctx, out_dir=tmp_path / "receipts")
    assert is_encrypted(receipt.read_bytes())
    with pytest.raises(NotRecipientError) as locked:
        unit.import_receipt(unit_ctx, path=receipt)
    assert locked.value.message == MSG_NO_IDENTITY
    assert unit.import_receipt(unit_ctx, path=receipt, passphrase=secret).status == "received"
