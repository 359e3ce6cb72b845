"""Movements limited to a sector (LĐG-HCSN only for administrative units, LĐG-DN only
for enterprises) are offered to, saved for and printed for the right units only; the
seed's titles and texts as it writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.context import AppContext
from app.core.errors import InputError
from app.core.i18n import set_language
from app.plans import get_plan
from app.unit import StatementDetails, load_workspace, set_details
from db.enums import REGISTRATION_STREAM, Sector, UnitKind
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
