"""Movements limited to a sector (LĐG-HCSN only for administrative units, LĐG-DN only
for enterprises) are offered to, saved for and printed for the right units only; the
seed's titles and texts as it writes them."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest

from app.cli.program import main
from app.core.context import AppContext
from app.core.errors import InputError
from app.core.i18n import set_language
from app.plans import get_plan, movements_by_kind, plan_document
from app.plans.builtin import load_builtin_document
from app.plans.document import install_plan_document
from app.unit import StatementDetails, load_workspace, set_details
from db.enums import REGISTRATION_STREAM, MovementKind, Sector, UnitKind
from tests.helpers import PLAN, unit_database


@pytest.fixture
def enterprise(tmp_path: Path) -> AppContext:
    return unit_database(
        tmp_path / "u.db",
        name="Công đoàn Công ty Xi măng",
        code="CS-00001",
        kind=UnitKind.GRASSROOTS,
        sector=Sector.STATE_ENTERPRISE,
    )


def test_the_plan_limits_each_labour_movement_to_its_sector(enterprise: AppContext) -> None:
    with enterprise.reading() as session:
        plan = get_plan(session, PLAN)
    movements = {m.code: m for m in plan.movements}
    assert movements["LDG-HCSN"].offered_to(Sector.ADMINISTRATIVE)
    assert not movements["LDG-HCSN"].offered_to(Sector.STATE_ENTERPRISE)
    assert not movements["LDG-DN"].offered_to(Sector.ADMINISTRATIVE)
    assert movements["NTM"].offered_to(Sector.STATE_ENTERPRISE)
    assert movements["NTM"].offered_to(Sector.ADMINISTRATIVE)
    assert movements["LDG-HCSN"].offered_to(None)  # an upper-level union: its whole area


def test_an_enterprise_cannot_join_the_administrative_units_movement(
    enterprise: AppContext,
) -> None:
    before = load_workspace(enterprise, plan_id=PLAN).details.get(REGISTRATION_STREAM)
    with pytest.raises(InputError) as raised:
        set_details(
            enterprise,
            plan_id=PLAN,
            stream=REGISTRATION_STREAM,
            details=StatementDetails(movements=("LDG-DN", "LDG-HCSN")),
        )
    assert "Trung thành, sáng tạo, tận tụy, gương mẫu" in raised.value.translated()
    set_language("vi")
    assert "không dành cho đơn vị thuộc khối này" in raised.value.translated()
    after = load_workspace(enterprise, plan_id=PLAN).details.get(REGISTRATION_STREAM)
    assert after == before  # nothing saved
    set_details(
        enterprise,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        details=StatementDetails(movements=("LDG-DN", "NTM")),
    )
    saved = load_workspace(enterprise, plan_id=PLAN).details[REGISTRATION_STREAM]
    assert saved.movements == ("LDG-DN", "NTM")


def test_a_statement_file_joining_another_sectors_movement_is_refused(
    enterprise: AppContext, tmp_path: Path
) -> None:
    """The unit's own statement file (``fill_from_json``) is checked as the screen is."""
    import json

    from app.exchange.bodies import statement_to_json
    from app.statements import StatementInput
    from app.unit import fill_from_json

    before = load_workspace(enterprise, plan_id=PLAN).details.get(REGISTRATION_STREAM)
    path = tmp_path / "registration.json"
    statement = statement_to_json(
        StatementInput(
            plan_id=PLAN,
            unit_id="u",
            stream=REGISTRATION_STREAM,
            values={},
            movement_codes=("LDG-HCSN",),
        )
    )
    document = {"plan": PLAN, "stream": REGISTRATION_STREAM, "statement": statement}
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        fill_from_json(enterprise, path=path)
    assert "Trung thành, sáng tạo, tận tụy, gương mẫu" in raised.value.translated()
    assert load_workspace(enterprise, plan_id=PLAN).details.get(REGISTRATION_STREAM) == before


def test_titles_and_texts_as_the_seed_writes_them(enterprise: AppContext) -> None:
    with enterprise.reading() as session:
        plan = get_plan(session, PLAN)
    titles = {i.code: i.title for i in plan.indicators}
    assert "giữa chủ doanh nghiệp với người lao động" in titles["9a.3"]
    assert "người sử dụng lao động" not in titles["9a.3"]
    assert "Đại hội CĐCS nhiệm kỳ 2017-2022" in titles["8"]
    assert "Đại hội Công đoàn cấp trên trực tiếp cơ sở nhiệm kỳ 2018-2023" in titles["8"]
    ntm = next(m for m in plan.movements if m.code == "NTM")
    # The campaign is part of the movement, as section III.3 says; it is not its goal.
    assert ntm.goal == ""
    assert "Tuyên Quang chung sức xây dựng nông thôn mới" in ntm.name
    assert "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh" in ntm.name


def test_campaigns_and_initiatives_are_carried_by_the_plan(enterprise: AppContext) -> None:
    with enterprise.reading() as session:
        plan = get_plan(session, PLAN)
    kinds = {m.code: m.kind for m in plan.movements}
    assert kinds["LDG-DN"] is MovementKind.MOVEMENT
    assert kinds["TKCL"] is MovementKind.CAMPAIGN  # III.4
    assert kinds["NGAN-HAN"] is MovementKind.SHORT_TERM  # IV.3
    assert kinds["SANG-KIEN"] is MovementKind.INITIATIVE  # IV.3
    # written back, the kinds come back; a plain movement is written as before
    document = plan_document(plan)
    written = {m["code"]: m for m in document["movements"]}
    assert written["SANG-KIEN"]["kind"] == "initiative"
    assert "kind" not in written["LDG-DN"]
    grouped = dict(movements_by_kind(plan, Sector.STATE_ENTERPRISE))
    assert [m.code for m in grouped[MovementKind.INITIATIVE]] == ["SANG-KIEN"]
    assert "LDG-HCSN" not in [m.code for m in grouped[MovementKind.MOVEMENT]]


def test_an_old_plan_without_kinds_loads_and_a_bad_kind_is_refused(
    enterprise: AppContext,
) -> None:
    document = copy.deepcopy(load_builtin_document(PLAN))
    document["id"] = "old-2017"
    for movement in document["movements"]:
        movement.pop("kind", None)
    with enterprise.unit_of_work() as session:
        install_plan_document(session, document)
    with enterprise.reading() as session:
        plan = get_plan(session, "old-2017")
    assert {m.kind for m in plan.movements} == {MovementKind.MOVEMENT}
    document["id"] = "bad-2017"
    document["movements"][0]["kind"] = "party"
    with pytest.raises(InputError, match=r"movements\.kind"), enterprise.unit_of_work() as session:
        install_plan_document(session, document)


def test_a_unit_registers_an_initiative_and_plan_show_lists_each_kind(
    enterprise: AppContext, tmp_path: Path
) -> None:
    set_details(
        enterprise,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        details=StatementDetails(movements=("LDG-DN", "TKCL", "SANG-KIEN")),
    )
    saved = load_workspace(enterprise, plan_id=PLAN).details[REGISTRATION_STREAM]
    assert set(saved.movements) == {"LDG-DN", "TKCL", "SANG-KIEN"}
    out = io.StringIO()
    database = str(tmp_path / "u.db")
    assert main(["--db", database, "--lang", "vi", "plan", "show", PLAN], out=out) == 0
    text = out.getvalue()
    headings = [
        "Phong trào thi đua:",
        "Cuộc vận động:",
        "Thi đua ngắn hạn theo đợt, theo chuyên đề:",
        "Đề tài nghiên cứu khoa học, sáng kiến:",
    ]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    assert "SANG-KIEN" in text.split(headings[3])[1]
