"""A synthetic province for tests, benchmarks and training.

``make_demo`` builds a federation database on the 2017 plan with a roster of
``units`` reporting unions (upper-level unions and CĐCS of every sector, some
directly under the federation; the upper-level unions grouped in clusters of their
own, as the seed's, the CĐCS in theirs), gives each unit a key
the federation has already accepted, and writes each unit's signed
registration, 6-month and annual report packages. The values are random but
plausible and reproducible from ``seed``; they are returned too, so a test
can compute totals independently of the application's roll-up.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from app.core import domain
from app.core.audit import utc_now_text
from app.core.context import AppContext, open_context
from app.core.errors import N_, InputError
from app.core.text import nfc
from app.exchange import (
    FILE_SUFFIX,
    Header,
    KeyPair,
    Kind,
    create_kept_key,
    generate_keypair,
    new_package_id,
    seal,
    statement_to_json,
)
from app.plans import get_plan
from app.setup import initialize
from app.statements import StatementInput
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind, Role, Sector, UnitKind

DEMO_PLAN = "tuyen-quang-2017"
SECTOR_WEIGHTS = (
    (Sector.ADMINISTRATIVE, 45),
    (Sector.STATE_ENTERPRISE, 10),
    (Sector.NON_STATE_ENTERPRISE, 35),
    (Sector.FDI, 10),
)


@dataclass
class DemoUnit:
    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    parent_id: str
    cluster_code: str
    members: int
    workers: int
    keypair: KeyPair
    values: dict[str, dict[str, domain.UnitValue]] = field(default_factory=dict)


@dataclass
class Demo:
    database: Path
    packages_dir: Path
    federation_id: str
    plan: domain.Plan
    units: list[DemoUnit]
    files: list[Path]

    def unit(self, code: str) -> DemoUnit:
        return next(u for u in self.units if u.code == code)


def roster_entry_rows(
    year: int, federation_id: str, units: Sequence[DemoUnit], cluster_ids: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The roster of a demo year: the federation, then every unit in its cluster."""
    return [
        {
            "year": year,
            "unit_id": federation_id,
            "parent_id": None,
            "cluster_id": None,
            "sector": None,
            "member_count": 0,
            "worker_count": 0,
        },
        *(
            {
                "year": year,
                "unit_id": u.id,
                "parent_id": u.parent_id,
                "cluster_id": cluster_ids[u.cluster_code],
                "sector": u.sector,
                "member_count": u.members,
                "worker_count": u.workers,
            }
            for u in units
        ),
    ]


#: Parts of the demo chairs' names (stored data: Vietnamese, as the demo's unit names).
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
#: (middle names, given names) of men, then of women.
_NAMES = (
    (("Văn", "Đức", "Hữu", "Minh", "Quang"),
     ("Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn",
      "Thắng", "Tuấn", "Vinh")),
    (("Thị", "Ngọc", "Thu", "Thanh"),
     ("Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương",
      "Thảo", "Thủy", "Trang", "Vân", "Yến")),
)  # fmt: skip


def demo_chair_name(index: int) -> str:
    """A made-up chair's name for the demo's ``index``-th unit (the roster's "Chủ tịch"
    column was empty in every demo). Drawn from the index, not the demo's random
    generator, so the demo's figures stay what their seeds give."""
    middles, givens = _NAMES[index % 2]
    family = _FAMILY[(index // 2) % len(_FAMILY)]
    middle = middles[(index // 3) % len(middles)]
    given = givens[(index * 5 + index // 7) % len(givens)]
    return nfc(f"{family} {middle} {given}")


def accepted_key_rows(units: Sequence[DemoUnit], now: str) -> list[dict[str, Any]]:
    """Every demo unit's key, accepted by the federation at ``now``."""
    return [
        {
            "keyid": u.keypair.key_id,
            "public_key": u.keypair.public_raw,
            "unit_id": u.id,
            "unit_code": u.code,
            "unit_name": nfc(u.name),
            "epoch": 1,
            "status": "accepted",
            "role": "unit",
            "received_at": now,
            "decided_at": now,
            "decided_by": "dữ liệu mẫu",  # stored data, Vietnamese as the demo's names
            "evidence": "dữ liệu mẫu",
            "replaces": None,
            "package_hash": None,
        }
        for u in units
    ]


def random_value(
    rng: random.Random, indicator: domain.Indicator, unit: DemoUnit, stream: str, grades: list[str]
) -> domain.UnitValue:
    """A plausible random value of ``indicator`` for ``unit`` in ``stream``."""
    scale = {"registration": 1.0, "h1": 0.55}.get(stream, 1.0)
    code = indicator.code
    if indicator.kind is IndicatorKind.COUNT:
        high = {"2.1": 40, "2.2": 4, "5": 3, "7.2": 2, "8": 3, "9đ.1": 20}.get(code, 10)
        return domain.UnitValue(amount=int(rng.randint(0, high) * scale))
    if indicator.kind is IndicatorKind.MONEY:
        high = 100 if unit.kind is UnitKind.UPPER else 20
        return domain.UnitValue(amount=int(rng.randint(0, high) * scale) * 500_000)
    if indicator.kind is IndicatorKind.RATIO:
        denominator = rng.randint(5, max(6, unit.workers or unit.members or 50))
        share = rng.uniform(0.55, 1.0) if stream != "registration" else rng.uniform(0.8, 1.0)
        return domain.UnitValue(numerator=int(denominator * share), denominator=denominator)
    if indicator.kind is IndicatorKind.YES_NO:
        return domain.UnitValue(flag=rng.random() < (0.9 if stream == "registration" else 0.75))
    if indicator.kind is IndicatorKind.GRADE:
        return domain.UnitValue(
            grade=rng.choices(grades, weights=(60, 25, 12, 3)[: len(grades)])[0]
        )
    return domain.UnitValue(text="Công trình chào mừng Đại hội Công đoàn")


def make_demo(
    *,
    out_dir: Path,
    units: int,
    seed: int = 2017,
    streams: tuple[str, ...] = (REGISTRATION_STREAM, "h1", "year"),
) -> Demo:
    """Build the synthetic province under ``out_dir`` (see the module docstring).

    Refused, before anything is written, when ``out_dir`` already holds a demo (its
    database, or packages): a second province would clash with the first.
    """
    rng = random.Random(seed)
    packages_dir = out_dir / "packages"
    database = out_dir / "federation.db"
    if database.exists() or (packages_dir.is_dir() and any(packages_dir.iterdir())):
        raise InputError(
            N_("The folder already holds demo data: {path}; choose another folder or delete it."),
            params={"path": str(out_dir)},
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    packages_dir.mkdir(exist_ok=True)
    ctx = open_context(database)
    try:
        return _populate(ctx, rng, database, packages_dir, units, streams)
    finally:
        ctx.close()


def _populate(
    ctx: AppContext,
    rng: random.Random,
    database: Path,
    packages_dir: Path,
    count: int,
    streams: tuple[str, ...],
) -> Demo:
    with ctx.unit_of_work() as session:
        installation = initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
        federation_id = installation.own_unit_id
        create_kept_key(session, passphrase=None)  # throwaway: in its own database
        plan = get_plan(session, DEMO_PLAN)
    n_upper = max(1, count // 25)
    n_clusters = max(1, (n_upper + 4) // 5)
    # As in the seed, clusters group upper-level unions; the CĐCS have clusters of their own.
    clusters = [(str(uuid.uuid4()), f"Cụm {i + 1}") for i in range(n_clusters)]
    grassroots_clusters = [(str(uuid.uuid4()), f"Cụm CĐCS {i + 1}") for i in range(n_clusters)]
    demo_units: list[DemoUnit] = []
    for index in range(min(n_upper, count)):
        demo_units.append(
            DemoUnit(
                id=str(uuid.uuid4()),
                code=f"CT-{index + 1:03d}",
                name=f"Công đoàn cấp trên số {index + 1}",
                kind=UnitKind.UPPER,
                sector=None,
                parent_id=federation_id,
                cluster_code=clusters[index % n_clusters][1],
                members=0,
                workers=0,
                keypair=generate_keypair(),
            )
        )
    uppers = list(demo_units)
    sectors = [s for s, _w in SECTOR_WEIGHTS]
    weights = [w for _s, w in SECTOR_WEIGHTS]
    for index in range(count - len(uppers)):
        direct = rng.random() < 0.1
        parent = federation_id if direct else rng.choice(uppers).id
        workers = rng.randint(12, 1500)
        demo_units.append(
            DemoUnit(
                id=str(uuid.uuid4()),
                code=f"CS-{index + 1:05d}",
                name=f"Công đoàn cơ sở số {index + 1}",
                kind=UnitKind.GRASSROOTS,
                sector=rng.choices(sectors, weights)[0],
                parent_id=parent,
                cluster_code=rng.choice(grassroots_clusters)[1],
                members=int(workers * rng.uniform(0.6, 1.0)),
                workers=workers,
                keypair=generate_keypair(),
            )
        )

    now = utc_now_text()
    cluster_ids = {name: cid for cid, name in [*clusters, *grassroots_clusters]}
    leaders = {
        name: next((u.id for u in demo_units if u.cluster_code == name), None)
        for _cid, name in [*clusters, *grassroots_clusters]
    }
    with ctx.unit_of_work() as session:
        session.execute(
            insert(models.Unit),
            [
                {
                    "id": u.id,
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "phone": "0207 3822 000",
                    "email": f"{u.code.lower()}@example.vn",
                    "address": "",
                    "chair_name": demo_chair_name(index),
                }
                for index, u in enumerate(demo_units)
            ],
        )
        session.execute(
            insert(models.Cluster),
            [
                {
                    "id": cid,
                    "year": plan.year,
                    "code": name,
                    "name": name,
                    "leader_unit_id": leaders[name],
                }
                for cid, name in [*clusters, *grassroots_clusters]
            ],
        )
        session.execute(
            insert(models.RosterEntry),
            roster_entry_rows(plan.year, federation_id, demo_units, cluster_ids),
        )
        session.execute(
            insert(models.SigningKey),
            accepted_key_rows(demo_units, now),
        )

    grades = [g.code for g in plan.grade_levels]
    files: list[Path] = []
    for unit in demo_units:
        for stream in streams:
            values = {
                i.code: random_value(rng, i, unit, stream, grades)
                for i in plan.indicators
                if i.applies_to(unit.kind, unit.sector) and i.kind is not IndicatorKind.TEXT
            }
            unit.values[stream] = values
            files.append(
                write_report(unit, plan, federation_id, stream, values, packages_dir, revision=1)
            )
    return Demo(database, packages_dir, federation_id, plan, demo_units, files)


def write_report(
    unit: DemoUnit,
    plan: domain.Plan,
    federation_id: str,
    stream: str,
    values: dict[str, domain.UnitValue],
    out_dir: Path,
    *,
    revision: int,
    supersedes: str | None = None,
    file_name: str | None = None,
    signer: KeyPair | None = None,
    created_at: str = "2017-07-05T08:00:00+07:00",
) -> Path:
    """A unit's signed report package, as the unit application would write it."""
    keypair = signer or unit.keypair
    statement = StatementInput(
        plan_id=plan.id,
        unit_id=unit.id,
        stream=stream,
        values=values,
        signer_name="Nguyễn Văn An",
        signer_title="Chủ tịch",
        movement_codes=tuple(m.code for m in plan.movements if m.offered_to(unit.sector))[:3],
        works=(("Công trình thanh niên chào mừng Đại hội", "Đại hội CĐCS"),),
    )
    header = Header(
        package_id=new_package_id(),
        kind=Kind.REPORT,
        audience=federation_id,
        unit_id=unit.id,
        unit_code=unit.code,
        signer=keypair.key_id,
        epoch=1,
        plan_id=plan.id,
        stream=stream,
        revision=revision,
        supersedes=supersedes,
        plan_ref=plan.content_hash,
        created_at=created_at,
    )
    data, _digest = seal(header, {"statement": statement_to_json(statement)}, [keypair.private_key])
    path = out_dir / (file_name or f"{unit.code}_{stream}_r{revision}{FILE_SUFFIX}")
    path.write_bytes(data)
    return path
