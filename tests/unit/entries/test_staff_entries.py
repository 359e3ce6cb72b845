"""Entry on a unit's behalf: a paper unit's statement typed by staff, corrected, then
taken over by the unit's own signed r1 (whose difference is said); refused over a
signed report; bad input refused whole; the history names the sources; a rebuild
of the merged tables gives the same rows with entries present.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import InputError, NotFoundError, UserError
from app.core.i18n import translator
from app.demo.province import Demo, write_report
from app.exchange import (
    EntryResult,
    Outcome,
    compare_versions,
    enter_statement,
    first_arrivals,
    import_packages,
    owed_receipts,
    rebuild,
    return_package,
    unit_history,
)
from app.statements import StatementDetails
from db import models
from db.enums import IndicatorKind
from tests.helpers import GoldenProvince

pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"
STAFF = "Trần Thị Bình"


@dataclass(frozen=True)
class Federation:
    ctx: AppContext
    demo: Demo
    codes: tuple[str, str, str]  # three count indicators of the unit


@pytest.fixture
def fed(golden: GoldenProvince, monkeypatch: pytest.MonkeyPatch, ctx: AppContext) -> Federation:
    monkeypatch.setenv("THIDUA_STAFF_NAME", STAFF)
    demo = golden.demo
    unit = demo.unit(UNIT)
    counts = [
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    ][:3]
    return Federation(ctx, demo, (counts[0], counts[1], counts[2]))


def _values(codes: tuple[str, ...], amounts: tuple[int, ...]) -> dict[str, domain.UnitValue]:
    return {c: domain.UnitValue(amount=n) for c, n in zip(codes, amounts, strict=True)}


def _enter(fed: Federation, amounts: tuple[int, ...], **changes: Any) -> EntryResult:
    """Enter CS-00001's h1 from paper with ``amounts`` of the unit's count indicators."""
    arguments: dict[str, Any] = {
        "unit_code": UNIT,
        "plan_id": PLAN,
        "stream": "h1",
        "source": "paper",
        "values": _values(fed.codes[: len(amounts)], amounts),
    }
    arguments.update(changes)
    return enter_statement(fed.ctx, **arguments)


def _merged(ctx: AppContext, unit_code: str, stream: str) -> dict[str, int | None]:
    """The merged values of a unit's stream: indicator code → amount."""
    with ctx.reading() as session:
        rows = session.execute(
            select(models.Indicator.code, models.StatementValue.amount)
            .join(models.StatementValue, models.StatementValue.indicator_id == models.Indicator.id)
            .join(models.Statement, models.Statement.id == models.StatementValue.statement_id)
            .join(models.Unit, models.Unit.id == models.Statement.unit_id)
            .where(models.Unit.code == unit_code, models.Statement.stream == stream)
        ).all()
    return dict(rows)


def _archive(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.reading() as session:
        return [
            tuple(r)
            for r in session.execute(
                select(
                    models.Package.hash,
                    models.Package.status,
                    models.Package.source,
                    models.Package.revision,
                ).order_by(models.Package.hash)
            )
        ]


def _signed_r1(fed: Federation, folder: Path, amounts: tuple[int, ...]) -> Path:
    return write_report(
        fed.demo.unit(UNIT),
        fed.demo.plan,
        fed.demo.federation_id,
        "h1",
        _values(fed.codes, amounts),
        folder,
        revision=1,
    )


def test_paper_entry_is_merged_marked_and_audited(fed: Federation) -> None:
    receipts_before = owed_receipts(fed.ctx)
    entered = _enter(
        fed,
        (120, 8, 3),
        source="paper",
        details=StatementDetails(signer_name="Nguyễn Văn An", signer_title="Chủ tịch"),
    )
    assert (entered.revision, entered.supersedes, entered.source) == (1, None, "paper")
    assert entered.entered_by == STAFF
    assert entered.values == 3
    assert _merged(fed.ctx, UNIT, "h1") == dict(zip(fed.codes, (120, 8, 3), strict=True))
    with fed.ctx.reading() as session:
        package = session.get(models.Package, entered.package_hash)
        assert package is not None
        assert (package.status, package.source, package.keyid, package.epoch) == (
            "applied",
            "paper",
            "",
            0,
        )
        assert package.entered_by == STAFF
        head = session.get(models.StreamHead, (entered.unit_id, PLAN, "h1"))
        assert head is not None and head.package_hash == entered.package_hash
        audit = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.action == "statement.enter")
        ).one()
        assert (audit.actor, audit.subject) == (STAFF, entered.package_hash)
        assert '"source": "paper"' in audit.detail_json
        unit_id = entered.unit_id
    # Sent, as the dashboard and the rates count; no receipt is owed (nothing was signed).
    with fed.ctx.reading() as session:
        assert (unit_id, "h1") in first_arrivals(session, plan_id=PLAN)
    assert owed_receipts(fed.ctx) == receipts_before
    with pytest.raises(InputError) as refused:
        return_package(
            fed.ctx,
            package_hash=entered.package_hash,
            out=Path("/nonexistent/x.thidua"),
            general_comment="Sai",
            comments={},
        )
    _vietnamese(refused)


def test_correction_supersedes_the_entry_and_history_shows_both(fed: Federation) -> None:
    first = _enter(fed, (120, 8, 3))
    second = _enter(fed, (125, 8, 3), source="excel", file_name="CS-00001.xlsx")
    assert (second.revision, second.supersedes) == (2, first.package_hash)
    assert _merged(fed.ctx, UNIT, "h1")[fed.codes[0]] == 125
    (h1,) = unit_history(fed.ctx, unit_code=UNIT, plan_id=PLAN, stream="h1").streams
    assert [(e.source, e.status, e.revision) for e in h1.entries] == [
        ("paper", "superseded", 1),
        ("excel", "applied", 2),
    ]
    assert [e.source_label for e in h1.entries] == [
        "Entered by staff from the paper form",
        "Entered by staff from the Excel file",
    ]
    assert {e.entered_by for e in h1.entries} == {STAFF}
    assert [e.fingerprint for e in h1.entries] == ["", ""]
    assert h1.entries[1].file_name == "CS-00001.xlsx"
    compared = compare_versions(
        fed.ctx, first_hash=first.package_hash, second_hash=second.package_hash
    )
    assert [(v.code, v.old_text, v.new_text) for v in compared.values] == [
        (fed.codes[0], "120", "125")
    ]
    # The same statement again changes nothing.
    archive = _archive(fed.ctx)
    with pytest.raises(InputError) as same:
        _enter(fed, (125, 8, 3))
    _vietnamese(same)
    assert _archive(fed.ctx) == archive


def test_signed_r1_takes_over_and_says_what_differs(fed: Federation, tmp_path: Path) -> None:
    entered = _enter(fed, (120, 8, 3))
    summary = import_packages(
        fed.ctx, paths=[_signed_r1(fed, tmp_path, (120, 9, 4))], dry_run=False
    )
    (item,) = summary.items
    assert item.outcome is Outcome.UPDATED
    assert item.params["count"] == 2
    assert item.params["codes"] == f"{fed.codes[1]}, {fed.codes[2]}"
    assert "paper form" in item.reason_text()
    vietnamese = item.reason_text(translator("vi"))
    assert "bản giấy" in vietnamese and fed.codes[1] in vietnamese
    with fed.ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(models.Conflict)) == 0
        old = session.get(models.Package, entered.package_hash)
        assert old is not None and old.status == "superseded"
        head = session.get(models.StreamHead, (entered.unit_id, PLAN, "h1"))
        assert head is not None and head.package_hash == item.package_hash
        logged = session.scalars(
            select(models.ImportItem).where(models.ImportItem.package_hash == item.package_hash)
        ).one()
        assert logged.reason == item.reason
    assert _merged(fed.ctx, UNIT, "h1") == dict(zip(fed.codes, (120, 9, 4), strict=True))
    (h1,) = unit_history(fed.ctx, unit_code=UNIT, plan_id=PLAN, stream="h1").streams
    assert [(e.source, e.status) for e in h1.entries] == [
        ("paper", "superseded"),
        ("signed_package", "applied"),
    ]
    compared = compare_versions(
        fed.ctx, first_hash=entered.package_hash, second_hash=item.package_hash
    )
    assert [v.code for v in compared.values] == [fed.codes[1], fed.codes[2]]
    # From now on the stream is the unit's: staff cannot enter over it.
    archive = _archive(fed.ctx)
    with pytest.raises(InputError) as refused:
        _enter(fed, (1, 1, 1))
    assert UNIT in refused.value.translated()
    _vietnamese(refused)
    assert _archive(fed.ctx) == archive


def test_rebuild_gives_the_same_merged_rows_with_entries(fed: Federation, tmp_path: Path) -> None:
    for unit_code in ("CS-00002", UNIT):
        enter_statement(
            fed.ctx,
            unit_code=unit_code,
            plan_id=PLAN,
            stream="registration",
            source="excel",
            values=_values(fed.codes[:1], (50,)),
        )
    enter_statement(
        fed.ctx,
        unit_code=UNIT,
        plan_id=PLAN,
        stream="registration",
        source="paper",
        values=_values(fed.codes[:2], (55, 2)),
    )
    import_packages(fed.ctx, paths=[_signed_r1(fed, tmp_path, (1, 2, 3))], dry_run=False)
    before = _merged_tables(fed.ctx)
    assert rebuild(fed.ctx) == 3
    assert _merged_tables(fed.ctx) == before
    assert _merged(fed.ctx, UNIT, "registration") == {fed.codes[0]: 55, fed.codes[1]: 2}


def _merged_tables(ctx: AppContext) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with ctx.reading() as session:
        for model in (models.Statement, models.StatementValue, models.StreamHead):
            columns = [c for c in model.__table__.columns if c.key != "updated_at"]
            rows = session.execute(select(*columns)).all()
            tables[model.__tablename__] = sorted(tuple(str(v) for v in r) for r in rows)
    return tables


def _vietnamese(error: pytest.ExceptionInfo[UserError]) -> str:
    text = translator("vi")(error.value.message)
    assert text != error.value.message, error.value.message
    return text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"source": "fax"}, InputError),
        ({"unit_code": "CS-99999"}, NotFoundError),
        ({"stream": "q3"}, InputError),
        ({"plan_id": "no-such-plan"}, NotFoundError),
        ({"values": {}}, InputError),
        ({"values": {"NOT-A-CODE": domain.UnitValue(amount=1)}}, InputError),
        ({"bad_amount": True}, InputError),
        ({"details": StatementDetails(place="x" * 5000)}, InputError),
    ],
    ids=["source", "unit", "stream", "plan", "empty", "unknown-indicator", "amount", "text"],
)
def test_bad_input_is_refused_and_changes_nothing(
    fed: Federation, changes: dict[str, Any], error: type[UserError]
) -> None:
    arguments: dict[str, Any] = {
        "unit_code": UNIT,
        "plan_id": PLAN,
        "stream": "h1",
        "source": "paper",
        "values": _values(fed.codes, (1, 2, 3)),
    }
    if changes.pop("bad_amount", False):
        ratio = next(i for i in fed.demo.plan.indicators if i.kind is IndicatorKind.RATIO)
        changes["values"] = {ratio.code: domain.UnitValue(numerator=5, denominator=2)}
    arguments.update(changes)
    archive = _archive(fed.ctx)
    with pytest.raises(error) as refused:
        enter_statement(fed.ctx, **arguments)
    _vietnamese(refused)
    assert _archive(fed.ctx) == archive
    assert _merged(fed.ctx, UNIT, "h1") == {}


def _registration(fed: Federation, source: str, movements: tuple[str, ...]) -> EntryResult:
    """Enter CS-00001's registration joining ``movements``, from ``source``."""
    return _enter(
        fed,
        (1, 2, 3),
        stream="registration",
        source=source,
        details=StatementDetails(movements=movements),
        file_name="CS-00001.xlsx" if source == "excel" else "",
    )


@pytest.mark.parametrize("source", ["paper", "excel"])
def test_an_entry_joining_a_movement_not_for_the_units_sector_is_refused(
    fed: Federation, source: str
) -> None:
    """Entered on the unit's behalf (paper form or Excel file), a registration joining a
    movement the plan limits to other sectors is refused as its import would be."""
    unit = fed.demo.unit(UNIT)
    other = next(m for m in fed.demo.plan.movements if not m.offered_to(unit.sector))
    archive = _archive(fed.ctx)
    with pytest.raises(InputError) as refused:
        _registration(fed, source, (other.code,))
    _vietnamese(refused)
    detail = refused.value.detail or ""
    assert other.code in detail and f"“{other.name}”" in detail and "sector" in detail
    assert _archive(fed.ctx) == archive
    assert _merged(fed.ctx, UNIT, "registration") == {}
    # The movements offered to its sector are entered.
    offered = tuple(m.code for m in fed.demo.plan.movements if m.offered_to(unit.sector))[:2]
    assert _registration(fed, source, offered).revision == 1
