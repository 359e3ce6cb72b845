"""The results report as an office files it: its narrative sections (đánh giá chung,
tồn tại, phương hướng) from the statement, the closing "./." before the signature, and
Nơi nhận. Read back with pdftotext from a federation's real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.printing import print_results_report
from app.statements.records import StatementInput, save_statement
from db import models
from tests.helpers import federation_with_roster_only
from tests.unit.printing.pdf_reading import PLAN, layout_text

NARRATIVE = domain.Narrative(
    assessment="Đơn vị hoàn thành vượt mức phần lớn các chỉ tiêu đã đăng ký.",
    shortcomings="Công tác phát triển đoàn viên ở khối doanh nghiệp còn chậm.",
    direction="Tập trung phát triển đoàn viên trong quý IV.",
)


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[AppContext]:
    """A federation with its roster whose plan packages are not written yet."""
    ctx = federation_with_roster_only(tmp_path / "fed.db", tmp_path)
    yield ctx
    ctx.close()


def test_the_results_report_holds_its_narrative_and_ends_with_its_closing(
    fed: AppContext, tmp_path: Path
) -> None:
    with fed.unit_of_work() as session:
        unit_id = session.scalars(select(models.Unit.id).where(models.Unit.code == "CS-0001")).one()
        save_statement(
            session,
            StatementInput(
                plan_id=PLAN,
                unit_id=unit_id,
                stream="year",
                values={"2.1": domain.UnitValue(amount=30)},
                signer_name="Nguyễn Văn A",
                signer_title="Chủ tịch",
                signed_on=dt.date(2017, 12, 15),
                place="Tuyên Quang",
                narrative=NARRATIVE,
            ),
        )
    path = print_results_report(
        fed, plan_id=PLAN, unit="CS-0001", period="year", out=tmp_path / "bc.pdf"
    )
    text = layout_text(path)
    headings = [
        "ĐÁNH GIÁ CHUNG",
        "TỒN TẠI, HẠN CHẾ",
        "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for words in (NARRATIVE.assessment, NARRATIVE.shortcomings, NARRATIVE.direction):
        assert words in text
    closing = text.index("./.")
    assert closing > positions[-1]
    assert text.index("Nơi nhận:") > closing and text.index("TM. BAN CHẤP HÀNH") > closing
    assert "Số: …/BC-CĐCS" in text
