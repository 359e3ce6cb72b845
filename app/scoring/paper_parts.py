"""What the scoring documents say on paper besides their tables: on what scale the
scores are, each award with the level that issues it, who signs a ranking and to whom
it goes (Nghị định 30/2020: every document ends with its signature and Nơi nhận)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core import domain
from app.scoring.engine import UnitScore
from app.scoring.scale import ScoreScale, score_scale

TIE_RULE = (
    "các đơn vị bằng điểm được xếp theo số chỉ tiêu hoàn thành, rồi điểm thưởng; bằng nhau "
    "cả các tiêu chí này thì đồng hạng"
)


def scale_note(scores: Sequence[UnitScore], *, normalised: bool) -> str:
    """The sentence saying on what scale the scores shown are, true of those shown:
    a score above 100 is never called "thang 100" without its bonus points."""
    scale = score_scale((s.score for s in scores), normalised=normalised)
    return f"{_SCALE_WORDS[scale]}; {TIE_RULE}."


_SCALE_WORDS = {
    ScoreScale.WEIGHTED: "Điểm là tổng điểm có trọng số theo quy tắc chấm điểm của Liên đoàn",
    ScoreScale.HUNDRED_WITH_BONUS: (
        "Điểm là điểm quy đổi thang 100 theo quy tắc chấm điểm của Liên đoàn, cộng điểm "
        "thưởng cho các chỉ tiêu vượt mức, nên có đơn vị trên 100 điểm"
    ),
    ScoreScale.HUNDRED: "Điểm là điểm quy đổi thang 100 theo quy tắc chấm điểm của Liên đoàn",
}


def award_with_level(plan: domain.Plan, label: str, federation: str) -> str:
    """An award as a decision names it, with the level that issues it: the plan's own
    wording when it names one ("Cờ thi đua của LĐLĐ tỉnh Tuyên Quang"), else the award
    of the federation that proposes it ("Bằng khen của LĐLĐ tỉnh Tuyên Quang")."""
    if not label or " của " in label:
        return label
    own_level = [a for a in plan.awards if a.label.startswith(label) and "tỉnh" in a.level]
    if own_level:
        return own_level[0].label
    return f"{label} của {federation}" if federation else label


def ranking_signer(*, cluster: bool, directly_under_federation: bool) -> tuple[str, str]:
    """(authority, title) of a ranking: a cluster's leader signs for the cluster, an
    upper-level union's executive for its units, the federation's standing committee
    for the units directly under it."""
    if cluster:
        return "TM. CỤM THI ĐUA", "CỤM TRƯỞNG"
    if directly_under_federation:
        return "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"
    return "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"


def ranking_recipients(federation: str, *, cluster: bool) -> list[tuple[str, str]]:
    """Nơi nhận of a ranking: the federation, the units ranked, the file."""
    units = "Các đơn vị thành viên cụm;" if cluster else "Các công đoàn cơ sở trực thuộc;"
    return [(f"Ban Thường vụ {federation};", "(b/c)"), (units, "(t/h)"), ("Lưu: VT.", "")]
