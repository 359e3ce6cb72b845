"""Qt item models of the scoring screen, over frozen scoring values with named columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from app.core.i18n import gettext as _
from app.core.text import natural_key
from app.scoring import (
    IndicatorScore,
    Placing,
    ProposalInfo,
    Scoreboard,
    Status,
    UnitScore,
    number_text,
    percent_text,
    score_text,
)

from ui.widgets.tables import ModelIndex, RowTableModel

#: Role giving the value a column sorts by (numbers as numbers, not text).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_GREY = QBrush(QColor("#808080"))
_WARN = QBrush(QColor("#b00020"))


@dataclass(frozen=True)
class ScoreRow:
    """One unit as the table shows it, within the chosen ranking."""

    score: UnitScore
    placing: Placing | None
    grade_label: str
    suggestion: str
    proposal: ProposalInfo | None
    proposal_text: str
    changed_since_proposed: bool
    flags: tuple[str, ...]
    #: Orders the rows before their rank: the place of the unit's cluster in the natural
    #: order of their names (no cluster last) when every unit is listed with its place in
    #: its cluster; 0 within one ranking.
    rank_group: int = 0


def score_rows(board: Scoreboard, placings: list[Placing] | None) -> list[ScoreRow]:
    """Rows in ranking order (``placings``), or every unit by code with its cluster place."""
    rules_hash = board.rules.content_hash

    def row(score: UnitScore, placing: Placing | None, group: int = 0) -> ScoreRow:
        proposal = board.proposals.get(score.unit.id)
        suggestion = board.suggestion(score.unit.id)
        what: list[str] = []
        if proposal is not None:
            if proposal.award_label:
                what.append(proposal.award_label)
            if proposal.grade:
                what.append(board.grade_label(proposal.grade))
        changed = proposal is not None and (
            proposal.rules_hash != rules_hash or proposal.score != score_text(score.score)
        )
        return ScoreRow(
            score=score,
            placing=placing,
            grade_label=board.grade_label(score.grade),
            suggestion=suggestion.label if suggestion else "",
            proposal=proposal,
            proposal_text=", ".join(what),
            changed_since_proposed=changed,
            flags=tuple(sorted(board.flags.get(score.unit.id, {}))),
            rank_group=group,
        )

    if placings is None:
        names = sorted(
            {s.unit.cluster_name or "" for s in board.scores},
            key=lambda name: (not name, natural_key(name)),
        )
        group = {name: n for n, name in enumerate(names)}
        return [
            row(s, board.cluster_placing(s.unit.id), group[s.unit.cluster_name or ""])
            for s in board.scores
        ]
    return [row(board.score_of(p.unit_id), p) for p in placings]


class ScoreColumn(IntEnum):
    RANK = 0
    CODE = 1
    NAME = 2
    CLUSTER = 3
    SCORE = 4
    ATTAINED = 5
    GRADE = 6
    VETO = 7
    SUGGESTED = 8
    PROPOSED = 9

    def header(self) -> str:
        return {
            ScoreColumn.RANK: _("Rank"),
            ScoreColumn.CODE: _("Code"),
            ScoreColumn.NAME: _("Unit"),
            ScoreColumn.CLUSTER: _("Cluster"),
            ScoreColumn.SCORE: _("Score"),
            ScoreColumn.ATTAINED: _("Attained"),
            ScoreColumn.GRADE: _("Grade"),
            ScoreColumn.VETO: _("Veto"),
            ScoreColumn.SUGGESTED: _("Suggested"),
            ScoreColumn.PROPOSED: _("Proposed"),
        }[self]


class ScoreTableModel(RowTableModel[ScoreRow]):
    """The units of one ranking (or all units), read-only.

    It sorts itself (:meth:`sort`, which :class:`ui.scoring.board_view.ScoreFilter`
    hands on): one key per row, then Python's sort. A sorting proxy asked ``data`` twice
    per comparison, some four million calls for the country's 126,358 units, with the
    window frozen for tens of seconds. Like the proxy's, the sort is stable over the
    order the rows were given in (a ranking's ties stay listed by code).
    """

    columns = ScoreColumn

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._given: list[ScoreRow] = []
        self._position: list[int] = []  # row shown → its place in ``_given``
        self._order: tuple[ScoreColumn, Qt.SortOrder] | None = None

    def set_rows(self, rows: Iterable[ScoreRow]) -> None:
        self._given = list(rows)
        self._position = self._sorted_positions()
        super().set_rows([self._given[n] for n in self._position])

    def sort_order(self) -> tuple[ScoreColumn, Qt.SortOrder] | None:
        """The column and order the rows are sorted by (None: as given)."""
        return self._order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = (ScoreColumn(column), order) if column >= 0 else None
        self.layoutAboutToBeChanged.emit()
        positions = self._sorted_positions()
        shown_at = [0] * len(positions)
        for row, given in enumerate(positions):
            shown_at[given] = row
        before = self.persistentIndexList()
        self.changePersistentIndexList(
            before,
            [self.index(shown_at[self._position[i.row()]], i.column()) for i in before],
        )
        self._position = positions
        self._rows = [self._given[n] for n in positions]
        self.layoutChanged.emit()

    def _sorted_positions(self) -> list[int]:
        given = self._given
        if self._order is None:
            return list(range(len(given)))
        column, order = self._order
        keys = [self._sort_value(row, column) for row in given]
        return sorted(
            range(len(given)),
            key=keys.__getitem__,
            reverse=order is Qt.SortOrder.DescendingOrder,
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # A figure's first click on its header sorts it best first (it listed the worst
        # units first); a second click turns it round, as for any column.
        if (
            role == Qt.ItemDataRole.InitialSortOrderRole
            and orientation is Qt.Orientation.Horizontal
            and section in (ScoreColumn.SCORE, ScoreColumn.ATTAINED)
        ):
            return Qt.SortOrder.DescendingOrder
        return super().headerData(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = ScoreColumn(index.column())
        score = row.score
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            ScoreColumn.RANK,
            ScoreColumn.SCORE,
            ScoreColumn.ATTAINED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is ScoreColumn.VETO and score.vetoes:
                return _WARN
            if column is ScoreColumn.PROPOSED and row.changed_since_proposed:
                return _WARN
            if not score.eligible:
                return _GREY
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is ScoreColumn.RANK and row.placing is not None:
                return row.placing.explain()
            if column is ScoreColumn.PROPOSED and row.changed_since_proposed and row.proposal:
                return _(
                    "Proposed with {score} points; the score or the rules changed since."
                ).format(score=row.proposal.score or "—")
            if column is ScoreColumn.VETO and score.vetoes:
                return "\n".join(v.label for v in score.vetoes)
        return None

    def _text(self, row: ScoreRow, column: ScoreColumn) -> str:
        score = row.score
        if column is ScoreColumn.RANK:
            if row.placing is None or row.placing.rank is None:
                return "—"
            return f"{row.placing.rank}=" if row.placing.shared_with else str(row.placing.rank)
        if column is ScoreColumn.CODE:
            return score.unit.code
        if column is ScoreColumn.NAME:
            return score.unit.name
        if column is ScoreColumn.CLUSTER:
            return score.unit.cluster_name
        if column is ScoreColumn.SCORE:
            return score_text(score.score)
        if column is ScoreColumn.ATTAINED:
            return f"{score.attained_count}/{score.counted_count}"
        if column is ScoreColumn.GRADE:
            return row.grade_label
        if column is ScoreColumn.VETO:
            labels = [v.label for v in score.vetoes]
            return "; ".join(labels)
        if column is ScoreColumn.SUGGESTED:
            return row.suggestion
        mark = " ⚠" if row.changed_since_proposed else ""
        return row.proposal_text + mark

    def _sort_value(self, row: ScoreRow, column: ScoreColumn) -> Any:
        score = row.score
        if column is ScoreColumn.RANK:  # every unit: cluster by cluster, each by its rank
            rank = row.placing.rank if row.placing is not None else None
            # One int, not a tuple: sorting the country's 126,358 units by a tuple of the
            # cluster's natural key and the rank took 0.28 s of CPU, by this 0.05 s.
            return row.rank_group * (10**9 + 1) + (rank if rank is not None else 10**9)
        if column is ScoreColumn.SCORE:
            return float(score.score) if score.score is not None else -1.0
        if column is ScoreColumn.ATTAINED:
            return score.attained_count
        return self._text(row, column).casefold()


class WhyColumn(IntEnum):
    CODE = 0
    INDICATOR = 1
    REGISTERED = 2
    ACHIEVED = 3
    ATTAINMENT = 4
    POINTS = 5
    WHY = 6

    def header(self) -> str:
        return {
            WhyColumn.CODE: _("Code"),
            WhyColumn.INDICATOR: _("Indicator"),
            WhyColumn.REGISTERED: _("Registered"),
            WhyColumn.ACHIEVED: _("Achieved"),
            WhyColumn.ATTAINMENT: _("Of registered"),
            WhyColumn.POINTS: _("Points"),
            WhyColumn.WHY: _("Why"),
        }[self]


class WhyModel(RowTableModel[IndicatorScore]):
    """One unit's indicators: values, attainment, points and the arithmetic behind them."""

    columns = WhyColumn

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def set_score(self, score: UnitScore | None) -> None:
        self.beginResetModel()
        self._rows = list(score.indicators) if score is not None else []
        self.endResetModel()

    def item(self, row: int) -> IndicatorScore:
        return self._rows[row]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = WhyColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is WhyColumn.CODE:
                return item.code
            if column is WhyColumn.INDICATOR:
                return item.title
            if column is WhyColumn.REGISTERED:
                return item.registered_text
            if column is WhyColumn.ACHIEVED:
                return item.achieved_text
            if column is WhyColumn.ATTAINMENT:
                return percent_text(item.attainment) if item.attainment is not None else "—"
            if column is WhyColumn.POINTS:
                if not item.counts:
                    return "—"
                return f"{number_text(item.points)} / {number_text(item.max_points)}"
            return item.explain()
        if role == Qt.ItemDataRole.ForegroundRole and not item.counts:
            return _GREY
        if role == Qt.ItemDataRole.ForegroundRole and item.status in (
            Status.NOT_REGISTERED,
            Status.NOT_REPORTED,
        ):
            return _WARN
        if role == Qt.ItemDataRole.ToolTipRole and column in (WhyColumn.INDICATOR, WhyColumn.WHY):
            return f"{item.title}\n\n{item.explain()}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            WhyColumn.ATTAINMENT,
            WhyColumn.POINTS,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
