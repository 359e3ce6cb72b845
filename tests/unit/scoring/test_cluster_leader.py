"""The cluster leader (unit mode) reads its members' packages, read only.

The cluster, its rules and hand-computed scores are described in ``cluster.py``; the
``cluster`` fixture of this folder's conftest builds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.errors import InputError
from app.scoring.sources import scoreboard
from db import models
from db.enums import UnitKind
from tests.unit.scoring.cluster import (
    ADMIN,
    PLAN,
    run_cli,
    write_enrolment,
)

# --- the cluster leader (unit mode) -------------------------------------------------------------


def test_cluster_leader_reads_members_packages_read_only(tmp_path: Path) -> None:
    from app.core.context import open_context
    from app.demo.province import make_demo
    from app.exchange.merge import import_packages
    from app.exchange.signing import fingerprint_groups
    from app.scoring.cluster_leader import (
        import_member_packages,
        list_members,
        print_member_covenant,
        trust_member,
    )
    from app.setup.first_run import initialize
    from db.enums import Role

    demo = make_demo(out_dir=tmp_path / "province", units=12, seed=8)
    members = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS][:3]
    enrolments = tmp_path / "enrolments"
    enrolments.mkdir()
    leader = open_context(tmp_path / "leader.db")
    with leader.unit_of_work() as session:
        initialize(session, role=Role.UNIT, name="Công đoàn cụm trưởng", code="LEAD", sector=ADMIN)
    paths = {m.code: write_enrolment(m, demo.federation_id, enrolments) for m in members}

    # A typed fingerprint that does not match stores nothing.
    with pytest.raises(InputError, match="does not match"):
        trust_member(
            leader,
            path=paths[members[0].code],
            fingerprint=fingerprint_groups(members[1].keypair.public_raw),
            kind=UnitKind.GRASSROOTS,
            sector=members[0].sector,
        )
    assert list_members(leader) == []
    for member in members:
        trust_member(
            leader,
            path=paths[member.code],
            fingerprint=fingerprint_groups(member.keypair.public_raw),
            kind=member.kind,
            sector=member.sector,
        )
    results = import_member_packages(leader, paths=[demo.packages_dir])
    outcomes = {(r.unit_code, r.stream): r.outcome for r in results if r.outcome == "new"}
    assert outcomes == {(m.code, s): "new" for m in members for s in ("registration", "h1", "year")}
    rejected = [r for r in results if r.outcome == "rejected"]
    assert len(rejected) == len(demo.files) - 9  # every other unit's key is unknown here
    assert "has not confirmed" in rejected[0].reason_text()
    again = import_member_packages(leader, paths=[demo.packages_dir])
    assert {r.outcome for r in again if r.unit_code} == {"duplicate"}
    with leader.reading() as session:
        assert session.scalar(select(models.Statement.id).limit(1)) is None  # read-only

    # The leader's ranking scores the members exactly as the federation will.
    board = scoreboard(leader, plan_id=PLAN)
    assert board.source == "cluster_leader"
    assert {s.unit.code for s in board.scores} == {"LEAD", *(m.code for m in members)}
    federation = open_context(demo.database)
    import_packages(federation, paths=[demo.packages_dir], dry_run=False)
    at_federation = scoreboard(federation, plan_id=PLAN)
    for member in members:
        assert board.by_code(member.code).exact == at_federation.by_code(member.code).exact
    federation.close()
    ranking = board.by_cluster["cluster"]
    assert ranking[-1].code == "LEAD" and ranking[-1].rank is None  # the leader has no report

    # The same from the command line.
    listed = run_cli(tmp_path / "leader.db", "members", "list", "--json")
    assert [m["code"] for m in listed] == [m.code for m in members]
    assert all(m["streams"] == ["h1", "registration", "year"] for m in listed)
    ranked = run_cli(tmp_path / "leader.db", "rank", "--json")
    assert {u["code"] for u in ranked["rankings"][0]["units"]} == {
        "LEAD",
        *(m.code for m in members),
    }

    pdf = print_member_covenant(leader, plan_id=PLAN, out=tmp_path / "covenant.pdf")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "GIAO ƯỚC THI ĐUA" in text
    for member in members:
        assert member.name.upper() in text.replace("\r\n", " ").upper()
    leader.close()
