"""What the first screen shows before the core has loaded: the role, the own unit and the
plans with the one to show (issue #20).

:func:`first_look` reads them with the standard library only (:mod:`db.peek`), so the
window can show the plan right after its first paint while the task runner imports
SQLAlchemy and opens the database. The plan it picks is the one the core shows next:
the federation's workspace shows the newest plan, a unit's the plan its chair chose if
it is still there, else the newest (``app.unit.working_plan_id``);
``tests/unit/test_peek.py`` checks both against the core. ``None`` means no first
look (a shared database, a missing, older, newer, locked or damaged file, no
installation or no plan): the caller waits for the core, which says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.location import is_server
from db.enums import Role
from db.peek import PeekedPlan, peek_database


@dataclass(frozen=True)
class FirstLook:
    role: Role
    own_unit_name: str
    #: Newest year first, as every plan chooser lists them.
    plans: tuple[PeekedPlan, ...]
    #: The plan the core will show (one of ``plans``).
    plan: PeekedPlan


def first_look(location: str) -> FirstLook | None:
    """The first screen's facts of the database at ``location`` (a file path or a
    server's URL), or ``None`` (see the module docstring)."""
    if not location or is_server(location):
        return None
    peek = peek_database(Path(location))
    if peek is None or not peek.plans:
        return None
    role = Role(peek.role)
    by_id = {plan.id: plan for plan in peek.plans}
    chosen = by_id.get(peek.chosen_plan_id or "") if role is Role.UNIT else None
    return FirstLook(
        role=role,
        own_unit_name=peek.own_unit_name,
        plans=peek.plans,
        plan=chosen or peek.plans[0],
    )


def plan_label(plan: PeekedPlan) -> str:
    """A plan as the plan choosers list it."""
    return f"{plan.year} — {plan.title}"
