"""The small cluster the year-end scoring tests score: its rules, units and statements,
the hand computation every score is checked against, and reading the board back.

The cluster (rules below; G1 weight 1, G2 weight 2; bands 100→100%, 90→80%,
75→60%, 50→30%; 2.1 capped at 120% with 0,1 bonus point per %). G1 is 2.1,
9a.1 (administrative only) and 9a.2 (enterprises only); G2 is 6.2 and 4.

- A (admin): 2.1 12 of 10 → 10 + 2 bonus; 9a.1 yes → 10 | 6.2 90% of 80% → 10;
  4 vững mạnh → 10. Earned 22 + 2 × 20 = 62 of 20 + 2 × 20 = 60 → 103,33.
- B (non-state): 2.1 9 of 10 → 8; 9a.2 no → 0 | 6.2 72% of 90% = 80% → 6;
  4 khá → 7. 8 + 2 × 13 = 34 of 60 → 56,67 (9a.1 does not apply).
- C (admin): 2.1 10 of 10 → 10; 9a.1 no → 0 | 6.2 100% → 10; 4 vững mạnh → 10.
  10 + 2 × 20 = 50 of 60 → 83,33.
- D (admin): 2.1 → 10; 9a.1 yes → 10 | 6.2 45% of 50% = 90% → 8; 4 khá → 7.
  20 + 2 × 15 = 50 of 60 → 83,33.
- E (admin): as C → 83,33.
- F (admin): as A but flagged (fatal accident) → 103,33, not ranked.
- G (admin): no annual report → 0, not ranked.
- H (admin): 2.1 → 10; 9a.1 yes → 10 | 6.2 → 10; 4 yếu → 0. 20 + 2 × 10 = 40 of 60
  → 66,67, not ranked (weak grade).
- U (upper): only 2.1 applies: 15 of 20 = 75% → 6 of 10 → 60,00.

(G2's points count twice: A = (12 + 10) + 2 × (10 + 10) = 62 of 20 + 2 × 20 = 60.)"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.cli import main as cli_main
from app.core import domain
from app.core.context import AppContext
from app.core.domain import UnitValue
from app.plans import Rules
from app.plans.reading import get_plan
from app.plans.rules import SCORING_FORMAT
from app.plans.rules_parse import parse_rules
from app.scoring.board import Scoreboard
from app.scoring.decisions import set_flag
from app.scoring.rules import save_rules
from app.scoring.sources import scoreboard
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import REGISTRATION_STREAM, Sector, UnitKind
from tests.helpers import enrolment_package

PLAN = "tuyen-quang-2017"
YEAR = 2017


def rules_document(weight_g2: int | str = 2) -> dict[str, Any]:
    return {
        "format": SCORING_FORMAT,
        "plan": PLAN,
        "example": False,
        "period": "year",
        "default_bands": [
            {"from": 100, "share": 100},
            {"from": 90, "share": 80},
            {"from": 75, "share": 60},
            {"from": 50, "share": 30},
            {"from": 0, "share": 0},
        ],
        "groups": [
            {
                "code": "G1",
                "title": "Nhóm 1",
                "weight": 1,
                "indicators": [
                    {"code": "2.1", "points": 10, "cap": 120, "bonus_per_percent": "0.1"},
                    {"code": "9a.1", "points": 10},
                    {"code": "9a.2", "points": 10},
                ],
            },
            {
                "code": "G2",
                "title": "Nhóm 2",
                "weight": weight_g2,
                "indicators": [
                    {"code": "6.2", "points": 10},
                    {
                        "code": "4",
                        "points": 10,
                        "grade_shares": {"vung_manh": 100, "kha": 70, "trung_binh": 40, "yeu": 0},
                    },
                ],
            },
        ],
        "flags": [{"code": "fatal_accident", "label": "Tai nạn lao động chết người"}],
        "vetoes": [
            {"code": "no_report", "label": "Không báo cáo", "when": "no_report"},
            {
                "code": "weak",
                "label": "Xếp loại yếu",
                "when": "grade",
                "indicator": "4",
                "at_or_below": "yeu",
                "max_grade": "yeu",
            },
            {
                "code": "accident",
                "label": "Tai nạn lao động chết người",
                "when": "flag",
                "flag": "fatal_accident",
                "max_grade": "kha",
            },
        ],
        "grades": [
            {"grade": "vung_manh", "min_score": 90},
            {"grade": "kha", "min_score": 70},
            {"grade": "trung_binh", "min_score": 50},
            {"grade": "yeu", "min_score": 0},
        ],
        "awards": [
            {"code": "co_thi_dua", "label": "Cờ thi đua", "min_score": 100, "max_cluster_rank": 1},
            {"code": "bang_khen", "label": "Bằng khen", "min_score": 80, "max_cluster_rank": 3},
            {"code": "giay_khen", "label": "Giấy khen", "min_score": 70},
        ],
        "tie_breakers": ["indicators_attained", "bonus_points"],
    }


def count(n: int) -> UnitValue:
    return UnitValue(amount=n)


def ratio(n: int, d: int) -> UnitValue:
    return UnitValue(numerator=n, denominator=d)


def grade(code: str) -> UnitValue:
    return UnitValue(grade=code)


def yes(flag: bool) -> UnitValue:
    return UnitValue(flag=flag)


ADMIN = Sector.ADMINISTRATIVE

#: code → (kind, sector, parent code, registered, achieved or None for no report)
UNITS: dict[str, tuple[UnitKind, Sector | None, str | None, dict[str, UnitValue], Any]] = {
    "A": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(80, 100)},
        {"2.1": count(12), "9a.1": yes(True), "6.2": ratio(90, 100), "4": grade("vung_manh")},
    ),
    "B": (
        UnitKind.GRASSROOTS,
        Sector.NON_STATE_ENTERPRISE,
        None,
        {"2.1": count(10), "6.2": ratio(90, 100)},
        {"2.1": count(9), "9a.2": yes(False), "6.2": ratio(72, 100), "4": grade("kha")},
    ),
    "C": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(False), "6.2": ratio(50, 100), "4": grade("vung_manh")},
    ),
    "D": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(True), "6.2": ratio(45, 100), "4": grade("kha")},
    ),
    "E": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(False), "6.2": ratio(50, 100), "4": grade("vung_manh")},
    ),
    "F": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(80, 100)},
        {"2.1": count(12), "9a.1": yes(True), "6.2": ratio(90, 100), "4": grade("vung_manh")},
    ),
    "G": (UnitKind.GRASSROOTS, ADMIN, None, {"2.1": count(10), "6.2": ratio(80, 100)}, None),
    "H": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(True), "6.2": ratio(50, 100), "4": grade("yeu")},
    ),
    "U": (UnitKind.UPPER, None, None, {"2.1": count(20)}, {"2.1": count(15)}),
}


def make_cluster(ctx: AppContext) -> AppContext:
    """Add the cluster above, its statements, rules and F's flag to a federation database."""
    with ctx.unit_of_work() as session:
        federation = session.scalar(
            select(models.Unit).where(models.Unit.kind == UnitKind.FEDERATION)
        )
        assert federation is not None
        session.add(models.RosterEntry(year=YEAR, unit_id=federation.id, parent_id=None))
        cluster_row = models.Cluster(year=YEAR, code="A", name="Cụm A")
        session.add(cluster_row)
        session.flush()
        ids: dict[str, str] = {}
        for code, (kind, _s, _p, _r, _a) in UNITS.items():
            unit = models.Unit(code=code, name=f"Công đoàn {code}", kind=kind)
            session.add(unit)
            session.flush()
            ids[code] = unit.id
        for code, (_k, sector, parent, _r, _a) in UNITS.items():
            session.add(
                models.RosterEntry(
                    year=YEAR,
                    unit_id=ids[code],
                    parent_id=ids[parent] if parent else federation.id,
                    cluster_id=cluster_row.id,
                    sector=sector,
                )
            )
        session.flush()
        for code, (_k, _s, _p, registered, achieved) in UNITS.items():
            save_statement(
                session,
                StatementInput(PLAN, ids[code], REGISTRATION_STREAM, registered),
            )
            if achieved is not None:
                save_statement(session, StatementInput(PLAN, ids[code], "year", achieved))
    save_rules(ctx, plan_id=PLAN, document=rules_document())
    set_flag(ctx, plan_id=PLAN, unit="F", flag="fatal_accident", note="1 người chết")
    return ctx


def plan_with_rules(ctx: AppContext) -> tuple[domain.Plan, Rules]:
    """The plan and the cluster's rules (:func:`rules_document`), parsed, not saved."""
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    return plan, parse_rules(rules_document(), plan)


def board_of(ctx: AppContext) -> Scoreboard:
    return scoreboard(ctx, plan_id=PLAN)


def cluster_ranking(board: Scoreboard) -> list[tuple[str, int | None]]:
    (placings,) = [p for cid, p in board.by_cluster.items() if cid is not None]
    return [(p.code, p.rank) for p in placings]


def run_cli(db: Path, *args: str) -> Any:
    out = io.StringIO()
    assert cli_main(["--db", str(db), "--lang", "en", *args], out=out) == 0
    return json.loads(out.getvalue())


def write_enrolment(unit: Any, federation_id: str, folder: Path) -> Path:
    data = enrolment_package(
        unit.keypair,
        audience=federation_id,
        unit_id=unit.id,
        code=unit.code,
        name=unit.name,
        created_at="2017-03-01T08:00:00+07:00",
    )
    path = folder / f"{unit.code}_enrolment.thidua"
    path.write_bytes(data)
    return path
