"""The small hand-built roster the roll-up tests of the 2017 Tuyên Quang plan run over,
its statements (:data:`STATEMENTS`), and reading the roll-up rows back. Every expected
figure of the tests is computed by hand in a comment next to the assertion, from them.

The 2017 roster (under the federation F, the installation's own unit)::

    F  LĐLĐ tỉnh Tuyên Quang (federation)
    ├── U1 LĐLĐ huyện Yên Sơn (upper)
    │   ├── A1 administrative      cluster HC
    │   ├── S1 state enterprise    cluster DN
    │   └── N1 non-state enterprise cluster DN
    ├── U2 Công đoàn các Khu công nghiệp (upper)
    │   ├── X1 FDI                 cluster DN
    │   ├── S2 state enterprise
    │   └── N2 non-state enterprise
    └── D1 administrative, directly under the federation, cluster HC

OLD is a CĐCS of the 2016 roster only; its statements must never count.
So the 2017 roster holds 10 units: F, 2 upper-level unions, 7 CĐCS
(2 administrative, 2 state, 2 non-state, 1 FDI)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.domain import UnitValue
from app.core.figures import Figure
from app.core.installation import get_installation
from app.rollup.query import Scope, TargetRollup, rollup
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import Sector, UnitKind

PLAN = "tuyen-quang-2017"
YEAR = 2017

ADM = Sector.ADMINISTRATIVE
STATE = Sector.STATE_ENTERPRISE
NON_STATE = Sector.NON_STATE_ENTERPRISE
FDI = Sector.FDI
UPPER = UnitKind.UPPER
CDCS = UnitKind.GRASSROOTS

# key: (name, kind, sector, parent key, cluster key, roster year)
UNITS: dict[str, tuple[str, UnitKind, Sector | None, str, str | None, int]] = {
    "U1": ("LĐLĐ huyện Yên Sơn", UPPER, None, "F", None, YEAR),
    "U2": ("Công đoàn các Khu công nghiệp tỉnh", UPPER, None, "F", None, YEAR),
    "A1": ("CĐCS Trường THPT Yên Sơn", CDCS, ADM, "U1", "HC", YEAR),
    "S1": ("CĐCS Công ty TNHH MTV Điện lực", CDCS, STATE, "U1", "DN", YEAR),
    "N1": ("CĐCS Công ty CP Xi măng Tân Quang", CDCS, NON_STATE, "U1", "DN", YEAR),
    "X1": ("CĐCS Công ty TNHH Hàn Việt (FDI)", CDCS, FDI, "U2", "DN", YEAR),
    "S2": ("CĐCS Công ty TNHH MTV Lâm nghiệp", CDCS, STATE, "U2", None, YEAR),
    "N2": ("CĐCS Công ty CP Giấy An Hòa", CDCS, NON_STATE, "U2", None, YEAR),
    "D1": ("CĐCS Cơ quan Đảng ủy Khối doanh nghiệp tỉnh", CDCS, ADM, "F", "HC", YEAR),
    "OLD": ("CĐCS đã giải thể năm 2016", CDCS, NON_STATE, "F", None, 2016),
}
CLUSTERS = {"HC": "Cụm khối hành chính sự nghiệp", "DN": "Cụm khối doanh nghiệp"}


def amount(value: int) -> UnitValue:
    return UnitValue(amount=value)


def ratio(numerator: int, denominator: int) -> UnitValue:
    return UnitValue(numerator=numerator, denominator=denominator)


def grade(code: str) -> UnitValue:
    return UnitValue(grade=code)


YES = UnitValue(flag=True)
NO = UnitValue(flag=False)

# stream -> unit key -> indicator code -> value
STATEMENTS: dict[str, dict[str, dict[str, UnitValue]]] = {
    "year": {
        "A1": {
            "1": ratio(50, 50),
            "2.1": amount(10),
            "2.3": ratio(0, 50),  # not an enterprise: must be ignored
            "4": grade("vung_manh"),
            "5": amount(2),
            "8": amount(1),
            "9a.2": YES,  # administrative: 9a.2 does not apply
        },
        "S1": {
            "1": ratio(90, 100),
            "2.1": amount(25),
            "2.3": ratio(85, 100),
            "4": grade("vung_manh"),
            "5": amount(1),
            "7.1": amount(50_000_000),
            "8": amount(2),
            "9a.2": YES,
            "9c": ratio(80, 100),
            "9đ.2": ratio(0, 1),  # a CĐCS: 9đ.2 is for upper-level unions only
        },
        "N1": {
            "1": ratio(10, 20),
            "2.1": amount(40),
            "2.3": ratio(170, 200),
            "4": grade("vung_manh"),
            "5": amount(0),
            "7.1": amount(120_500_000),
            "8": amount(1),
            "9a.2": YES,
            "9c": ratio(160, 200),
        },
        "X1": {
            "1": ratio(800, 900),
            "2.1": amount(100),
            "4": grade("vung_manh"),
            "5": amount(2),
            "7.1": amount(600_000_000),
            "8": amount(1),
            "9a.2": YES,
            "9c": ratio(500, 1000),
        },
        "S2": {"4": grade("kha"), "8": amount(1), "9a.2": YES, "9c": ratio(79, 100)},
        # N2 reports neither 4, 5 nor 9a.2 in the year report.
        "N2": {"8": amount(0), "9c": ratio(90, 100)},
        "D1": {
            "1": ratio(29, 30),
            "2.1": amount(5),
            "4": grade("vung_manh"),
            "5": amount(1),
            "8": amount(1),
        },
        "U1": {
            "1": ratio(0, 100),  # an upper-level union has no sector
            "4": grade("yeu"),  # grades are for CĐCS only
            "5": amount(10),  # the average is per CĐCS
            # 7.1 counts the levels once: an upper-level union reports its area's total,
            # S1 50.000.000 + N1 120.500.000 + its own 30.000.000
            "7.1": amount(200_500_000),
            "9đ.2": ratio(2, 5),
        },
        "U2": {"9đ.2": ratio(3, 10)},
        "F": {"9đ.2": ratio(1, 100)},  # the federation is not an upper-level union
        "OLD": {"2.1": amount(1000), "4": grade("yeu")},  # not in the 2017 roster
    },
    "h1": {
        "A1": {"4": grade("vung_manh")},
        "S1": {"4": grade("vung_manh"), "9a.2": YES},
        "N1": {"4": grade("vung_manh"), "9a.2": YES},
        "X1": {"4": grade("vung_manh"), "9a.2": YES, "7.1": amount(300_000_000)},
        "S2": {"4": grade("vung_manh"), "9a.2": NO},
        "N2": {"4": grade("yeu"), "9a.2": YES},
        "D1": {"4": grade("vung_manh")},
        "U1": {"9đ.2": ratio(2, 5)},
        "U2": {"9đ.2": ratio(4, 10)},
    },
    "registration": {
        "A1": {"2.1": amount(20), "8": amount(1)},
        "S1": {"2.3": ratio(86, 100), "8": amount(1)},
        "N1": {"8": amount(1)},
        "X1": {"2.1": amount(150)},
    },
}


@dataclass(frozen=True)
class Tree:
    units: dict[str, str]  # key -> unit id ("F" is the federation)
    clusters: dict[str, str]  # key -> cluster id


def build_roster(session: Session) -> Tree:
    """Insert the roster of the module docstring; return the ids by key."""
    installation = get_installation(session)
    assert installation is not None
    ids = {"F": installation.own_unit_id}
    session.add(models.RosterEntry(year=YEAR, unit_id=ids["F"], parent_id=None))
    clusters = {
        key: models.Cluster(year=YEAR, code=key, name=name) for key, name in CLUSTERS.items()
    }
    session.add_all(clusters.values())
    for key, (name, kind, *_rest) in UNITS.items():
        unit = models.Unit(code=key, name=name, kind=kind)
        session.add(unit)
        session.flush()
        ids[key] = unit.id
    session.flush()
    for key, (_name, _kind, sector, parent, cluster, year) in UNITS.items():
        session.add(
            models.RosterEntry(
                year=year,
                unit_id=ids[key],
                parent_id=ids[parent],
                cluster_id=clusters[cluster].id if cluster else None,
                sector=sector,
                member_count=100,
                worker_count=120,
            )
        )
    session.flush()
    return Tree(ids, {key: c.id for key, c in clusters.items()})


def save(session: Session, unit_id: str, stream: str, values: Mapping[str, UnitValue]) -> str:
    return save_statement(
        session, StatementInput(plan_id=PLAN, unit_id=unit_id, stream=stream, values=values)
    )


def pick(rows: list[TargetRollup], code: str, target: int = 0) -> TargetRollup:
    """The roll-up row of indicator ``code``'s ``target``-th target (plan order)."""
    matches = [row for row in rows if row.indicator.code == code]
    return matches[target]


def figure(rows: list[TargetRollup], code: str, stream: str, target: int = 0) -> Figure:
    return pick(rows, code, target).figures[stream]


def whole(session: Session) -> list[TargetRollup]:
    return rollup(session, plan_id=PLAN, scope=Scope())
