"""The plan editor's indicator dialog and its target dialog.

The dialogs only gather what staff type into :class:`IndicatorInput` /
:class:`TargetInput` values; the core checks them (:mod:`app.plans.indicator_input`)
and writes them (:mod:`app.plans.indicators`). Saving is asynchronous: the indicator dialog emits
``submitted`` and stays open until the plan page reports success, so a
refused edit keeps what was typed on screen next to the message.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.i18n import gettext as _
from app.plans import ALLOWED_ROLLUPS, IndicatorInput, RosterRef, TargetInput, is_percent
from db.enums import (
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

from ui.widgets.dialogs import translate_buttons
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import ModelIndex, RowTableModel, kind_label, sector_label


def indicator_kind_label(kind: IndicatorKind) -> str:
    return {
        IndicatorKind.COUNT: _("Count"),
        IndicatorKind.MONEY: _("Money (VND)"),
        IndicatorKind.RATIO: _("Ratio (achieved of a total)"),
        IndicatorKind.YES_NO: _("Yes / no"),
        IndicatorKind.GRADE: _("Grade"),
        IndicatorKind.TEXT: _("Text"),
    }[kind]


def rollup_label(rollup: Rollup) -> str:
    return {
        Rollup.SUM: _("Sum over the units"),
        Rollup.RATIO: _("Σ achieved / Σ total"),
        Rollup.SHARE_OF_UNITS: _("Share of the units that meet it"),
        Rollup.AVERAGE_PER_UNIT: _("Average per unit"),
        Rollup.NONE: _("Listed, not computed"),
    }[rollup]


def comparison_label(comparison: Comparison) -> str:
    return {
        Comparison.REACH: _("Reach"),
        Comparison.AT_LEAST: _("At least"),
        Comparison.MORE_THAN: _("More than"),
        Comparison.AT_MOST: _("At most"),
        Comparison.NONE: _("None (zero)"),
    }[comparison]


def scope_label(scope: TargetScope) -> str:
    return {
        TargetScope.AGGREGATE: _("Of the total"),
        TargetScope.EACH_UNIT: _("Each unit on its own"),
    }[scope]


def direction_label(direction: GradeDirection) -> str:
    return {
        GradeDirection.AT_OR_ABOVE: _("At or above"),
        GradeDirection.AT_OR_BELOW: _("At or below"),
    }[direction]


def _fill(combo: QComboBox, items: list[tuple[str, Any]], current: Any = None) -> None:
    """Refill ``combo``; enum data comes back from ``currentData()`` as its plain value."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    found = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(0, found))
    combo.blockSignals(False)


class _Checks(QWidget):
    """A row of check boxes, one per value; none ticked means "all"."""

    def __init__(self, values: list[Any], label: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self.boxes: dict[Any, QCheckBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for value in values:
            box = QCheckBox()
            box.setObjectName(f"check-{value}")
            self.boxes[value] = box
            layout.addWidget(box)
        layout.addStretch(1)
        self.translateUI()

    def translateUI(self) -> None:
        for value, box in self.boxes.items():
            box.setText(self._label(value))

    def chosen(self) -> tuple[Any, ...]:
        return tuple(v for v, box in self.boxes.items() if box.isChecked())

    def set_chosen(self, values: tuple[Any, ...]) -> None:
        for value, box in self.boxes.items():
            box.setChecked(value in values)


def _units_text(target: TargetInput, units: dict[str, RosterRef]) -> str:
    if target.unit_code:
        ref = units.get(target.unit_code)
        return f"{target.unit_code} {ref.name}" if ref else target.unit_code
    parts = [kind_label(k) for k in target.unit_kinds] + [sector_label(s) for s in target.sectors]
    return ", ".join(parts) or _("All units")


class TargetColumn(IntEnum):
    COMPARISON = 0
    VALUE = 1
    FOR = 2
    SCOPE = 3
    WORDING = 4

    def header(self) -> str:
        return {
            TargetColumn.COMPARISON: _("Comparison"),
            TargetColumn.VALUE: _("Value"),
            TargetColumn.FOR: _("For"),
            TargetColumn.SCOPE: _("Counted"),
            TargetColumn.WORDING: _("Wording"),
        }[self]


class TargetModel(RowTableModel[TargetInput]):
    """The targets being edited, as typed (not yet checked), numbered down the side."""

    columns = TargetColumn

    def __init__(
        self,
        units: dict[str, RosterRef],
        periods: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._units = units
        self._grades: dict[str, str] = {}
        self._periods = periods or {}

    def set_targets(self, targets: list[TargetInput], grades: dict[str, str]) -> None:
        self._grades = grades
        self.set_rows(targets)

    def targets(self) -> list[TargetInput]:
        return self.rows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        target = self._rows[index.row()]
        column = TargetColumn(index.column())
        if column is TargetColumn.COMPARISON:
            return comparison_label(target.comparison)
        if column is TargetColumn.VALUE:
            return target.value
        if column is TargetColumn.FOR:
            text = _units_text(target, self._units)
            if target.grade_level:
                grade = self._grades.get(target.grade_level, target.grade_level)
                direction = direction_label(target.grade_direction or GradeDirection.AT_OR_ABOVE)
                text = f"{text} — {direction.lower()} {grade}"
            return text
        if column is TargetColumn.SCOPE:
            if target.period:
                name = self._periods.get(target.period, target.period)
                return f"{scope_label(target.scope)} — {name}"
            return scope_label(target.scope)
        return target.wording

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(TargetColumn) - 1)
        self.layoutChanged.emit()


class TargetDialog(QDialog):
    """One target: comparison and value, for which units, how it is counted."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"

    def __init__(
        self,
        plan: domain.Plan,
        kind: IndicatorKind,
        units: dict[str, RosterRef],
        target: TargetInput | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("target-dialog")
        self.setWindowTitle(_("Target"))
        self.comparison = QComboBox()
        self.comparison.setObjectName("target-comparison")
        _fill(self.comparison, [(comparison_label(c), c) for c in Comparison])
        self.value = QLineEdit()
        self.value.setObjectName("target-value")
        self.value.setPlaceholderText(
            _("a percentage, e.g. 85 or 85,5") if is_percent(kind) else _("e.g. 2.000")
        )
        self.sectors = _Checks(list(Sector), sector_label)
        self.unit_kinds = _Checks([UnitKind.UPPER, UnitKind.GRASSROOTS], kind_label)
        self.unit = QComboBox()
        self.unit.setObjectName("target-unit")
        _fill(
            self.unit,
            [(_("The units chosen by sector and kind"), "")]
            + [(f"{ref.code} — {ref.name}", ref.code) for ref in units.values()],
        )
        self.scope = QComboBox()
        _fill(self.scope, [(scope_label(s), s) for s in TargetScope])
        self.grade = QComboBox()
        self.grade.setObjectName("target-grade")
        _fill(self.grade, [(g.label, g.code) for g in plan.grade_levels])
        self.direction = QComboBox()
        _fill(self.direction, [(direction_label(d), d) for d in GradeDirection])
        self.wording = QLineEdit()
        self.wording.setObjectName("target-wording")
        self.wording.setPlaceholderText(_("as the plan words it (optional)"))
        self.period = QComboBox()
        self.period.setObjectName("target-period")
        _fill(
            self.period,
            [(_("The year (judged on the year's results)"), "")]
            + [
                (_("{period} (judged on that period's results)").format(period=p.name), p.code)
                for p in plan.periods
                if p.code != plan.final_period
            ],
        )
        grade_row = QHBoxLayout()
        grade_row.addWidget(self.direction)
        grade_row.addWidget(self.grade, 1)
        form = QFormLayout()
        form.addRow(_("Comparison:"), self.comparison)
        form.addRow(_("Value:"), self.value)
        form.addRow(_("Sectors (none ticked: all):"), self.sectors)
        form.addRow(_("Kinds of unit (none ticked: all):"), self.unit_kinds)
        form.addRow(_("Given to one unit:"), self.unit)
        form.addRow(_("Counted:"), self.scope)
        form.addRow(_("Period:"), self.period)
        if kind is IndicatorKind.GRADE:
            form.addRow(_("Units graded:"), grade_row)
        else:
            self.grade.hide()
            self.direction.hide()
        form.addRow(_("Wording:"), self.wording)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._kind = kind
        if target is not None:
            self.comparison.setCurrentIndex(self.comparison.findData(target.comparison))
            self.value.setText(target.value)
            self.sectors.set_chosen(target.sectors)
            self.unit_kinds.set_chosen(target.unit_kinds)
            self.unit.setCurrentIndex(max(0, self.unit.findData(target.unit_code)))
            self.scope.setCurrentIndex(self.scope.findData(target.scope))
            if target.grade_level:
                self.grade.setCurrentIndex(max(0, self.grade.findData(target.grade_level)))
            if target.grade_direction:
                self.direction.setCurrentIndex(self.direction.findData(target.grade_direction))
            self.wording.setText(target.wording)
            self.period.setCurrentIndex(max(0, self.period.findData(target.period or "")))
        self.resize(720, self.sizeHint().height())

    def target(self) -> TargetInput:
        grade = self._kind is IndicatorKind.GRADE and self.grade.count() > 0
        return TargetInput(
            comparison=Comparison(self.comparison.currentData()),
            value=self.value.text().strip(),
            sectors=self.sectors.chosen(),
            unit_kinds=self.unit_kinds.chosen(),
            unit_code=self.unit.currentData() or "",
            scope=TargetScope(self.scope.currentData()),
            grade_level=self.grade.currentData() if grade else None,
            grade_direction=GradeDirection(self.direction.currentData()) if grade else None,
            wording=self.wording.text().strip(),
            period=self.period.currentData() or None,
        )


class IndicatorDialog(QDialog):
    """Add or change one indicator; ``submitted`` carries what was typed."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"

    submitted = Signal(object)  # IndicatorInput
    #: A target dialog opened (tests fill it in).
    target_dialog_opened = Signal(object)

    def __init__(
        self,
        plan: domain.Plan,
        units: dict[str, RosterRef],
        indicator: IndicatorInput | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("indicator-dialog")
        self.plan = plan
        self.units = units
        #: The code of the indicator being changed; None when adding one.
        self.replaces = indicator.code if indicator is not None else None
        self.setWindowTitle(
            _("New indicator")
            if indicator is None
            else _("Indicator {code}").format(code=indicator.code)
        )
        self.code = QLineEdit()
        self.code.setObjectName("indicator-code")
        self.code.setMaximumWidth(120)
        self.group = QComboBox()
        self.group.setObjectName("indicator-group")
        _fill(
            self.group,
            [(_("An item of its own"), "")]
            + [(f"{g.code}. {_shorten(g.text)}", g.code) for g in plan.groups],
        )
        self.title = QPlainTextEdit()
        self.title.setObjectName("indicator-title")
        self.title.setTabChangesFocus(True)
        self.title.setMaximumHeight(64)
        self.kind = QComboBox()
        self.kind.setObjectName("indicator-kind")
        _fill(self.kind, [(indicator_kind_label(k), k) for k in IndicatorKind])
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.rollup = QComboBox()
        self.rollup.setObjectName("indicator-rollup")
        self.unit_of_measure = QLineEdit()
        self.unit_of_measure.setObjectName("indicator-unit")
        self.unit_of_measure.setMaximumWidth(200)
        self.numerator = QLineEdit()
        self.numerator.setObjectName("indicator-numerator")
        self.denominator = QLineEdit()
        self.denominator.setObjectName("indicator-denominator")
        self.goal_comparison = QComboBox()
        _fill(
            self.goal_comparison,
            [(comparison_label(c), c) for c in (Comparison.AT_LEAST, Comparison.MORE_THAN)],
        )
        self.goal_value = QLineEdit()
        self.goal_value.setObjectName("indicator-goal")
        self.goal_value.setPlaceholderText(_("%, e.g. 80"))
        goal_row = QHBoxLayout()
        goal_row.addWidget(self.goal_comparison)
        goal_row.addWidget(self.goal_value, 1)
        self.unit_kinds = _Checks(list(UnitKind), kind_label)
        self.sectors = _Checks(list(Sector), sector_label)

        self.target_model = TargetModel(units, {p.code: p.name for p in plan.periods}, self)
        self.targets = QTableView()
        self.targets.setObjectName("indicator-targets")
        self.targets.setModel(self.target_model)
        self.targets.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.targets.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.targets.horizontalHeader().setSectionResizeMode(
            TargetColumn.FOR, QHeaderView.ResizeMode.Stretch
        )
        self.targets.horizontalHeader().setSectionResizeMode(
            TargetColumn.WORDING, QHeaderView.ResizeMode.Stretch
        )
        self.targets.doubleClicked.connect(lambda _index: self.edit_target())
        self.targets.setMinimumHeight(130)
        self.add_target_button = QPushButton(_("Add a target…"))
        self.add_target_button.setObjectName("add-target")
        self.add_target_button.clicked.connect(lambda: self.edit_target(new=True))
        self.edit_target_button = QPushButton(_("Change…"))
        self.edit_target_button.clicked.connect(lambda: self.edit_target())
        self.remove_target_button = QPushButton(_("Remove"))
        self.remove_target_button.clicked.connect(self.remove_target)
        target_buttons = QHBoxLayout()
        target_buttons.addStretch(1)
        target_buttons.addWidget(self.add_target_button)
        target_buttons.addWidget(self.edit_target_button)
        target_buttons.addWidget(self.remove_target_button)
        targets_box = QGroupBox(_("Targets set by the plan"))
        targets_layout = QVBoxLayout(targets_box)
        targets_layout.addWidget(self.targets, 1)
        targets_layout.addLayout(target_buttons)

        code_row = QHBoxLayout()
        code_row.addWidget(self.code)
        code_row.addWidget(QLabel(_("under")))
        code_row.addWidget(self.group, 1)
        form = QFormLayout()
        form.addRow(_("Code:"), code_row)
        form.addRow(_("Indicator title:"), self.title)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind)
        kind_row.addWidget(QLabel(_("rolls up as")))
        kind_row.addWidget(self.rollup, 1)
        form.addRow(_("Kind:"), kind_row)
        form.addRow(_("Unit of measure:"), self.unit_of_measure)
        self._numerator_label = QLabel(_("Number achieved:"))
        self._denominator_label = QLabel(_("Out of a total of:"))
        self._goal_label = QLabel(_("Each unit must reach:"))
        form.addRow(self._numerator_label, self.numerator)
        form.addRow(self._denominator_label, self.denominator)
        form.addRow(self._goal_label, goal_row)
        form.addRow(_("Applies to (none ticked: all):"), self.unit_kinds)
        form.addRow(_("In the sectors (none ticked: all):"), self.sectors)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(targets_box, 1)
        layout.addWidget(self.buttons)

        if indicator is not None:
            self.code.setText(indicator.code)
            self.group.setCurrentIndex(max(0, self.group.findData(indicator.group_code)))
            self.title.setPlainText(indicator.title)
            self.kind.setCurrentIndex(self.kind.findData(indicator.kind))
            self.unit_of_measure.setText(indicator.unit_of_measure)
            self.numerator.setText(indicator.numerator_label)
            self.denominator.setText(indicator.denominator_label)
            if indicator.unit_goal_comparison is not None:
                found = self.goal_comparison.findData(indicator.unit_goal_comparison)
                self.goal_comparison.setCurrentIndex(max(0, found))
            self.goal_value.setText(indicator.unit_goal_value)
            self.unit_kinds.set_chosen(indicator.unit_kinds)
            self.sectors.set_chosen(indicator.sectors)
        self._kind_changed(self.kind.currentIndex(), indicator.rollup if indicator else None)
        self.target_model.set_targets(
            list(indicator.targets) if indicator else [],
            {g.code: g.label for g in plan.grade_levels},
        )
        fit_to_screen(self, 960, 760)

    # --- kind-dependent fields --------------------------------------------------------------

    @Slot(int)
    def _kind_changed(self, _index: int, rollup: Rollup | None = None) -> None:
        kind = IndicatorKind(self.kind.currentData())
        current = rollup or self.rollup.currentData()
        _fill(self.rollup, [(rollup_label(r), r) for r in ALLOWED_ROLLUPS[kind]], current)
        ratio = kind is IndicatorKind.RATIO
        for widget in (
            self.numerator,
            self.denominator,
            self.goal_comparison,
            self.goal_value,
            self._numerator_label,
            self._denominator_label,
            self._goal_label,
        ):
            widget.setEnabled(ratio)
        self.targets.setEnabled(kind is not IndicatorKind.TEXT)
        self.add_target_button.setEnabled(kind is not IndicatorKind.TEXT)

    # --- targets ----------------------------------------------------------------------------

    def _selected_target(self) -> int | None:
        rows = self.targets.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def edit_target(self, *, new: bool = False) -> TargetDialog | None:
        """Open the target dialog for a new target or the selected one."""
        row = None if new else self._selected_target()
        if not new and row is None:
            return None
        targets = self.target_model.targets()
        dialog = TargetDialog(
            self.plan,
            IndicatorKind(self.kind.currentData()),
            self.units,
            targets[row] if row is not None else None,
            self,
        )

        def chosen() -> None:
            current = self.target_model.targets()
            if row is None:
                current.append(dialog.target())
            else:
                current[row] = dialog.target()
            self.target_model.set_targets(
                current, {g.code: g.label for g in self.plan.grade_levels}
            )

        dialog.accepted.connect(chosen)
        dialog.open()
        self.target_dialog_opened.emit(dialog)
        return dialog

    @Slot()
    def remove_target(self) -> None:
        row = self._selected_target()
        if row is None:
            return
        current = self.target_model.targets()
        del current[row]
        self.target_model.set_targets(current, {g.code: g.label for g in self.plan.grade_levels})

    # --- the whole indicator ----------------------------------------------------------------

    def indicator(self) -> IndicatorInput:
        kind = IndicatorKind(self.kind.currentData())
        ratio = kind is IndicatorKind.RATIO
        return IndicatorInput(
            code=self.code.text().strip(),
            title=self.title.toPlainText().strip(),
            kind=kind,
            rollup=Rollup(self.rollup.currentData()),
            group_code=self.group.currentData() or "",
            unit_of_measure=self.unit_of_measure.text().strip(),
            numerator_label=self.numerator.text().strip() if ratio else "",
            denominator_label=self.denominator.text().strip() if ratio else "",
            sectors=self.sectors.chosen(),
            unit_kinds=self.unit_kinds.chosen(),
            unit_goal_comparison=Comparison(self.goal_comparison.currentData()) if ratio else None,
            unit_goal_value=self.goal_value.text().strip() if ratio else "",
            targets=tuple(self.target_model.targets()),
        )

    @Slot()
    def submit(self) -> None:
        """Hand what was typed to the page; the dialog closes when the core accepted it."""
        self.submitted.emit(self.indicator())


def _shorten(text: str, limit: int = 70) -> str:
    """``text`` cut to ``limit`` characters at a word (never inside one), with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
