"""The two real setups of the printing tests (built once for the folder, see its conftest):

- a demo province (12 units) merged at the federation, for the summary, the covenant,
  the plan and the batch;
- one unit (CS-0001) that registers, prints before and after exporting its package, and
  the federation that imports it and prints the same form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import unit
from app.core import domain
from app.core.context import AppContext, open_context
from app.core.installation import get_installation
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.keys import list_keys
from app.exchange.merge import import_packages
from app.printing import documents, print_key_card
from app.statements.records import StatementInput, save_statement
from db.enums import REGISTRATION_STREAM
from tests.helpers import federation_fingerprint, federation_with_roster, unit_database
from tests.unit.printing.pdf_reading import PLAN


@dataclass
class Province:
    demo: Demo
    ctx: AppContext
    out: Path


def build_province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    """The demo province, its packages merged; closed when the generator ends."""
    base = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(base / "home"))
        demo = make_demo(out_dir=base / "demo", units=12, seed=11)
        ctx = open_context(demo.database)
        import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    out = base / "pdf"
    out.mkdir()
    yield Province(demo, ctx, out)
    ctx.close()


@dataclass
class UnitSide:
    fed: AppContext
    unit: AppContext
    before_export: Path
    after_export: Path
    at_federation: Path
    results: Path
    package_hash: str
    revision: int
    fingerprint: str
    key_card: Path


REGISTERED = {
    "1": domain.UnitValue(numerator=300, denominator=350),
    "2.1": domain.UnitValue(amount=25),
    "2.3": domain.UnitValue(numerator=380, denominator=420),
    "3.2": domain.UnitValue(numerator=5, denominator=5),
    "4": domain.UnitValue(grade="vung_manh"),
    "5": domain.UnitValue(amount=1),
    "6.1": domain.UnitValue(numerator=170, denominator=200),
    "6.2": domain.UnitValue(numerator=171, denominator=200),
    "7.1": domain.UnitValue(amount=15_000_000, note="Vận động đoàn viên"),
    "7.2": domain.UnitValue(amount=1),
    "8": domain.UnitValue(amount=2),
    "9a.2": domain.UnitValue(flag=True),
    "9a.3": domain.UnitValue(flag=False),
    "9b": domain.UnitValue(flag=True),
    "9c": domain.UnitValue(numerator=400, denominator=420),
    "9d": domain.UnitValue(numerator=1_250, denominator=1_300),
}
ACHIEVED_H1 = {
    "2.1": domain.UnitValue(amount=30),
    "2.3": domain.UnitValue(numerator=350, denominator=420),
    "4": domain.UnitValue(grade="kha"),
    "7.1": domain.UnitValue(amount=9_500_000, note="Đang vận động đợt 2"),
    "9a.2": domain.UnitValue(flag=True),
    "9a.3": domain.UnitValue(flag=False),
}


def _own_unit_id(ctx: AppContext) -> str:
    with ctx.reading() as session:
        installation = get_installation(session)
        assert installation is not None
        return installation.own_unit_id


def _save(
    ctx: AppContext, stream: str, values: dict[str, domain.UnitValue], signed_on: dt.date
) -> None:
    with ctx.unit_of_work() as session:
        save_statement(
            session,
            StatementInput(
                plan_id=PLAN,
                unit_id=_own_unit_id(ctx),
                stream=stream,
                values=values,
                signer_name="Nguyễn Văn A",
                signer_title="Chủ tịch",
                signed_on=signed_on,
                place="Tuyên Quang",
                movement_codes=("LDG-DN", "GVN", "XSD"),
                titles=(
                    (True, "", "", "Tập thể Lao động xuất sắc"),
                    (True, "", "", "Bằng khen của Tổng Liên đoàn Lao động Việt Nam"),
                    (False, "Nguyễn Thị Hoa", "Tổ trưởng sản xuất", "Lao động giỏi"),
                    (False, "Trần Văn Bình", "Kỹ sư cơ điện", "Chiến sĩ thi đua cơ sở"),
                ),
                works=(
                    (
                        "Sáng kiến cải tiến lò nung clinker tiết kiệm 5% than",
                        "Đại hội CĐCS nhiệm kỳ 2017-2022",
                    ),
                ),
            ),
        )


def build_unit_side(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitSide]:
    """CS-0001's forms printed before and after it sends its registration, and at the
    federation; closed when the generator ends."""
    base = tmp_path_factory.mktemp("unit_side")
    out = base / "pdf"
    out.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(base / "home"))
        fed, plans = federation_with_roster(base / "fed.db", base)
        ctx = unit_database(base / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
        unit.import_plan_package(
            ctx,
            path=plans / "CS-0001_plan_2017.thidua",
            confirmed_fingerprint=federation_fingerprint(fed),
        )
        _save(ctx, REGISTRATION_STREAM, REGISTERED, dt.date(2017, 2, 20))
        before = documents.print_registration_form(ctx, out=out / "before.pdf")
        enrolment = unit.export_enrolment(ctx, out=base / "enrol.thidua")
        report = unit.export_report(
            ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, out_dir=base / "out"
        )
        after = documents.print_registration_form(ctx, plan_id=PLAN, out=out / "after.pdf")
        _save(ctx, "h1", ACHIEVED_H1, dt.date(2017, 7, 5))
        results = documents.print_results_report(ctx, period="h1", out=out / "results.pdf")
        key_card = print_key_card(ctx, out=out / "key-card.pdf")
        import_packages(fed, paths=[enrolment.path, report.path], dry_run=False)
        with fed.reading() as session:
            [pending] = list_keys(session, status="pending")
        federation.decide_key(
            fed, keyid=pending.keyid, decision=KeyStatus.ACCEPTED, fingerprint=report.fingerprint
        )
        at_federation = documents.print_registration_form(
            fed, plan_id=PLAN, unit="CS-0001", out=out / "federation.pdf"
        )
    yield UnitSide(
        fed,
        ctx,
        before,
        after,
        at_federation,
        results,
        report.package_hash,
        report.revision,
        report.fingerprint,
        key_card,
    )
    fed.close()
    ctx.close()
