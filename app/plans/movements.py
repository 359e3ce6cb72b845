"""What each kind of a plan's movement is called, which a unit may join; the note on an
indicator that counts the levels once.

A plan launches phong trào thi đua, names cuộc vận động (its section III.4), asks for
short themed campaigns (thi đua ngắn hạn theo đợt, theo chuyên đề, IV.3) and for the
đề tài and sáng kiến units register (IV.3): all are a plan's movements
(:class:`app.core.domain.Movement`, its ``kind``), joined in a unit's registration the
same way; a movement limited to sectors is offered only to units of those sectors.
"""

from __future__ import annotations

from app.core import domain
from app.core.errors import N_
from app.core.i18n import Translate, gettext
from db.enums import MovementKind, Sector

#: How plan show and the plan page say an indicator counts the levels once.
AREA_TOTAL_NOTE = N_(
    "Upper-level unions report their area's total: the units under them are not added again."
)

#: The heading of each kind, in the plan's order of kinds.
KIND_HEADINGS: dict[MovementKind, str] = {
    MovementKind.MOVEMENT: N_("Emulation movements"),
    MovementKind.CAMPAIGN: N_("Campaigns"),
    MovementKind.SHORT_TERM: N_("Short themed campaigns"),
    MovementKind.INITIATIVE: N_("Research topics and initiatives"),
}


def movement_kind_heading(kind: MovementKind, tr: Translate = gettext) -> str:
    return tr(KIND_HEADINGS[kind])


def movements_by_kind(
    plan: domain.Plan, sector: Sector | None = None
) -> list[tuple[MovementKind, list[domain.Movement]]]:
    """The plan's movements offered to a unit of ``sector`` (all when None), by kind."""
    result = []
    for kind in KIND_HEADINGS:
        chosen = [m for m in plan.movements if m.kind is kind and m.offered_to(sector)]
        if chosen:
            result.append((kind, chosen))
    return result
