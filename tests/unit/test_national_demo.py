"""The national demo: 63 provincial federations, a variable-depth tree, a sample of packages."""

from __future__ import annotations

import io
import json
import sqlite3
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core.context import open_context
from app.demo.national import (
    NATIONAL_NAME,
    PROVINCES,
    NationalDemo,
    make_national_demo,
    province_shares,
)
from app.exchange.merge import import_packages
from app.rollup.dashboard import ScopeKind, dashboard, scope_choices
from app.rollup.query import Scope, rollup
from db.enums import UnitKind

GRASSROOTS = 1_500
PACKAGES = 40


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> NationalDemo:
    return make_national_demo(
        out_dir=tmp_path_factory.mktemp("national"),
        grassroots=GRASSROOTS,
        packages=PACKAGES,
        seed=5,
    )


def _rows(demo: NationalDemo, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(demo.database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_shares_follow_population_and_industry_and_sum_exactly() -> None:
    shares = dict(zip((p[1] for p in PROVINCES), province_shares(125_000), strict=True))
    assert len(PROVINCES) == len({p[0] for p in PROVINCES}) == 63
    assert sum(shares.values()) == 125_000
    assert shares["Hồ Chí Minh"] > shares["Hà Nội"] > shares["Thanh Hóa"] > shares["Bắc Kạn"]
    # Bình Dương has fewer people than Thanh Hóa but far more enterprises.
    assert shares["Bình Dương"] > shares["Thanh Hóa"]
    assert min(shares.values()) > 0


def test_roster_is_the_country_under_the_national_federation(national: NationalDemo) -> None:
    kinds = Counter(u.kind for u in national.units)
    assert kinds[UnitKind.GRASSROOTS] == GRASSROOTS
    assert len(national.provinces) == 63
    assert sum(p.grassroots for p in national.provinces) == GRASSROOTS
    assert sum(p.upper_unions for p in national.provinces) + 63 == kinds[UnitKind.UPPER]
    names = {p.name for p in national.provinces}
    assert "Liên đoàn Lao động thành phố Hồ Chí Minh" in names
    assert "Liên đoàn Lao động tỉnh Thừa Thiên Huế" in names
    [(root_name, root_parent)] = _rows(
        national,
        "SELECT u.name, r.parent_id FROM unit u JOIN roster_entry r ON r.unit_id = u.id "
        "WHERE u.kind = 'federation'",
    )
    assert (root_name, root_parent) == (NATIONAL_NAME, None)
    stored = [name for (name,) in _rows(national, "SELECT name FROM unit")]
    assert len(stored) == len(national.units) + 1
    assert all(unicodedata.is_normalized("NFC", str(n)) for n in stored)
    # Provinces are right under the root; every other unit is under a province or below.
    by_id = {u.id: u for u in national.units}
    province_ids = {p.unit_id for p in national.provinces}
    assert all(by_id[p].parent_id == national.federation_id for p in province_ids)
    depths: Counter[int] = Counter()
    for unit in national.units:
        if unit.kind is not UnitKind.GRASSROOTS:
            continue
        assert unit.sector is not None
        depths[1 if unit.parent_id in province_ids else 2] += 1
        assert unit.parent_id in province_ids or by_id[unit.parent_id].parent_id in province_ids
    assert depths[1] > 0 and depths[2] > depths[1]


def test_every_unit_has_a_cluster_and_every_cluster_a_leader(national: NationalDemo) -> None:
    [(without,)] = _rows(
        national,
        "SELECT count(*) FROM roster_entry WHERE cluster_id IS NULL AND parent_id IS NOT NULL",
    )
    assert without == 0
    [(clusters, leaders)] = _rows(national, "SELECT count(*), count(leader_unit_id) FROM cluster")
    assert clusters == leaders == len(national.clusters)
    regional = _rows(
        national,
        "SELECT c.code, count(*) FROM cluster c JOIN roster_entry r ON r.cluster_id = c.id "
        "WHERE c.code LIKE 'V%' GROUP BY c.code",
    )
    assert sum(count for _code, count in regional) == 63
    # A cluster holds one level (the seed's clusters are of upper-level unions), and its
    # leader is one of its members.
    mixed = _rows(
        national,
        "SELECT c.code FROM cluster c JOIN roster_entry r ON r.cluster_id = c.id "
        "JOIN unit u ON u.id = r.unit_id GROUP BY c.code HAVING count(DISTINCT u.kind) > 1",
    )
    assert mixed == []
    outside = _rows(
        national,
        "SELECT c.code FROM cluster c LEFT JOIN roster_entry r"
        " ON r.cluster_id = c.id AND r.unit_id = c.leader_unit_id WHERE r.unit_id IS NULL",
    )
    assert outside == []
    # Every unit has an accepted key.
    [(keys,)] = _rows(
        national,
        "SELECT count(DISTINCT unit_id) FROM signing_key"
        " WHERE status = 'accepted' AND role = 'unit'",
    )
    assert keys == len(national.units)


def test_the_sample_imports_and_rolls_up_per_province(national: NationalDemo) -> None:
    assert len(national.files) == PACKAGES
    assert len(national.sample) == -(-PACKAGES // 3)
    ctx = open_context(national.database)
    try:
        summary = import_packages(ctx, paths=[national.packages_dir], dry_run=False)
        assert summary.counts["new"] == PACKAGES
        province = max(national.provinces, key=lambda p: p.grassroots)
        in_province = {province.unit_id}
        for unit in national.units:  # parents come before their children
            if unit.parent_id in in_province:
                in_province.add(unit.id)
        sent = [u for u in national.sample if u.id in in_province and "registration" in u.values]
        with ctx.reading() as session:
            figures = rollup(
                session,
                plan_id=national.plan.id,
                scope=Scope(root_unit_id=province.unit_id),
                streams=["registration"],
            )
        members = next(r for r in figures if r.indicator.code == "2.1")
        assert members.figures["registration"].reporting_units == len(sent)
        assert members.figures["registration"].numerator == sum(
            u.values["registration"]["2.1"].amount or 0 for u in sent
        )
    finally:
        ctx.close()


def test_cli_national_demo_and_its_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    args = ["--lang", "vi", "demo", "--national", "--units", "300", "--packages", "9"]
    assert main([*args, "--out", str(tmp_path / "n"), "--json"], out) == 0
    report = json.loads(out.getvalue())
    assert report["provinces"] == 63
    assert report["grassroots"] == 300
    assert report["files"] == 9
    assert len(list((tmp_path / "n" / "packages").iterdir())) == 9

    before = (tmp_path / "n" / "federation.db").stat().st_mtime_ns
    assert main([*args, "--out", str(tmp_path / "n")], io.StringIO()) == 1
    assert "đã có" in capsys.readouterr().err
    assert (tmp_path / "n" / "federation.db").stat().st_mtime_ns == before

    refused = ["--lang", "vi", "demo", "--packages", "9", "--out", str(tmp_path / "p")]
    assert main(refused, io.StringIO()) == 1
    assert "--national" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_dashboard_scopes_at_every_level_of_the_national_tree(national: NationalDemo) -> None:
    ctx = open_context(national.database)
    try:
        # The sample in (again: a re-import changes nothing, so test order does not matter).
        import_packages(ctx, paths=[national.packages_dir], dry_run=False)
        with ctx.reading() as session:
            choices = scope_choices(session, year=national.plan.year)
            province = national.provinces[-1]
            board = dashboard(
                session, plan_id=national.plan.id, scope=Scope(root_unit_id=province.unit_id)
            )
    finally:
        ctx.close()
    [country] = [c for c in choices if c.kind is ScopeKind.PROVINCE]
    assert country.units == len(national.units)
    subtrees = {c.id: c.units for c in choices if c.kind is ScopeKind.SUBTREE}
    for each in national.provinces:
        assert subtrees[each.unit_id] == 1 + each.upper_unions + each.grassroots
    clusters = {c.code: c.units for c in choices if c.kind is ScopeKind.CLUSTER}
    assert clusters == Counter(u.cluster_code for u in national.units)
    # Who has not sent, in the province: every stream of every unit but the sample's.
    assert board.units == 1 + province.upper_unions + province.grassroots
    sent = sum(len(u.values) for u in national.sample if u.code.startswith(("LD96", "CS96")))
    assert len(board.missing) == board.units * 3 - sent
    codes = [m.unit.code for m in board.missing if m.stream == "registration"]
    assert codes[0] == "CS96-00001" and codes == sorted(codes, key=lambda c: (c[:2], c[5:]))
