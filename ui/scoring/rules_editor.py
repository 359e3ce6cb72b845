"""Editing a plan's scoring rules: one table per part of the ``thidua.scoring/1`` document.

The dialog only turns the tables into a document; the core validates it
when it is saved (:func:`app.scoring.rules.save_rules`), and its message is shown
here, so the screen and the command line accept exactly the same rules.
Numbers are typed with a comma or a dot for decimals and no thousands
separator ("0,1", "1.5", "120").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.i18n import gettext as _
from app.plans import SCORING_FORMAT, Method, Rules, TieBreaker, VetoCondition

from ui.scoring.rules_cells import (
    bands_text,
    bands_words,
    condition_code,
    condition_word,
    number_cell,
    number_value,
    parse_bands,
    reported_word,
    set_headers,
)
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.styles import ERROR_TEXT_STYLE, NOTE_STYLE

#: The tie-breaker orders offered, as stored.
TIE_BREAKER_CHOICES: tuple[tuple[str, ...], ...] = (
    (TieBreaker.INDICATORS_ATTAINED.value, TieBreaker.BONUS_POINTS.value),
    (TieBreaker.BONUS_POINTS.value, TieBreaker.INDICATORS_ATTAINED.value),
    (TieBreaker.INDICATORS_ATTAINED.value,),
    (TieBreaker.BONUS_POINTS.value,),
    (),
)


def _item(text: str, *, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RulesDialog(QDialog):
    """Edit the rules; ``save_requested`` carries the document to save.

    The owner saves it on its task runner and calls :meth:`show_error` or
    ``accept()``.
    """

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

    save_requested = Signal(dict)
    reset_requested = Signal()

    def __init__(self, plan: domain.Plan, rules: Rules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoring-rules")
        self._plan = plan
        self._rules = rules

        self.example = QCheckBox()
        self.note = QPlainTextEdit(rules.note)
        self.note.setMaximumHeight(80)
        self.period = QComboBox()
        for period in plan.periods:
            self.period.addItem(period.name, period.code)
        self.period.setCurrentIndex(max(0, self.period.findData(rules.period)))
        self.normalise = QCheckBox()
        self.normalise.setChecked(rules.normalise)
        self.example.setChecked(rules.example)
        self.default_bands = QLineEdit(bands_text(rules.default_bands))
        self.bands_words = QLabel()  # what the bands typed mean, in words
        self.bands_words.setObjectName("rules-bands-words")
        self.bands_words.setWordWrap(True)
        self.default_bands.textChanged.connect(self._show_bands_words)
        bands_box = QWidget()
        bands_layout = QVBoxLayout(bands_box)
        bands_layout.setContentsMargins(0, 0, 0, 0)
        bands_layout.addWidget(self.default_bands)
        bands_layout.addWidget(self.bands_words)
        self.tie_breakers = QComboBox()
        current = tuple(t.value for t in rules.tie_breakers)
        for choice in TIE_BREAKER_CHOICES:
            self.tie_breakers.addItem("", choice)
        self.tie_breakers.setCurrentIndex(
            TIE_BREAKER_CHOICES.index(current) if current in TIE_BREAKER_CHOICES else 0
        )
        general = QWidget()
        general_layout = QVBoxLayout(general)
        self._general_form = QFormLayout()
        general_layout.addLayout(self._general_form)
        general_layout.addStretch(1)
        self._general_labels = [QLabel() for _i in range(6)]
        for label, field in zip(
            self._general_labels,
            (
                self.example,
                self.note,
                self.period,
                self.normalise,
                bands_box,
                self.tie_breakers,
            ),
            strict=True,
        ):
            self._general_form.addRow(label, field)

        self.indicators = _table(8)
        self.indicators.setObjectName("rules-indicators")
        self.groups = _table(3)
        self.groups.setObjectName("rules-groups")
        self.grades = _table(4)  # the plan's scale; the upper-level unions' own beside it
        self.grades.setObjectName("rules-grades")
        self.vetoes = _table(7)
        self.vetoes.setObjectName("rules-vetoes")
        self.flags = _table(2)
        self.flags.setObjectName("rules-flags")
        self.awards = _table(5)
        self.awards.setObjectName("rules-awards")
        self._fill()

        self.tabs = QTabWidget()
        self._pages: list[QWidget] = [general]
        self.tabs.addTab(general, "")
        self._add_buttons: list[QPushButton] = []
        self._remove_buttons: list[QPushButton] = []
        self._add_group = QPushButton()
        self._add_group.clicked.connect(lambda: self.groups.insertRow(self.groups.rowCount()))
        groups_page = QWidget()
        groups_layout = QVBoxLayout(groups_page)
        groups_layout.addWidget(self.groups, 1)
        group_row = QHBoxLayout()
        group_row.addWidget(self._add_group)
        group_row.addStretch(1)
        groups_layout.addLayout(group_row)
        for page in (self.indicators, groups_page, self.grades):
            self._pages.append(page)
            self.tabs.addTab(page, "")
        for table in (self.vetoes, self.flags, self.awards):
            page = QWidget()
            add, remove = QPushButton(), QPushButton()
            add.clicked.connect(lambda _c=False, t=table: t.insertRow(t.rowCount()))
            remove.clicked.connect(lambda _c=False, t=table: self._remove_row(t))
            self._add_buttons.append(add)
            self._remove_buttons.append(remove)
            buttons = QHBoxLayout()
            buttons.addWidget(add)
            buttons.addWidget(remove)
            buttons.addStretch(1)
            layout = QVBoxLayout(page)
            layout.addWidget(table, 1)
            layout.addLayout(buttons)
            self._pages.append(page)
            self.tabs.addTab(page, "")
        self.example_banner = QLabel(self)  # a child at once: shown parentless it would be a window
        self.example_banner.setWordWrap(True)
        self.example_banner.setStyleSheet(NOTE_STYLE)
        self.example_banner.setVisible(rules.example)
        self.example.toggled.connect(self.example_banner.setVisible)
        self.message = QLabel()
        self.message.setObjectName("rules-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_TEXT_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._reset_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ResetRole)
        self._reset_button.clicked.connect(self.reset_requested)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.example_banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1100, 720)
        self.translateUI()

    # --- filling the tables -------------------------------------------------------------------

    def _grade_cell(self, code: str | None) -> str:
        return next((g.label for g in self._plan.grade_levels if g.code == code), code or "")

    def _grade_code(self, text: str) -> str:
        """A grade typed as its label or its code; the core refuses anything else."""
        wanted = text.strip().casefold()
        for level in self._plan.grade_levels:
            if wanted in (level.code.casefold(), level.label.casefold()):
                return level.code
        return text.strip()

    def _flag_code(self, text: str) -> str:
        """A flag typed as its label or its code (the flags table says which)."""
        wanted = text.strip().casefold()
        for row in range(self.flags.rowCount()):
            code, label = _text(self.flags, row, 0), _text(self.flags, row, 1)
            if wanted in (code.casefold(), label.casefold()):
                return code
        return text.strip()

    def _fill(self) -> None:
        rules, plan = self._rules, self._plan
        found = {r.code: (g, r) for g in rules.groups for r in g.indicators}
        self.indicators.setRowCount(len(plan.indicators))
        for row, indicator in enumerate(plan.indicators):
            group, rule = found.get(indicator.code, (None, None))
            cells = [
                _item(group.code if group else ""),
                _item(indicator.code, editable=False),
                _item(indicator.title, editable=False),
                _item(number_cell(rule.points) if rule else ""),
                _item(bands_text(rule.bands) if rule and rule.bands else ""),
                _item(number_cell(rule.cap) if rule and rule.cap != 100 else ""),
                _item(
                    number_cell(rule.bonus_per_percent) if rule and rule.bonus_per_percent else ""
                ),
                _item(
                    "; ".join(
                        f"{self._grade_cell(g)}: {number_cell(s)}" for g, s in rule.grade_shares
                    )
                    if rule and rule.method is Method.GRADE
                    else (reported_word() if rule and rule.method is Method.REPORTED else "")
                ),
            ]
            for column, cell in enumerate(cells):
                self.indicators.setItem(row, column, cell)
        self.groups.setRowCount(len(rules.groups))
        for row, group in enumerate(rules.groups):
            for column, text in enumerate((group.code, group.title, number_cell(group.weight))):
                self.groups.setItem(row, column, _item(text))
        thresholds = {g.grade: g.min_score for g in rules.grades}
        self.grades.setRowCount(len(plan.grade_levels))
        upper = rules.upper_grades
        for row, level in enumerate(plan.grade_levels):
            self.grades.setItem(row, 0, _item(level.label, editable=False))
            self.grades.setItem(row, 1, _item(number_cell(thresholds.get(level.code))))
            self.grades.setItem(row, 2, _item(upper[row].label if upper else ""))
            self.grades.setItem(row, 3, _item(number_cell(upper[row].min_score) if upper else ""))
        self.vetoes.setRowCount(len(rules.vetoes))
        for row, veto in enumerate(rules.vetoes):
            flag_labels = {f.code: f.label for f in rules.flags}
            subject = (flag_labels.get(veto.flag, veto.flag) if veto.flag else None) or (
                veto.indicator or ""
            )
            cells = [
                _item(veto.code),
                _item(veto.label),
                _item(condition_word(veto.when)),
                _item(subject),
                _item(self._grade_cell(veto.at_or_below)),
                _item(""),
                _item(self._grade_cell(veto.max_grade)),
            ]
            cells[5].setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            cells[5].setCheckState(
                Qt.CheckState.Checked if veto.no_award else Qt.CheckState.Unchecked
            )
            for column, cell in enumerate(cells):
                self.vetoes.setItem(row, column, cell)
        self.flags.setRowCount(len(rules.flags))
        for row, flag in enumerate(rules.flags):
            self.flags.setItem(row, 0, _item(flag.code))
            self.flags.setItem(row, 1, _item(flag.label))
        self.awards.setRowCount(len(rules.awards))
        for row, award in enumerate(rules.awards):
            for column, text in enumerate(
                (
                    award.code,
                    award.label,
                    number_cell(award.min_score),
                    self._grade_cell(award.min_grade),
                    str(award.max_cluster_rank) if award.max_cluster_rank is not None else "",
                )
            ):
                self.awards.setItem(row, column, _item(text))

    def _fit_columns(self) -> None:
        """Columns as wide as their contents and their (wrapped) headers, once both are set."""
        for table in (
            self.indicators,
            self.groups,
            self.grades,
            self.vetoes,
            self.flags,
            self.awards,
        ):
            table.resizeColumnsToContents()
        self.indicators.setColumnWidth(2, 360)
        for table in (self.vetoes, self.flags, self.awards, self.groups):
            table.setColumnWidth(1, 340)
        self.groups.setColumnWidth(1, 520)
        self.grades.setColumnWidth(2, 380)

    def _remove_row(self, table: QTableWidget) -> None:
        row = table.currentRow()
        if row >= 0:
            table.removeRow(row)

    # --- language ---------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.setWindowTitle(_("Scoring rules — {plan}").format(plan=self._plan.title))
        for label, text in zip(
            self._general_labels,
            (
                _("Example rules:"),
                _("Note:"),
                _("Results scored:"),
                _("Score out of 100:"),
                _("Default bands:"),
                _("Ties broken by:"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.example.setText(_("still the example, not yet adopted by the federation"))
        self.normalise.setText(
            _("100 × points earned / points possible over the indicators that apply")
        )
        self.default_bands.setToolTip(
            _("Attainment from (%) : share of the points (%), best first, e.g. 100:100; 90:80")
        )
        names = {
            TieBreaker.INDICATORS_ATTAINED.value: _("indicators attained in full"),
            TieBreaker.BONUS_POINTS.value: _("bonus points"),
        }
        for index, choice in enumerate(TIE_BREAKER_CHOICES):
            text = ", ".join(names[c] for c in choice) if choice else _("none (equal scores share)")
            self.tie_breakers.setItemText(index, text)
        self.example_banner.setText(
            _(
                "These are example rules shipped with the software. Review every figure and "
                "untick “Example rules” when the federation adopts them; printed lists say "
                "so until then."
            )
        )
        for index, title in enumerate(
            (
                _("General"),
                _("Indicators"),
                _("Groups and weights"),
                _("Grades"),
                _("Vetoes"),
                _("Flags"),
                _("Awards"),
            )
        ):
            self.tabs.setTabText(index, title)
        set_headers(
            self.indicators,
            [
                _("Group"),
                _("Code"),
                _("Indicator"),
                _("Points"),
                _("Bands (default if empty)"),
                _("Counted up to (%)"),
                _("Bonus per % above 100"),
                _("Grade shares / method"),
            ],
        )
        set_headers(self.groups, [_("Group"), _("Group name"), _("Weight")])
        set_headers(
            self.grades,
            [
                _("Grade"),
                _("Minimum score"),
                _("Grade of the upper-level unions\n(empty: graded as the grassroots)"),
                _("Minimum score\n(upper-level unions)"),
            ],
        )
        set_headers(
            self.vetoes,
            [
                _("Code"),
                _("Label"),
                _("When (a flag, an indicator's grade, no report)"),
                _("Flag or indicator"),
                _("At or below grade"),
                _("No commendation"),
                _("Grade at most"),
            ],
        )
        set_headers(self.flags, [_("Code"), _("Label")])
        set_headers(
            self.awards,
            [_("Code"), _("Label"), _("Minimum score"), _("Minimum grade"), _("Rank in cluster ≤")],
        )
        for button in self._add_buttons:
            button.setText(_("Add a row"))
        for button in self._remove_buttons:
            button.setText(_("Remove the row"))
        self._add_group.setText(_("Add a group"))
        self._reset_button.setText(_("Back to the default rules"))
        self._show_bands_words()
        self._fit_columns()

    @Slot()
    def _show_bands_words(self) -> None:
        self.bands_words.setText(bands_words(self.default_bands.text()))

    # --- the document --------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The rules as the tables say; :class:`ValueError` with a message if unreadable."""
        plan = self._plan
        default_bands = parse_bands(self.default_bands.text())
        if isinstance(default_bands, str):
            raise ValueError(_("Cannot read the band “{text}”.").format(text=default_bands))
        groups: dict[str, dict[str, Any]] = {}
        for row in range(self.groups.rowCount()):
            code = _text(self.groups, row, 0)
            if not code:
                continue
            groups[code] = {
                "code": code,
                "title": _text(self.groups, row, 1),
                "weight": number_value(_text(self.groups, row, 2)) or "1",
                "indicators": [],
            }
        for row, indicator in enumerate(plan.indicators):
            group = _text(self.indicators, row, 0)
            if not group:
                continue
            if group not in groups:
                raise ValueError(
                    _("Group {group} of indicator {code} is not in the groups table.").format(
                        group=group, code=indicator.code
                    )
                )
            item: dict[str, Any] = {
                "code": indicator.code,
                "points": number_value(_text(self.indicators, row, 3)) or "0",
            }
            bands = _text(self.indicators, row, 4)
            if bands:
                parsed = parse_bands(bands)
                if isinstance(parsed, str):
                    raise ValueError(_("Cannot read the band “{text}”.").format(text=parsed))
                item["bands"] = parsed
            cap = number_value(_text(self.indicators, row, 5))
            if cap is not None:
                item["cap"] = cap
            bonus = number_value(_text(self.indicators, row, 6))
            if bonus is not None:
                item["bonus_per_percent"] = bonus
            extra = _text(self.indicators, row, 7)
            if extra.casefold() in (Method.REPORTED.value, reported_word().casefold()):
                item["method"] = Method.REPORTED.value
            elif extra:
                shares: dict[str, str] = {}
                for part in extra.split(";"):
                    grade, _sep, share = part.partition(":")
                    grade = self._grade_code(grade)
                    shares[grade] = number_value(share) or "0"
                item["grade_shares"] = shares
            groups[group]["indicators"].append(item)
        grades = []
        for row, level in enumerate(plan.grade_levels):
            value = number_value(_text(self.grades, row, 1))
            if value is not None:
                grades.append({"grade": level.code, "min_score": value})
        vetoes = []
        for row in range(self.vetoes.rowCount()):
            code = _text(self.vetoes, row, 0)
            if not code:
                continue
            when = condition_code(_text(self.vetoes, row, 2))
            veto: dict[str, Any] = {"code": code, "label": _text(self.vetoes, row, 1), "when": when}
            subject = _text(self.vetoes, row, 3)
            if when == VetoCondition.FLAG.value:
                veto["flag"] = self._flag_code(subject)
            elif when == VetoCondition.GRADE.value:
                veto["indicator"] = subject
                veto["at_or_below"] = self._grade_code(_text(self.vetoes, row, 4))
            check = self.vetoes.item(row, 5)
            veto["no_award"] = check is None or check.checkState() == Qt.CheckState.Checked
            if _text(self.vetoes, row, 6):
                veto["max_grade"] = self._grade_code(_text(self.vetoes, row, 6))
            vetoes.append(veto)
        flags = [
            {"code": _text(self.flags, row, 0), "label": _text(self.flags, row, 1)}
            for row in range(self.flags.rowCount())
            if _text(self.flags, row, 0)
        ]
        awards = []
        for row in range(self.awards.rowCount()):
            code = _text(self.awards, row, 0)
            if not code:
                continue
            award: dict[str, Any] = {"code": code, "label": _text(self.awards, row, 1)}
            if number_value(_text(self.awards, row, 2)) is not None:
                award["min_score"] = number_value(_text(self.awards, row, 2))
            if _text(self.awards, row, 3):
                award["min_grade"] = self._grade_code(_text(self.awards, row, 3))
            rank = _text(self.awards, row, 4)
            if rank:
                if not rank.isdigit():
                    raise ValueError(
                        _("The rank of award {code} must be a whole number.").format(code=code)
                    )
                award["max_cluster_rank"] = int(rank)
            awards.append(award)
        return {
            "format": SCORING_FORMAT,
            "plan": plan.id,
            "example": self.example.isChecked(),
            "note": self.note.toPlainText().strip(),
            "period": self.period.currentData(),
            "normalise": self.normalise.isChecked(),
            "default_bands": default_bands,
            "groups": list(groups.values()),
            "flags": flags,
            "vetoes": vetoes,
            "grades": grades,
            "awards": awards,
            "tie_breakers": list(self.tie_breakers.currentData()),
            **self._upper_grades(),
        }

    def _upper_grades(self) -> dict[str, Any]:
        """The upper-level unions' scale as typed: none when every cell is empty (they are
        then graded on the plan's scale); a level keeps its code, a new one is numbered."""
        rows = [
            (_text(self.grades, row, 2), _text(self.grades, row, 3))
            for row in range(self.grades.rowCount())
        ]
        if not any(label or score for label, score in rows):
            return {}
        if not all(label and score for label, score in rows):
            raise ValueError(
                _(
                    "Give every level of the upper-level unions' scale its name and minimum "
                    "score, or leave both columns empty."
                )
            )
        old = self._rules.upper_grades
        levels = []
        for row, (label, score) in enumerate(rows):
            code = old[row].grade if row < len(old) else f"cap_tren_{row + 1}"
            levels.append({"grade": code, "label": label, "min_score": number_value(score)})
        return {"upper_grades": levels}

    @Slot()
    def _save(self) -> None:
        try:
            document = self.document()
        except ValueError as error:
            self.show_error(str(error))
            return
        self.message.setText("")
        self.save_requested.emit(document)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
