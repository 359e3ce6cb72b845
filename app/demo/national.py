"""A synthetic national federation, for benchmarks at the size of the country.

``make_national_demo`` builds the database of the Tổng Liên đoàn Lao động
Việt Nam on the 2017 plan: the 63 provincial federations (real names, grouped
in six regional clusters), under each its district unions (LĐLĐ quận, huyện),
industry unions (công đoàn ngành), the civil servants' union and the
industrial-zone union, and ``grassroots`` CĐCS (125,000 by default) shared out
by the provinces' population, with a boost for the industrial ones. Some CĐCS
hang directly under their provincial federation, so the depth varies from one
to three levels below the root, as in the real tree. A CĐCS's sector follows
its parent (schools under the education union, enterprises under the
industrial-zone union…); each province's upper-level unions are grouped in
clusters, and the CĐCS under a cluster's unions in a cluster of CĐCS of their own
(a cluster holds one level, as the seed plan's), led by its first member.

Every unit gets an accepted key (Ed25519 key generation costs ~25 µs), but
signed packages are written only for a sample: ``packages`` reports from
units drawn at random across the country, each sending every stream of
``streams`` until the count is reached. The rest of the roster has sent
nothing. Rows are written with Core ``executemany`` in a few transactions, so
the roster of 125,000 units takes seconds, not minutes.

The database may be a SQLite file (default: ``out_dir/federation.db``) or any
URL ``open_context`` accepts (e.g. a PostgreSQL scratch database).
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from app.core import domain
from app.core.audit import utc_now_text
from app.core.context import open_context
from app.core.text import nfc
from app.demo.province import (
    DEMO_PLAN,
    DemoUnit,
    accepted_key_rows,
    demo_chair_name,
    random_value,
    roster_entry_rows,
    write_report,
)
from app.exchange import create_kept_key, generate_keypair
from app.plans import get_plan
from app.setup import initialize
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind, Role, Sector, UnitKind

NATIONAL_NAME = "Tổng Liên đoàn Lao động Việt Nam"
NATIONAL_GRASSROOTS = 125_000
NATIONAL_PACKAGES = 20_000

#: The six socio-economic regions; the national regional clusters follow them.
REGIONS = (
    "Trung du và miền núi phía Bắc",
    "Đồng bằng sông Hồng",
    "Bắc Trung Bộ và duyên hải miền Trung",
    "Tây Nguyên",
    "Đông Nam Bộ",
    "Đồng bằng sông Cửu Long",
)

#: The 63 provinces and centrally-run cities before the 2025 merger:
#: (administrative code, name, centrally-run city, region index, population in
#: thousands at the 2019 census).
PROVINCES: tuple[tuple[str, str, bool, int, int], ...] = (
    ("01", "Hà Nội", True, 1, 8054),
    ("02", "Hà Giang", False, 0, 854),
    ("04", "Cao Bằng", False, 0, 530),
    ("06", "Bắc Kạn", False, 0, 314),
    ("08", "Tuyên Quang", False, 0, 785),
    ("10", "Lào Cai", False, 0, 731),
    ("11", "Điện Biên", False, 0, 599),
    ("12", "Lai Châu", False, 0, 460),
    ("14", "Sơn La", False, 0, 1248),
    ("15", "Yên Bái", False, 0, 822),
    ("17", "Hòa Bình", False, 0, 854),
    ("19", "Thái Nguyên", False, 0, 1287),
    ("20", "Lạng Sơn", False, 0, 782),
    ("22", "Quảng Ninh", False, 1, 1320),
    ("24", "Bắc Giang", False, 0, 1804),
    ("25", "Phú Thọ", False, 0, 1464),
    ("26", "Vĩnh Phúc", False, 1, 1152),
    ("27", "Bắc Ninh", False, 1, 1369),
    ("30", "Hải Dương", False, 1, 1893),
    ("31", "Hải Phòng", True, 1, 2028),
    ("33", "Hưng Yên", False, 1, 1253),
    ("34", "Thái Bình", False, 1, 1861),
    ("35", "Hà Nam", False, 1, 853),
    ("36", "Nam Định", False, 1, 1781),
    ("37", "Ninh Bình", False, 1, 983),
    ("38", "Thanh Hóa", False, 2, 3641),
    ("40", "Nghệ An", False, 2, 3327),
    ("42", "Hà Tĩnh", False, 2, 1289),
    ("44", "Quảng Bình", False, 2, 896),
    ("45", "Quảng Trị", False, 2, 633),
    ("46", "Thừa Thiên Huế", False, 2, 1129),
    ("48", "Đà Nẵng", True, 2, 1134),
    ("49", "Quảng Nam", False, 2, 1496),
    ("51", "Quảng Ngãi", False, 2, 1232),
    ("52", "Bình Định", False, 2, 1487),
    ("54", "Phú Yên", False, 2, 873),
    ("56", "Khánh Hòa", False, 2, 1232),
    ("58", "Ninh Thuận", False, 2, 591),
    ("60", "Bình Thuận", False, 2, 1231),
    ("62", "Kon Tum", False, 3, 541),
    ("64", "Gia Lai", False, 3, 1514),
    ("66", "Đắk Lắk", False, 3, 1870),
    ("67", "Đắk Nông", False, 3, 623),
    ("68", "Lâm Đồng", False, 3, 1297),
    ("70", "Bình Phước", False, 4, 995),
    ("72", "Tây Ninh", False, 4, 1170),
    ("74", "Bình Dương", False, 4, 2456),
    ("75", "Đồng Nai", False, 4, 3097),
    ("77", "Bà Rịa - Vũng Tàu", False, 4, 1149),
    ("79", "Hồ Chí Minh", True, 4, 8993),
    ("80", "Long An", False, 5, 1689),
    ("82", "Tiền Giang", False, 5, 1765),
    ("83", "Bến Tre", False, 5, 1289),
    ("84", "Trà Vinh", False, 5, 1009),
    ("86", "Vĩnh Long", False, 5, 1023),
    ("87", "Đồng Tháp", False, 5, 1600),
    ("89", "An Giang", False, 5, 1908),
    ("91", "Kiên Giang", False, 5, 1724),
    ("92", "Cần Thơ", True, 5, 1235),
    ("93", "Hậu Giang", False, 5, 734),
    ("94", "Sóc Trăng", False, 5, 1200),
    ("95", "Bạc Liêu", False, 5, 907),
    ("96", "Cà Mau", False, 5, 1194),
)

#: More enterprises, so more CĐCS per inhabitant, where industry concentrates.
INDUSTRIAL_BOOST = {
    "79": 2.4,
    "74": 2.6,
    "75": 2.0,
    "01": 1.6,
    "31": 1.6,
    "27": 1.8,
    "30": 1.3,
    "26": 1.4,
    "80": 1.4,
    "22": 1.3,
    "48": 1.3,
    "77": 1.3,
}

#: Industry unions of every province: (code letter, name, share of the
#: province's CĐCS, sector weights of its CĐCS).
_SectorWeights = tuple[tuple[Sector, int], ...]
_ADMIN: _SectorWeights = ((Sector.ADMINISTRATIVE, 1),)
_INDUSTRY: _SectorWeights = (
    (Sector.ADMINISTRATIVE, 10),
    (Sector.STATE_ENTERPRISE, 30),
    (Sector.NON_STATE_ENTERPRISE, 60),
)
_ZONES: _SectorWeights = (
    (Sector.STATE_ENTERPRISE, 5),
    (Sector.NON_STATE_ENTERPRISE, 45),
    (Sector.FDI, 50),
)
_DISTRICT: _SectorWeights = (
    (Sector.ADMINISTRATIVE, 50),
    (Sector.STATE_ENTERPRISE, 5),
    (Sector.NON_STATE_ENTERPRISE, 40),
    (Sector.FDI, 5),
)
_DIRECT: _SectorWeights = (
    (Sector.ADMINISTRATIVE, 10),
    (Sector.STATE_ENTERPRISE, 40),
    (Sector.NON_STATE_ENTERPRISE, 30),
    (Sector.FDI, 20),
)
INDUSTRY_UNIONS: tuple[tuple[str, str, float, _SectorWeights], ...] = (
    ("GD", "Công đoàn ngành Giáo dục", 0.15, _ADMIN),
    ("YT", "Công đoàn ngành Y tế", 0.05, _ADMIN),
    ("VC", "Công đoàn Viên chức", 0.07, _ADMIN),
    ("CT", "Công đoàn ngành Công Thương", 0.03, _INDUSTRY),
    ("XD", "Công đoàn ngành Xây dựng", 0.03, _INDUSTRY),
    ("GT", "Công đoàn ngành Giao thông vận tải", 0.03, _INDUSTRY),
    ("NN", "Công đoàn ngành Nông nghiệp và Phát triển nông thôn", 0.03, _INDUSTRY),
    ("KCN", "Công đoàn các Khu công nghiệp", 0.10, _ZONES),
)
#: Share of a province's CĐCS directly under its federation; the rest not in
#: an industry union is under the district unions.
DIRECT_SHARE = 0.08
DISTRICTS_PER_CLUSTER = 5

_WORKPLACES = {
    Sector.ADMINISTRATIVE: (
        "Trường Mầm non",
        "Trường Tiểu học",
        "Trường Trung học cơ sở",
        "Trường Trung học phổ thông",
        "Bệnh viện Đa khoa",
        "Trung tâm Y tế",
        "Ủy ban nhân dân xã",
        "Chi cục Thuế",
        "Kho bạc Nhà nước",
    ),
    Sector.STATE_ENTERPRISE: (
        "Công ty TNHH MTV Thủy lợi",
        "Công ty TNHH MTV Lâm nghiệp",
        "Công ty TNHH MTV Xổ số kiến thiết",
        "Công ty Cấp thoát nước",
        "Công ty Môi trường đô thị",
    ),
    Sector.NON_STATE_ENTERPRISE: (
        "Công ty Cổ phần Xây dựng",
        "Công ty Cổ phần May",
        "Công ty TNHH Thương mại",
        "Công ty Cổ phần Vận tải",
        "Công ty Cổ phần Chế biến nông sản",
        "Công ty TNHH Cơ khí",
    ),
    Sector.FDI: (
        "Công ty TNHH Điện tử",
        "Công ty TNHH Giày da",
        "Công ty TNHH May mặc",
        "Công ty TNHH Linh kiện",
        "Công ty TNHH Bao bì",
    ),
}
_SCHOOLS = _WORKPLACES[Sector.ADMINISTRATIVE][:4]
_HEALTH = _WORKPLACES[Sector.ADMINISTRATIVE][4:6]


@dataclass(frozen=True)
class NationalProvince:
    """One provincial federation of the national demo."""

    unit_id: str
    code: str
    name: str
    region: str
    cluster_code: str
    upper_unions: int
    grassroots: int


@dataclass
class NationalDemo:
    """What ``make_national_demo`` built; ``units`` is every reporting unit."""

    database: str  # a SQLite file path or a database URL
    packages_dir: Path
    federation_id: str
    plan: domain.Plan
    provinces: list[NationalProvince]
    units: list[DemoUnit]
    clusters: dict[str, str]  # code → id
    sample: list[DemoUnit]  # the units whose packages were written
    files: list[Path]

    def unit(self, code: str) -> DemoUnit:
        return next(u for u in self.units if u.code == code)


def province_shares(total: int) -> list[int]:
    """CĐCS per province (in ``PROVINCES`` order), summing exactly to ``total``.

    Proportional to population × industrial boost, by largest remainder.
    """
    weights = [pop * INDUSTRIAL_BOOST.get(code, 1.0) for code, _n, _c, _r, pop in PROVINCES]
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _federation_name(name: str, city: bool) -> str:
    return f"Liên đoàn Lao động {'thành phố' if city else 'tỉnh'} {name}"


def _place(name: str, city: bool) -> str:
    return f"{'thành phố' if city else 'tỉnh'} {name}"


def _pick(rng: random.Random, weights: _SectorWeights) -> Sector:
    return rng.choices([s for s, _w in weights], [w for _s, w in weights])[0]


class _Builder:
    """Lays out the tree in memory; ``make_national_demo`` writes it."""

    def __init__(self, rng: random.Random, federation_id: str, grassroots: int) -> None:
        self.rng = rng
        self.federation_id = federation_id
        self.grassroots = grassroots
        self.units: list[DemoUnit] = []
        self.provinces: list[NationalProvince] = []
        #: cluster code → (name, leader unit id)
        self.clusters: dict[str, tuple[str, str]] = {}

    def _unit(self, **fields: Any) -> DemoUnit:
        unit = DemoUnit(id=str(uuid.uuid4()), keypair=generate_keypair(), **fields)
        self.units.append(unit)
        return unit

    def build(self) -> None:
        for index, region_name in enumerate(REGIONS):
            self.clusters[f"V{index + 1}"] = (
                f"Cụm thi đua số {index + 1}: {region_name}",
                "",  # leader: the region's first federation, set below
            )
        for (code, name, city, region, population), count in zip(
            PROVINCES, province_shares(self.grassroots), strict=True
        ):
            self._province(code, name, city, region, population, count)

    def _province(
        self, code: str, name: str, city: bool, region: int, population: int, grassroots: int
    ) -> None:
        rng = self.rng
        place = _place(name, city)
        regional = f"V{region + 1}"
        federation = self._unit(
            code=f"LD{code}",
            name=_federation_name(name, city),
            kind=UnitKind.UPPER,
            sector=None,
            parent_id=self.federation_id,
            cluster_code=regional,
            members=0,
            workers=0,
        )
        cluster_name, leader = self.clusters[regional]
        if not leader:
            self.clusters[regional] = (cluster_name, federation.id)

        districts = min(30, max(7, round(population / 110)))
        parents: list[tuple[DemoUnit, _SectorWeights, float, tuple[str, ...]]] = []
        cluster_count = math.ceil(districts / DISTRICTS_PER_CLUSTER) + 1
        cluster_codes = [f"{code}-C{k + 1:02d}" for k in range(cluster_count)]
        for number in range(districts):
            cluster = cluster_codes[number // DISTRICTS_PER_CLUSTER]
            unit = self._unit(
                code=f"LD{code}-H{number + 1:02d}",
                name=f"Liên đoàn Lao động quận, huyện số {number + 1}, {place}",
                kind=UnitKind.UPPER,
                sector=None,
                parent_id=federation.id,
                cluster_code=cluster,
                members=0,
                workers=0,
            )
            share = (1 - DIRECT_SHARE - sum(u[2] for u in INDUSTRY_UNIONS)) / districts
            parents.append((unit, _DISTRICT, share, ()))
        industry_cluster = cluster_codes[-1]
        for letter, union_name, share, sectors in INDUSTRY_UNIONS:
            unit = self._unit(
                code=f"LD{code}-{letter}",
                name=f"{union_name} {place}",
                kind=UnitKind.UPPER,
                sector=None,
                parent_id=federation.id,
                cluster_code=industry_cluster,
                members=0,
                workers=0,
            )
            workplaces = {"GD": _SCHOOLS, "YT": _HEALTH}.get(letter, ())
            parents.append((unit, sectors, share, workplaces))
        parents.append((federation, _DIRECT, DIRECT_SHARE, ()))
        for number, cluster in enumerate(cluster_codes):
            head = next(p[0] for p in parents if p[0].cluster_code == cluster)
            label = "các công đoàn ngành" if cluster == industry_cluster else f"số {number + 1}"
            self.clusters[cluster] = (f"Cụm thi đua {label}, {place}", head.id)

        weights = [p[2] for p in parents]
        drawn = rng.choices(parents, weights, k=grassroots)
        for serial, (parent, sectors, _share, workplaces) in enumerate(drawn, start=1):
            sector = _pick(rng, sectors)
            workplace = rng.choice(workplaces or _WORKPLACES[sector])
            if sector is Sector.ADMINISTRATIVE:
                workers = rng.randint(10, 150)
            elif sector is Sector.FDI:
                workers = rng.randint(80, 6000)
            else:
                workers = rng.randint(15, 1500)
            cluster = (
                parent.cluster_code if parent is not federation else rng.choice(cluster_codes[:-1])
            ) + "-CS"
            unit = self._unit(
                code=f"CS{code}-{serial:05d}",
                name=f"Công đoàn cơ sở {workplace} số {serial}",
                kind=UnitKind.GRASSROOTS,
                sector=sector,
                parent_id=parent.id,
                cluster_code=cluster,
                members=int(workers * rng.uniform(0.6, 1.0)),
                workers=workers,
            )
            if cluster not in self.clusters:
                upper_name = self.clusters[cluster[:-3]][0]
                label = upper_name.replace("Cụm thi đua", "Cụm thi đua công đoàn cơ sở", 1)
                self.clusters[cluster] = (label, unit.id)
        self.provinces.append(
            NationalProvince(
                unit_id=federation.id,
                code=federation.code,
                name=federation.name,
                region=REGIONS[region],
                cluster_code=regional,
                upper_unions=len(parents) - 1,
                grassroots=grassroots,
            )
        )


def _chunks(
    rows: Sequence[dict[str, Any]], size: int = 20_000
) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        connection.execute(table.insert(), list(chunk))


def make_national_demo(
    *,
    out_dir: Path,
    grassroots: int = NATIONAL_GRASSROOTS,
    packages: int = NATIONAL_PACKAGES,
    seed: int = 2017,
    streams: tuple[str, ...] = (REGISTRATION_STREAM, "h1", "year"),
    database: str | None = None,
) -> NationalDemo:
    """Build the national federation (see the module docstring).

    ``database``: a URL or file path; default ``out_dir/federation.db``. The
    database must be new (or empty).
    """
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    packages_dir = out_dir / "packages"
    packages_dir.mkdir(exist_ok=True)
    target = database or str(out_dir / "federation.db")
    ctx = open_context(target)
    try:
        with ctx.unit_of_work() as session:
            installation = initialize(session, role=Role.FEDERATION, name=NATIONAL_NAME)
            federation_id = installation.own_unit_id
            create_kept_key(session, passphrase=None)  # throwaway: in its own database
            plan = get_plan(session, DEMO_PLAN)
        builder = _Builder(rng, federation_id, grassroots)
        builder.build()
        units = builder.units
        cluster_ids = {code: str(uuid.uuid4()) for code in builder.clusters}
        now = utc_now_text()
        with ctx.engine.begin() as connection:
            _insert(
                connection,
                models.Unit.__table__,  # type: ignore[arg-type]
                [
                    {
                        "id": u.id,
                        "code": u.code,
                        "name": nfc(u.name),
                        "kind": u.kind,
                        "phone": "024 3942 0000",
                        "email": f"{u.code.lower()}@congdoan.example.vn",
                        "address": "",
                        "chair_name": demo_chair_name(index),
                    }
                    for index, u in enumerate(units)
                ],
            )
            _insert(
                connection,
                models.Cluster.__table__,  # type: ignore[arg-type]
                [
                    {
                        "id": cluster_ids[code],
                        "year": plan.year,
                        "code": code,
                        "name": nfc(name),
                        "leader_unit_id": leader,
                    }
                    for code, (name, leader) in builder.clusters.items()
                ],
            )
            _insert(
                connection,
                models.RosterEntry.__table__,  # type: ignore[arg-type]
                roster_entry_rows(plan.year, federation_id, units, cluster_ids),
            )
            _insert(
                connection,
                models.SigningKey.__table__,  # type: ignore[arg-type]
                accepted_key_rows(units, now),
            )
    finally:
        ctx.close()

    sample, files = _write_sample(rng, plan, federation_id, units, packages, streams, packages_dir)
    return NationalDemo(
        database=target,
        packages_dir=packages_dir,
        federation_id=federation_id,
        plan=plan,
        provinces=builder.provinces,
        units=units,
        clusters=cluster_ids,
        sample=sample,
        files=files,
    )


def _write_sample(
    rng: random.Random,
    plan: domain.Plan,
    federation_id: str,
    units: list[DemoUnit],
    packages: int,
    streams: tuple[str, ...],
    packages_dir: Path,
) -> tuple[list[DemoUnit], list[Path]]:
    if packages <= 0 or not streams:
        return [], []
    wanted = min(len(units), math.ceil(packages / len(streams)))
    sample = rng.sample(units, wanted)
    grades = [g.code for g in plan.grade_levels]
    files: list[Path] = []
    for unit in sample:
        for stream in streams:
            if len(files) == packages:
                break
            values = {
                i.code: random_value(rng, i, unit, stream, grades)
                for i in plan.indicators
                if i.applies_to(unit.kind, unit.sector) and i.kind is not IndicatorKind.TEXT
            }
            unit.values[stream] = values
            files.append(
                write_report(unit, plan, federation_id, stream, values, packages_dir, revision=1)
            )
    return sample, files
