"""The ranking as an office files it: signed for whoever ranks (the cluster's leader, an
upper-level union, the federation's standing committee), with Nơi nhận, and the scores'
scale said truly (a score above 100 comes with its bonus points). Read back with
pdftotext."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.context import AppContext
from app.scoring.documents import print_ranking
from tests.unit.printing.pdf_reading import layout_text
from tests.unit.scoring.cluster import PLAN


@pytest.mark.parametrize(
    ("scope", "authority", "title", "units"),
    [
        ({"cluster": "Cụm A"}, "TM. CỤM THI ĐUA", "CỤM TRƯỞNG", "Các đơn vị thành viên cụm;"),
        ({"upper": ""}, "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Các công đoàn cơ sở trực thuộc;"),
    ],
)
def test_a_ranking_is_signed_with_nơi_nhận(
    cluster: AppContext,
    tmp_path: Path,
    scope: dict[str, str],
    authority: str,
    title: str,
    units: str,
) -> None:
    path = print_ranking(cluster, plan_id=PLAN, out=tmp_path / "bxh.pdf", **scope)
    text = layout_text(path)
    assert "BẢNG XẾP HẠNG THI ĐUA" in text
    assert "Nơi nhận:" in text and units in text and "- Lưu: VT." in text
    assert authority in text and title in text
    assert text.index("Nơi nhận:") > text.index("./.")
    assert "Bảng xếp hạng gồm" in text


def test_a_score_above_100_is_shown_with_its_bonus(cluster: AppContext, tmp_path: Path) -> None:
    text = layout_text(print_ranking(cluster, plan_id=PLAN, out=tmp_path / "bxh.pdf"))
    assert "103,33" in text
    assert "cộng điểm thưởng cho các chỉ tiêu vượt mức, nên có đơn vị trên 100 điểm" in text
