"""What roster rows can get wrong together: upper levels, loops, leaders, twin codes,
clusters mixing levels.

Checked against the other rows and the units already in the year's roster,
before anything is written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.core.errors import N_
from app.roster.columns import cluster_key
from app.roster.rows import RosterRow, RowError
from db import models
from db.enums import UnitKind


def relation_errors(session: Session, rows: list[RosterRow], year: int) -> list[RowError]:
    """What rows are wrong in relation to others: upper levels, loops, leaders."""
    errors: list[RowError] = []
    by_code = {r.code: r for r in rows}
    known_parents = {
        code: kind
        for code, kind in session.execute(
            select(models.Unit.code, models.Unit.kind)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .where(models.RosterEntry.year == year, models.Unit.code.is_not(None))
        )
    }
    for row in rows:
        if row.parent is None:
            continue
        parent_row = by_code.get(row.parent)
        if parent_row is None and row.parent not in known_parents:
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("no unit with code {code} in the roster"),
                    (("code", row.parent),),
                )
            )
        elif (
            parent_row.kind if parent_row is not None else known_parents[row.parent]
        ) is UnitKind.GRASSROOTS:
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("the upper level {code} is a grassroots union"),
                    (("code", row.parent),),
                )
            )
    errors.extend(_cycles(rows, _roster_parents(session, year)))
    errors.extend(_double_leaders(rows))
    errors.extend(_case_twins(session, rows))
    errors.extend(_mixed_clusters(session, rows, year))
    return errors


def _case_twins(session: Session, rows: list[RosterRow]) -> list[RowError]:
    """Codes that differ from another unit's only in upper and lower case
    ("cs-00009" beside "CS-00009"): two units nobody could tell apart."""
    known: dict[str, str] = {}
    for code in session.scalars(select(models.Unit.code).where(models.Unit.code.is_not(None))):
        if code:
            known.setdefault(code.casefold(), code)
    errors = []
    for row in rows:
        twin = known.get(row.code.casefold())
        if twin is not None and twin != row.code:
            errors.append(
                RowError(
                    row.row,
                    "code",
                    N_("code {code} differs from unit code {other} only in letter case"),
                    (("code", row.code), ("other", twin)),
                )
            )
        else:
            known[row.code.casefold()] = row.code
    return errors


def _roster_parents(session: Session, year: int) -> dict[str, str | None]:
    """Code → upper level's code of every unit in the ``year`` roster (None at the top)."""
    parent = aliased(models.Unit)
    return {
        code: parent_code
        for code, parent_code in session.execute(
            select(models.Unit.code, parent.code)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .outerjoin(parent, parent.id == models.RosterEntry.parent_id)
            .where(models.RosterEntry.year == year, models.Unit.code.is_not(None))
        )
        if code is not None
    }


def _cycles(rows: list[RosterRow], known: dict[str, str | None]) -> list[RowError]:
    """Rows whose chain of upper levels comes back to a unit already on it.

    The chain follows the workbook's rows first and, for a unit the
    workbook does not list, the upper level the roster already records —
    so a loop closed through units already in the database is found too.
    """
    parents: dict[str, str | None] = dict(known)
    parents.update({r.code: r.parent for r in rows})
    # Each unit is walked once (a 4,000-row chain took minutes when every row walked
    # its whole chain again): what a chain leads to — nothing, or a loop — is kept.
    leads_to: dict[str, tuple[str, ...] | None] = {}
    for row in rows:
        path: list[str] = []
        position: dict[str, int] = {}
        current: str | None = row.code
        while True:
            if current is None or current not in parents:
                found: tuple[str, ...] | None = None
                break
            if current in leads_to:
                found = leads_to[current]
                break
            if current in position:
                found = (*path[position[current] :], current)
                break
            position[current] = len(path)
            path.append(current)
            current = parents[current]
        for code in path:
            leads_to[code] = found
    errors = []
    for row in rows:
        loop = leads_to.get(row.code)
        if loop is not None:
            shown = loop if len(loop) <= 12 else (*loop[:10], "…", loop[-1])
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("the upper levels form a loop: {chain}"),
                    (("chain", " → ".join(shown)),),
                )
            )
    return errors


def _double_leaders(rows: list[RosterRow]) -> list[RowError]:
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        if not row.leader or not row.cluster:
            continue
        if cluster_key(row.cluster) in first:
            errors.append(
                RowError(
                    row.row,
                    "leader",
                    N_("cluster {cluster} already has its leader on row {other}"),
                    (("cluster", row.cluster), ("other", first[cluster_key(row.cluster)])),
                )
            )
        else:
            first[cluster_key(row.cluster)] = row.row
    return errors


#: A cluster groups units of one level (the seed's clusters are of upper-level unions).
_JOINS_OTHER_LEVEL = {
    UnitKind.UPPER: N_(
        "cluster {cluster} groups upper-level unions: a grassroots union cannot join it"
    ),
    UnitKind.GRASSROOTS: N_(
        "cluster {cluster} groups grassroots unions: an upper-level union cannot join it"
    ),
}


def _mixed_clusters(session: Session, rows: list[RosterRow], year: int) -> list[RowError]:
    """Rows that would put upper-level unions and grassroots unions in one cluster.

    A cluster's level is its members' outside these rows, else its first row's.
    """
    moving = {row.code for row in rows}
    levels: dict[str, UnitKind] = {}
    for code, kind, cluster in session.execute(
        select(models.Unit.code, models.Unit.kind, models.Cluster.code)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .join(models.Cluster, models.Cluster.id == models.RosterEntry.cluster_id)
        .where(models.RosterEntry.year == year)
    ):
        if code not in moving and kind in _JOINS_OTHER_LEVEL:
            levels.setdefault(cluster_key(cluster), kind)
    errors: list[RowError] = []
    for row in rows:
        if not row.cluster or row.kind not in _JOINS_OTHER_LEVEL:
            continue
        level = levels.setdefault(cluster_key(row.cluster), row.kind)
        if row.kind is not level:
            errors.append(
                RowError(row.row, "cluster", _JOINS_OTHER_LEVEL[level], (("cluster", row.cluster),))
            )
    return errors
