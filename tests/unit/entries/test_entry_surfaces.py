"""Statements staff entered are shown as such: the dashboard counts them as sent and
lists them apart (with what they were entered from), the printed registration form
and results report say "nhập hộ từ bản giấy / từ tệp Excel" above the signature and
the registration's verification box names no signed package; once the unit's own
signed report takes over, the marker and the line are gone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.core import domain
from app.core.context import AppContext
from app.demo.province import write_report
from app.exchange import enter_statement, import_packages
from app.printing import print_registration_form, print_results_report
from app.printing.sources import load_units, load_verifications
from app.rollup.dashboard import dashboard
from app.statements import StatementDetails
from app.unit import SIGNED, load_entry_workspace
from db.enums import REGISTRATION_STREAM, IndicatorKind
from tests.helpers import GoldenProvince

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"


def _text(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def test_dashboard_and_forms_show_entries_until_the_unit_takes_over(
    golden: GoldenProvince, ctx: AppContext, tmp_path: Path
) -> None:
    demo = golden.demo
    unit = demo.unit(UNIT)
    code = next(
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    )
    for stream, source in ((REGISTRATION_STREAM, "paper"), ("h1", "excel")):
        enter_statement(
            ctx,
            unit_code=UNIT,
            plan_id=PLAN,
            stream=stream,
            source=source,
            values={code: domain.UnitValue(amount=40)},
        )
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
    assert sorted((e.unit.code, e.stream, e.source) for e in board.entered) == [
        (UNIT, "h1", "excel"),
        (UNIT, REGISTRATION_STREAM, "paper"),
    ]
    coverage = {c.stream: c for c in board.coverage}
    assert (coverage[REGISTRATION_STREAM].received, coverage[REGISTRATION_STREAM].entered) == (
        1,
        1,
    )
    assert UNIT not in {m.unit.code for m in board.missing if m.stream == "h1"}

    registration = _text(print_registration_form(ctx, out=tmp_path / "dk.pdf", unit=UNIT))
    assert "nhập hộ từ bản giấy của đơn vị" in registration
    assert "không phải bản đơn vị ký gửi" in registration
    with ctx.reading() as session:
        units = load_units(session, demo.plan, [unit.id])
        check = load_verifications(session, demo.plan, units)[unit.id]
    assert (check.package_hash, check.revision) == (None, None)
    results = _text(print_results_report(ctx, period="h1", out=tmp_path / "bc.pdf", unit=UNIT))
    assert "nhập hộ từ tệp Excel của đơn vị" in results

    # The unit's own signed registration takes over: no marker, no line.
    signed = write_report(
        unit,
        demo.plan,
        demo.federation_id,
        REGISTRATION_STREAM,
        {code: domain.UnitValue(amount=41)},
        tmp_path,
        revision=1,
    )
    import_packages(ctx, paths=[signed], dry_run=False)
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
    assert [(e.unit.code, e.stream) for e in board.entered] == [(UNIT, "h1")]
    again = _text(print_registration_form(ctx, out=tmp_path / "dk2.pdf", unit=UNIT))
    assert "nhập hộ" not in again
    with ctx.reading() as session:
        units = load_units(session, demo.plan, [unit.id])
        check = load_verifications(session, demo.plan, units)[unit.id]
    assert check.revision == 1 and check.package_hash


def test_the_statement_screen_at_the_federation_says_who_each_report_is_from(
    golden: GoldenProvince, ctx: AppContext, tmp_path: Path
) -> None:
    demo = golden.demo
    unit = demo.unit(UNIT)
    code = next(
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    )
    enter_statement(
        ctx,
        unit_code=UNIT,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        source="paper",
        values={code: domain.UnitValue(amount=40)},
        details=StatementDetails(signer_name="Nguyễn Văn An", place="Tuyên Quang"),
    )
    signed = write_report(
        unit, demo.plan, demo.federation_id, "h1", {code: domain.UnitValue(amount=9)},
        tmp_path, revision=1,
    )  # fmt: skip
    import_packages(ctx, paths=[signed], dry_run=False)
    entry = load_entry_workspace(ctx, unit_code=UNIT)
    assert entry.sources == {REGISTRATION_STREAM: "paper", "h1": SIGNED, "year": ""}
    workspace = entry.workspace
    assert workspace.plan.id == PLAN and workspace.unit.code == UNIT
    assert workspace.values[REGISTRATION_STREAM] == {code: domain.UnitValue(amount=40)}
    assert workspace.details[REGISTRATION_STREAM].place == "Tuyên Quang"
    assert workspace.values["h1"] == {code: domain.UnitValue(amount=9)}
