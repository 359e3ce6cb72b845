"""The quick start ticks itself from the database: a chair's steps one by one (details,
plan package, registration, its form and the key card printed, the package sent, a
backup), and federation staff's (roster, plan issued, plan packages, keys, imports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from app import unit
from app.core import domain
from app.exchange import federation, own_key_info
from app.guide import installed_guide
from app.plans import set_plan_number
from app.printing import PrintedForm, print_key_card, print_registration_form, record_printed
from app.setup import QuickStart, backup_installation, quick_start
from app.unit import StatementDetails
from db import models
from db.enums import REGISTRATION_STREAM, Role
from tests.helpers import (
    PLAN,
    enrol_unit,
    federation_fingerprint,
    federation_with_roster_only,
    unit_database,
)


def ticked(state: QuickStart) -> list[str]:
    return [step.key for step in state.steps if step.done]


def test_every_step_points_at_a_section_of_the_guide(tmp_path: Path) -> None:
    fed = federation_with_roster_only(tmp_path / "fed.db", tmp_path)
    chair = unit_database(tmp_path / "unit.db", name="CĐCS Trường Tiểu học Kim Phú", code="CS-0001")
    try:
        anchors = installed_guide().anchors
        for state in (quick_start(fed), quick_start(chair)):
            assert state.steps
            assert [s.anchor for s in state.steps if s.anchor not in anchors] == []
            assert len({s.key for s in state.steps}) == len(state.steps)
    finally:
        fed.close()
        chair.close()


def test_a_chair_s_steps_tick_as_they_are_done(tmp_path: Path) -> None:
    fed = federation_with_roster_only(tmp_path / "fed.db", tmp_path)
    plans = tmp_path / "plans"
    federation.export_plan_packages(fed, plan_id=PLAN, out_dir=plans)
    chair = unit_database(tmp_path / "unit.db", name="CĐCS Trường Tiểu học Kim Phú", code="CS-0001")
    try:
        state = quick_start(chair)
        assert state.role is Role.UNIT
        assert ticked(state) == [] and not state.finished

        unit.import_plan_package(
            chair,
            path=plans / "CS-0001_plan_2017.thidua",
            confirmed_fingerprint=federation_fingerprint(fed),
        )
        assert ticked(quick_start(chair)) == ["plan"]

        unit.set_details(
            chair,
            plan_id=PLAN,
            stream=REGISTRATION_STREAM,
            details=StatementDetails(signer_name="   "),
        )
        assert ticked(quick_start(chair)) == ["plan"], "a blank name is no signer"
        # The signer, the date and the place: each missing one leaves the step open.
        whole = StatementDetails(
            signer_name="Nguyễn Thị Lan", signed_on=dt.date(2017, 2, 10), place="Kim Phú"
        )
        for partial in (
            replace(whole, signed_on=None),
            replace(whole, place="  "),
            replace(whole, signer_name=""),
        ):
            unit.set_details(chair, plan_id=PLAN, stream=REGISTRATION_STREAM, details=partial)
            assert ticked(quick_start(chair)) == ["plan"], partial
        unit.set_details(chair, plan_id=PLAN, stream=REGISTRATION_STREAM, details=whole)
        assert ticked(quick_start(chair)) == ["details", "plan"]

        unit.set_value(
            chair,
            plan_id=PLAN,
            stream=REGISTRATION_STREAM,
            code="2.1",
            value=domain.UnitValue(amount=30),
        )
        assert ticked(quick_start(chair)) == ["details", "plan", "registration"]

        # Made for the preview: not printed yet. Printed or saved: recorded.
        print_registration_form(chair, out=tmp_path / "dang-ky.pdf")
        print_key_card(chair, out=tmp_path / "the-khoa.pdf")
        assert ticked(quick_start(chair))[-1] == "registration"
        record_printed(chair, form=PrintedForm.REGISTRATION)
        assert ticked(quick_start(chair))[-1] == "registration-form"
        record_printed(chair, form=PrintedForm.KEY_CARD)
        assert ticked(quick_start(chair))[-1] == "key-card"
        with chair.reading() as session:
            key = own_key_info(session)
            printed = {
                e.action: e.subject
                for e in session.scalars(
                    select(models.AuditEntry).where(models.AuditEntry.action.like("print.%"))
                )
            }
        assert key is not None
        assert printed == {"print.registration": PLAN, "print.key_card": key.keyid}

        unit.export_report(chair, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=tmp_path)
        assert ticked(quick_start(chair))[-1] == "sent"
        usb = tmp_path / "usb"
        usb.mkdir()
        backup_installation(chair, target=usb, passphrase="mật khẩu dài của chủ tịch")
        state = quick_start(chair)
        assert state.finished and state.done_count == len(state.steps) == 7
    finally:
        fed.close()
        chair.close()


def test_federation_staff_s_steps_tick_as_they_are_done(tmp_path: Path) -> None:
    fed = federation_with_roster_only(tmp_path / "fed.db", tmp_path)
    chair = unit_database(tmp_path / "unit.db", name="CĐCS Trường Tiểu học Kim Phú", code="CS-0001")
    try:
        state = quick_start(fed)
        assert state.role is Role.FEDERATION
        assert ticked(state) == ["roster"]

        set_plan_number(fed, plan_id=PLAN, number="12/KH-LĐLĐ", issued_on=dt.date(2017, 1, 10))
        assert ticked(quick_start(fed)) == ["roster", "plan"]
        plans = tmp_path / "plans"
        federation.export_plan_packages(fed, plan_id=PLAN, out_dir=plans)
        assert ticked(quick_start(fed)) == ["roster", "plan", "plan-packages"]

        enrol_unit(fed, chair, plans, tmp_path)  # its enrolment imported, its key accepted
        assert ticked(quick_start(fed)) == ["roster", "plan", "plan-packages", "keys", "import"]

        usb = tmp_path / "usb"
        usb.mkdir()
        backup_installation(fed, target=usb, passphrase="mật khẩu dài của liên đoàn")
        assert quick_start(fed).finished
    finally:
        fed.close()
        chair.close()
