"""Small dialogs of the scoring screen: propose a unit, set flags, trust a member's key."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.plans import scale_of
from app.scoring import ProposalInfo, Scoreboard, UnitScore, achievement_summary, score_text
from db.enums import Sector, UnitKind

from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.styles import ERROR_TEXT_STYLE
from ui.widgets.tables import kind_label, sector_label


class ProposeDialog(QDialog):
    """An award and/or a grade for one unit, with its achievement summary."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

    def __init__(self, board: Scoreboard, score: UnitScore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("propose-unit")
        self.unit = score.unit
        proposal: ProposalInfo | None = board.proposals.get(score.unit.id)
        suggestion = board.suggestion(score.unit.id)
        self.award = QComboBox()
        self.award.setObjectName("propose-award")
        self.award.addItem("", "")
        for award in board.rules.rules.awards:
            self.award.addItem(award.label, award.code)
        self.grade = QComboBox()
        self.grade.setObjectName("propose-grade")
        self.grade.addItem("", None)
        # An upper-level union is graded on its own scale when the rules give one.
        for code, label in scale_of(board.plan, board.rules.rules, score.unit.kind):
            self.grade.addItem(label, code)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("propose-summary")
        if proposal is not None:
            self.award.setCurrentIndex(max(0, self.award.findData(proposal.award)))
            self.grade.setCurrentIndex(max(0, self.grade.findData(proposal.grade)))
            self.summary.setPlainText(proposal.summary)
        else:
            if suggestion is not None:
                self.award.setCurrentIndex(max(0, self.award.findData(suggestion.code)))
            self.grade.setCurrentIndex(max(0, self.grade.findData(score.grade)))
            self.summary.setPlainText(achievement_summary(board, score.unit.id))
        self._facts = QLabel()
        self._facts.setWordWrap(True)
        self._score = score
        self._suggestion = suggestion.label if suggestion else ""
        self._form = QFormLayout()
        self._award_label, self._grade_label, self._summary_label = QLabel(), QLabel(), QLabel()
        self._form.addRow(self._award_label, self.award)
        self._form.addRow(self._grade_label, self.grade)
        self._form.addRow(self._summary_label, self.summary)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_TEXT_STYLE)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._facts)
        layout.addLayout(self._form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 420)
        self.translateUI()

    def translateUI(self) -> None:
        score = self._score
        self.setWindowTitle(_("Propose {name}").format(name=score.unit.name))
        facts = _("{name}: {score} points.").format(
            name=score.unit.name, score=score_text(score.score)
        )
        if self._suggestion:
            facts += " " + _("The rules suggest: {award}.").format(award=self._suggestion)
        if not score.eligible:
            facts += " " + _("Not eligible for an award: {reasons}.").format(
                reasons="; ".join(v.label for v in score.vetoes if v.no_award) or _("no score")
            )
        self._facts.setText(facts)
        self._award_label.setText(_("Award:"))
        self._grade_label.setText(_("Grade:"))
        self._summary_label.setText(_("Achievements:"))
        self.award.setItemText(0, _("(none)"))
        self.grade.setItemText(0, _("(none)"))

    def _check(self) -> None:
        if not self.award.currentData() and self.grade.currentData() is None:
            self.message.setText(_("Choose an award or a grade to propose."))
            return
        self.accept()


class FlagsDialog(QDialog):
    """The rules' custom flags for one unit, each with a note."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

    def __init__(
        self,
        board: Scoreboard,
        score: UnitScore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unit-flags")
        self.unit = score.unit
        current = board.flags.get(score.unit.id, {})
        self.boxes: dict[str, QCheckBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        self.before = dict(current)
        grid = QGridLayout()
        for row, flag in enumerate(board.rules.rules.flags):
            box = QCheckBox(flag.label)
            box.setChecked(flag.code in current)
            note = QLineEdit(current.get(flag.code, ""))
            self.boxes[flag.code] = box
            self.notes[flag.code] = note
            grid.addWidget(box, row, 0)
            grid.addWidget(note, row, 1)
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        self.translateUI()

    def translateUI(self) -> None:
        self.setWindowTitle(_("Flags of {name}").format(name=self.unit.name))
        self._intro.setText(
            _("A flag may bar the unit from commendation or cap its grade (see the vetoes).")
            if self.boxes
            else _("The rules define no flags.")
        )
        for note in self.notes.values():
            note.setPlaceholderText(_("What happened (for the record)"))

    def changes(self) -> tuple[dict[str, str], list[str]]:
        """(flags to set with their notes, flags to clear)."""
        to_set = {
            code: self.notes[code].text().strip()
            for code, box in self.boxes.items()
            if box.isChecked()
            and (code not in self.before or self.before[code] != self.notes[code].text().strip())
        }
        to_clear = [c for c, box in self.boxes.items() if not box.isChecked() and c in self.before]
        return to_set, to_clear


class TrustMemberDialog(QDialog):
    """Confirm a member's key: the fingerprint read on its stamped form, its kind and sector."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

    def __init__(self, code: str, name: str, fingerprint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trust-member")
        self._code, self._name, self._fingerprint = code, name, fingerprint
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setObjectName("trust-fingerprint")
        self.kind = QComboBox()
        for kind in (UnitKind.GRASSROOTS, UnitKind.UPPER):
            self.kind.addItem("", kind.value)
        self.sector = QComboBox()
        self.sector.addItem("", None)
        for sector in Sector:
            self.sector.addItem("", sector.value)
        self._labels = [QLabel(), QLabel(), QLabel()]
        form = QFormLayout()
        form.addRow(self._labels[0], self.typed)
        form.addRow(self._labels[1], self.kind)
        form.addRow(self._labels[2], self.sector)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.translateUI()

    def translateUI(self) -> None:
        self.setWindowTitle(_("Trust a member of the cluster"))
        self.intro.setText(
            _(
                "Enrolment of {code} — {name}.\nIts key fingerprint is:\n{fingerprint}\n\n"
                "Type the fingerprint printed on the member's stamped form or key card:"
            ).format(code=self._code, name=self._name, fingerprint=self._fingerprint)
        )
        self._labels[0].setText(_("Fingerprint:"))
        self._labels[1].setText(_("Kind:"))
        self._labels[2].setText(_("Sector:"))
        for index in range(self.kind.count()):
            self.kind.setItemText(index, kind_label(UnitKind(self.kind.itemData(index))))
        self.sector.setItemText(0, _("(none)"))
        for index in range(1, self.sector.count()):
            self.sector.setItemText(index, sector_label(Sector(self.sector.itemData(index))))

    def choice(self) -> tuple[str, UnitKind, Sector | None]:
        sector = self.sector.currentData()
        return (
            self.typed.text().strip(),
            UnitKind(self.kind.currentData()),
            Sector(sector) if sector else None,
        )
